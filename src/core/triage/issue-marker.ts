/**
 * The hidden marker in each managed issue body, and the markers in our comments.
 *
 * The issue body is the job's state for that problem: which fingerprint it tracks, enough of the
 * template to re-match it by similarity if the fingerprint scheme or the miner state is lost,
 * the hourly counts behind the chart, and when we last pinged anyone. No other store is needed.
 *
 *   <!-- log-gardener:v1 {"kind":"problem","fp":"lg1-…","svc":"api","tpl":"…","hist":{…}} -->
 *
 * THIS TEXT IS A CONTRACT. Issues written by earlier runs are parsed by later ones: changing the
 * prefix, the version or a field's meaning breaks deduplication (every problem would be opened
 * again). Add optional fields freely; anything else needs a new version and a parser for the old.
 */
import { z } from "zod";

export const ISSUE_MARKER_VERSION = 1;
const MARKER_PREFIX = "<!-- log-gardener:v";
const MARKER_PATTERN = /<!-- log-gardener:v(\d+) ([\s\S]*?) -->/;
const HOUR_MS = 3_600_000;

/** Longest template kept in the marker; enough to re-match by similarity. */
export const MARKER_TEMPLATE_MAX = 500;

export type MarkerKind = "problem" | "digest";

/** Hourly occurrence counts: `c[i]` is the count of the hour starting at (h0 + i) hours. */
export interface HourlyHistory {
  /** Epoch hours (ms / 3,600,000) of the first bucket. */
  readonly h0: number;
  readonly c: readonly number[];
}

/** The last comment the job posted on this issue. */
export interface LastComment {
  /** Window id of the run that commented. */
  readonly w: string;
  /** Epoch ms of the end of that window. */
  readonly at: number;
}

export interface IssueMarker {
  readonly v: typeof ISSUE_MARKER_VERSION;
  readonly kind: MarkerKind;
  /** Fingerprint of the cluster ("digest" for the digest issue). */
  readonly fp: string;
  readonly svc: string;
  /** The message template, redacted and shortened to MARKER_TEMPLATE_MAX. */
  readonly tpl: string;
  readonly src?: string;
  readonly hist: HourlyHistory;
  /**
   * Occurrences per hour when the issue last notified people (opened, commented, reopened): the
   * baseline an escalation is measured against.
   */
  readonly base?: number;
  readonly commented?: LastComment;
  /** Window id of the last run that updated this issue. */
  readonly seen?: string;
  /** Earlier fingerprints re-matched to this issue by similarity, or absorbed by a merge. */
  readonly aka?: readonly string[];
  /** When the problem was first seen (epoch ms), from the service's problem history. */
  readonly first?: number;
  /** Revisions of the service and when each first appeared (epoch ms), for the chart's marks. */
  readonly revs?: readonly { readonly r: string; readonly t: number }[];
  /**
   * Issues this one absorbed (closed as duplicates of it): their hourly history is already
   * summed into `hist`, so a rerun does not add it twice.
   */
  readonly merged?: readonly number[];
  /** Set on an issue the job closed as a duplicate: the issue that absorbed it. */
  readonly into?: number;
}

const markerSchema = z.object({
  v: z.literal(ISSUE_MARKER_VERSION),
  kind: z.enum(["problem", "digest"]),
  fp: z.string().min(1),
  svc: z.string(),
  tpl: z.string(),
  src: z.string().optional(),
  hist: z.object({ h0: z.number().int(), c: z.array(z.number().int().nonnegative()) }),
  base: z.number().nonnegative().optional(),
  commented: z.object({ w: z.string(), at: z.number() }).optional(),
  seen: z.string().optional(),
  aka: z.array(z.string()).optional(),
  first: z.number().optional(),
  revs: z
    .array(z.object({ r: z.string().max(80), t: z.number() }))
    .max(20)
    .optional(),
  merged: z.array(z.number().int().positive()).optional(),
  into: z.number().int().positive().optional(),
});

/** JSON safe inside an HTML comment: `<` and `>` only occur in strings, so escape them there. */
function commentSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e");
}

