/**
 * Links to the Logs Explorer showing one cluster's entries in one window. Pure: builds text.
 *
 * The query restricts the service, the cluster's lowest severity and the entry's own field:
 *
 * - a request cluster: its method and status, and `httpRequest.requestUrl:"…"` on the route's
 *   literal text before its first id;
 * - an audit cluster: `protoPayload.methodName="…"`;
 * - anything else: `FIELD:"…"` (Cloud Logging's case-insensitive substring restriction) on the
 *   literal text of the template before its first variable, where FIELD is the payload field
 *   that holds the message (`jsonPayload.message`, `textPayload`, `jsonPayload.error.message`, …),
 *   plus the template's longest other literal runs. Every phrase is checked against each of the
 *   cluster's samples, so it is text the entries carry: a redaction marker or a variable is
 *   never part of one, and punctuation stays as it was.
 */
import type { Cluster, TimeWindow } from "../types";
import { severityRank, SEVERITIES, type Severity } from "../severity";
import { methodsOfHandler } from "../ingest/http-request";

function quote(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** Variables (`<*>`, `{id}`), redaction markers and line breaks: what a literal phrase stops at. */
const BREAKS = /<\*>|\{[A-Za-z_]+\}|\[REDACTED[^\]]*\]|[\r\n]/;
const MAX_PHRASE_CHARS = 100;
/** The first literal run, and at most this many more. */
const EXTRA_PHRASES = 2;

/** Where a message can come from in a sample, most likely first (see core/ingest/message.ts). */
const JSON_MESSAGE_PATHS: readonly (readonly string[])[] = [
  ["message"],
  ["msg"],
  ["error", "message"],
  ["err", "message"],
  ["error"],
  ["exception"],
  ["exception", "message"],
  ["stack"],
  ["stacktrace"],
  ["stack_trace"],
  ["stackTrace"],
  ["exc_info"],
  ["error", "stack"],
  ["err", "stack"],
];

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The literal runs of a template, in order, trimmed; the first is the text before the first variable. */
export function literalRuns(template: string): string[] {
  return template
    .split(new RegExp(BREAKS.source, "g"))
    .map((run) => run.trim())
    .filter((run) => /[\p{L}\p{N}]/u.test(run));
}

function textAt(sample: unknown, path: readonly string[]): string | undefined {
  let value: unknown = sample;
  for (const key of path) {
    if (value === null || typeof value !== "object" || Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, key))
      return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === "string" ? value : undefined;
}

/** The fields of a sample that hold text, as query paths, most likely message first. */
function textFields(sample: unknown): string[][] {
  const paths: string[][] = [["textPayload"], ...JSON_MESSAGE_PATHS.map((p) => ["jsonPayload", ...p])];
  const seen = new Set(paths.map((p) => p.join(".")));
  // Then any other string field of the payload (a logger's own key for the message).
  const walk = (value: unknown, path: string[], depth: number) => {
    if (depth > 4 || value === null || typeof value !== "object" || Array.isArray(value)) return;
    for (const [key, v] of Object.entries(value)) {
      if (!IDENTIFIER.test(key)) continue;
      const next = [...path, key];
      if (typeof v === "string" && !seen.has(next.join("."))) {
        seen.add(next.join("."));
        paths.push(next);
      } else walk(v, next, depth + 1);
    }
  };
  walk((sample as { jsonPayload?: unknown } | null)?.jsonPayload, ["jsonPayload"], 0);
  return paths.filter((p) => textAt(sample, p) !== undefined);
}

/** The longest start of `phrase` (cut at a word boundary) that every text contains, ignoring case. */
function containedStart(phrase: string, texts: readonly string[]): string | undefined {
  let candidate = [...phrase].slice(0, MAX_PHRASE_CHARS).join("");
  const lowered = texts.map((t) => t.toLowerCase());
  for (;;) {
    const c = candidate.trim();
    if (c.length >= 3 && /[\p{L}\p{N}]/u.test(c) && lowered.every((t) => t.includes(c.toLowerCase()))) return c;
    const cut = candidate.trimEnd().search(/\s\S*$/);
    if (cut <= 0) return undefined;
    candidate = candidate.slice(0, cut);
  }
}

