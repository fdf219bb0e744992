/**
 * Decides what to do on GitHub for this run's clusters, given the issues that already exist.
 * Pure: the adapter (adapters/github-issue-tracker.ts) carries the actions out, the dry run
 * prints them. Every action carries the exact title, body, labels and comment it will send,
 * already made safe (core/safe-text.ts).
 *
 * The policy, per cluster, matched to an issue by the fingerprint in its marker (or, failing
 * that, by template similarity within the same service):
 *
 *   no issue                           → open (at most maxNewIssuesPerRun per run, highest
 *                                        priority first; the rest go to the digest issue)
 *   issue labelled log-gardener:quiet  → mute (counted in the worklog, nothing sent)
 *   open                               → update-body: the latest-occurrences section and the
 *                                        marker, quietly; → comment instead when the problem is
 *                                        escalating and no comment was posted in the last
 *                                        commentPeriodHours. With the problem history
 *                                        (PlanInput.history) escalating means this hour reached
 *                                        the limit computed from the problem's own hours
 *                                        (core/history/escalation.ts, whose factor is
 *                                        escalationFactor) and the rate is above the one when the
 *                                        issue last notified; without it, the rate is
 *                                        escalationFactor × the rate when the issue last notified
 *   closed as not planned / duplicate  → mute
 *   closed as completed, recently      → reopen, with a comment and the regression label. With
 *                                        the history, only when the problem `returned` (or is
 *                                        `new` to it), or still occurs returnAfter after the
 *                                        issue was closed; otherwise skip (recently-closed): the
 *                                        fix may still be rolling out
 *   closed > reopenWithinDays, locked  → open-successor, linking the old issue (counts
 *                                        against the cap like open)
 *
 * Merges: a cluster whose `mergedFrom` names fingerprints that other issues track keeps one
 * survivor (the issue of its own fingerprint, else the oldest open one of the absorbed), and
 * every other open one gets close-duplicate: a "Duplicate of #N" comment, then closed with
 * state_reason "duplicate" and `into` in its marker. Their hourly history is summed into the
 * survivor's marker (`merged` lists them, so a rerun does not add it twice) and their
 * fingerprints become the survivor's aliases. See docs/triage-merges.md.
 *
 * Labels: a new issue gets log-gardener, severity:…, priority:P… and service:…; an update only
 * adds a family (severity, priority, service) that has no label at all, so a label a person set
 * is never changed.
 */
import type { PrioritizedCluster, Priority } from "../types";
import { severityRank } from "../severity";
import { redactDeep, type Redactor } from "../redact/redact";
import {
  addHistory,
  emptyHistory,
  matchIssue,
  trackingOrder,
  MARKER_TEMPLATE_MAX,
  parseIssueMarker,
  recordHours,
  renderCommentMarker,
  ISSUE_MARKER_VERSION,
  type IssueMarker,
  type MarkedIssue,
  type MatchResult,
} from "./issue-marker";
import {
  countsByHour,
  DIGEST_TITLE,
  hourlyRate,
  mergeCommentMarker,
  priorityLabel,
  renderComment,
  renderMergeComment,
  renderMergedLatestSection,
  renderDigestBody,
  renderIssueBody,
  renderIssueTitle,
  renderLatestSection,
  renderUpdatedBody,
  serviceLabel,
  severityLabel,
  type RelatedIssue,
  type RenderContext,
} from "./issue-body";
import type { ClusterChange } from "../history/history";
import { findVariants, type VariantHead } from "./variants";
import { chartRevisionName } from "../history/chart";
import { DEFAULT_BODY_CAP, neutralizeReferences, redactSecrets, renderLabel, shorten } from "./safe-text";

/** An issue the tracker already has (GitHub, or the dry run's empty list). */
export interface ExistingIssue {
  readonly number: number;
  readonly url: string;
  readonly title: string;
  readonly body: string;
  readonly state: "open" | "closed";
  readonly stateReason?: "completed" | "not_planned" | "duplicate" | "reopened" | null;
  readonly closedAt?: string | null;
  readonly locked: boolean;
  readonly labels: readonly string[];
}

export type { RelatedIssue } from "./issue-body";

/** Every issue the job manages carries this label; it is how they are listed. */
export const MANAGED_LABEL = "log-gardener";
/** People add this to an issue to stop the job from touching it. */
export const QUIET_LABEL = "log-gardener:quiet";
export const REGRESSION_LABEL = "regression";
export const DIGEST_LABEL = "log-gardener:digest";
/** Fingerprint of the digest issue's marker. */
export const DIGEST_FINGERPRINT = "digest";

