/** Cloud Logging's LogSeverity, by name and by number. */
export const SEVERITIES = ["DEFAULT", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_NUMBER: Record<Severity, number> = {
  DEFAULT: 0,
  DEBUG: 100,
  INFO: 200,
  NOTICE: 300,
  WARNING: 400,
  ERROR: 500,
  CRITICAL: 600,
  ALERT: 700,
  EMERGENCY: 800,
};

export function severityRank(s: Severity): number {
  return SEVERITY_NUMBER[s];
}

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

/**
 * Parses a severity as Cloud Logging and common loggers write it: a name in any case
 * ("warning", "WARN", "err", "fatal"), a LogSeverity number (400, 500, …, rounded down to the
 * nearest level), or absent (DEFAULT). Returns undefined for anything else.
 */
export function parseSeverity(value: unknown): Severity | undefined {
  if (value === undefined || value === null || value === "") return "DEFAULT";
  if (typeof value === "number" && Number.isFinite(value)) return severityFromNumber(value);
  if (typeof value !== "string") return undefined;
  const upper = value.trim().toUpperCase();
  if (isSeverity(upper)) return upper;
  if (/^\d+$/.test(upper)) return severityFromNumber(Number(upper));
  return SEVERITY_ALIASES[upper];
}

const SEVERITY_ALIASES: Record<string, Severity> = {
  WARN: "WARNING",
  ERR: "ERROR",
  FATAL: "CRITICAL",
  CRIT: "CRITICAL",
  EMERG: "EMERGENCY",
  PANIC: "EMERGENCY",
  TRACE: "DEBUG",
  INFORMATION: "INFO",
};

function severityFromNumber(n: number): Severity {
  let found: Severity = "DEFAULT";
  for (const s of SEVERITIES) if (SEVERITY_NUMBER[s] <= n) found = s;
  return found;
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}
