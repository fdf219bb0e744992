/** The message of an audit log entry (protoPayload). */
import type { ProtoPayload } from "./entry-schema";

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

export function auditMessage(proto: ProtoPayload): string {
  if (!proto.methodName) {
    const type = proto["@type"]?.replace(/^type\.googleapis\.com\//, "") ?? "unknown";
    return `proto ${type}`;
  }
  const code = proto.status?.code ?? 0;
  const name = GRPC_CODES[code] ?? "UNKNOWN_CODE";
  return `audit ${proto.methodName} status ${code} (${name})`;
}
