/**
 * Each problem's history in one service: hourly counts over a span (default 14 days), when
 * and on which revision it was first seen, when it was last seen, and its issue number. The
 * pipeline keeps it beside the miner state (_state/<service>/history.json) and replaces it by
 * compare-and-swap; this module is the pure part: the schema, one window's update, and what
 * changed in that window (docs/history.md).
 *
 * Idempotent per window: `updateWindow` SETS the counts of the hours the window covers and
 * takes the min/max of first and last seen, and it classifies a window only from the hours
 * before it. So a rerun of a window, a retried save, or a backfill of an older window leaves
 * the history as a single run of that window would, and says the same about it.
 *
 * THE FILE IS A CONTRACT with every history already written. Add optional fields freely;
 * anything else needs HISTORY_VERSION bumped. A file with a newer version is refused and left
 * as it is (an older job must not overwrite what a newer one wrote).
 */
import { z } from "zod";
import { schemaProblem } from "../schema-problem";
import type { Cluster, TimeWindow } from "../types";
import { escalationLimit, type EscalationRule } from "./escalation";

export const HISTORY_VERSION = 1;
export const HISTORY_KIND = "log-gardener/problem-history";
const HOUR = 3_600_000;

/** Most problems kept per service; past it the least recently seen are forgotten first. */
export const DEFAULT_MAX_PROBLEMS = 2000;
/** Service revisions remembered (for deploy detection and chart marks); the newest are kept. */
export const MAX_REVISIONS = 100;
/** Longest span accepted (hours): 30 days. */
export const MAX_SPAN_HOURS = 30 * 24;
const MAX_TITLE = 160;
const MAX_TEXT = 200;

export interface HistoryOptions {
  /** Hours of hourly counts kept (LOG_GARDENER_HISTORY_SPAN). */
  readonly spanHours: number;
  /** Absent at least this long, then seen again: `returned` (LOG_GARDENER_RETURN_AFTER). */
  readonly returnAfterMs: number;
  /** The factor of the escalation limit (LOG_GARDENER_ESCALATION_FACTOR); see escalation.ts. */
  readonly escalationFactor: number;
  readonly maxProblems?: number;
  /**
   * A problem not seen for this many hours is forgotten (default four spans): until then it is
   * remembered without counts, so it comes back as `returned`, not `new`.
   */
  readonly forgetAfterHours?: number;
}

export const DEFAULT_HISTORY_OPTIONS: HistoryOptions = { spanHours: 14 * 24, returnAfterMs: 6 * HOUR, escalationFactor: 3 };

const count = z.number().int().nonnegative();
const epochMs = z.number().int();

const problemSchema = z.object({
  /** Epoch ms of the earliest occurrence ever recorded. */
  firstSeen: epochMs,
  /** Revision of that earliest occurrence; absent when the entry carried none. */
  firstSeenRevision: z.string().max(MAX_TEXT).optional(),
  /** Epoch ms of the latest occurrence recorded. */
  lastSeen: epochMs,
  /** Epoch hour (ms / 3,600,000) of c[0]. */
  h0: z.number().int(),
  /** Occurrences per hour from h0 on; at most the span. */
  c: z.array(count).max(MAX_SPAN_HOURS),
  /** The GitHub issue tracking it, when one is known. */
  issue: z.number().int().positive().optional(),
  /** A short, already redacted template, for the quiet list. */
  title: z.string().max(MAX_TITLE).optional(),
});

export const problemHistorySchema = z.object({
  version: z.literal(HISTORY_VERSION),
  kind: z.literal(HISTORY_KIND),
  service: z.string(),
  spanHours: z.number().int().positive().max(MAX_SPAN_HOURS),
  /** Start of the earliest window recorded (epoch ms): deploys are only told apart after it. */
  coveredFrom: epochMs.optional(),
  /** The latest window recorded. */
  lastWindow: z.object({ start: epochMs, end: epochMs }).optional(),
  /** When each of the service's revisions was first seen (any problem), oldest first. */
  revisions: z.array(z.object({ value: z.string().max(MAX_TEXT), firstSeen: epochMs })).max(MAX_REVISIONS),
  problems: z.record(z.string().min(1).max(100), problemSchema),
});