/**
 * The payload field holding the cluster's text and the phrases of its template found in that
 * field of every sample: the text before the first variable first. Undefined without samples
 * or when no field of theirs carries a phrase.
 */
export function messageRestriction(cluster: Pick<Cluster, "template" | "samples">): { field: string; phrases: string[] } | undefined {
  const samples = cluster.samples;
  if (samples.length === 0) return undefined;
  const runs = literalRuns(cluster.template);
  if (runs.length === 0) return undefined;
  for (const path of textFields(samples[0])) {
    const texts = samples.map((s) => textAt(s, path));
    if (texts.some((t) => t === undefined)) continue;
    const phrases: string[] = [];
    const first = containedStart(runs[0]!, texts as string[]);
    if (first) phrases.push(first);
    const others = runs
      .slice(1)
      .map((run) => containedStart(run, texts as string[]))
      .filter((p): p is string => p !== undefined && !phrases.some((q) => q.toLowerCase().includes(p.toLowerCase())))
      .sort((a, b) => b.length - a.length)
      .slice(0, first ? EXTRA_PHRASES : EXTRA_PHRASES + 1);
    phrases.push(...others);
    if (phrases.length > 0) return { field: path.join("."), phrases };
  }
  return undefined;
}

function lowestSeverity(severities: Cluster["severities"], fallback: Severity): Severity {
  const seen = SEVERITIES.filter((s) => (severities[s] ?? 0) > 0);
  return seen.length > 0 ? seen.reduce((a, b) => (severityRank(b) < severityRank(a) ? b : a)) : fallback;
}

function auditMethod(cluster: Cluster): string | undefined {
  if (!cluster.template.startsWith("audit ")) return undefined;
  const method = (cluster.samples[0] as { protoPayload?: { methodName?: unknown } } | undefined)?.protoPayload?.methodName;
  return typeof method === "string" && method !== "" && !BREAKS.test(method) ? method : undefined;
}

export function clusterLogQuery(cluster: Cluster): string {
  const clauses = [`resource.type="cloud_run_revision"`, `resource.labels.service_name=${quote(cluster.service)}`];
  // A stack trace Cloud Run logged without a severity (DEFAULT) is clustered as an ERROR, so the
  // entries' own severity may be lower than the cluster's: no severity clause for those.
  if (cluster.kind !== "stacktrace") clauses.push(`severity>=${lowestSeverity(cluster.severities, cluster.severity)}`);
  if (cluster.http && cluster.kind === "request") {
    // HEAD and GET are clustered together (ingest/http-request.ts, handlerMethod): the query finds both.
    const methods = methodsOfHandler(cluster.http.method).map((m) => `httpRequest.requestMethod=${quote(m)}`);
    clauses.push(methods.length === 1 ? methods[0]! : `(${methods.join(" OR ")})`, `httpRequest.status=${cluster.http.status}`);
    const route = literalRuns(cluster.http.route)[0];
    const urls = cluster.samples.map((s) => textAt(s, ["httpRequest", "requestUrl"]));
    const prefix = route && urls.every((u) => u !== undefined) ? containedStart(route, urls as string[]) : undefined;
    if (prefix) clauses.push(`httpRequest.requestUrl:${quote(prefix)}`);
    return clauses.join("\n");
  }
  const method = auditMethod(cluster);
  if (method) {
    clauses.push(`protoPayload.methodName=${quote(method)}`);
    return clauses.join("\n");
  }
  const restriction = messageRestriction(cluster);
  if (restriction) for (const phrase of restriction.phrases) clauses.push(`${restriction.field}:${quote(phrase)}`);
  return clauses.join("\n");
}

/** Lone surrogates (logs carry them) as U+FFFD: encodeURIComponent throws on them. */
function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

export function logsExplorerUrl(project: string | undefined, cluster: Cluster, window: TimeWindow): string {
  const query = encodeURIComponent(wellFormed(clusterLogQuery(cluster))).replace(
    /[()]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  const range = `startTime=${new Date(window.start).toISOString()};endTime=${new Date(window.end).toISOString()}`;
  const projectPart = project ? `?project=${encodeURIComponent(project)}` : "";
  return `https://console.cloud.google.com/logs/query;query=${query};${range}${projectPart}`;
}
