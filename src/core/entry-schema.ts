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