export type ProblemHistory = z.infer<typeof problemHistorySchema>;
export type ProblemRecord = z.infer<typeof problemSchema>;

export function emptyProblemHistory(service: string, spanHours: number = DEFAULT_HISTORY_OPTIONS.spanHours): ProblemHistory {
  return { version: HISTORY_VERSION, kind: HISTORY_KIND, service, spanHours, revisions: [], problems: {} };
}

export type HistoryParse =
  | { readonly ok: true; readonly history: ProblemHistory }
  | { readonly ok: false; readonly reason: "newer-version"; readonly version: number; readonly problem: string }
  | { readonly ok: false; readonly reason: "invalid"; readonly problem: string };

/** Parses a stored history (already JSON.parse'd; undefined for unparseable JSON). Never throws. */
export function parseProblemHistory(json: unknown): HistoryParse {
  if (typeof json === "object" && json !== null && "version" in json) {
    const v = (json as { version: unknown }).version;
    if (typeof v === "number" && Number.isInteger(v) && v > HISTORY_VERSION) {
      return {
        ok: false,
        reason: "newer-version",
        version: v,
        problem: `written by a newer version (history version ${v}, this job reads ${HISTORY_VERSION})`,
      };
    }
  }
  if (json === undefined) return { ok: false, reason: "invalid", problem: "not JSON" };
  const parsed = problemHistorySchema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, reason: "invalid", problem: schemaProblem(parsed.error, "history") };
  }
  return { ok: true, history: parsed.data };
}

// ---------------------------------------------------------------------------------------------
// What one window saw

export interface Observation {
  readonly fingerprint: string;
  /** Fingerprints merged into this one (Cluster.mergedFrom): their histories join this one. */
  readonly mergedFrom?: readonly string[];
  readonly count: number;
  /** Earliest and latest occurrence in the window (epoch ms). */
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** Revision of the window's earliest occurrence. */
  readonly firstRevision?: string;
  /** Entries per revision (entries without a revision are not listed). */
  readonly revisions: readonly { readonly value: string; readonly count: number }[];
  /** Occurrences per epoch hour. */
  readonly hourly: ReadonlyMap<number, number>;
  readonly title?: string;
  readonly issue?: number;
  /** A first sighting known from elsewhere (a sidecar of a rebuilt history), before the window. */
  readonly knownFirstSeen?: { readonly at: number; readonly revision?: string };
}

export interface WindowInput {
  readonly window: TimeWindow;
  readonly observations: readonly Observation[];
  /** Each revision the service logged in this window, with its earliest entry (epoch ms). */
  readonly revisions: readonly { readonly value: string; readonly firstSeen: number }[];
  /** Entries in this window that carried no revision (counted, reported, left out of deploy detection). */
  readonly noRevision?: number;
}

export type Change = "new" | "returned" | "escalating" | "ongoing";
export const CHANGES: readonly Change[] = ["new", "returned", "escalating", "ongoing"];

export interface ClusterChange {
  readonly fingerprint: string;
  readonly change: Change;
  /** Earliest occurrence ever recorded, this window included (epoch ms). */
  readonly firstSeen: number;
  readonly firstSeenRevision?: string;
  /** The figure the limit came from (occurrences per hour; 0 without history). */
  readonly baseline: number;
  /** Occurrences in an hour that make it escalating; absent without history. */
  readonly limit?: number;
  readonly rule: EscalationRule;
  /** The busiest hour of this window. */
  readonly peak: number;
  /** For `returned`: how long it had been absent (ms); Infinity when longer than what is kept. */
  readonly absentMs?: number;
  /** Every entry came from this revision, first seen in the service during this window. */
  readonly startedWithDeploy?: string;
}

export interface QuietProblem {
  readonly fingerprint: string;
  readonly title?: string;
  /** When it was last seen (epoch ms; the end of its last hour when the exact time is not kept). */
  readonly lastSeen: number;
  readonly issue?: number;
  readonly count: number;
}