export interface TriagePolicy {
  /** New issues (open and open-successor) per run; the rest go to the digest issue. */
  readonly maxNewIssuesPerRun: number;
  /** Comment when the hourly rate reaches this multiple of the rate at the last notification. */
  readonly escalationFactor: number;
  /** At most one comment per issue in this many hours. */
  readonly commentPeriodHours: number;
  /** Closed as completed within this many days → reopen; longer ago → a new, linked issue. */
  readonly reopenWithinDays: number;
  /** Hours of history kept in the marker and drawn in the chart, in days. */
  readonly historyDays: number;
  /** Template similarity (word Jaccard, 0..1) to re-match an issue whose fingerprint is lost; > 1 turns it off. */
  readonly similarityThreshold: number;
  /** Body size cap in characters (GitHub's limit is 65,536). */
  readonly bodyCap: number;
  /**
   * How long a new variant waits for its issue (core/triage/variants.ts), in hours from when the
   * problem history first saw it: a cluster a word or two apart from another problem opens no
   * issue until it has either merged or stood apart this long. 0: no hold. Absent: DEFAULT_VARIANT_HOLD_HOURS.
   */
  readonly variantHoldHours?: number;
}

/** LOG_GARDENER_VARIANT_HOLD's default, in hours. */
export const DEFAULT_VARIANT_HOLD_HOURS = 3;

export const DEFAULT_TRIAGE_POLICY: TriagePolicy = {
  maxNewIssuesPerRun: 10,
  escalationFactor: 3,
  commentPeriodHours: 24,
  reopenWithinDays: 30,
  historyDays: 7,
  similarityThreshold: 0.85,
  bodyCap: DEFAULT_BODY_CAP,
};

// ---------------------------------------------------------------------------------------------
// Actions

interface ActionBase {
  readonly fingerprint: string;
  readonly service: string;
  /** Window id of this run; create actions mark their body with it to be found after a failure. */
  readonly windowId: string;
}

interface OnIssue {
  readonly issueNumber: number;
  readonly url: string;
  /** How the issue was matched; "similarity" when the fingerprint was re-matched. */
  readonly matchedBy: "fingerprint" | "similarity";
}

export interface OpenAction extends ActionBase {
  readonly kind: "open";
  readonly title: string;
  readonly body: string;
  readonly labels: readonly string[];
  readonly related: readonly RelatedIssue[];
}

export interface OpenSuccessorAction extends ActionBase {
  readonly kind: "open-successor";
  readonly predecessor: { readonly number: number; readonly url: string };
  readonly title: string;
  readonly body: string;
  readonly labels: readonly string[];
}

export interface UpdateBodyAction extends ActionBase, OnIssue {
  readonly kind: "update-body";
  readonly body: string;
  readonly addLabels: readonly string[];
}

export interface CommentAction extends ActionBase, OnIssue {
  readonly kind: "comment";
  readonly reason: "escalation";
  /** Posted first (skipped if a comment already carries `commentMarker`), then the body. */
  readonly comment: string;
  readonly commentMarker: string;
  readonly body: string;
  readonly addLabels: readonly string[];
}

export interface ReopenAction extends ActionBase, OnIssue {
  readonly kind: "reopen";
  readonly comment: string;
  readonly commentMarker: string;
  readonly body: string;
  /** Includes the regression label. */
  readonly addLabels: readonly string[];
}

/**
 * Closes an issue as a duplicate of the survivor of a merge (its cluster is `fingerprint`).
 * Applied after the survivor's own action: the comment first (skipped if a comment already
 * carries `commentMarker`), then the body and the close, in one request.
 */
export interface CloseDuplicateAction extends ActionBase {
  readonly kind: "close-duplicate";
  /** The duplicate. */
  readonly issueNumber: number;
  readonly url: string;
  /** The fingerprint the duplicate's marker tracked. */
  readonly duplicateFingerprint: string;
  readonly survivor: { readonly number: number; readonly url: string };
  readonly comment: string;
  readonly commentMarker: string;
  /** The duplicate's body: its marker with `into`, and a pointer to the survivor. */
  readonly body: string;
  /** False when it is already closed into the survivor (a rerun): only make sure of the comment. */
  readonly close: boolean;
}

export interface MuteAction extends ActionBase, OnIssue {
  readonly kind: "mute";
  readonly reason: "not-planned" | "duplicate" | "quiet-label";
}

export interface DigestAction extends ActionBase {
  readonly kind: "digest";
  /** The digest issue to update in place; absent: open one. */
  readonly issueNumber?: number;
  readonly url?: string;
  /** Reopen it (it was closed as completed). */
  readonly reopen: boolean;
  readonly title: string;
  readonly body: string;
  readonly labels: readonly string[];
  /** The clusters over the cap, listed in the body. */
  readonly fingerprints: readonly string[];
}

