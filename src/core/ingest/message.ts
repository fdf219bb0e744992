/** What becomes an entry's message: the payload's message fields, a stack trace, or a rendering of its keys. */
import { cutText } from "../redact/bounded-copy";
import type { Redactor } from "../redact/redact";
import type { NormalizedEntry } from "../types";
import type { LogEntry } from "./entry-schema";
import { type LocatedStackTrace, locateStackTrace } from "./stacktrace";

/** The trace's type and frames, redacted. */
export function redactedException(t: LocatedStackTrace, redact: Redactor): NonNullable<NormalizedEntry["exception"]> {
  return { type: redact(t.type), frames: t.frames.map((f) => redact(f)) };
}

export interface Content {
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
export const GENERIC_TYPES = new Set(["Error", "error"]);

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

export function describeContent(entry: LogEntry, locate: (text: string) => LocatedStackTrace | undefined = locateStackTrace): Content {
  let message: string | undefined;
  if (typeof entry.textPayload === "string") message = entry.textPayload;
  else if (entry.jsonPayload) message = findText(entry.jsonPayload, MESSAGE_FIELDS);
  if (message !== undefined && message.trim() === "") message = undefined;

  const measured: string[] = message === undefined ? [] : [message];
  if (message !== undefined) {
    const trace = locate(message);
    if (trace) return { message, trace, lead: trace.lead, traceInMessage: true, measured };
  }
  if (entry.jsonPayload) {
    for (const path of STACK_FIELDS) {
      const text = valueAt(entry.jsonPayload, path);
      if (typeof text !== "string" || text === message) continue;
      const trace = locate(text);
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

export function valueAt(payload: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = payload;
  for (const key of path) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export function firstLine(text: string | undefined): string | undefined {
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
