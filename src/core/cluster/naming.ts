/**
 * A problem's name, as a person would say it: the issue title, the worklog heading and the
 * summary table all use it. Pure; plain (unescaped) text, so every caller escapes it for where
 * it goes.
 *
 * - With an exception: `Type: message head` (`ConfigError: DATABASE_URL is not set`).
 * - Without one: the message, with the error text the entry carried appended (normalization
 *   puts it in the template: `upstream call failed: dial tcp … no such host`).
 * - Variables never show as `<*>`: they show the first sample's value, else `…`.
 * - Never a list of keys, `{}`, or only punctuation: a message-less payload is named from its
 *   logger or module and its first meaningful string, else from a sample.
 */
import { payloadText } from "../ingest/logger-formats";
import type { Cluster } from "../types";

export type Nameable = Pick<Cluster, "template"> &
  Partial<Pick<Cluster, "kind" | "source" | "http" | "exceptionType" | "variables" | "samples" | "shape" | "example" | "overflow">>;

/** Exception types that say nothing of their own: the message (with its lead) is the better name. */
const GENERIC_TYPES = new Set(["Error", "error", "Exception", "panic", "Throwable"]);

/** Variables (`<*>`, `<ip>`, `{id}`) as "…", whitespace collapsed. */
export function readableTemplate(template: string): string {
  return template
    .replace(/<[^<>\s]{1,24}>|\{[A-Za-z_][\w-]{0,23}\}/g, "…")
    .replace(/\s+/g, " ")
    .replace(/…(\s*…)+/g, "…")
    .trim();
}

const MAX_FILLED_HOLES = 8;

/**
 * The template with its `<*>` filled from the example message when the example reads as the
 * template (literal parts equal, in order); the template as it is otherwise.
 */
export function withExampleValues(template: string, example: string | undefined): string {
  if (example === undefined || !template.includes("<*>")) return template;
  const holes = template.split("<*>").length - 1;
  // Lazy groups between literals backtrack polynomially in their number: a few is plenty for a name.
  if (holes > MAX_FILLED_HOLES || example.length > 500) return template;
  const parts = template.split("<*>").map((p) =>
    p
      .trim()
      .split(/\s+/)
      .filter((w) => w !== "")
      .map(escapeRegExp)
      .join("\\s+"),
  );
  const pattern = parts.map((p, i) => (i === 0 ? p : `\\s*(.+?)\\s*${p}`)).join("");
  let m: RegExpExecArray | null;
  try {
    m = new RegExp(`^\\s*${pattern}\\s*$`, "s").exec(example);
  } catch {
    return template;
  }
  if (!m) return template;
  let i = 1;
  const values = m;
  return template.replace(/<\*>/g, () => values[i++] ?? "<*>");
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** True for a name that names nothing: empty, only punctuation or "…", `{}` or a `{key, key}` list. */
export function isPlaceholderName(name: string): boolean {
  const t = name.trim();
  if (!/[\p{L}\p{N}]/u.test(t)) return true;
  if (/^\{[^{}]*\}$/.test(t)) return true;
  return /^\(?(?:no payload|no message|empty message)\)?$/i.test(t);
}

export function problemName(c: Nameable): string {
  // "Entries past the cap of 5,000 clusters per service": what it is, not one of its messages.
  if (c.overflow) return c.template.charAt(0).toUpperCase() + c.template.slice(1);
  if (c.http) return `${c.http.method} ${c.http.route} → ${c.http.status}`;
  const readable = readableTemplate(withExampleValues(c.template, c.example));
  let name = readable;
  const type = c.exceptionType;
  if (type && !GENERIC_TYPES.has(type)) {
    const at = readable.indexOf(`${type}:`);
    if (at >= 0) name = readable.slice(at);
    else if (!readable.startsWith(type)) name = readable ? `${type}: ${readable}` : type;
  }
  if (c.shape !== undefined && c.source && !isPlaceholderName(name) && !name.startsWith(c.source)) name = `${c.source}: ${name}`;
  if (!isPlaceholderName(name)) return name;
  return fallbackName(c);
}

/** A name from the cluster's values or its first sample, for a template that says nothing. */
function fallbackName(c: Nameable): string {
  const value = c.variables?.flatMap((v) => v.top.map((t) => t.value)).find((v) => !isPlaceholderName(v));
  const found = value ?? sampleText(c.samples?.[0]);
  const lead = c.source ?? (c.exceptionType && !GENERIC_TYPES.has(c.exceptionType) ? c.exceptionType : undefined);
  if (found !== undefined) return lead ? `${lead}: ${found}` : found;
  return lead ? `${lead}: log entry without a message` : `${c.kind ?? "application"} log entry without a message`;
}

/** The first meaningful string of a sample (as normalization builds samples: `jsonPayload`, `textPayload`). */
export function sampleText(sample: unknown): string | undefined {
  if (typeof sample === "string") return payloadText({ text: sample });
  if (!isRecord(sample)) return undefined;
  if (isRecord(sample.jsonPayload)) return payloadText(sample.jsonPayload);
  if (typeof sample.textPayload === "string") return payloadText({ text: sample.textPayload });
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