export interface SkipAction extends ActionBase {
  readonly kind: "skip";
  readonly reason: "unchanged" | "over-cap" | "duplicate-fingerprint" | "recently-closed" | "held-variant";
  readonly issueNumber?: number;
  readonly url?: string;
  /** For held-variant: the fingerprint of the problem it is a variant of, and that problem's issue when it has one. */
  readonly variantOf?: string;
  readonly variantIssue?: number;
}

export type IssueAction =
  | OpenAction
  | OpenSuccessorAction
  | UpdateBodyAction
  | CommentAction
  | ReopenAction
  | CloseDuplicateAction
  | MuteAction
  | DigestAction
  | SkipAction;

export type IssueActionKind = IssueAction["kind"];

/** What carrying out one action came to (the tracker's answer). */
export interface IssueActionResult {
  readonly fingerprint: string;
  readonly action: string; // IssueAction["kind"]: "open" | "update-body" | "comment" | "reopen" | "mute" | "skip" | …
  readonly issueNumber?: number;
  readonly url?: string;
  readonly ok: boolean;
  readonly error?: string;
  /** Why, for mute and skip: "not-planned", "quiet-label", "duplicate", "over-cap", "unchanged". */
  readonly detail?: string;
}

// ---------------------------------------------------------------------------------------------
// Planning

export interface PlanRun {
  readonly windowId: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly now: number;
  readonly worklogUrl: (service: string) => string;
  readonly logsExplorerUrl: (c: PrioritizedCluster) => string;
}

/** What the service's problem history says of one cluster (core/history). */
export interface TriageHistory {
  readonly change: ClusterChange;
  /** The service's revisions and when each first appeared (epoch ms), for the chart. */
  readonly revisions: readonly { readonly value: string; readonly firstSeen: number }[];
  /** LOG_GARDENER_RETURN_AFTER. */
  readonly returnAfterMs: number;
}

export interface PlanInput {
  readonly clusters: readonly PrioritizedCluster[];
  readonly existing: readonly ExistingIssue[];
  readonly policy: TriagePolicy;
  readonly run: PlanRun;
  /** Related unmanaged issues per fingerprint, found for new problems (see newProblems). */
  readonly related?: ReadonlyMap<string, readonly RelatedIssue[]>;
  /**
   * The job's redactor (core/redact.ts), applied to every text of a cluster before rendering.
   * Clusters are redacted at normalization already; this is the last pass before GitHub, on
   * top of safe-text's own credential patterns.
   */
  readonly redact?: Redactor;
  /** By fingerprint; absent (or missing a cluster): the marker-only rules apply. */
  readonly history?: ReadonlyMap<string, TriageHistory>;
}

/** A cluster with every string that reaches GitHub passed through `redact`; fingerprint kept. */
export function redactCluster(c: PrioritizedCluster, redact: Redactor): PrioritizedCluster {
  return {
    ...c,
    template: redact(c.template),
    ...(c.example !== undefined ? { example: redact(c.example) } : {}),
    ...(c.source !== undefined ? { source: redact(c.source) } : {}),
    ...(c.exceptionType !== undefined ? { exceptionType: redact(c.exceptionType) } : {}),
    ...(c.http ? { http: { ...c.http, route: redact(c.http.route) } } : {}),
    priorityReason: redact(c.priorityReason),
    revisions: c.revisions.map((r) => ({ ...r, value: redact(r.value) })),
    variables: c.variables.map((v) => ({ ...v, top: v.top.map((t) => ({ ...t, value: redact(t.value) })) })),
    samples: c.samples.map((x) => redactDeep(x, redact)),
    ...(c.errorGroups
      ? {
          errorGroups: c.errorGroups.map((g) => ({
            ...g,
            id: redact(g.id),
            ...(g.project !== undefined ? { project: redact(g.project) } : {}),
          })),
        }
      : {}),
  };
}

const PRIORITY_ORDER: Record<Priority, number> = { P1: 1, P2: 2, P3: 3, P4: 4, P5: 5 };

/** Most urgent first: priority, then severity, then count; fingerprint breaks ties. */
export function compareUrgency(a: PrioritizedCluster, b: PrioritizedCluster): number {
  return (
    PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] ||
    severityRank(b.severity) - severityRank(a.severity) ||
    b.count - a.count ||
    (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0)
  );
}

/** The priority an issue's `priority:P…` label gives it, if it has one. */
function labelPriority(issue: ExistingIssue): Priority | undefined {
  for (const l of issue.labels) {
    const m = /^priority:(P[1-5])$/i.exec(l);
    if (m) return m[1]!.toUpperCase() as Priority;
  }
  return undefined;
}

