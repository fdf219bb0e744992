/** Where in the code an entry comes from: module and function labels, the logger's name, the source location. */
import type { LogEntry } from "./entry-schema";
import { valueAt } from "./message";

const CONTEXT_NAME = ["context", "name"] as const;
/** `SourceContext` is Serilog's logger name. */
const LOGGER_KEYS = ["logger", "logger_name", "loggerName", "python_logger", "SourceContext"] as const;

/** "module.function" or "module" from a labels object (the payload's or the entry's). */
function moduleOf(labels: unknown): string | undefined {
  if (!labels || typeof labels !== "object" || Array.isArray(labels)) return undefined;
  const l = labels as Record<string, unknown>;
  const module = typeof l.module === "string" ? l.module : undefined;
  const fn = typeof l.function === "string" ? l.function : undefined;
  if (module && fn) return `${module}.${fn}`;
  return module || undefined;
}

export function findSource(entry: LogEntry): string | undefined {
  const payload = entry.jsonPayload;
  const labelled = moduleOf(payload?.labels) ?? moduleOf(entry.labels);
  if (labelled) return labelled;
  const context = payload ? valueAt(payload, CONTEXT_NAME) : undefined;
  if (typeof context === "string" && context !== "") return context;
  for (const key of LOGGER_KEYS) {
    const v = payload?.[key];
    if (typeof v === "string" && v !== "") return v;
  }
  const location = entry.sourceLocation ?? payload?.["logging.googleapis.com/sourceLocation"];
  if (location && typeof location === "object" && !Array.isArray(location)) {
    const l = location as Record<string, unknown>;
    const file = typeof l.file === "string" ? l.file : "";
    const fn = typeof l.function === "string" ? l.function : "";
    // No line number: lines move with every deploy, the fingerprint must not.
    if (file && fn) return `${file}:${fn}`;
    if (file || fn) return file || fn;
  }
  return undefined;
}
