/**
 * Normalization: one raw Cloud Logging entry (untrusted JSON) in, one NormalizedEntry or one
 * SkippedEntry out. Pure; never throws, whatever the input.
 *
 * What becomes the message, by payload:
 * - textPayload: the text. A stack trace in it makes the entry a "stacktrace".
 * - jsonPayload: `message`, `msg`, `error.message`, `err.message`, `error` / `exception` as a
 *   string, `exception.message`, then the stack fields. Without any of these, a compact rendering
 *   of the payload's keys (`{event=cache_miss, status, user_id}`) so the cluster still has a
 *   stable text. A stack trace in the message or in `stack`, `stacktrace` (zap), `stack_trace`,
 *   `stackTrace`, `exception`, `exc_info`, `error.stack`, `err.stack` makes it a "stacktrace".
 * - httpRequest (request logs, no payload message): kind "request", "METHOD ROUTE STATUS".
 *   An application log that carries an httpRequest and a message stays "application" but keeps
 *   the `http` field.
 * - protoPayload (audit logs): "audit METHOD status CODE (NAME)", `audit` set.
 *
 * A stack trace's message is "Type: message", prefixed by the payload's message or the line that
 * came before the trace when there is one ("Failed to charge order: ValueError: …"), unless that
 * line already says it.
 */
import { boundedRedactedCopy, cutText } from "../redact/bounded-copy";
import { type HttpRequest, isCommonLogEntry, type LogEntry, logEntrySchema, type ProtoPayload } from "./entry-schema";
import type { Redactor } from "../redact/redact";
import { maskRoute } from "./route";
import { parseSeverity, type Severity } from "../severity";
import { type LocatedStackTrace, locateStackTrace } from "./stacktrace";
import type { EntryKind, NormalizedEntry, SkippedEntry, SkipReason } from "../types";
import { fnvPair, hash52, hash52Joined } from "../hash";

export interface NormalizeOptions {
  /** Entries whose message is longer than this (UTF-8 bytes) are skipped as "message-too-large". */
  readonly maxMessageBytes: number;
  readonly redact: Redactor;
}

export type NormalizeResult = { ok: true; entry: NormalizedEntry } | { ok: false; skipped: SkippedEntry };

export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
/** The message kept for clustering; the rest is in the sample. */
export const MAX_MESSAGE_CHARS = 2000;
const MAX_URL_CHARS = 2000;
const MAX_SKIPPED_SAMPLE_CHARS = 500;
const PAYLOAD_SAMPLE_CHARS = 3000;
const META_SAMPLE_CHARS = 1000;

/** The service of an entry with no Cloud Run, job or function name. */
export const UNKNOWN_SERVICE = "unknown";

const SERVICE_LABELS = ["service_name", "job_name", "function_name"] as const;

/**
 * Which service an entry belongs to: the Cloud Run service name, else the job or function
 * name; undefined when it has none. Works on unvalidated input, so sources and the pipeline
 * can attribute even entries that normalization rejects.
 */
export function serviceOfEntry(raw: unknown): string | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const labels = (raw as { resource?: { labels?: Record<string, unknown> } }).resource?.labels;
  if (typeof labels !== "object" || labels === null) return undefined;
  for (const key of SERVICE_LABELS) {
    const name = labels[key];
    if (typeof name === "string" && name.length > 0) return name;
  }
  return undefined;
}

export function normalizeEntry(raw: unknown, options: NormalizeOptions): NormalizeResult {
  try {
    return normalizeUnchecked(raw, options);
  } catch (error) {
    // Deep nesting, a throwing redactor, anything we didn't foresee: count it, don't crash.
    return skip("invalid-entry", `normalization failed: ${describeError(error)}`, raw, options);
  }
}

function normalizeUnchecked(raw: unknown, options: NormalizeOptions): NormalizeResult {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return skip("not-an-object", `expected a LogEntry object, got ${describeType(raw)}`, raw, options);
  }
  const record = raw as Record<string, unknown>;
  const timestampValue = record.timestamp;
  if (timestampValue === undefined || timestampValue === null || timestampValue === "") {
    return skip("missing-timestamp", "the entry has no timestamp", raw, options);
  }
  if (typeof timestampValue !== "string") {
    return skip("bad-timestamp", `timestamp is ${describeType(timestampValue)}, not an RFC 3339 string`, raw, options);
  }
  const timestamp = parseTimestamp(timestampValue);
  if (timestamp === undefined) {
    return skip("bad-timestamp", `unparseable timestamp ${JSON.stringify(cutText(timestampValue, 60))}`, raw, options);
  }
  const nullPayload = nullPayloadOf(record);
  if (nullPayload) return skip("null-payload", `${nullPayload} is null`, raw, options);

  // A null field reads as an absent one ("trace": null in hand-made exports).
  if (isCommonLogEntry(record)) return build(record as LogEntry, timestamp, options, raw);
  const parsed = logEntrySchema.safeParse(withoutNulls(record));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join(".") || "(entry)";
    return skip("invalid-entry", `${path}: ${issue?.message ?? "invalid"}`, raw, options);
  }
  return build(parsed.data, timestamp, options, raw);
}