function hasLabel(issue: ExistingIssue, name: string): boolean {
  return issue.labels.some((l) => l.toLowerCase() === name.toLowerCase());
}

/** Labels of a family we add only when the issue has none of that family. */
function missingLabels(issue: ExistingIssue, c: PrioritizedCluster): string[] {
  const has = (prefix: string) => issue.labels.some((l) => l.toLowerCase().startsWith(prefix));
  const out: string[] = [];
  if (!has("severity:")) out.push(renderLabel(severityLabel(c)));
  if (!has("priority:")) out.push(renderLabel(priorityLabel(c)));
  if (!has("service:")) out.push(renderLabel(serviceLabel(c.service)));
  if (!hasLabel(issue, MANAGED_LABEL)) out.push(MANAGED_LABEL);
  return out;
}

function newLabels(c: PrioritizedCluster): string[] {
  return [MANAGED_LABEL, severityLabel(c), priorityLabel(c), serviceLabel(c.service)].map(renderLabel);
}

function markerTemplate(template: string): string {
  // Neutralized too: the marker is hidden, but it is still text we send.
  return shorten(neutralizeReferences(redactSecrets(template)), MARKER_TEMPLATE_MAX);
}

function renderContext(input: PlanInput, c: PrioritizedCluster | undefined): RenderContext {
  const { run, policy } = input;
  return {
    windowId: run.windowId,
    windowStart: run.windowStart,
    windowEnd: run.windowEnd,
    historyDays: policy.historyDays,
    bodyCap: policy.bodyCap,
    worklogUrl: run.worklogUrl(c?.service ?? ""),
    logsExplorerUrl: c ? run.logsExplorerUrl(c) : "",
  };
}

/** Most aliases and absorbed issue numbers a marker keeps (the newest). */
const MARKER_AKA_MAX = 20;
const MARKER_MERGED_MAX = 50;

/**
 * The marker of an issue after this run: history recorded, fingerprint (re)claimed. `fold`: the
 * issues it absorbs in this run (history summed in, fingerprints kept as aliases).
 */
function nextMarker(
  input: PlanInput,
  c: PrioritizedCluster,
  previous: IssueMarker | undefined,
  notify: { base?: number; commented?: boolean },
  fold: readonly MarkedIssue<ExistingIssue>[] = [],
): IssueMarker {
  const { run, policy } = input;
  const keep = policy.historyDays * 24;
  let start = previous?.hist ?? emptyHistory(run.windowStart);
  for (const f of fold) start = addHistory(start, f.marker.hist, keep);
  const history = recordHours(start, countsByHour(c, run.windowStart), keep);
  const aka = new Set(previous?.aka ?? []);
  if (previous && previous.fp !== c.fingerprint) aka.add(previous.fp);
  for (const f of fold) for (const fp of [...(f.marker.aka ?? []), f.marker.fp]) aka.add(fp);
  for (const fp of c.mergedFrom ?? []) aka.add(fp);
  aka.delete(c.fingerprint);
  const merged = [...new Set([...(previous?.merged ?? []), ...fold.map((f) => f.issue.number)])].slice(-MARKER_MERGED_MAX);
  const commented = notify.commented ? { w: run.windowId, at: run.windowEnd } : previous?.commented;
  const base = notify.base ?? previous?.base;
  const known = input.history?.get(c.fingerprint);
  const first = known ? Math.min(previous?.first ?? Infinity, known.change.firstSeen) : previous?.first;
  const revs = new Map<string, number>((previous?.revs ?? []).map((r) => [r.r, r.t]));
  for (const r of known?.revisions ?? []) {
    const name = chartRevisionName(r.value);
    revs.set(name, Math.min(revs.get(name) ?? Infinity, r.firstSeen));
  }
  const fromMs = history.h0 * 3_600_000;
  const keptRevs = [...revs]
    .filter(([, t]) => t >= Math.min(fromMs, first ?? fromMs))
    .sort((a, b) => a[1] - b[1])
    .slice(-10)
    .map(([r, t]) => ({ r, t }));
  return {
    v: ISSUE_MARKER_VERSION,
    kind: "problem",
    fp: c.fingerprint,
    svc: c.service,
    tpl: markerTemplate(c.template),
    ...(c.source ? { src: shorten(neutralizeReferences(redactSecrets(c.source)), 200) } : {}),
    hist: history,
    ...(base !== undefined ? { base } : {}),
    ...(commented ? { commented } : {}),
    seen: run.windowId,
    ...(aka.size > 0 ? { aka: [...aka].slice(-MARKER_AKA_MAX) } : {}),
    ...(merged.length > 0 ? { merged } : {}),
    ...(first !== undefined && Number.isFinite(first) ? { first } : {}),
    ...(keptRevs.length > 0 ? { revs: keptRevs } : {}),
  };
}