export interface WindowReport {
  /** Entries whose hour fell outside the window (clock skew between entries and window): not recorded. */
  readonly skewedEntries: number;
  /** Observations whose first or last seen lay outside the window: clamped to it. */
  readonly skewedClusters: number;
  readonly noRevision: number;
  /** Fingerprints absorbed into a survivor (mergedFrom). */
  readonly merged: number;
  /** Problems forgotten by this update (not seen for too long, or over the cap). */
  readonly forgotten: number;
}

export interface WindowUpdate {
  readonly history: ProblemHistory;
  /** One per observation, in the same order. */
  readonly changes: readonly ClusterChange[];
  /** Seen in the previous window, not in this one; most occurrences first. */
  readonly quiet: readonly QuietProblem[];
  /** Revisions first seen in the service during this window (empty when the history starts with it). */
  readonly deployed: readonly { readonly value: string; readonly firstSeen: number }[];
  readonly report: WindowReport;
}

export function epochHour(ms: number): number {
  return Math.floor(ms / HOUR);
}

/** Occurrences per epoch hour from a cluster's timeline; the whole count in the window's first hour when the timeline does not add up. */
export function hourlyCounts(timeline: readonly number[], bucketMinutes: number, total: number, windowStart: number): Map<number, number> {
  const out = new Map<number, number>();
  if (timeline.length === 0 || !(bucketMinutes > 0) || timeline.reduce((a, b) => a + b, 0) !== total) {
    if (total > 0) out.set(epochHour(windowStart), total);
    return out;
  }
  timeline.forEach((n, i) => {
    if (n === 0) return;
    const h = epochHour(windowStart + i * bucketMinutes * 60_000);
    out.set(h, (out.get(h) ?? 0) + n);
  });
  return out;
}

function shortTitle(template: string): string {
  const one = template.replace(/\s+/g, " ").trim();
  return one.length <= MAX_TITLE ? one : `${one.slice(0, MAX_TITLE - 1)}…`;
}

