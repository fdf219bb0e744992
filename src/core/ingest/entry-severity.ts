import { parseSeverity, type Severity } from "../severity";
import type { LogEntry } from "./entry-schema";

const LEVEL_KEYS = ["severity", "level", "levelname"] as const;

/**
 * The entry's severity; when that is absent or DEFAULT, a level name the payload carries
 * (`severity`, `level`, `levelname`: strings only, pino's numeric levels are not LogSeverity).
 * Unknown names don't cost the entry; they read as DEFAULT.
 */
export function entrySeverity(entry: LogEntry): Severity {
  const own = parseSeverity(entry.severity) ?? "DEFAULT";
  if (own !== "DEFAULT" || !entry.jsonPayload) return own;
  for (const key of LEVEL_KEYS) {
    const v = entry.jsonPayload[key];
    const parsed = typeof v === "string" ? parseSeverity(v) : undefined;
    if (parsed && parsed !== "DEFAULT") return parsed;
  }
  return own;
}
