/**
 * A Cloud Logging LogEntry in its JSON form, as `gcloud logging read --format=json` prints it
 * and as the Cloud Logging adapter hands it over (camelCase, payloads as plain objects).
 *
 * Lenient on what we don't use: every object passes unknown fields through, payload contents
 * are not checked. Strict on what we do use: a field we read must have the right type, or the
 * entry is skipped as "invalid-entry" with the zod issue as the detail.
 *
 * `timestamp` and the payloads' null-ness are checked by normalizeEntry before this schema
 * runs, so each gets its own skip reason.
 */
import { z } from "zod";

const stringMap = z.record(z.string(), z.string());

/** int64 fields arrive as strings in the JSON form ("336"), int32 as numbers; accept both. */
const intLike = z.union([z.number().finite(), z.string().regex(/^-?\d+$/)]);

/** google.protobuf.Duration: "0.123s" in JSON, { seconds, nanos } from the client library. */
export const durationSchema = z.union([
  z.string().regex(/^-?\d+(?:\.\d+)?s$/),
  z.looseObject({ seconds: intLike.optional(), nanos: z.number().optional() }),
]);

export const httpRequestSchema = z.looseObject({
  requestMethod: z.string().optional(),
  requestUrl: z.string().optional(),
  requestSize: intLike.optional(),
  status: intLike.optional(),
  responseSize: intLike.optional(),
  userAgent: z.string().optional(),
  remoteIp: z.string().optional(),
  serverIp: z.string().optional(),
  referer: z.string().optional(),
  latency: durationSchema.optional(),
  protocol: z.string().optional(),
});

export const monitoredResourceSchema = z.looseObject({
  type: z.string().optional(),
  labels: stringMap.optional(),
});

export const sourceLocationSchema = z.looseObject({
  file: z.string().optional(),
  line: intLike.optional(),
  function: z.string().optional(),
});

/** google.cloud.audit.AuditLog (and any other proto payload: only these fields are read). */
export const protoPayloadSchema = z.looseObject({
  "@type": z.string().optional(),
  serviceName: z.string().optional(),
  methodName: z.string().optional(),
  resourceName: z.string().optional(),
  status: z
    .looseObject({
      code: z.number().int().optional(),
      message: z.string().optional(),
    })
    .optional(),
  authenticationInfo: z.looseObject({ principalEmail: z.string().optional() }).optional(),
});

export const logEntrySchema = z.looseObject({
  insertId: z.string().optional(),
  logName: z.string().optional(),
  timestamp: z.string(),
  receiveTimestamp: z.string().optional(),
  severity: z.union([z.string(), z.number()]).nullable().optional(),
  resource: monitoredResourceSchema.optional(),
  labels: stringMap.optional(),
  jsonPayload: z.record(z.string(), z.unknown()).optional(),
  textPayload: z.string().optional(),
  protoPayload: protoPayloadSchema.optional(),
  httpRequest: httpRequestSchema.optional(),
  trace: z.string().optional(),
  spanId: z.string().optional(),
  traceSampled: z.boolean().optional(),
  sourceLocation: sourceLocationSchema.optional(),
  operation: z
    .looseObject({
      id: z.string().optional(),
      producer: z.string().optional(),
      first: z.boolean().optional(),
      last: z.boolean().optional(),
    })
    .optional(),
});

export type LogEntry = z.infer<typeof logEntrySchema>;
export type HttpRequest = z.infer<typeof httpRequestSchema>;
export type ProtoPayload = z.infer<typeof protoPayloadSchema>;

// ---------------------------------------------------------------------------------------------
// Fast path

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

function isStringMap(v: unknown): boolean {
  if (!isPlainObject(v)) return false;
  for (const k in v) if (typeof v[k] !== "string") return false;
  return true;
}

const optString = (v: unknown) => v === undefined || typeof v === "string";
const LATENCY = /^-?\d+(?:\.\d+)?s$/;
const INT = /^-?\d+$/;
/** What `intLike` accepts. */
const isIntLike = (v: unknown) => (typeof v === "number" && Number.isFinite(v)) || (typeof v === "string" && INT.test(v));

/**
 * True when a record certainly satisfies `logEntrySchema` as it is, so the common entry skips
 * the schema's copy (it is most of normalization's validation cost). Conservative: anything
 * unusual (protoPayload, operation, numbers as strings, null fields) answers
 * false and goes through the schema, which also writes the error message. A property test holds
 * the two in step: whatever this accepts, the schema accepts.
 */
export function isCommonLogEntry(r: Record<string, unknown>): boolean {
  if (typeof r.timestamp !== "string") return false;
  if (
    !optString(r.insertId) ||
    !optString(r.logName) ||
    !optString(r.receiveTimestamp) ||
    !optString(r.textPayload) ||
    !optString(r.trace) ||
    !optString(r.spanId)
  )
    return false;
  if (r.severity !== undefined && typeof r.severity !== "string" && !(typeof r.severity === "number" && Number.isFinite(r.severity)))
    return false;
  if (r.traceSampled !== undefined && typeof r.traceSampled !== "boolean") return false;
  if (r.labels !== undefined && !isStringMap(r.labels)) return false;
  if (r.jsonPayload !== undefined && !isPlainObject(r.jsonPayload)) return false;
  if (r.resource !== undefined) {
    const res = r.resource;
    if (!isPlainObject(res) || !optString(res.type) || (res.labels !== undefined && !isStringMap(res.labels))) return false;
  }
  if (r.httpRequest !== undefined) {
    const h = r.httpRequest;
    if (!isPlainObject(h)) return false;
    for (const k of ["requestMethod", "requestUrl", "userAgent", "remoteIp", "serverIp", "referer", "protocol"])
      if (!optString(h[k])) return false;
    // int64 fields arrive as numbers from exports and as decimal strings from the client library.
    for (const k of ["requestSize", "status", "responseSize"]) if (h[k] !== undefined && !isIntLike(h[k])) return false;
    if (h.latency !== undefined && !(typeof h.latency === "string" && LATENCY.test(h.latency))) return false;
  }
  if (r.sourceLocation !== undefined) {
    const l = r.sourceLocation;
    if (!isPlainObject(l) || !optString(l.file) || !optString(l.function)) return false;
    if (l.line !== undefined && !isIntLike(l.line)) return false;
  }
  return r.protoPayload === undefined && r.operation === undefined;
}
