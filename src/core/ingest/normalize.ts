/**
 * Normalization: one raw Cloud Logging entry (untrusted JSON) in, one NormalizedEntry or one
 * SkippedEntry out. Pure; never throws, whatever the input.
 *
 * What becomes the message, by payload:
 * - textPayload: the text. A stack trace in it makes the entry a "stacktrace".
 * - jsonPayload: read per its logging library's shape (logger-formats.ts, docs/logger-formats.md):
 *   the message (`message`, `msg`, `@m`, `@mt`, `event`) with the error text appended, a typed
 *   error (`err: {type, message}`, `error: {type, value}`), a stack trace in Error Reporting's
 *   places and the loggers' own fields. Without any message, the payload's first meaningful
 *   string, and its shape (field names and value kinds) so different payloads never merge.
 * - httpRequest (request logs, no payload message): kind "request", "METHOD ROUTE STATUS".
 *   An application log that carries an httpRequest and a message stays "application" but keeps
 *   the `http` field.
 * - protoPayload (audit logs): "audit METHOD status CODE (NAME)", `audit` set.
 *
 * A stack trace's message is "Type: message", prefixed by the payload's message or the line that
 * came before the trace when there is one ("Failed to charge order: ValueError: …"), unless that
 * line already says it.
 *
 * The parts, one job per file beside this one: message.ts, http-request.ts, audit.ts,
 * entry-source.ts, entry-severity.ts, timestamp.ts, trace-id.ts, entry-key.ts, sample.ts,
 * sanitize.ts.
 */
import { hash52 } from "../hash";
import { cutText } from "../redact/bounded-copy";
import type { Redactor } from "../redact/redact";
import type { Severity } from "../severity";
import type { EntryKind, NormalizedEntry, SkippedEntry, SkipReason } from "../types";
import { auditMessage } from "./audit";
import { entryKey } from "./entry-key";
import { isCommonLogEntry, type LogEntry, logEntrySchema } from "./entry-schema";
import { entrySeverity } from "./entry-severity";
import { findSource } from "./entry-source";
import { buildHttp } from "./http-request";
import { pathOf, requestPaths } from "./request-path";
import { describeContent, firstLine, GENERIC_TYPES, redactedException } from "./message";
import { buildSample, skippedSample } from "./sample";
import { sanitizeText } from "./sanitize";
import type { StackTraceMemo } from "./stacktrace-memo";
import { parseTimestamp } from "./timestamp";
import { traceId } from "./trace-id";

export interface NormalizeOptions {
  /** Entries whose message is longer than this (UTF-8 bytes) are skipped as "message-too-large". */
  readonly maxMessageBytes: number;
  readonly redact: Redactor;
  /** A run's memo of the trace texts it has seen; without one, every trace is parsed and redacted afresh. */
  readonly traces?: StackTraceMemo;
}

export type NormalizeResult = { ok: true; entry: NormalizedEntry } | { ok: false; skipped: SkippedEntry };

export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
/** The message kept for clustering; the rest is in the sample. */
export const MAX_MESSAGE_CHARS = 2000;

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
 * A NormalizedEntry whose sample is built when first read: clusters keep three samples per
 * problem, so most entries never need one, and the redacted copy is most of normalization's
 * work. The original entry is held in private fields, which neither JSON nor a spread copies;
 * nor do they copy `sample`, which lives on the prototype: read it by name.
 */
class LazySampleEntry implements NormalizedEntry {
  key = "";
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
  shape: string | undefined = undefined;
  errorGroup: NormalizedEntry["errorGroup"] = undefined;
  readonly #entry: LogEntry;
  readonly #redact: Redactor;
  #sample: unknown = NOT_BUILT;
  #paths: readonly string[] | undefined | typeof NOT_BUILT = NOT_BUILT;
  /** The payload's own message, unredacted, for requestPaths (never leaves the process). */
  readonly #rawMessage: string;

  constructor(entry: LogEntry, redact: Redactor, rawMessage: string) {
    this.#entry = entry;
    this.#redact = redact;
    this.#rawMessage = rawMessage;
  }