export function renderIssueMarker(marker: IssueMarker): string {
  const { v, ...rest } = marker;
  return `${MARKER_PREFIX}${v} ${commentSafeJson(rest)} -->`;
}

export type MarkerParse =
  { readonly ok: true; readonly marker: IssueMarker } | { readonly ok: false; readonly reason: "absent" | "unknown-version" | "invalid" };

/** Finds and validates the marker in an issue body. */
export function parseIssueMarker(body: string | null | undefined): MarkerParse {
  const m = MARKER_PATTERN.exec(body ?? "");
  if (!m) return { ok: false, reason: "absent" };
  if (Number(m[1]) !== ISSUE_MARKER_VERSION) return { ok: false, reason: "unknown-version" };
  let json: unknown;
  try {
    json = JSON.parse(m[2]!);
  } catch {
    return { ok: false, reason: "invalid" };
  }
  const parsed = markerSchema.safeParse({ ...(json as object), v: Number(m[1]) });
  if (!parsed.success) return { ok: false, reason: "invalid" };
  return { ok: true, marker: parsed.data as IssueMarker };
}

/** Replaces the marker in a body (or puts one at the top if it has none). */
export function replaceIssueMarker(body: string, marker: IssueMarker): string {
  const rendered = renderIssueMarker(marker);
  return MARKER_PATTERN.test(body) ? body.replace(MARKER_PATTERN, () => rendered) : `${rendered}\n${body}`;
}

// ---------------------------------------------------------------------------------------------
// Comment markers: one per comment, so a rerun of the same window never posts it twice.

/** `<!-- log-gardener:comment v1 w=2025-09-15T0100Z fp=lg1-… -->` (also a contract). */
export function renderCommentMarker(windowId: string, fingerprint: string): string {
  return `<!-- log-gardener:comment v1 w=${safeToken(windowId)} fp=${safeToken(fingerprint)} -->`;
}

export function hasCommentMarker(commentBody: string, windowId: string, fingerprint: string): boolean {
  return commentBody.includes(renderCommentMarker(windowId, fingerprint));
}

function safeToken(text: string): string {
  return text.replace(/[^A-Za-z0-9._:+-]/g, "_");
}

// ---------------------------------------------------------------------------------------------
// The "latest occurrences" section: replaced in place on every update, so edits people make
// elsewhere in the body survive.

export const LATEST_START = "<!-- log-gardener:latest -->";
export const LATEST_END = "<!-- /log-gardener:latest -->";

/** Replaces the latest-occurrences section of a body, or appends one. */
export function replaceLatestSection(body: string, section: string): string {
  const block = `${LATEST_START}\n${section}\n${LATEST_END}`;
  const start = body.indexOf(LATEST_START);
  const end = body.indexOf(LATEST_END, start);
  if (start >= 0 && end > start) return body.slice(0, start) + block + body.slice(end + LATEST_END.length);
  return `${body.trimEnd()}\n\n${block}\n`;
}

// ---------------------------------------------------------------------------------------------
// Hourly history

export function epochHour(ms: number): number {
  return Math.floor(ms / HOUR_MS);
}

export function emptyHistory(now: number): HourlyHistory {
  return { h0: epochHour(now), c: [] };
}

/**
 * Sets (not adds: a rerun of the same window gives the same history) the counts of the given
 * hours, and keeps only the `keepHours` hours ending at the latest one.
 */
export function recordHours(history: HourlyHistory, counts: ReadonlyMap<number, number>, keepHours: number): HourlyHistory {
  const all = new Map<number, number>();
  history.c.forEach((n, i) => all.set(history.h0 + i, n));
  for (const [h, n] of counts) all.set(h, n);
  if (all.size === 0) return history;
  const last = Math.max(...all.keys());
  const first = Math.max(Math.min(...all.keys()), last - keepHours + 1);
  const c: number[] = [];
  for (let h = first; h <= last; h++) c.push(all.get(h) ?? 0);
  return { h0: first, c };
}

/**
 * Adds (not sets) another issue's hourly counts into a history, hour by hour: the history of an
 * issue closed as a duplicate, moving into the issue that absorbed it. Keeps the `keepHours`
 * hours ending at the latest one.
 */