const PAYLOADS = ["jsonPayload", "textPayload", "protoPayload"] as const;
const CONTENTS = [...PAYLOADS, "httpRequest"] as const;

/** The payload field that is null, when the entry has no other payload and no httpRequest. */
function nullPayloadOf(record: Record<string, unknown>): string | undefined {
  let nullPayload: string | undefined;
  for (const k of PAYLOADS) if (record[k] === null) nullPayload ??= k;
  if (nullPayload === undefined) return undefined;
  for (const k of CONTENTS) if (record[k] !== undefined && record[k] !== null) return undefined;
  return nullPayload;
}

const NOT_BUILT = Symbol("not built");

/**
 * A NormalizedEntry whose sample is built when first read: clusters keep three per problem, so
 * most entries never need one, and building it is most of normalization's cost. A class with
 * the getter on its prototype, not an object literal with its own getter: such a literal costs
 * a closure and an accessor per entry (about 1 KB of the pipeline's allocation per entry).
 * The key is built the same way, when first read. The original entry is held in private
 * fields, which neither JSON nor a spread copies; nor do they copy `sample` or `key`, which
 * live on the prototype: read them by name.
 */
class LazySampleEntry implements NormalizedEntry {
  keyHash = 0;
  timestamp = 0;
  timestampText = "";
  severity: Severity = "DEFAULT";
  service = "";
  revision: string | undefined = undefined;
  instanceId: string | undefined = undefined;
  trace: string | undefined = undefined;
  kind: EntryKind = "application";
  message = "";
  source: string | undefined = undefined;
  http: NormalizedEntry["http"] = undefined;
  exception: NormalizedEntry["exception"] = undefined;
  audit: NormalizedEntry["audit"] = undefined;
  readonly #entry: LogEntry;
  readonly #redact: Redactor;
  #sample: unknown = NOT_BUILT;
  #key: string | undefined = undefined;

  constructor(entry: LogEntry, redact: Redactor) {
    this.#entry = entry;
    this.#redact = redact;
  }

