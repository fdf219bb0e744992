/** What becomes an entry's message: the text payload, a JSON payload's fields per its logger (logger-formats.ts), a stack trace. */
import type { Redactor } from "../redact/redact";
import type { NormalizedEntry } from "../types";
import type { LogEntry } from "./entry-schema";
import { describeJsonContent } from "./logger-formats";
import { type LocatedStackTrace, locateStackTrace } from "./stacktrace";

/** The trace's type and frames, redacted. */
export function redactedException(t: LocatedStackTrace, redact: Redactor): NonNullable<NormalizedEntry["exception"]> {
  return { type: redact(t.type), frames: t.frames.map((f) => redact(f)) };
}

export interface Content {
  /** The payload's own message (for JSON: with its error text, see logger-formats.ts), if it has one. */
  readonly message?: string;
  readonly trace?: LocatedStackTrace;
  /** The line before the trace, when the trace is in the message itself. */
  readonly lead?: string;
  /** True when the trace was found in the message text itself. */
  readonly traceInMessage: boolean;
  /** Texts checked against maxMessageBytes. */
  readonly measured: readonly string[];
  /** A typed error without frames (`err: {type, message}`, `error: {type, value}`). */
  readonly typed?: { readonly type: string; readonly message: string };
  /** A JSON payload's shape, when it has no message of its own (see logger-formats.ts). */
  readonly shape?: string;
  /** What a JSON payload without any message is named by: its first meaningful string. */
  readonly fallback?: string;
  /** Error Reporting's `context.reportLocation`. */
  readonly reportLocation?: string;
}

/** Exception types that carry no information of their own ("error" is zap's frames-only trace). */
export const GENERIC_TYPES = new Set(["Error", "error"]);

/** A text payload's message and trace; a JSON payload's per its logger's shape (logger-formats.ts). */
export function describeContent(entry: LogEntry, locate: (text: string) => LocatedStackTrace | undefined = locateStackTrace): Content {
  if (typeof entry.textPayload !== "string" && entry.jsonPayload) return describeJsonContent(entry.jsonPayload, locate);
  let message: string | undefined;
  if (typeof entry.textPayload === "string") message = entry.textPayload;
  if (message !== undefined && message.trim() === "") message = undefined;

  const measured: string[] = message === undefined ? [] : [message];
  if (message !== undefined) {
    const trace = locate(message);
    if (trace) return { message, trace, lead: trace.lead, traceInMessage: true, measured };
  }
  return { message, traceInMessage: false, measured };
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
