/** The key two copies of one entry share, for de-duplication. */
import { fnvPair } from "../hash";
import type { LogEntry } from "./entry-schema";

const KEY_SEPARATOR = "|";

/**
 * insertId + logName + timestamp. Cloud Logging always sets insertId; an entry without one (a
 * hand-made export) gets a hash of its message and payloads instead, so a duplicate still matches.
 */
export function entryKey(entry: LogEntry, message: string): string {
  const base = `${entry.insertId ?? ""}${KEY_SEPARATOR}${entry.logName ?? ""}${KEY_SEPARATOR}${entry.timestamp}`;
  if (entry.insertId) return base;
  const payloads = JSON.stringify([entry.textPayload, entry.jsonPayload, entry.httpRequest, entry.protoPayload, entry.labels]) ?? "";
  return `${base}${KEY_SEPARATOR}h${fnv1a(`${message}\n${payloads}`)}`;
}

function fnv1a(text: string): string {
  return fnvPair(text).a.toString(16).padStart(8, "0");
}