/**
 * With the history, a closed-as-completed issue is reopened when its problem came back
 * (`returned`, or `new` to a history that lost it), or is still occurring returnAfter after
 * the issue was closed (the fix did not take). Occurrences right after closing are the fix
 * rolling out and wait.
 */
function isRegression(known: TriageHistory, c: PrioritizedCluster, issue: ExistingIssue): boolean {
  if (known.change.change === "returned" || known.change.change === "new") return true;
  const closed = issue.closedAt ? Date.parse(issue.closedAt) : Number.NaN;
  return !Number.isFinite(closed) || c.lastSeen - closed >= known.returnAfterMs;
}

/** A closed issue the policy would replace with a new, linked one rather than reopen. */
function needsSuccessor(issue: ExistingIssue, input: PlanInput): boolean {
  if (issue.state !== "closed" || hasLabel(issue, QUIET_LABEL)) return false;
  const reason = issue.stateReason ?? "completed";
  if (reason === "not_planned" || reason === "duplicate") return false;
  return issue.locked || isClosedLongAgo(issue, input);
}

/** What a cluster's merge does to the issues that track its fingerprints. */
interface MergePlan {
  readonly survivor: MarkedIssue<ExistingIssue>;
  /** Issues to close as duplicates (open ones), or to check the comment of (closed this window). */
  readonly absorb: readonly MarkedIssue<ExistingIssue>[];
  /** Issues whose history is summed into the survivor's marker in this run. */
  readonly fold: readonly MarkedIssue<ExistingIssue>[];
}

/**
 * The survivor of a merge and the issues it absorbs, among the issues that track the cluster's
 * fingerprint or one of its `mergedFrom` (by fingerprint or alias), leaving out issues other
 * clusters of this run claimed. The survivor is the issue of the cluster's own fingerprint
 * (unless it would be replaced by a successor while another one is still open), else the oldest
 * open one. Absorbed: the other open issues, not labelled quiet and not reopened by a person
 * after a merge; plus, for idempotent reruns, those closed into the survivor in this window.
 */
function planMerge(
  input: PlanInput,
  c: PrioritizedCluster,
  own: MatchResult<ExistingIssue> | undefined,
  marked: readonly MarkedIssue<ExistingIssue>[],
  claimedBy: ReadonlyMap<number, string>,
): MergePlan | undefined {
  const names = new Set([c.fingerprint, ...(c.mergedFrom ?? [])]);
  const group = marked.filter(
    (m) =>
      m.marker.kind === "problem" &&
      (names.has(m.marker.fp) || (m.marker.aka ?? []).some((a) => names.has(a))) &&
      (claimedBy.get(m.issue.number) ?? c.fingerprint) === c.fingerprint,
  );
  const live = (m: MarkedIssue<ExistingIssue>) =>
    m.issue.state === "open" && m.marker.into === undefined && !hasLabel(m.issue, QUIET_LABEL);
  const ownMarked = own ? group.find((m) => m.issue.number === own.issue.number) : undefined;
  const openOthers = group.filter((m) => m !== ownMarked && live(m)).sort((a, b) => a.issue.number - b.issue.number);
  let survivor: MarkedIssue<ExistingIssue> | undefined;
  if (ownMarked && !(needsSuccessor(ownMarked.issue, input) && openOthers.length > 0)) survivor = ownMarked;
  else survivor = openOthers[0] ?? [...group].sort(trackingOrder)[0];
  if (!survivor) return undefined;
  const s = survivor;
  const others = group.filter((m) => m !== s).sort((a, b) => a.issue.number - b.issue.number);
  const closedInto = (m: MarkedIssue<ExistingIssue>) => m.issue.state === "closed" && m.marker.into === s.issue.number;
  const absorb = others.filter((m) => live(m) || (closedInto(m) && m.marker.seen === input.run.windowId));
  const already = new Set(s.marker.merged ?? []);
  const fold = others.filter((m) => (live(m) || closedInto(m)) && !already.has(m.issue.number));
  return { survivor: s, absorb, fold };
}

function isClosedLongAgo(issue: ExistingIssue, input: PlanInput): boolean {
  if (!issue.closedAt) return false;
  const closed = Date.parse(issue.closedAt);
  return Number.isFinite(closed) && input.run.now - closed > input.policy.reopenWithinDays * 86_400_000;
}

/**
 * Decides the actions for this run. Deterministic: the same input gives the same actions, and
 * a rerun of the same window after they were applied gives only skips ("unchanged").
 */