/** What a cluster of this window tells the history. */
export function observationOf(c: Cluster & { readonly firstRevision?: string }, window: TimeWindow, issue?: number): Observation {
  return {
    fingerprint: c.fingerprint,
    ...(c.mergedFrom && c.mergedFrom.length > 0 ? { mergedFrom: c.mergedFrom } : {}),
    count: c.count,
    firstSeen: c.firstSeen,
    lastSeen: c.lastSeen,
    ...(c.firstRevision !== undefined
      ? { firstRevision: c.firstRevision }
      : c.revisions.length === 1
        ? { firstRevision: c.revisions[0]!.value }
        : {}),
    revisions: c.revisions,
    hourly: hourlyCounts(c.timeline, c.bucketMinutes, c.count, window.start),
    title: shortTitle(c.template),
    ...(issue !== undefined ? { issue } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Hourly counts of one record

function countAt(rec: ProblemRecord | undefined, h: number): number {
  if (!rec) return 0;
  return rec.c[h - rec.h0] ?? 0;
}

function cloneRecord(rec: ProblemRecord): ProblemRecord {
  return { ...rec, c: [...rec.c] };
}

/** Sets hour `h` to `n` (mutates a cloned record). */
function setCount(rec: ProblemRecord, h: number, n: number): void {
  if (rec.c.length === 0) {
    if (n === 0) return;
    rec.h0 = h;
    rec.c = [n];
    return;
  }
  if (h < rec.h0) {
    if (n === 0) return;
    rec.c = [...new Array<number>(rec.h0 - h).fill(0), ...rec.c];
    rec.h0 = h;
  }
  const i = h - rec.h0;
  if (i >= rec.c.length) {
    if (n === 0) return;
    rec.c = [...rec.c, ...new Array<number>(i - rec.c.length + 1).fill(0)];
  }
  rec.c[i] = n;
}

/** Keeps hours from `from` on and drops zeros at both ends. */
function trim(rec: ProblemRecord, from: number): void {
  if (rec.h0 < from) {
    rec.c = rec.c.slice(from - rec.h0);
    rec.h0 = from;
  }
  let start = 0;
  while (start < rec.c.length && rec.c[start] === 0) start++;
  let end = rec.c.length;
  while (end > start && rec.c[end - 1] === 0) end--;
  rec.c = rec.c.slice(start, end);
  rec.h0 = rec.c.length === 0 ? from : rec.h0 + start;
}

/** The last hour before `before` with an occurrence, among the hours kept. */
function lastActiveBefore(rec: ProblemRecord, before: number): number | undefined {
  for (let i = Math.min(rec.c.length, before - rec.h0) - 1; i >= 0; i--) if (rec.c[i]! > 0) return rec.h0 + i;
  return undefined;
}

function earliest(
  a: { at: number; revision?: string } | undefined,
  b: { at: number; revision?: string },
): { at: number; revision?: string } {
  if (!a || b.at < a.at) return b;
  if (b.at === a.at && a.revision === undefined && b.revision !== undefined) return b;
  return a;
}

/** Folds `from` into `into` (a merged fingerprint's history joins the survivor's). */
function absorb(into: ProblemRecord | undefined, from: ProblemRecord): ProblemRecord {
  const out = into ? cloneRecord(into) : { ...cloneRecord(from), c: [], issue: undefined, title: undefined };
  from.c.forEach((n, i) => {
    if (n > 0) setCount(out, from.h0 + i, countAt(out, from.h0 + i) + n);
  });
  const first = earliest(into ? { at: into.firstSeen, revision: into.firstSeenRevision } : undefined, {
    at: from.firstSeen,
    revision: from.firstSeenRevision,
  });
  out.firstSeen = first.at;
  if (first.revision !== undefined) out.firstSeenRevision = first.revision;
  else delete out.firstSeenRevision;
  out.lastSeen = Math.max(into?.lastSeen ?? from.lastSeen, from.lastSeen);
  if (out.issue === undefined && from.issue !== undefined) out.issue = from.issue;
  if (out.title === undefined && from.title !== undefined) out.title = from.title;
  if (out.issue === undefined) delete out.issue;
  if (out.title === undefined) delete out.title;
  return out;
}

// ---------------------------------------------------------------------------------------------
// One window

/**
 * Records one window and says what changed in it. Pure and deterministic; see the module
 * comment for why a rerun or a backfill gives the same history and the same changes.
 */
export function updateWindow(history: ProblemHistory, input: WindowInput, options: HistoryOptions): WindowUpdate {
  const { window } = input;
  const span = Math.min(MAX_SPAN_HOURS, Math.max(1, Math.round(options.spanHours)));
  const hStart = epochHour(window.start);
  const hEnd = epochHour(window.end - 1);
  const problems = new Map<string, ProblemRecord>(Object.entries(history.problems).map(([fp, r]) => [fp, cloneRecord(r)]));
  let merged = 0;
  let skewedEntries = 0;
  let skewedClusters = 0;

  // 1. Merged fingerprints join their survivor, before anything is judged.
  for (const o of input.observations) {
    for (const fp of o.mergedFrom ?? []) {
      const from = problems.get(fp);
      if (fp === o.fingerprint || !from) continue;
      problems.set(o.fingerprint, absorb(problems.get(o.fingerprint), from));
      problems.delete(fp);
      merged++;
    }
  }

  // 2. Clean the observations: only hours and times inside the window count.
  const observations = input.observations.map((o) => {
    const hourly = new Map<number, number>();
    for (const [h, n] of o.hourly) {
      if (!(n > 0)) continue;
      if (h < hStart || h > hEnd) skewedEntries += n;
      else hourly.set(h, (hourly.get(h) ?? 0) + n);
    }
    const inside = (t: number) => Number.isFinite(t) && t >= window.start && t < window.end;
    const clamp = (t: number) => (Number.isFinite(t) ? Math.min(window.end - 1, Math.max(window.start, t)) : window.start);
    if (!inside(o.firstSeen) || !inside(o.lastSeen)) skewedClusters++;
    return { ...o, hourly, firstSeen: clamp(o.firstSeen), lastSeen: clamp(o.lastSeen) };
  });

  // 3. Revisions: when each was first seen in the service; which were deployed during the window.
  const revisionFirst = new Map<string, number>(history.revisions.map((r) => [r.value, r.firstSeen]));
  for (const r of input.revisions) {
    if (!r.value || !Number.isFinite(r.firstSeen)) continue;
    const at = Math.min(window.end - 1, Math.max(window.start, r.firstSeen));
    revisionFirst.set(r.value, Math.min(revisionFirst.get(r.value) ?? Infinity, at));
  }
  const knowsEarlier = history.coveredFrom !== undefined && history.coveredFrom < window.start;
  const deployed = knowsEarlier
    ? [...revisionFirst]
        .filter(([, at]) => at >= window.start && at < window.end)
        .map(([value, firstSeen]) => ({ value, firstSeen }))
        .sort((a, b) => a.firstSeen - b.firstSeen || (a.value < b.value ? -1 : 1))
    : [];
  const deployedSet = new Set(deployed.map((d) => d.value));

  // 4. What changed, judged only from the hours before the window.
  const changes: ClusterChange[] = observations.map((o) => {
    const rec = problems.get(o.fingerprint);
    const seenBefore = rec !== undefined && rec.firstSeen < window.start;
    const prior: number[] = [];
    for (let h = hStart - span; h < hStart; h++) prior.push(countAt(rec, h));
    const limit = escalationLimit(prior, options.escalationFactor);
    const peak = Math.max(0, ...o.hourly.values());
    let first = earliest(undefined, { at: o.firstSeen, ...(o.firstRevision !== undefined ? { revision: o.firstRevision } : {}) });
    if (rec)
      first = earliest({ at: rec.firstSeen, ...(rec.firstSeenRevision !== undefined ? { revision: rec.firstSeenRevision } : {}) }, first);
    if (o.knownFirstSeen && o.knownFirstSeen.at < window.start) first = earliest(first, o.knownFirstSeen);
    let change: Change;
    let absentMs: number | undefined;
    if (!seenBefore && !(o.knownFirstSeen && o.knownFirstSeen.at < window.start)) change = "new";
    else {
      const last = rec ? lastActiveBefore(rec, hStart) : undefined;
      absentMs = last === undefined ? Infinity : o.firstSeen - Math.min((last + 1) * HOUR, window.start);
      if (absentMs >= options.returnAfterMs) change = "returned";
      else {
        absentMs = undefined;
        change = limit.limit !== undefined && peak >= limit.limit ? "escalating" : "ongoing";
      }
    }
    const only = o.revisions.length === 1 && o.revisions[0]!.count === o.count ? o.revisions[0]!.value : undefined;
    const startedWithDeploy = (change === "new" || change === "returned") && only !== undefined && deployedSet.has(only) ? only : undefined;
    return {
      fingerprint: o.fingerprint,
      change,
      firstSeen: first.at,
      ...(first.revision !== undefined ? { firstSeenRevision: first.revision } : {}),
      baseline: limit.baseline,
      ...(limit.limit !== undefined ? { limit: limit.limit } : {}),
      rule: limit.rule,
      peak,
      ...(absentMs !== undefined ? { absentMs } : {}),
      ...(startedWithDeploy !== undefined ? { startedWithDeploy } : {}),
    };
  });

  // 5. Gone quiet: occurrences in the previous window, none in this one.
  const observed = new Set(observations.map((o) => o.fingerprint));
  const prevStart = epochHour(window.start - Math.max(HOUR, window.end - window.start));
  const quiet: QuietProblem[] = [];
  for (const [fp, rec] of problems) {
    if (observed.has(fp)) continue;
    let n = 0;
    for (let h = prevStart; h < hStart; h++) n += countAt(rec, h);
    if (n === 0) continue;
    const last = lastActiveBefore(rec, hStart);
    const lastSeen = rec.lastSeen < window.start ? rec.lastSeen : Math.min(((last ?? hStart - 1) + 1) * HOUR, window.start);
    quiet.push({
      fingerprint: fp,
      ...(rec.title !== undefined ? { title: rec.title } : {}),
      lastSeen,
      ...(rec.issue !== undefined ? { issue: rec.issue } : {}),
      count: n,
    });
  }
  quiet.sort((a, b) => b.count - a.count || (a.fingerprint < b.fingerprint ? -1 : 1));

  // 6. Record the window: its whole hours are set (a rerun that sees less sets less), the rest min/max.
  for (let h = hStart; h <= hEnd; h++) {
    if (h * HOUR < window.start || (h + 1) * HOUR > window.end) continue; // a part of an hour: only set what was seen
    for (const rec of problems.values()) if (countAt(rec, h) > 0) setCount(rec, h, 0);
  }
  observations.forEach((o, i) => {
    const ch = changes[i]!;
    const rec = problems.get(o.fingerprint) ?? { firstSeen: ch.firstSeen, lastSeen: o.lastSeen, h0: hStart, c: [] };
    for (const [h, n] of o.hourly) setCount(rec, h, n);
    rec.firstSeen = ch.firstSeen;
    if (ch.firstSeenRevision !== undefined) rec.firstSeenRevision = ch.firstSeenRevision.slice(0, MAX_TEXT);
    rec.lastSeen = Math.max(rec.lastSeen, o.lastSeen);
    if (o.title !== undefined) rec.title = shortTitle(o.title);
    if (o.issue !== undefined) rec.issue = o.issue;
    problems.set(o.fingerprint, rec);
  });

  // 7. Bounds: the span of counts, forgotten problems, the caps.
  const lastWindow =
    !history.lastWindow || window.end > history.lastWindow.end ? { start: window.start, end: window.end } : history.lastWindow;
  const latestHour = epochHour(lastWindow.end - 1);
  const keepFrom = latestHour - span + 1;
  const forgetBefore = (latestHour + 1 - (options.forgetAfterHours ?? 4 * span)) * HOUR;
  let forgotten = 0;
  for (const [fp, rec] of problems) {
    trim(rec, keepFrom);
    if (rec.lastSeen < forgetBefore) {
      problems.delete(fp);
      forgotten++;
    }
  }
  const maxProblems = options.maxProblems ?? DEFAULT_MAX_PROBLEMS;
  let kept = [...problems];
  if (kept.length > maxProblems) {
    kept.sort((a, b) => b[1].lastSeen - a[1].lastSeen || (a[0] < b[0] ? -1 : 1));
    forgotten += kept.length - maxProblems;
    kept = kept.slice(0, maxProblems);
  }
  kept.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const revisions = [...revisionFirst]
    .map(([value, firstSeen]) => ({ value: value.slice(0, MAX_TEXT), firstSeen }))
    .sort((a, b) => a.firstSeen - b.firstSeen || (a.value < b.value ? -1 : 1))
    .slice(-MAX_REVISIONS);

  return {
    history: {
      version: HISTORY_VERSION,
      kind: HISTORY_KIND,
      service: history.service,
      spanHours: span,
      coveredFrom: Math.min(history.coveredFrom ?? window.start, window.start),
      lastWindow,
      revisions,
      problems: Object.fromEntries(kept),
    },
    changes,
    quiet,
    deployed,
    report: { skewedEntries, skewedClusters, noRevision: input.noRevision ?? 0, merged, forgotten },
  };
}

/** Records the issue number of each problem (after publishing). */
export function withIssueNumbers(history: ProblemHistory, issues: ReadonlyMap<string, number>): ProblemHistory {
  let changed = false;
  const problems: Record<string, ProblemRecord> = {};
  for (const [fp, rec] of Object.entries(history.problems)) {
    const n = issues.get(fp);
    if (n !== undefined && n > 0 && Number.isInteger(n) && rec.issue !== n) {
      problems[fp] = { ...rec, issue: n };
      changed = true;
    } else problems[fp] = rec;
  }
  return changed ? { ...history, problems } : history;
}

/** Hourly counts of a problem between two epoch hours (inclusive), zeros filled. */
export function problemHours(rec: ProblemRecord | undefined, from: number, to: number): number[] {
  const out: number[] = [];
  for (let h = from; h <= to; h++) out.push(countAt(rec, h));
  return out;
}