export function addHistory(history: HourlyHistory, other: HourlyHistory, keepHours: number): HourlyHistory {
  const sums = new Map<number, number>();
  history.c.forEach((n, i) => sums.set(history.h0 + i, n));
  other.c.forEach((n, i) => sums.set(other.h0 + i, (sums.get(other.h0 + i) ?? 0) + n));
  return recordHours(history, sums, keepHours);
}

/** Counts per hour from `from` (inclusive, epoch hours) to `to` (inclusive), zeros filled. */
export function historyBetween(history: HourlyHistory, from: number, to: number): number[] {
  const out: number[] = [];
  for (let h = from; h <= to; h++) out.push(history.c[h - history.h0] ?? 0);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Similarity re-match

/** Words of a template, lowercased; placeholders (`<*>`, `{id}`) and bare numbers dropped. */
export function templateTokens(template: string): Set<string> {
  const words = template
    .replace(/<[^<>\s]*>|\{[^{}\s]*\}/g, " ")
    .toLowerCase()
    .split(/[^\p{L}\p{N}_]+/u)
    .filter((w) => w.length > 1 && !/^\d+$/.test(w));
  return new Set(words);
}

/** Jaccard similarity of the templates' word sets, 0..1 (1 for two empty templates). */
export function templateSimilarity(a: string, b: string): number {
  const ta = templateTokens(a);
  const tb = templateTokens(b);
  if (ta.size === 0 && tb.size === 0) return 1;
  let shared = 0;
  for (const t of ta) if (tb.has(t)) shared++;
  return shared / (ta.size + tb.size - shared);
}

export interface MarkedIssue<T> {
  readonly issue: T;
  readonly marker: IssueMarker;
}

export interface MatchQuery {
  readonly fingerprint: string;
  readonly service: string;
  readonly template: string;
}

/** Sort order among issues carrying one fingerprint: not merged away, then open, then newest. */
export function trackingOrder<T extends { readonly number: number; readonly state?: string }>(
  a: MarkedIssue<T>,
  b: MarkedIssue<T>,
): number {
  const rank = (m: MarkedIssue<T>) => (m.marker.into !== undefined ? 2 : 0) + (m.issue.state === "closed" ? 1 : 0);
  return rank(a) - rank(b) || b.issue.number - a.issue.number;
}

export type MatchResult<T> =
  | { readonly by: "fingerprint"; readonly issue: T; readonly marker: IssueMarker }
  | { readonly by: "similarity"; readonly issue: T; readonly marker: IssueMarker; readonly score: number };

/**
 * The issue tracking a problem: the issue whose marker carries the fingerprint (or had it as an
 * alias), preferring one not closed as a duplicate by a merge, then an open one, then the newest;
 * failing that, the newest issue of the same service whose template is at least
 * `threshold` similar, among those no other fingerprint of this run claimed (`claimed`).
 */
export function matchIssue<T extends { readonly number: number; readonly state?: string }>(
  query: MatchQuery,
  candidates: readonly MarkedIssue<T>[],
  threshold: number,
  claimed: ReadonlySet<number> = new Set(),
): MatchResult<T> | undefined {
  const problems = candidates.filter((c) => c.marker.kind === "problem");
  const exact = problems
    .filter((c) => c.marker.fp === query.fingerprint || (c.marker.aka ?? []).includes(query.fingerprint))
    .sort(trackingOrder)[0];
  if (exact) return { by: "fingerprint", issue: exact.issue, marker: exact.marker };
  if (threshold > 1) return undefined;
  let best: { c: MarkedIssue<T>; score: number } | undefined;
  for (const c of problems) {
    if (c.marker.svc !== query.service || claimed.has(c.issue.number)) continue;
    const score = templateSimilarity(query.template, c.marker.tpl);
    if (score < threshold) continue;
    if (!best || score > best.score || (score === best.score && c.issue.number > best.c.issue.number)) best = { c, score };
  }
  return best ? { by: "similarity", issue: best.c.issue, marker: best.c.marker, score: best.score } : undefined;
}
