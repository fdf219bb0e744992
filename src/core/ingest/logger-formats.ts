/**
 * What a JSON payload says, read the way its logging library wrote it. Pure; never throws on
 * any JSON value (a field of the wrong type is ignored or used as far as it makes sense).
 *
 * | Logger | Message | Error / exception | Level |
 * |---|---|---|---|
 * | pino / bunyan | `msg` | `err.{type or name, message, stack}` | `level` 10–60 |
 * | winston | `message` | `stack` (errors format), `error` | `level: "error"` |
 * | zap | `msg` | `error` (string), `stacktrace` | `level`: debug … dpanic, panic, fatal |
 * | Go slog | `msg` | `err` / `error` (string) | `level`: "ERROR", "WARN", "ERROR+2" |
 * | logstash-logback-encoder | `message` | `stack_trace` | `level`, `level_value` |
 * | Serilog compact JSON | `@m`, else `@mt` rendered | `@x` | `@l` (absent means Information) |
 * | python-json-logger / structlog | `message` / `event` | `exc_info`, `exception` (text or dict_tracebacks) | `levelname`, `level` |
 * | google-cloud-logging handlers | `message` (traceback appended) | in the message | `severity` |
 * | Error Reporting ReportedErrorEvent | `message` (may hold the trace) | `@type`, `context.reportLocation` | `severity` |
 * | nested error object | | `error: {type, value or message}` | |
 *
 * Where a stack trace may sit follows Error Reporting's rules for log entries (a trace in
 * `message`, `stack_trace` or `exception`), plus the fields the loggers above use.
 */
import { parseSeverity, type Severity } from "../severity";
import { type LocatedStackTrace, locateStackTrace } from "./stacktrace";

export interface LoggerException {
  /** The exception's class or type ("TypeError", "ConfigError"). */
  readonly type: string;
  /** Its message ("" when it has none). */
  readonly message: string;
  /** Text that may hold its stack trace. */
  readonly stack?: string;
  /** Frames given as data (structlog's dict_tracebacks), innermost first, `function (file)`. */
  readonly frames?: readonly string[];
}

export interface LoggerFields {
  /** The logger's own message: `message`, `msg`, `@m`, rendered `@mt`, `event`. */
  readonly message?: string;
  /** A typed exception the payload carries as data. */
  readonly exception?: LoggerException;
  /** Error text without a type (slog `err`, zap `error`, `error.message`), to append to the message. */
  readonly errorText?: string;
  /** Texts where a stack trace may sit, in the order they are tried. */
  readonly stackTexts: readonly string[];
  /** Error Reporting's `context.reportLocation` as `file:function`. */
  readonly reportLocation?: string;
}

/** Longest text read from any one field; a 1 MB stack is read from its start. */
export const MAX_FIELD_CHARS = 64 * 1024;

type Payload = Record<string, unknown>;

function isRecord(v: unknown): v is Payload {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function own(o: Payload, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

/** A field's value by any of `keys`, matched without regard to case (`Message`, `StackTrace`). */
function ownAnyCase(o: Payload, keys: readonly string[]): unknown {
  for (const key of keys) {
    const v = own(o, key);
    if (v !== undefined && v !== null) return v;
  }
  const lower = new Set(keys.map((k) => k.toLowerCase()));
  for (const k of Object.keys(o)) if (lower.has(k.toLowerCase()) && o[k] !== undefined && o[k] !== null) return o[k];
  return undefined;
}

function text(v: unknown, max = MAX_FIELD_CHARS): string | undefined {
  if (typeof v !== "string") return undefined;
  const cut = v.length > max ? v.slice(0, max) : v;
  return cut.trim() === "" ? undefined : cut;
}

/** A string, or a finite number or boolean as text. */
function scalarText(v: unknown, max = MAX_FIELD_CHARS): string | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v === "boolean") return String(v);
  return text(v, max);
}

const TYPE_KEYS = ["type", "name", "class", "kind", "exc_type", "errorType", "code"] as const;
const MESSAGE_KEYS = ["message", "value", "msg", "exc_value", "reason", "detail", "description", "error"] as const;
const STACK_KEYS = ["stack", "stacktrace", "stack_trace", "stackTrace", "traceback", "backtrace"] as const;