export function planIssueActions(input: PlanInput): IssueAction[] {
  const { run, policy } = input;
  const marked: MarkedIssue<ExistingIssue>[] = [];
  for (const issue of input.existing) {
    const parsed = parseIssueMarker(issue.body);
    if (parsed.ok) marked.push({ issue, marker: parsed.marker });
  }
  const redact = input.redact;
  const clusters = (redact ? input.clusters.map((c) => redactCluster(c, redact)) : [...input.clusters]).sort(compareUrgency);
  const base = (c: PrioritizedCluster) => ({ fingerprint: c.fingerprint, service: c.service, windowId: run.windowId });

  // Match by fingerprint first for every cluster, then by similarity among the issues left.
  const seen = new Set<string>();
  const unique: PrioritizedCluster[] = [];
  const actions: IssueAction[] = [];
  for (const c of clusters) {
    if (seen.has(c.fingerprint)) actions.push({ kind: "skip", reason: "duplicate-fingerprint", ...base(c) });
    else {
      seen.add(c.fingerprint);
      unique.push(c);
    }
  }
  const matches = new Map<string, MatchResult<ExistingIssue>>();
  const claimed = new Set<number>();
  const claimedBy = new Map<number, string>();
  for (const c of unique) {
    const m = matchIssue(c, marked, 2);
    if (m) {
      matches.set(c.fingerprint, m);
      claimed.add(m.issue.number);
      claimedBy.set(m.issue.number, c.fingerprint);
    }
  }
  // Merges, most urgent cluster first: one survivor per cluster, the other issues absorbed.
  const merges = new Map<string, MergePlan>();
  for (const c of unique) {
    if ((c.mergedFrom ?? []).length === 0) continue;
    const merge = planMerge(input, c, matches.get(c.fingerprint), marked, claimedBy);
    if (!merge) continue;
    merges.set(c.fingerprint, merge);
    matches.set(c.fingerprint, { by: "fingerprint", issue: merge.survivor.issue, marker: merge.survivor.marker });
    for (const m of [merge.survivor, ...merge.absorb, ...merge.fold]) {
      claimed.add(m.issue.number);
      claimedBy.set(m.issue.number, c.fingerprint);
    }
  }
  for (const c of unique) {
    if (matches.has(c.fingerprint)) continue;
    const m = matchIssue(c, marked, policy.similarityThreshold, claimed);
    if (m) {
      matches.set(c.fingerprint, m);
      claimed.add(m.issue.number);
    }
  }

  // A new cluster a word or two apart from another problem (of this run, or an open issue no
  // cluster of this run tracks) waits up to holdHours for its issue: core/triage/variants.ts.
  const holdHours = policy.variantHoldHours ?? DEFAULT_VARIANT_HOLD_HOURS;
  const known: VariantHead[] = marked
    .filter((m) => m.marker.kind === "problem" && m.issue.state === "open" && !claimed.has(m.issue.number))
    .map((m): VariantHead => {
      const priority = labelPriority(m.issue);
      return {
        fingerprint: m.marker.fp,
        service: m.marker.svc,
        template: m.marker.tpl,
        issueNumber: m.issue.number,
        ...(priority ? { priority } : {}),
      };
    });
  const variants = holdHours <= 0 ? new Map<string, VariantHead>() : findVariants(unique, (c) => matches.has(c.fingerprint), known);
  const held = (c: PrioritizedCluster): VariantHead | undefined => {
    const head = variants.get(c.fingerprint);
    const change = input.history?.get(c.fingerprint)?.change;
    if (!head?.priority || !change || change.firstSeen < run.windowEnd - holdHours * 3_600_000) return undefined;
    return PRIORITY_ORDER[c.priority] >= PRIORITY_ORDER[head.priority] ? head : undefined;
  };

  const creations: { c: PrioritizedCluster; predecessor?: ExistingIssue }[] = [];
  for (const c of unique) {
    const m = matches.get(c.fingerprint);
    if (!m) {
      const head = held(c);
      if (head)
        actions.push({
          kind: "skip",
          reason: "held-variant",
          ...base(c),
          variantOf: head.fingerprint,
          ...(head.issueNumber !== undefined ? { variantIssue: head.issueNumber } : {}),
        });
      else creations.push({ c });
      continue;
    }
    const merge = merges.get(c.fingerprint);
    const created = planMatched(c, m, merge?.fold ?? []);
    if (merge && !created) actions.push(...closeDuplicates(input, c, merge));
  }

  /** The action on a matched issue; true when it is replaced by a new issue instead. */
  function planMatched(c: PrioritizedCluster, m: MatchResult<ExistingIssue>, fold: readonly MarkedIssue<ExistingIssue>[]): boolean {
    const issue = m.issue;
    const on: OnIssue = { issueNumber: issue.number, url: issue.url, matchedBy: m.by };
    if (hasLabel(issue, QUIET_LABEL)) {
      actions.push({ kind: "mute", reason: "quiet-label", ...base(c), ...on });
      return false;
    }
    const rate = hourlyRate(c.count, run.windowStart, run.windowEnd);
    const ctx = renderContext(input, c);
    if (issue.state === "closed") {
      const reason = issue.stateReason ?? "completed";
      if (reason === "not_planned" || (reason as string) === "duplicate") {
        actions.push({ kind: "mute", reason: reason === "not_planned" ? "not-planned" : "duplicate", ...base(c), ...on });
        return false;
      }
      if (issue.locked || isClosedLongAgo(issue, input)) {
        creations.push({ c, predecessor: issue });
        return true;
      }
      const known = input.history?.get(c.fingerprint);
      if (known && !isRegression(known, c, issue)) {
        actions.push({ kind: "skip", reason: "recently-closed", ...base(c), issueNumber: issue.number, url: issue.url });
        return false;
      }
      const marker = nextMarker(input, c, m.marker, { base: rate, commented: true }, fold);
      const latest = renderLatestSection({ cluster: c, history: marker.hist, ctx, marker });
      const commentMarker = renderCommentMarker(run.windowId, c.fingerprint);
      actions.push({
        kind: "reopen",
        ...base(c),
        ...on,
        comment: renderComment({ reason: "regression", cluster: c, ctx, rate, closedAt: issue.closedAt }),
        commentMarker,
        body: renderUpdatedBody(issue.body, marker, latest, policy.bodyCap),
        addLabels: [...missingLabels(issue, c), ...(hasLabel(issue, REGRESSION_LABEL) ? [] : [REGRESSION_LABEL])],
      });
      return false;
    }
    // Open and recurring.
    // After a merge the baseline is the absorbed issues' together: the merged cluster's rate is
    // their sum, which is no escalation (and the problem history of the new fingerprint does not
    // know the fragments yet, so the baseline decides).
    const previousBase = fold.length > 0 ? fold.reduce((sum, f) => sum + (f.marker.base ?? 0), m.marker.base ?? 0) : m.marker.base;
    const known = input.history?.get(c.fingerprint);
    const escalated =
      known && fold.length === 0
        ? known.change.change === "escalating" && (previousBase === undefined || rate > previousBase)
        : previousBase !== undefined && rate >= policy.escalationFactor * Math.max(previousBase, 1) && rate > previousBase;
    const lastComment = m.marker.commented;
    const alreadyThisWindow = lastComment?.w === run.windowId;
    const periodOver = !lastComment || run.windowEnd - lastComment.at >= policy.commentPeriodHours * 3_600_000;
    const comment = escalated && periodOver && !alreadyThisWindow;
    const marker = nextMarker(input, c, m.marker, comment ? { base: rate, commented: true } : { base: previousBase ?? rate }, fold);
    const latest = renderLatestSection({ cluster: c, history: marker.hist, ctx, marker });
    const body = renderUpdatedBody(issue.body, marker, latest, policy.bodyCap);
    const addLabels = missingLabels(issue, c);
    if (comment) {
      actions.push({
        kind: "comment",
        reason: "escalation",
        ...base(c),
        ...on,
        comment: renderComment({
          reason: "escalation",
          cluster: c,
          ctx,
          rate,
          baseline: previousBase,
          ...(known?.change.limit !== undefined ? { limit: { limit: known.change.limit, baseline: known.change.baseline } } : {}),
        }),
        commentMarker: renderCommentMarker(run.windowId, c.fingerprint),
        body,
        addLabels,
      });
    } else if (body === issue.body && addLabels.length === 0) {
      actions.push({ kind: "skip", reason: "unchanged", ...base(c), issueNumber: issue.number, url: issue.url });
    } else {
      actions.push({ kind: "update-body", ...base(c), ...on, body, addLabels });
    }
    return false;
  }

  // New issues, most urgent first, up to the cap; the rest go to the digest.
  creations.sort((a, b) => compareUrgency(a.c, b.c));
  const overflow: PrioritizedCluster[] = [];
  for (const [i, { c, predecessor }] of creations.entries()) {
    if (i >= policy.maxNewIssuesPerRun) {
      overflow.push(c);
      actions.push({ kind: "skip", reason: "over-cap", ...base(c) });
      continue;
    }
    const rate = hourlyRate(c.count, run.windowStart, run.windowEnd);
    const marker = nextMarker(input, c, undefined, { base: rate });
    const ctx = renderContext(input, c);
    const related = predecessor ? [] : (input.related?.get(c.fingerprint) ?? []);
    const body = renderIssueBody({ cluster: c, marker, ctx, related, ...(predecessor ? { predecessor } : {}) });
    const title = renderIssueTitle(c);
    if (predecessor) {
      actions.push({
        kind: "open-successor",
        ...base(c),
        predecessor: { number: predecessor.number, url: predecessor.url },
        title,
        body,
        labels: newLabels(c),
      });
    } else {
      actions.push({ kind: "open", ...base(c), title, body, labels: newLabels(c), related });
    }
  }
  if (overflow.length > 0) actions.push(planDigest(input, marked, overflow));
  return actions;
}

