/**
 * Size-bounded, redacted copies of untrusted values, for the samples in worklogs and issues.
 *
 * Strings are redacted before they are cut, so a secret that straddles the cut is still seen
 * whole by the redactor; the cut then backs off to a delimiter so no half token is left behind.
 */
import { type Redactor, sensitiveKeyKind } from "./redact";

export interface BoundOptions {
  readonly maxDepth: number;
  readonly maxStringChars: number;
  readonly maxArrayItems: number;
  readonly maxKeys: number;
  /** Approximate JSON characters for the whole copy. */
  readonly maxTotalChars: number;
}

export const SAMPLE_BOUNDS: BoundOptions = {
  maxDepth: 6,
  maxStringChars: 1000,
  maxArrayItems: 20,
  maxKeys: 50,
  maxTotalChars: 4000,
};

/** Strings longer than this are cut once before redaction, to keep the redactor's input bounded. */
const PRE_REDACT_CHARS = 64 * 1024;
const TOKEN_CHAR = /[A-Za-z0-9+/=_\-.:~%]/;
const MAX_BACKOFF = 200;

/**
 * Cuts `text` to at most `max` characters plus a "…[cut N chars]" note. Never splits a surrogate
 * pair, and backs off to the last delimiter within 200 characters so the cut doesn't leave the
 * head of a token.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  let back = end;
  while (back > 0 && end - back < MAX_BACKOFF && TOKEN_CHAR.test(text[back - 1] ?? "")) back--;
  end = back;
  return `${text.slice(0, end)}…[cut ${text.length - end} chars]`;
}

interface State {
  budget: number;
}

export function boundedRedactedCopy(value: unknown, redact: Redactor, options: BoundOptions = SAMPLE_BOUNDS): unknown {
  return copy(value, redact, options, { budget: options.maxTotalChars }, 0);
}

function copyString(text: string, redact: Redactor, options: BoundOptions, state: State): string {
  const redacted = redact(cutText(text, PRE_REDACT_CHARS));
  const limit = Math.max(0, Math.min(options.maxStringChars, state.budget));
  let out = cutText(redacted, limit);
  // The budget is in JSON characters: control characters and quotes grow when escaped.
  let cost = JSON.stringify(out).length;
  while (cost > limit + 40 && out.length > 20) {
    out = cutText(redacted, Math.floor(Math.min(out.length, redacted.length) / 2));
    cost = JSON.stringify(out).length;
  }
  state.budget -= cost;
  return out;
}

function copy(value: unknown, redact: Redactor, options: BoundOptions, state: State, depth: number): unknown {
  switch (typeof value) {
    case "string":
      return copyString(value, redact, options, state);
    case "number":
      state.budget -= 8;
      return Number.isFinite(value) ? value : String(value);
    case "boolean":
      state.budget -= 5;
      return value;
    case "bigint":
      return copyString(value.toString(), redact, options, state);
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) {
    state.budget -= 4;
    return null;
  }
  if (value instanceof Date)
    return copyString(Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString(), redact, options, state);
  if (depth >= options.maxDepth) {
    state.budget -= 15;
    return "[depth limit]";
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    const n = Math.min(value.length, options.maxArrayItems);
    for (let i = 0; i < n; i++) {
      if (state.budget <= 0) break;
      out.push(copy(value[i], redact, options, state, depth + 1) ?? null);
    }
    if (out.length < value.length) out.push(`…[${value.length - out.length} more items]`);
    state.budget -= 2;
    return out;
  }
  const out: Record<string, unknown> = {};
  const keys = Object.keys(value as object);
  let taken = 0;
  for (const key of keys) {
    if (taken >= options.maxKeys || state.budget <= 0) break;
    taken++;
    const v = (value as Record<string, unknown>)[key];
    // Keys are log text too: maps keyed by e-mail address, token or card number are common.
    const safeKey = cutText(redact(cutText(key, PRE_REDACT_CHARS)), 100);
    state.budget -= safeKey.length + 4;
    const kind = sensitiveKeyKind(key);
    if (kind && v !== null && v !== undefined && v !== "" && typeof v !== "boolean") {
      setOwn(out, safeKey, `[REDACTED:${kind}]`);
      state.budget -= kind.length + 12;
      continue;
    }
    const c = copy(v, redact, options, state, depth + 1);
    if (c !== undefined) setOwn(out, safeKey, c);
  }
  if (taken < keys.length) setOwn(out, "…", `[${keys.length - taken} more keys cut]`);
  state.budget -= 2;
  return out;
}

/** Plain assignment would turn a "__proto__" key from untrusted JSON into a prototype change. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
