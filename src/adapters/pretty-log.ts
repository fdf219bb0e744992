/**
 * The job's own log lines for a person at a terminal: a pino destination that takes each
 * structured JSON record (already redacted) and writes one short line instead:
 *
 *   01:02:03 INFO  worklog written  service=checkout-api clusters=4 worklog=./worklogs/…/0100Z.md
 *
 * Cloud Logging's bookkeeping (severity twice, serviceContext, insertId, the timestamp message)
 * is left out, and so are empty lists and objects; the rest are `key=value` pairs, long values
 * cut short. The context every line of a run carries (`window`, `execution`) is shown when it
 * changes, not on every line. An error's message and the
 * first lines of its stack follow, indented. Colour only when asked for (a terminal without
 * NO_COLOR). A record that is not JSON is written as it came.
 */
import type pino from "pino";

export interface PrettyLogOptions {
  readonly write: (text: string) => void;
  /** ANSI colours (a terminal, NO_COLOR unset). */
  readonly color: boolean;
  /**
   * The output is a terminal: each line first erases what is on the current one (the `read N
   * entries` progress counter), so a log line never lands in the middle of it.
   */
  readonly tty?: boolean;
  /** Longest value shown in a key=value pair; longer ones end in "…". */
  readonly maxValueChars?: number;
}

const LEVELS: Record<number, { readonly label: string; readonly color: string }> = {
  10: { label: "TRACE", color: "90" },
  20: { label: "DEBUG", color: "90" },
  30: { label: "INFO ", color: "32" },
  40: { label: "WARN ", color: "33" },
  50: { label: "ERROR", color: "31" },
  60: { label: "FATAL", color: "1;31" },
};

/** Keys that are Cloud Logging's bookkeeping, not something a person reads. */
const HIDDEN = new Set([
  "level",
  "severity",
  "time",
  "timestamp",
  "message",
  "msg",
  "serviceContext",
  "pid",
  "hostname",
  "logging.googleapis.com/insertId",
  "logging.googleapis.com/sourceLocation",
  "logging.googleapis.com/trace",
  "logging.googleapis.com/spanId",
  "logging.googleapis.com/trace_sampled",
  "logging.googleapis.com/labels",
  "stack_trace",
]);

/** Error-valued keys pino and the GCP config use; shown as message and stack, not as JSON. */
const ERROR_KEYS = new Set(["err", "error"]);

const STACK_LINES = 6;

/** Keys shown only when their value differs from the line before's. */
const CONTEXT_KEYS = ["window", "execution"] as const;

type FormatOptions = Pick<PrettyLogOptions, "color" | "tty" | "maxValueChars">;
/** The context values last shown, carried from one line to the next. */
type Context = Map<string, string>;

export function prettyLogDestination(options: PrettyLogOptions): pino.DestinationStream {
  const context: Context = new Map();
  return { write: (record: string) => options.write(formatLogRecord(record, options, context)) };
}

/** One pino JSON line (or several) as pretty lines, each ending in a newline. */
export function formatLogRecord(record: string, options: FormatOptions, context: Context = new Map()): string {
  let out = "";
  for (const line of record.split("\n")) {
    if (line.trim() === "") continue;
    out += formatLine(line, options, context);
  }
  return out;
}

function isEmpty(value: unknown): boolean {
  return value !== null && typeof value === "object" && (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0);
}

function formatLine(line: string, options: FormatOptions, context: Context): string {
  const paint = (code: string, text: string) => (options.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const erase = options.tty ? "\r\x1b[2K" : "";
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return `${erase}${line}\n`;
  }
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return `${erase}${line}\n`;
  const rec = obj as Record<string, unknown>;
  const level = LEVELS[typeof rec.level === "number" ? rec.level : 30] ?? { label: String(rec.severity ?? "LOG").padEnd(5), color: "0" };
  const message = typeof rec.message === "string" ? rec.message : typeof rec.msg === "string" ? rec.msg : "";
  const max = options.maxValueChars ?? 80;
  const pairs: string[] = [];
  const details: string[] = [];
  for (const [key, value] of Object.entries(rec)) {
    if (HIDDEN.has(key) || value === undefined) continue;
    if (key === "task" && value === 0) continue; // the only task of a local run
    if (isEmpty(value)) continue;
    if ((CONTEXT_KEYS as readonly string[]).includes(key)) {
      const shown = renderValue(value);
      if (context.get(key) === shown) continue;
      context.set(key, shown);
    }
    if (ERROR_KEYS.has(key) && value !== null && typeof value === "object") {
      details.push(...errorLines(value as Record<string, unknown>));
      continue;
    }
    pairs.push(`${paint("2", `${key}=`)}${shorten(renderValue(value), max)}`);
  }
  const head = [
    paint("2", clock(rec.timestamp)),
    paint(level.color, level.label),
    options.color ? `\x1b[1m${message}\x1b[0m` : message,
  ].join(" ");
  const rest = pairs.length > 0 ? `  ${pairs.join(" ")}` : "";
  const more = details.map((d) => `\n    ${paint("2", d)}`).join("");
  return `${erase}${head}${rest}${more}\n`;
}

/** "01:02:03" (UTC) from Cloud Logging's {seconds, nanos} or an ISO string; "--:--:--" without one. */
function clock(timestamp: unknown): string {
  let ms: number | undefined;
  if (typeof timestamp === "object" && timestamp !== null && typeof (timestamp as { seconds?: unknown }).seconds === "number") {
    ms = (timestamp as { seconds: number }).seconds * 1000;
  } else if (typeof timestamp === "string") ms = Date.parse(timestamp);
  else if (typeof timestamp === "number") ms = timestamp;
  if (ms === undefined || !Number.isFinite(ms)) return "--:--:--";
  return new Date(ms).toISOString().slice(11, 19);
}

function renderValue(value: unknown): string {
  if (typeof value === "string") return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

function errorLines(err: Record<string, unknown>): string[] {
  const stack = typeof err.stack === "string" ? err.stack.split("\n") : [];
  const message = typeof err.message === "string" ? err.message : undefined;
  const head = stack[0] ?? (message !== undefined ? `${typeof err.type === "string" ? err.type : "Error"}: ${message}` : renderValue(err));
  const frames = stack.slice(1, STACK_LINES).map((l) => l.trim());
  const omitted = stack.length > STACK_LINES ? [`… ${stack.length - STACK_LINES} more`] : [];
  return [head, ...frames.map((f) => `  ${f}`), ...omitted];
}