/** The close-duplicate actions of a merge, oldest duplicate first. */
function closeDuplicates(input: PlanInput, c: PrioritizedCluster, merge: MergePlan): CloseDuplicateAction[] {
  const { run, policy } = input;
  const survivor = { number: merge.survivor.issue.number, url: merge.survivor.issue.url };
  const ctx = renderContext(input, c);
  return [...merge.absorb]
    .sort((a, b) => a.issue.number - b.issue.number)
    .map((d): CloseDuplicateAction => {
      const marker: IssueMarker = {
        ...d.marker,
        into: survivor.number,
        seen: d.marker.into === survivor.number ? (d.marker.seen ?? run.windowId) : run.windowId,
      };
      const body = renderUpdatedBody(d.issue.body, marker, renderMergedLatestSection({ survivor, ctx }), policy.bodyCap);
      const close = !(d.issue.state === "closed" && d.issue.stateReason === "duplicate" && body === d.issue.body);
      return {
        kind: "close-duplicate",
        fingerprint: c.fingerprint,
        service: c.service,
        windowId: run.windowId,
        issueNumber: d.issue.number,
        url: d.issue.url,
        duplicateFingerprint: d.marker.fp,
        survivor,
        comment: renderMergeComment({ duplicateFingerprint: d.marker.fp, survivor, cluster: c, ctx }),
        commentMarker: mergeCommentMarker(d.marker.fp, survivor.number),
        body,
        close,
      };
    });
}