  get sample(): unknown {
    if (this.#sample === NOT_BUILT) this.#sample = buildSample(this.#entry, this.#redact);
    return this.#sample;
  }

  get requestPaths(): readonly string[] | undefined {
    if (this.#paths === NOT_BUILT) {
      const e = this.#entry;
      // Both sides from the entry as it came, so that redaction cannot make one request two paths.
      if (this.kind !== "request") this.#paths = requestPaths([e.httpRequest?.requestUrl, e.jsonPayload], this.#rawMessage);
      else {
        const own = e.httpRequest?.requestUrl === undefined ? undefined : pathOf(e.httpRequest.requestUrl);
        this.#paths = own === undefined ? undefined : [own];
      }
    }
    return this.#paths;
  }
}

function build(entry: LogEntry, timestamp: number, options: NormalizeOptions, raw: unknown): NormalizeResult {
  const { redact } = options;
  const { traces } = options;
  const content = traces ? describeContent(entry, (text) => traces.locate(text)) : describeContent(entry);
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
  let shape: string | undefined;

  if (content.trace) {
    kind = "stacktrace";
    const t = content.trace;
    const exceptionLine = t.message ? `${t.type}: ${t.message}` : t.type;
    const lead = content.traceInMessage ? content.lead : firstLine(content.message);
    // The lead alone when it already says what the exception line would (or that has nothing to say).
    const said = t.message ? lead?.includes(t.message) : lead?.includes(t.type) || GENERIC_TYPES.has(t.type);
    message = !lead ? exceptionLine : said ? lead : `${lead}: ${exceptionLine}`;
    exception = traces ? traces.exception(t, redact) : redactedException(t, redact);
  } else if (entry.protoPayload && content.message === undefined) {
    const proto = entry.protoPayload;
    message = auditMessage(proto);
    if (proto.methodName) audit = { methodName: proto.methodName, statusCode: proto.status?.code ?? 0 };
    source ??= proto.serviceName;
  } else if (http && content.message === undefined) {
    kind = "request";
    message = `${http.method} ${http.route} ${http.status}`;
  } else {
    message = content.message ?? content.fallback ?? "(no payload)";
    if (content.typed) exception = { type: redact(content.typed.type), frames: [] };
    if (content.shape !== undefined) shape = content.shape;
  }
  source ??= content.reportLocation;

  message = cutText(redact(sanitizeText(message)), MAX_MESSAGE_CHARS);
  const resourceLabels = entry.resource?.labels ?? {};
  // Cloud Run gives unstructured stderr lines no severity; an uncaught stack trace there is an
  // error all the same (and is what LOG_GARDENER_INCLUDE_STDERR reads them for).
  const declared = entrySeverity(entry);
  const severity = kind === "stacktrace" && declared === "DEFAULT" ? "ERROR" : declared;
  const normalized = new LazySampleEntry(entry, redact, content.message ?? "");
  normalized.message = message;
  normalized.key = entryKey(entry, message);
  normalized.keyHash = hash52(normalized.key);
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
  normalized.shape = shape;
  normalized.errorGroup = errorGroupOf(entry, redact);
  return { ok: true, entry: normalized };
}

/**
 * The Error Reporting group Cloud Logging gave the entry (`errorGroups[].id`, read leniently:
 * the field is not in the schema, so a malformed one costs nothing), with the project of its
 * logName or resource, both redacted.
 */
function errorGroupOf(entry: LogEntry, redact: Redactor): NormalizedEntry["errorGroup"] {
  const groups = (entry as Record<string, unknown>).errorGroups;
  if (!Array.isArray(groups)) return undefined;
  const first = groups.find(
    (g): g is { id: string } =>
      typeof g === "object" && g !== null && typeof (g as { id?: unknown }).id === "string" && (g as { id: string }).id !== "",
  );
  if (!first) return undefined;
  const project = /^projects\/([^/]+)\//.exec(entry.logName ?? "")?.[1] ?? entry.resource?.labels?.project_id;
  const id = redact(sanitizeText(cutText(first.id, 200)));
  return project ? { id, project: redact(sanitizeText(cutText(project, 100))) } : { id };
}

function skip(reason: SkipReason, detail: string, raw: unknown, options: NormalizeOptions): NormalizeResult {
  return { ok: false, skipped: { reason, detail, sample: skippedSample(raw, options.redact) } };
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
  for (const [k, v] of Object.entries(record))
    if (v !== null) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : typeof value === "undefined" ? "undefined" : `a ${typeof value}`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : "unknown error";
}