/** A type name worth showing: an identifier path, not a sentence or a number. */
const TYPE_NAME = /^[A-Za-z_$][\w$.:<>`+-]{0,119}$/;

/** `{type, message|value, stack}` (pino's err, Sentry-style `{type, value}`, .NET `{Type, Message, StackTrace}`). */
export function errorObject(v: unknown): { type?: string; message?: string; stack?: string; frames?: string[] } | undefined {
  if (!isRecord(v)) return undefined;
  const typeValue = ownAnyCase(v, TYPE_KEYS);
  const type = typeof typeValue === "string" && TYPE_NAME.test(typeValue.trim()) ? typeValue.trim() : undefined;
  let message: string | undefined;
  for (const key of MESSAGE_KEYS) {
    const m = ownAnyCase(v, [key]);
    const t = scalarText(m) ?? (isRecord(m) ? scalarText(ownAnyCase(m, ["message"])) : undefined);
    if (t !== undefined) {
      message = t;
      break;
    }
  }
  const stack = text(ownAnyCase(v, STACK_KEYS));
  const frames = dataFrames(own(v, "frames"));
  if (type === undefined && message === undefined && stack === undefined && frames === undefined) return undefined;
  return { type, message, stack, frames };
}

/** structlog dict_tracebacks frames `[{filename, lineno, name}]` (outermost first) → innermost first. */
function dataFrames(v: unknown): string[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const frames: string[] = [];
  for (let i = v.length - 1; i >= 0 && frames.length < 3; i--) {
    const f = v[i];
    if (!isRecord(f)) continue;
    const name = typeof f.name === "string" ? f.name : "<module>";
    const file = typeof f.filename === "string" ? f.filename.replace(/^.*[\\/]/, "") : "";
    frames.push(file ? `${name} (${file})` : name);
  }
  return frames.length > 0 ? frames : undefined;
}

/** Serilog's message template rendered with the payload's properties: `{OrderId}`, `{@Order}`, `{Elapsed:0.0}`. */
export function renderMessageTemplate(template: string, payload: Payload): string {
  return template.replace(
    /\{\{|\}\}|\{([@$]?)([A-Za-z_][\w]*)(?:,-?\d+)?(?::[^{}]*)?\}/g,
    (whole, _sigil: string, name: string | undefined) => {
      if (whole === "{{") return "{";
      if (whole === "}}") return "}";
      const v = name === undefined ? undefined : own(payload, name);
      if (v === undefined) return whole;
      if (typeof v === "string") return v;
      if (typeof v === "number" || typeof v === "boolean") return String(v);
      try {
        return JSON.stringify(v)?.slice(0, 200) ?? whole;
      } catch {
        return whole;
      }
    },
  );
}

const REPORTED_ERROR_EVENT = "ReportedErrorEvent";

export function readLoggerFields(payload: Payload): LoggerFields {
  const stackTexts: string[] = [];
  const addStack = (v: unknown): void => {
    const t = text(v);
    if (t !== undefined && t.includes("\n") && !stackTexts.includes(t)) stackTexts.push(t);
  };

  // The message.
  // Whole: normalization measures it against its size limit.
  let message =
    scalarText(own(payload, "message"), Infinity) ?? scalarText(own(payload, "msg"), Infinity) ?? text(own(payload, "@m"), Infinity);
  if (message === undefined) {
    const mt = text(own(payload, "@mt"), Infinity);
    if (mt !== undefined) message = renderMessageTemplate(mt, payload);
  }
  if (message === undefined && typeof payload.event === "string") message = text(payload.event, Infinity);

  // Typed exceptions and error text, in the order the loggers above put them.
  let exception: LoggerException | undefined;
  let errorText: string | undefined;
  const consider = (key: string, v: unknown): void => {
    if (v === undefined || v === null) return;
    if (typeof v === "string") {
      const t = text(v);
      if (t === undefined) return;
      if (t.includes("\n")) addStack(t);
      errorText ??= firstLine(t);
      return;
    }
    if (typeof v === "number" || typeof v === "boolean") {
      errorText ??= `${key}=${String(v)}`;
      return;
    }
    if (Array.isArray(v)) {
      // structlog dict_tracebacks: [{exc_type, exc_value, frames}, …], the escaping exception first.
      consider(
        key,
        v.find((x) => isRecord(x)),
      );
      return;
    }
    const e = errorObject(v);
    if (!e) return;
    if (e.stack !== undefined) addStack(e.stack);
    if (e.type !== undefined && !exception) {
      exception = { type: e.type, message: e.message ? (firstLine(e.message) ?? "") : "", stack: e.stack, frames: e.frames };
    } else if (e.message !== undefined) {
      errorText ??= firstLine(e.message);
    }
  };
  consider("err", own(payload, "err"));
  consider("error", own(payload, "error"));
  consider("exception", own(payload, "exception"));
  consider("@x", own(payload, "@x"));
  consider("exc_info", typeof payload.exc_info === "string" ? payload.exc_info : undefined);

  // Error Reporting's places for a trace, then the other loggers' fields.
  if (message !== undefined) addStack(message);
  for (const key of ["stack_trace", "stack", "stacktrace", "stackTrace", "exc_text", "traceback"]) addStack(own(payload, key));

  let reportLocation: string | undefined;
  const type = own(payload, "@type");
  if (typeof type === "string" && type.endsWith(REPORTED_ERROR_EVENT)) {
    const context = own(payload, "context");
    const location = isRecord(context) ? own(context, "reportLocation") : undefined;
    if (isRecord(location)) {
      const file = typeof location.filePath === "string" ? location.filePath : "";
      const fn = typeof location.functionName === "string" ? location.functionName : "";
      reportLocation = file && fn ? `${file}:${fn}` : file || fn || undefined;
    }
  }

  const out: { -readonly [K in keyof LoggerFields]: LoggerFields[K] } = { stackTexts };
  if (message !== undefined) out.message = message;
  if (exception !== undefined) out.exception = exception;
  if (errorText !== undefined && errorText !== message) out.errorText = errorText;
  if (reportLocation !== undefined) out.reportLocation = reportLocation;
  return out;
}

function firstLine(t: string): string | undefined {
  for (const line of t.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed !== "") return trimmed;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// A JSON payload's content, for normalization

export interface JsonContent {
  /**
   * The message to cluster on: the logger's message with the error text appended, or
   * `message: Type: text` for a typed error without frames, or for a payload without any message
   * its first meaningful string. With a trace, the logger's own message (the trace's lead).
   */
  readonly message?: string;
  readonly trace?: LocatedStackTrace;
  /** The line before the trace, when the trace is in the message itself. */
  readonly lead?: string;
  readonly traceInMessage: boolean;
  /** A typed error the payload carried without frames. */
  readonly typed?: { readonly type: string; readonly message: string };
  /** Set for a payload without a message of its own: its shape (see payloadShape). */
  readonly shape?: string;
  /** For a payload without any message or error: its first meaningful string (or "(no message)"). */
  readonly fallback?: string;
  /** Texts checked against the message size limit (the message, not the stack fields). */
  readonly measured: readonly string[];
  /** Error Reporting's `context.reportLocation`, a source when the entry has no other. */
  readonly reportLocation?: string;
}

/** Exception types that say nothing of their own ("error" is zap's frames-only trace). */
const GENERIC_TRACE_TYPES = new Set(["Error", "error"]);

/** What a jsonPayload says, per the rules in docs/logger-formats.md. */
export function describeJsonContent(
  payload: Payload,
  locate: (text: string) => LocatedStackTrace | undefined = locateStackTrace,
): JsonContent {
  const f = readLoggerFields(payload);
  const own = f.message;
  const measured = own === undefined ? [] : [own];
  const base = { measured, ...(f.reportLocation !== undefined ? { reportLocation: f.reportLocation } : {}) };
  if (own !== undefined) {
    const trace = locate(own);
    if (trace) return { ...base, message: own, trace, lead: trace.lead, traceInMessage: true };
  }
  const e = f.exception;
  if (e?.frames) {
    const trace: LocatedStackTrace = { type: e.type, message: e.message, frames: [...e.frames], startLine: 0 };
    return { ...base, message: own, trace, traceInMessage: own === undefined };
  }
  for (const text of f.stackTexts) {
    if (text === own) continue;
    const trace = locate(text);
    if (!trace) continue;
    // zap's frames-only trace has no exception line: its `error` text says what went wrong.
    const message =
      trace.message === "" && GENERIC_TRACE_TYPES.has(trace.type) && f.errorText !== undefined ? withErrorText(own, f.errorText) : own;
    return { ...base, message, trace, traceInMessage: message === undefined };
  }
  if (e) {
    const line = e.message ? `${e.type}: ${e.message}` : e.type;
    const message = own === undefined ? line : e.message && own.includes(e.message) ? own : `${own}: ${line}`;
    return {
      ...base,
      message,
      typed: { type: e.type, message: e.message },
      traceInMessage: false,
      ...(own === undefined ? { shape: payloadShape(payload) } : {}),
    };
  }
  if (f.errorText !== undefined) return { ...base, message: withErrorText(own, f.errorText), traceInMessage: false };
  if (own !== undefined) return { ...base, message: own, traceInMessage: false };
  return { ...base, fallback: payloadText(payload) ?? "(no message)", shape: payloadShape(payload), traceInMessage: false };
}

/** "upstream call failed: dial tcp … no such host"; the message alone when it already says it. */
function withErrorText(message: string | undefined, errorText: string): string {
  if (message === undefined) return errorText;
  return message.includes(errorText) ? message : `${message}: ${errorText}`;
}

// ---------------------------------------------------------------------------------------------
// Levels

const LEVEL_KEYS = ["severity", "level", "levelname", "@l", "log_level", "log.level", "loglevel", "lvl"] as const;

const LOGGER_LEVEL_NAMES: Record<string, Severity> = {
  VERBOSE: "DEBUG",
  SILLY: "DEBUG",
  HTTP: "INFO",
  DPANIC: "CRITICAL",
  EXCEPTION: "ERROR",
  WARN: "WARNING",
};

/** pino / bunyan: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal. */
function pinoLevel(n: number): Severity | undefined {
  if (!Number.isInteger(n) || n < 10 || n > 60) return undefined;
  if (n >= 60) return "CRITICAL";
  if (n >= 50) return "ERROR";
  if (n >= 40) return "WARNING";
  if (n >= 30) return "INFO";
  return "DEBUG";
}

/** logback's level_value: 5000 trace … 40000 error. */
function logbackLevel(n: number): Severity | undefined {
  if (!Number.isInteger(n) || n % 5000 !== 0 || n < 5000 || n > 40000) return undefined;
  if (n >= 40000) return "ERROR";
  if (n >= 30000) return "WARNING";
  if (n >= 20000) return "INFO";
  return "DEBUG";
}

const SLOG_BASE: Record<string, number> = { DEBUG: -4, INFO: 0, WARN: 4, WARNING: 4, ERROR: 8 };

/** slog's "ERROR+2", "INFO-4", "WARN+1": the base level plus an offset. */
function slogLevel(name: string): Severity | undefined {
  const m = /^(DEBUG|INFO|WARN|WARNING|ERROR)([+-]\d{1,3})$/.exec(name);
  if (!m) return undefined;
  const n = SLOG_BASE[m[1]!]! + Number(m[2]);
  if (n >= 8) return "ERROR";
  if (n >= 4) return "WARNING";
  if (n >= 0) return "INFO";
  return "DEBUG";
}

/** One level value as a logger wrote it; undefined when it is not one. */
export function parseLoggerLevel(v: unknown, key = "level"): Severity | undefined {
  if (typeof v === "number") {
    if (key === "level_value") return logbackLevel(v);
    if (key === "severity") {
      const s = parseSeverity(v);
      return s === "DEFAULT" ? undefined : s;
    }
    return pinoLevel(v);
  }
  if (typeof v !== "string" || v.trim() === "") return undefined;
  const upper = v.trim().toUpperCase();
  const named = LOGGER_LEVEL_NAMES[upper] ?? slogLevel(upper);
  if (named) return named;
  if (/^\d+$/.test(upper)) return parseLoggerLevel(Number(upper), key);
  const parsed = parseSeverity(upper);
  return parsed === "DEFAULT" ? undefined : parsed;
}

/**
 * The level the payload's logger wrote, from the first level field that reads as one. Serilog
 * leaves `@l` out for Information, so a Serilog payload (`@t` with `@m` or `@mt`) without it is INFO.
 */
export function loggerLevel(payload: Payload): Severity | undefined {
  for (const key of LEVEL_KEYS) {
    const found = parseLoggerLevel(own(payload, key), key);
    if (found !== undefined && found !== "DEFAULT") return found;
  }
  const logback = parseLoggerLevel(own(payload, "level_value"), "level_value");
  if (logback !== undefined) return logback;
  if (
    own(payload, "@l") === undefined &&
    typeof payload["@t"] === "string" &&
    (payload["@m"] !== undefined || payload["@mt"] !== undefined)
  )
    return "INFO";
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Payloads without a message

/** Payload keys that are bookkeeping, not what happened. */
const META_KEYS = new Set([
  "severity",
  "level",
  "levelname",
  "@l",
  "@t",
  "time",
  "timestamp",
  "@timestamp",
  "ts",
  "labels",
  "serviceContext",
  "@type",
  "pid",
  "hostname",
  "v",
  "logger",
  "logger_name",
  "caller",
  "trace",
  "spanId",
  "insertId",
  "logName",
]);

/**
 * The first string in a payload that reads as words (depth first, bookkeeping keys skipped),
 * else its scalar fields as `key=value` (a payload of only numbers): something to search for.
 */
export function payloadText(payload: Payload): string | undefined {
  return findString(payload, 0) ?? scalarPairs(payload);
}

function findString(o: Record<string, unknown>, depth: number): string | undefined {
  if (depth > 4) return undefined;
  for (const [k, v] of Object.entries(o)) {
    if (META_KEYS.has(k) || k.startsWith("logging.googleapis.com/")) continue;
    if (typeof v === "string" && meaningful(v)) return cut(v);
  }
  for (const [k, v] of Object.entries(o)) {
    if (META_KEYS.has(k) || k.startsWith("logging.googleapis.com/")) continue;
    const inner = isRecord(v)
      ? findString(v, depth + 1)
      : Array.isArray(v)
        ? v
            .map((x) => (isRecord(x) ? findString(x, depth + 1) : typeof x === "string" && meaningful(x) ? cut(x) : undefined))
            .find((x) => x !== undefined)
        : undefined;
    if (inner !== undefined) return inner;
  }
  return undefined;
}

function scalarPairs(o: Record<string, unknown>): string | undefined {
  const pairs: string[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (META_KEYS.has(k) || k.startsWith("logging.googleapis.com/")) continue;
    if ((typeof v === "number" && Number.isFinite(v)) || typeof v === "boolean" || typeof v === "string")
      pairs.push(`${k.slice(0, 40)}=${String(v).slice(0, 40)}`);
    if (pairs.length === 4) break;
  }
  return pairs.length > 0 ? pairs.join(" ") : undefined;
}

/** Letters in it, and not only an id, a number or a timestamp. */
function meaningful(s: string): boolean {
  const t = s.trim();
  if (!/\p{L}{2,}/u.test(t)) return false;
  if (/^[0-9a-f-]{16,}$/i.test(t)) return false;
  return !/^\d{4}-\d\d-\d\d[T ]\d\d:\d\d/.test(t);
}

function cut(s: string): string {
  const line = s.trim().split(/\r?\n/)[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

const MAX_SHAPE_KEYS = 30;

/**
 * A payload's field names and the shapes of their values, sorted, bookkeeping keys left out:
 * `error:{type:s,value:s},location:s` (s string, n number, b boolean, a array, z null; objects
 * two levels deep, then o).
 */
export function payloadShape(payload: Payload, depth = 0): string {
  const keys = Object.keys(payload)
    .filter((k) => !META_KEYS.has(k) && !k.startsWith("logging.googleapis.com/"))
    .sort();
  const parts = keys.slice(0, MAX_SHAPE_KEYS).map((k) => `${k.slice(0, 60)}:${valueShape(payload[k], depth)}`);
  if (keys.length > MAX_SHAPE_KEYS) parts.push("…");
  return parts.join(",");
}

function valueShape(v: unknown, depth: number): string {
  if (typeof v === "string") return "s";
  if (typeof v === "number") return "n";
  if (typeof v === "boolean") return "b";
  if (v === null || v === undefined) return "z";
  if (Array.isArray(v)) return "a";
  if (typeof v === "object") return depth < 1 ? `{${payloadShape(v as Payload, depth + 1)}}` : "o";
  return "?";
}