function planDigest(
  input: PlanInput,
  marked: readonly MarkedIssue<ExistingIssue>[],
  overflow: readonly PrioritizedCluster[],
): DigestAction {
  const { run, policy } = input;
  const current = marked.filter((m) => m.marker.kind === "digest" && !m.issue.locked).sort((a, b) => b.issue.number - a.issue.number)[0];
  const marker: IssueMarker = {
    v: ISSUE_MARKER_VERSION,
    kind: "digest",
    fp: DIGEST_FINGERPRINT,
    svc: "",
    tpl: "",
    hist: recordHours(
      current?.marker.hist ?? emptyHistory(run.windowStart),
      new Map([[Math.floor(run.windowStart / 3_600_000), overflow.length]]),
      policy.historyDays * 24,
    ),
    seen: run.windowId,
  };
  const body = renderDigestBody(marker, overflow, renderContext(input, undefined), policy.bodyCap);
  const issue = current?.issue;
  const muted = issue !== undefined && (hasLabel(issue, QUIET_LABEL) || issue.stateReason === "not_planned");
  return {
    kind: "digest",
    fingerprint: DIGEST_FINGERPRINT,
    service: "",
    windowId: run.windowId,
    ...(issue ? { issueNumber: issue.number, url: issue.url } : {}),
    reopen: issue !== undefined && issue.state === "closed" && !muted,
    title: DIGEST_TITLE,
    body,
    labels: [MANAGED_LABEL, DIGEST_LABEL],
    fingerprints: overflow.map((c) => c.fingerprint),
  };
}

/** The clusters a plan opens issues for (open and open-successor): search related issues for these. */
export function newProblems(actions: readonly IssueAction[]): string[] {
  return actions.filter((a) => a.kind === "open").map((a) => a.fingerprint);
}

/**
 * Search terms for issues related to a new problem: its module/function, and the longest run of
 * literal words in its template (a distinctive phrase). Used by the tracker's search, within
 * the search API's quota, for new problems only.
 */
export function buildRelatedTerms(c: PrioritizedCluster): string[] {
  const terms: string[] = [];
  if (c.source && c.source.length >= 4) terms.push(shorten(c.source.replace(/["\n]/g, " ").trim(), 100));
  const runs = redactSecrets(c.template)
    .split(/<[^<>\s]*>|\{[^{}\s]*\}|[^\p{L}\p{N}_ .:'-]/u)
    .map((s) => s.replace(/\s+/g, " ").trim())
    .filter((s) => s.split(" ").length >= 3 && s.split(" ").filter((w) => /^\p{L}{4,}$/u.test(w)).length >= 2);
  const phrase = runs.sort((a, b) => b.length - a.length)[0];
  if (phrase) terms.push(shorten(phrase, 80).replace(/…$/, ""));
  return terms;
}
