/** Redacted, bounded samples: of an entry (kept with its cluster) and of a skipped record. */
import { boundedRedactedCopy, cutText } from "../redact/bounded-copy";
import type { Redactor } from "../redact/redact";
import type { LogEntry } from "./entry-schema";
import { sanitizeText } from "./sanitize";

const MAX_SKIPPED_SAMPLE_CHARS = 500;
const PAYLOAD_SAMPLE_CHARS = 3000;
const META_SAMPLE_CHARS = 1000;

export function buildSample(entry: LogEntry, redact: Redactor): unknown {
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
  return { ...(boundedRedactedCopy(head, redact, { ...bounds, maxTotalChars: 200 }) as object), ...payloadCopy, ...metaCopy };
}

export function skippedSample(raw: unknown, redact: Redactor): string {
  try {
    const copy = boundedRedactedCopy(raw, redact, { maxDepth: 4, maxStringChars: 200, maxArrayItems: 10, maxKeys: 20, maxTotalChars: 700 });
    const text = typeof copy === "string" ? copy : (JSON.stringify(copy) ?? String(copy));
    return cutText(sanitizeText(text), MAX_SKIPPED_SAMPLE_CHARS - 20);
  } catch {
    return "[unprintable]";
  }
}
