/**
 * `toRawEntry` maps the SDK's Entry to Cloud Logging's JSON shape, the shape the file source
 * reads and `normalizeEntry` takes (pure).
 */

/** A protobuf Timestamp or Duration as the gRPC client decodes it (int64 as string). */
interface ApiSecondsNanos {
  readonly seconds?: string | number | null;
  readonly nanos?: number | null;
}

const SEVERITY_NAMES: Record<number, string> = {
  0: "DEFAULT",
  100: "DEBUG",
  200: "INFO",
  300: "NOTICE",
  400: "WARNING",
  500: "ERROR",
  600: "CRITICAL",
  700: "ALERT",
  800: "EMERGENCY",
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Fractional seconds as protobuf's JSON mapping writes them: 0, 3, 6 or 9 digits. */
function fraction(nanos: number): string {
  if (!nanos) return "";
  if (nanos % 1_000_000 === 0) return `.${String(nanos / 1_000_000).padStart(3, "0")}`;
  if (nanos % 1_000 === 0) return `.${String(nanos / 1_000).padStart(6, "0")}`;
  return `.${String(nanos).padStart(9, "0")}`;
}

function isSecondsNanos(value: unknown): value is ApiSecondsNanos {
  return isRecord(value) && ("seconds" in value || "nanos" in value);
}

/** RFC 3339 from a Timestamp message or a Date; undefined for anything else. */
export function formatTimestamp(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (typeof value === "string") return value;
  if (!isSecondsNanos(value)) return undefined;
  const seconds = Number(value.seconds ?? 0);
  const nanos = Number(value.nanos ?? 0);
  if (!Number.isInteger(seconds) || !Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) return undefined;
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) return undefined;
  return `${date.toISOString().slice(0, 19)}${fraction(nanos)}Z`;
}

/** A Duration message as "0.123s". */
export function formatDuration(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (!isSecondsNanos(value)) return undefined;
  const seconds = Number(value.seconds ?? 0);
  const nanos = Number(value.nanos ?? 0);
  if (!Number.isFinite(seconds) || !Number.isFinite(nanos)) return undefined;
  return `${seconds}${fraction(nanos)}s`;
}

/** Drops what protobuf decodes as defaults (empty strings, "0", false, null, {}), as the JSON shape omits them. */
function withoutDefaults(object: Record<string, unknown>, skip?: string): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const k in object) {
    if (k === skip || !Object.prototype.hasOwnProperty.call(object, k)) continue;
    const v = object[k];
    if (v === undefined || v === null || v === "" || v === false || v === 0 || v === "0") continue;
    if (isRecord(v) && isEmpty(v)) continue;
    (out ??= {})[k] = v;
  }
  return out;
}

function isEmpty(object: object): boolean {
  for (const k in object) if (Object.prototype.hasOwnProperty.call(object, k)) return false;
  return true;
}

/** A proto map<string, string> as decoded: a fresh plain object, passed on as it is. */
function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  for (const k in value) if (typeof value[k] === "string") return value as Record<string, string>;
  return undefined;
}

function severityName(value: unknown): string {
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number") return SEVERITY_NAMES[value] ?? String(value);
  return "DEFAULT";
}

/** The SDK Entry as far as the mapping reads it (`Entry` from @google-cloud/logging fits). */
export interface SdkEntry {
  readonly metadata: object;
  readonly data?: unknown;
}

/**
 * One SDK Entry in Cloud Logging's JSON shape: `{insertId, logName, timestamp (RFC 3339),
 * receiveTimestamp, severity (name), resource, labels, jsonPayload | textPayload |
 * protoPayload, httpRequest (latency "0.123s"), trace, spanId, traceSampled, sourceLocation,
 * operation, split}`, without the fields protobuf filled with defaults.
 *
 * The SDK's `Entry.fromApiResponse_` turns the timestamp into a Date, which keeps only
 * milliseconds; pass the response's own Timestamp as `apiTimestamp` to keep full precision.
 * A protoPayload (an `Any`) keeps only its type as "@type": the job reads no audit payloads.
 */
export function toRawEntry(entry: SdkEntry, apiTimestamp?: unknown): Record<string, unknown> {
  const m = entry.metadata as Record<string, unknown>;
  const raw: Record<string, unknown> = {};
  if (typeof m.insertId === "string" && m.insertId) raw.insertId = m.insertId;
  if (typeof m.logName === "string" && m.logName) raw.logName = m.logName;
  const timestamp = formatTimestamp(apiTimestamp) ?? formatTimestamp(m.timestamp);
  if (timestamp) raw.timestamp = timestamp;
  const receiveTimestamp = formatTimestamp(m.receiveTimestamp);
  if (receiveTimestamp) raw.receiveTimestamp = receiveTimestamp;
  raw.severity = severityName(m.severity);
  if (isRecord(m.resource)) raw.resource = { type: m.resource.type, labels: stringMap(m.resource.labels) ?? {} };
  const labels = stringMap(m.labels);
  if (labels) raw.labels = labels;

  const payload = typeof m.payload === "string" ? m.payload : undefined;
  if (payload === "jsonPayload") raw.jsonPayload = isRecord(entry.data) ? entry.data : {};
  else if (payload === "textPayload") raw.textPayload = typeof entry.data === "string" ? entry.data : String(entry.data ?? "");
  else if (payload === "protoPayload") {
    const any = isRecord(entry.data) ? entry.data : {};
    raw.protoPayload = { "@type": any.typeUrl ?? any.type_url ?? "" };
  }

  if (isRecord(m.httpRequest)) {
    let http = withoutDefaults(m.httpRequest, "latency");
    const latencyText = formatDuration(m.httpRequest.latency);
    if (latencyText) (http ??= {}).latency = latencyText;
    if (http) raw.httpRequest = http;
  }
  if (typeof m.trace === "string" && m.trace) raw.trace = m.trace;
  if (typeof m.spanId === "string" && m.spanId) raw.spanId = m.spanId;
  if (m.traceSampled === true) raw.traceSampled = true;
  const sourceLocation = isRecord(m.sourceLocation) ? withoutDefaults(m.sourceLocation) : undefined;
  if (sourceLocation) raw.sourceLocation = sourceLocation;
  const operation = isRecord(m.operation) ? withoutDefaults(m.operation) : undefined;
  if (operation) raw.operation = operation;
  const split = isRecord(m.split) ? withoutDefaults(m.split) : undefined;
  if (split) raw.split = split;
  return raw;
}