  /** Built when first read, like the sample: de-duplication reads `keyHash`, made from the key's parts. */
  get key(): string {
    return (this.#key ??= entryKey(this.#entry, this.message));
  }

  get sample(): unknown {
    if (this.#sample === NOT_BUILT) this.#sample = buildSample(this.#entry, this.#redact);
    return this.#sample;
  }
}

function build(entry: LogEntry, timestamp: number, options: NormalizeOptions, raw: unknown): NormalizeResult {
  const { redact } = options;
  const content = describeContent(entry);
  for (const text of content.measured) {
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes > options.maxMessageBytes) {
      return skip("message-too-large", `message is ${bytes} bytes, the limit is ${options.maxMessageBytes}`, raw, options);
    }
  }

  const http = entry.httpRequest ? buildHttp(entry.httpRequest, redact) : undefined;
  let kind: EntryKind = "application";
  let message: string;
  let source = findSource(entry);
  let exception: NormalizedEntry["exception"];
  let audit: NormalizedEntry["audit"];

  if (content.trace) {
    kind = "stacktrace";
    const t = content.trace;
    const exceptionLine = t.message ? `${t.type}: ${t.message}` : t.type;
    const lead = content.traceInMessage ? content.lead : firstLine(content.message);
    // The lead alone when it already says what the exception line would (or that has nothing to say).
    const said = t.message ? lead?.includes(t.message) : lead?.includes(t.type) || GENERIC_TYPES.has(t.type);
    message = !lead ? exceptionLine : said ? lead : `${lead}: ${exceptionLine}`;
    exception = redactedException(t, redact);
  } else if (entry.protoPayload && content.message === undefined) {
    const proto = entry.protoPayload;
    message = auditMessage(proto);
    if (proto.methodName) audit = { methodName: proto.methodName, statusCode: proto.status?.code ?? 0 };
    source ??= proto.serviceName;
  } else if (http && content.message === undefined) {
    kind = "request";
    message = `${http.method} ${http.route} ${http.status}`;
  } else {
    message = content.message ?? (entry.jsonPayload ? renderKeys(entry.jsonPayload) : "(no payload)");
  }

  message = cutText(redact(sanitizeText(message)), MAX_MESSAGE_CHARS);
  const resourceLabels = entry.resource?.labels ?? {};
  // Cloud Run gives unstructured stderr lines no severity; an uncaught stack trace there is an
  // error all the same (and is what LOG_GARDENER_INCLUDE_STDERR reads them for).
  const declared = entrySeverity(entry);
  const severity = kind === "stacktrace" && declared === "DEFAULT" ? "ERROR" : declared;
  const normalized = new LazySampleEntry(entry, redact);
  normalized.message = message;
  // From the parts: hashing the key itself would first copy it into one flat string.
  normalized.keyHash = entry.insertId ? hash52Joined(entry.insertId, entry.logName ?? "", entry.timestamp, KEY_SEPARATOR) : hash52(normalized.key);
  normalized.timestamp = timestamp;
  normalized.timestampText = entry.timestamp;
  normalized.severity = severity;
  normalized.service = serviceOfEntry(entry) ?? UNKNOWN_SERVICE;
  normalized.revision = resourceLabels.revision_name || undefined;
  normalized.instanceId = entry.labels?.instanceId || undefined;
  normalized.trace = entry.trace ? traceId(entry.trace) : undefined;
  normalized.kind = kind;
  normalized.source = source ? cutText(redact(sanitizeText(source)), 300) : undefined;
  normalized.http = http;
  normalized.exception = exception;
  normalized.audit = audit;
  return { ok: true, entry: normalized };
}

// ---------------------------------------------------------------------------------------------
// Message and stack trace

// The stack-trace parser hands out one frozen result per distinct trace text, so the same
// trace in a thousand entries is one object: its redacted type and frames are kept with it
// (per redactor), instead of redacting the same three lines again for every entry.
const redactedExceptions = new WeakMap<LocatedStackTrace, { readonly redact: Redactor; readonly exception: NonNullable<NormalizedEntry["exception"]> }>();

function redactedException(t: LocatedStackTrace, redact: Redactor): NonNullable<NormalizedEntry["exception"]> {
  const known = redactedExceptions.get(t);
  if (known !== undefined && known.redact === redact) return known.exception;
  const exception = { type: redact(t.type), frames: t.frames.map((f) => redact(f)) };
  // Only shared results are worth keeping; a trace parsed afresh (too long for the parser's memo) is not.
  if (Object.isFrozen(t)) {
    Object.freeze(Object.freeze(exception).frames);
    redactedExceptions.set(t, { redact, exception });
  }
  return exception;
}

interface Content {
  /** The payload's own message, if it has one. */
  readonly message?: string;
  readonly trace?: LocatedStackTrace;
  /** The line before the trace, when the trace is in the message itself. */
  readonly lead?: string;
  /** True when the trace was found in the message text itself. */
  readonly traceInMessage: boolean;
  /** Texts checked against maxMessageBytes. */
  readonly measured: readonly string[];
}

const MESSAGE_FIELDS: readonly (readonly string[])[] = [
  ["message"],
  ["msg"],
  ["error", "message"],
  ["err", "message"],
  ["error"],
  ["exception"],
  ["exception", "message"],
  ["stack"],
  ["stack_trace"],
  ["stackTrace"],
  ["error", "stack"],
  ["err", "stack"],
];

/** Exception types that carry no information of their own ("error" is zap's frames-only trace). */
const GENERIC_TYPES = new Set(["Error", "error"]);

const STACK_FIELDS: readonly (readonly string[])[] = [
  ["stack"],
  ["stacktrace"],
  ["stack_trace"],
  ["stackTrace"],
  ["exception"],
  ["exc_info"],
  ["error", "stack"],
  ["err", "stack"],
  ["exception", "stack"],
  ["exception", "stacktrace"],
  ["error"],
];

function describeContent(entry: LogEntry): Content {
  let message: string | undefined;
  if (typeof entry.textPayload === "string") message = entry.textPayload;
  else if (entry.jsonPayload) message = findText(entry.jsonPayload, MESSAGE_FIELDS);
  if (message !== undefined && message.trim() === "") message = undefined;

  const measured: string[] = message === undefined ? [] : [message];
  if (message !== undefined) {
    const trace = locateStackTrace(message);
    if (trace) return { message, trace, lead: trace.lead, traceInMessage: true, measured };
  }
  if (entry.jsonPayload) {
    for (const path of STACK_FIELDS) {
      const text = valueAt(entry.jsonPayload, path);
      if (typeof text !== "string" || text === message) continue;
      const trace = locateStackTrace(text);
      if (trace) return { message, trace, traceInMessage: message === undefined, measured: [...measured, text] };
    }
  }
  return { message, traceInMessage: false, measured };
}

function findText(payload: Record<string, unknown>, paths: readonly (readonly string[])[]): string | undefined {
  for (const path of paths) {
    const value = valueAt(payload, path);
    if (typeof value === "string" && value.trim() !== "") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
  }
  return undefined;
}

function valueAt(payload: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = payload;
  for (const key of path) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function firstLine(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== "");
  return line;
}

/** Metadata keys that say nothing about what happened. */
const META_KEYS = new Set(["severity", "level", "levelname", "time", "timestamp", "@timestamp", "ts", "labels", "context", "serviceContext", "@type", "pid", "hostname", "v"]);
/** Keys whose short string value names the event, so it belongs in the rendering. */
const NAMING_KEYS = new Set(["event", "type", "action", "kind", "name", "operation", "code", "reason", "status", "state"]);
const MAX_RENDERED_KEYS = 12;

/** `{event=cache_miss, status, user_id}`: sorted keys, naming values kept when short and plain. */
export function renderKeys(payload: Record<string, unknown>): string {
  const keys = Object.keys(payload)
    .filter((k) => !META_KEYS.has(k) && !k.startsWith("logging.googleapis.com/"))
    .sort();
  const parts = keys.slice(0, MAX_RENDERED_KEYS).map((k) => {
    const v = payload[k];
    const key = cutText(k, 60);
    if (NAMING_KEYS.has(k) && typeof v === "string" && /^[\w.:/-]{1,40}$/.test(v)) return `${key}=${v}`;
    return key;
  });
  if (keys.length > MAX_RENDERED_KEYS) parts.push("…");
  return `{${parts.join(", ")}}`;
}

// ---------------------------------------------------------------------------------------------
// Source, severity, audit, http

const CONTEXT_NAME = ["context", "name"] as const;
const LOGGER_KEYS = ["logger", "logger_name", "loggerName", "python_logger"] as const;

/** "module.function" or "module" from a labels object (the payload's or the entry's). */
function moduleOf(labels: unknown): string | undefined {
  if (!labels || typeof labels !== "object" || Array.isArray(labels)) return undefined;
  const l = labels as Record<string, unknown>;
  const module = typeof l.module === "string" ? l.module : undefined;
  const fn = typeof l.function === "string" ? l.function : undefined;
  if (module && fn) return `${module}.${fn}`;
  return module || undefined;
}

function findSource(entry: LogEntry): string | undefined {
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

const LEVEL_KEYS = ["severity", "level", "levelname"] as const;

/**
 * The entry's severity; when that is absent or DEFAULT, a level name the payload carries
 * (`severity`, `level`, `levelname`: strings only, pino's numeric levels are not LogSeverity).
 * Unknown names don't cost the entry; they read as DEFAULT.
 */
function entrySeverity(entry: LogEntry): Severity {
  const own = parseSeverity(entry.severity) ?? "DEFAULT";
  if (own !== "DEFAULT" || !entry.jsonPayload) return own;
  for (const key of LEVEL_KEYS) {
    const v = entry.jsonPayload[key];
    const parsed = typeof v === "string" ? parseSeverity(v) : undefined;
    if (parsed && parsed !== "DEFAULT") return parsed;
  }
  return own;
}

const GRPC_CODES = [
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
] as const;

function auditMessage(proto: ProtoPayload): string {
  if (!proto.methodName) {
    const type = proto["@type"]?.replace(/^type\.googleapis\.com\//, "") ?? "unknown";
    return `proto ${type}`;
  }
  const code = proto.status?.code ?? 0;
  const name = GRPC_CODES[code] ?? "UNKNOWN_CODE";
  return `audit ${proto.methodName} status ${code} (${name})`;
}

function buildHttp(req: HttpRequest, redact: Redactor): NonNullable<NormalizedEntry["http"]> {
  const rawUrl = req.requestUrl ?? "";
  const status = req.status === undefined ? 0 : Number(req.status);
  const latencyMs = parseLatencyMs(req.latency);
  const http: { -readonly [K in keyof NonNullable<NormalizedEntry["http"]>]: NonNullable<NormalizedEntry["http"]>[K] } = {
    method: sanitizeText(req.requestMethod ?? "-")
      .toUpperCase()
      .slice(0, 20),
    url: cutText(redact(sanitizeText(cutText(rawUrl, 16 * 1024))), MAX_URL_CHARS),
    route: redact(sanitizeText(maskRoute(rawUrl))),
    status: Number.isFinite(status) ? status : 0,
  };
  // Set, not spread in: a spread copies through a generic path for every request entry.
  if (latencyMs !== undefined) http.latencyMs = latencyMs;
  return http;
}

export function parseLatencyMs(latency: HttpRequest["latency"]): number | undefined {
  if (latency === undefined) return undefined;
  if (typeof latency === "string") {
    const seconds = Number(latency.slice(0, -1));
    return Number.isFinite(seconds) ? round3(seconds * 1000) : undefined;
  }
  const seconds = Number(latency.seconds ?? 0);
  const nanos = Number(latency.nanos ?? 0);
  const ms = seconds * 1000 + nanos / 1e6;
  return Number.isFinite(ms) ? round3(ms) : undefined;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

// ---------------------------------------------------------------------------------------------
// Timestamp, key, sample

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})$/;

/** RFC 3339 with up to nanoseconds and any offset → epoch ms (floored). Undefined if invalid. */
// Entries mostly come in timestamp order, many to a second: the last UTC second parsed is kept
// (a pure memo, same result either way) and a timestamp in the same second, ending in Z, is
// read from its fraction alone.
let memoSecondText = "";
let memoSecondMs = 0;

/** "YYYY-MM-DDTHH:MM:SS" of the memo, then nothing or "." and 1 to 9 digits, then "Z". */
function inMemoSecond(text: string): number | undefined {
  const n = text.length;
  if (n < 20 || n > 30 || !text.startsWith(memoSecondText) || memoSecondText === "") return undefined;
  const last = text.charCodeAt(n - 1);
  if (last !== 90 && last !== 122) return undefined; // Z z
  if (n === 20) return memoSecondMs;
  const dot = text.charCodeAt(19);
  if ((dot !== 46 && dot !== 44) || n === 21) return undefined; // . ,
  let millis = 0;
  for (let i = 20; i < n - 1; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    if (i < 23) millis = millis * 10 + d;
  }
  for (let i = n - 1; i < 23; i++) millis *= 10; // fewer than 3 digits
  return memoSecondMs + millis;
}

export function parseTimestamp(text: string): number | undefined {
  const memo = inMemoSecond(text);
  if (memo !== undefined) return memo;
  const parsed = parseTimestampText(text);
  if (parsed !== undefined && text.length >= 20 && (text.endsWith("Z") || text.endsWith("z"))) {
    const prefix = text.slice(0, 19);
    if (/^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d$/.test(prefix)) {
      memoSecondText = prefix;
      memoSecondMs = parsed - (parsed % 1000 + 1000) % 1000;
    }
  }
  return parsed;
}

/** parseTimestamp without the memo (the property test holds the two equal). */
export function parseTimestampText(text: string): number | undefined {
  const m = RFC3339.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return undefined;
  const millis = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  let offsetMinutes = 0;
  const zone = m[8] ?? "Z";
  if (zone !== "Z" && zone !== "z") {
    const digits = zone.replace(":", "");
    const sign = digits.startsWith("-") ? -1 : 1;
    const hours = Number(digits.slice(1, 3));
    const minutes = Number(digits.slice(3, 5));
    if (hours > 23 || minutes > 59) return undefined;
    offsetMinutes = sign * (hours * 60 + minutes);
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), millis);
  return utc - offsetMinutes * 60_000;
}

const TRACE_PREFIX = "projects/";
const TRACE_INFIX = "/traces/";

/**
 * "projects/P/traces/ID" -> "ID"; anything else as it is. Equal to
 * `trace.replace(/^projects\/[^/]+\/traces\//, "")` (a property test holds the two equal),
 * without a regex replace per entry, which was a third of building an entry.
 */
export function traceId(trace: string): string {
  if (!trace.startsWith(TRACE_PREFIX)) return trace;
  const slash = trace.indexOf("/", TRACE_PREFIX.length);
  if (slash <= TRACE_PREFIX.length || !trace.startsWith(TRACE_INFIX, slash)) return trace;
  return trace.slice(slash + TRACE_INFIX.length);
}

const KEY_SEPARATOR = "|";

/**
 * insertId + logName + timestamp. Cloud Logging always sets insertId; an entry without one (a
 * hand-made export) gets a hash of its message and payloads instead, so a duplicate still matches.
 */
function entryKey(entry: LogEntry, message: string): string {
  const base = `${entry.insertId ?? ""}${KEY_SEPARATOR}${entry.logName ?? ""}${KEY_SEPARATOR}${entry.timestamp}`;
  if (entry.insertId) return base;
  const payloads = JSON.stringify([entry.textPayload, entry.jsonPayload, entry.httpRequest, entry.protoPayload, entry.labels]) ?? "";
  return `${base}${KEY_SEPARATOR}h${fnv1a(`${message}\n${payloads}`)}`;
}

function fnv1a(text: string): string {
  return fnvPair(text).a.toString(16).padStart(8, "0");
}

function buildSample(entry: LogEntry, redact: Redactor): unknown {
  const payload: Record<string, unknown> = {};
  if (entry.textPayload !== undefined) payload.textPayload = entry.textPayload;
  if (entry.jsonPayload !== undefined) payload.jsonPayload = entry.jsonPayload;
  if (entry.protoPayload !== undefined) {
    const p = entry.protoPayload;
    payload.protoPayload = {
      "@type": p["@type"],
      serviceName: p.serviceName,
      methodName: p.methodName,
      resourceName: p.resourceName,
      status: p.status,
      authenticationInfo: p.authenticationInfo ? { principalEmail: p.authenticationInfo.principalEmail } : undefined,
    };
  }
  if (entry.httpRequest !== undefined) payload.httpRequest = entry.httpRequest;
  const meta: Record<string, unknown> = {
    sourceLocation: entry.sourceLocation,
    labels: entry.labels,
    resource: entry.resource ? { type: entry.resource.type, labels: entry.resource.labels } : undefined,
    trace: entry.trace,
    logName: entry.logName,
    insertId: entry.insertId,
  };
  const head = { severity: entry.severity ?? "DEFAULT", timestamp: entry.timestamp };
  const bounds = { maxDepth: 6, maxStringChars: 1000, maxArrayItems: 20, maxKeys: 50 };
  const payloadCopy = boundedRedactedCopy(payload, redact, { ...bounds, maxTotalChars: PAYLOAD_SAMPLE_CHARS }) as Record<string, unknown>;
  const metaCopy = boundedRedactedCopy(meta, redact, { ...bounds, maxTotalChars: META_SAMPLE_CHARS }) as Record<string, unknown>;
  return { ...boundedRedactedCopy(head, redact, { ...bounds, maxTotalChars: 200 }) as object, ...payloadCopy, ...metaCopy };
}

// ---------------------------------------------------------------------------------------------
// Skips and helpers

function skip(reason: SkipReason, detail: string, raw: unknown, options: NormalizeOptions): NormalizeResult {
  return { ok: false, skipped: { reason, detail, sample: skippedSample(raw, options.redact) } };
}

function skippedSample(raw: unknown, redact: Redactor): string {
  try {
    const copy = boundedRedactedCopy(raw, redact, { maxDepth: 4, maxStringChars: 200, maxArrayItems: 10, maxKeys: 20, maxTotalChars: 700 });
    const text = typeof copy === "string" ? copy : (JSON.stringify(copy) ?? String(copy));
    return cutText(sanitizeText(text), MAX_SKIPPED_SAMPLE_CHARS - 20);
  } catch {
    return "[unprintable]";
  }
}

// Any character one of the replacements below would touch; most texts have none and are
// returned as they are, after one scan.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_SANITIZING = /[\u0000-\u0008\u000b-\u001f\u007f\ud800-\udfff]/;

/** ANSI escapes are dropped; other control characters (except newline and tab) and lone surrogates become U+FFFD; CRLF becomes LF. */
export function sanitizeText(text: string): string {
  if (!NEEDS_SANITIZING.test(text)) return text;
  return text
    .replace(/\r\n?/g, "\n")
    // ANSI colors and cursor moves from terminal loggers: gone, so colored and plain lines cluster together.
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "")
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}

function withoutNulls(record: Record<string, unknown>): Record<string, unknown> {
  let hasNull = false;
  for (const k in record) {
    if (record[k] === null) {
      hasNull = true;
      break;
    }
  }
  if (!hasNull) return record;
  const out: Record<string, unknown> = {};
  // defineProperty, not assignment: a "__proto__" key must stay a plain key.
  for (const [k, v] of Object.entries(record)) if (v !== null) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : "unknown error";
}
