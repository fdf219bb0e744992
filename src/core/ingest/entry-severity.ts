import { parseSeverity, type Severity } from "../severity";
import type { LogEntry } from "./entry-schema";
import { loggerLevel } from "./logger-formats";

/**
 * The entry's severity; when that is absent or DEFAULT, the level the payload's logger wrote
 * (`severity`, `level` as a name or pino/bunyan number, `levelname`, Serilog `@l`, zap and slog
 * names including `dpanic` and `ERROR+2`, logback `level_value`: see logger-formats.ts).
 * Unknown names don't cost the entry; they read as DEFAULT.
 */
export function entrySeverity(entry: LogEntry): Severity {
  const own = parseSeverity(entry.severity) ?? "DEFAULT";
  if (own !== "DEFAULT" || !entry.jsonPayload) return own;
  return loggerLevel(entry.jsonPayload) ?? own;
}
