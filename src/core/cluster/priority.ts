/**
 * Gives each cluster a priority, P1 (look now) to P5 (look when idle), from its severity, how
 * often it happened and how widely. The rule is the table below, read top to bottom; the first
 * row that matches wins and the cluster's `priorityReason` names it. docs/priorities.md and
 * every worklog print this same table, so change it here and regenerate the section of
 * docs/priorities.md between its markers with `renderPriorityTable()` and `PRIORITY_NOTES`.
 */
import { SEVERITY_NUMBER, severityRank, type Severity } from "../severity";
import type { Cluster, PrioritizedCluster, Priority } from "../types";

export interface PriorityRule {
  readonly priority: Priority;
  /** Lowest severity the row applies to. Rows above catch the higher ones first. */
  readonly severity: Severity;
  /** Every condition given must hold. Rates are per hour (`ratePerMinute × 60`). */
  readonly minPerHour?: number;
  readonly maxPerHourExclusive?: number;
  readonly minInstances?: number;
  /** Share of the window's buckets with at least one occurrence, 0–1. */
  readonly minBucketShare?: number;
  /** Only request-log clusters whose HTTP status is in this class. */
  readonly httpStatusClass?: "4xx" | "5xx";
  /** Why the row exists, one line. */
  readonly why: string;
}

export const PRIORITY_RULES: readonly PriorityRule[] = [
  { priority: "P1", severity: "CRITICAL", why: "CRITICAL, ALERT and EMERGENCY mean someone said it is urgent." },
  { priority: "P1", severity: "ERROR", minPerHour: 600, why: "Ten errors a minute is an outage or close to one." },
  { priority: "P2", severity: "ERROR", minPerHour: 60, why: "An error every minute is hurting users." },
  { priority: "P2", severity: "ERROR", minInstances: 3, why: "Errors on many instances are not one bad container." },
  { priority: "P2", severity: "ERROR", minBucketShare: 0.5, why: "Errors through most of the hour are not a blip." },
  { priority: "P3", severity: "ERROR", why: "Any other error." },
  {
    priority: "P5",
    severity: "WARNING",
    httpStatusClass: "4xx",
    maxPerHourExclusive: 60,
    why: "A few 4xx responses are usually clients, not us.",
  },
  { priority: "P3", severity: "WARNING", minPerHour: 60, why: "A warning every minute is worth fixing or silencing." },
  { priority: "P3", severity: "WARNING", minBucketShare: 0.75, why: "A warning all hour long is a standing problem." },
  { priority: "P4", severity: "WARNING", why: "Any other warning." },
  { priority: "P5", severity: "DEFAULT", why: "Below WARNING: only here when the minimum severity was lowered." },
];

/**
 * A cluster logged at ERROR or above whose text reads as routine success is ranked as if it
 * were logged at this severity: the real problem is a wrong log level, worth fixing but not
 * urgent, so it lands in P3–P5 by frequency and spread instead of P1–P3.
 */
export const MISLABELED_RANK_AS: Severity = "WARNING";

export interface PriorityOptions {
  /** Defaults to PRIORITY_RULES. The last row should match everything. */
  readonly rules?: readonly PriorityRule[];
}

const PRIORITY_ORDER: Record<Priority, number> = { P1: 1, P2: 2, P3: 3, P4: 4, P5: 5 };

export function priorityRank(p: Priority): number {
  return PRIORITY_ORDER[p];
}

interface Facts {
  readonly severity: Severity;
  readonly perHour: number;
  readonly instances: number;
  readonly revisions: number;
  readonly activeBuckets: number;
  readonly buckets: number;
  readonly status?: number;
}

function factsOf(cluster: Cluster, severity: Severity): Facts {
  const buckets = cluster.timeline.length;
  return {
    severity,
    perHour: Number.isFinite(cluster.ratePerMinute) ? cluster.ratePerMinute * 60 : 0,
    instances: cluster.instances,
    revisions: cluster.revisions.length,
    activeBuckets: cluster.timeline.filter((n) => n > 0).length,
    buckets,
    ...(cluster.http ? { status: cluster.http.status } : {}),
  };
}

function bucketShare(f: Facts): number {
  return f.buckets === 0 ? 0 : f.activeBuckets / f.buckets;
}

function matches(rule: PriorityRule, f: Facts): boolean {
  if (severityRank(f.severity) < SEVERITY_NUMBER[rule.severity]) return false;
  if (rule.minPerHour !== undefined && f.perHour < rule.minPerHour) return false;
  if (rule.maxPerHourExclusive !== undefined && f.perHour >= rule.maxPerHourExclusive) return false;
  if (rule.minInstances !== undefined && f.instances < rule.minInstances) return false;
  if (rule.minBucketShare !== undefined && bucketShare(f) < rule.minBucketShare) return false;
  if (rule.httpStatusClass !== undefined) {
    if (f.status === undefined) return false;
    const low = rule.httpStatusClass === "4xx" ? 400 : 500;
    if (f.status < low || f.status >= low + 100) return false;
  }
  return true;
}

/** "ERROR at 60/h or more", "WARNING, HTTP 4xx, under 60/h", "CRITICAL or higher". */
export function describeRule(rule: PriorityRule): string {
  const parts: string[] = [];
  parts.push(rule.severity === "DEFAULT" ? "below WARNING" : rule.severity === "CRITICAL" ? "CRITICAL or higher" : rule.severity);
  if (rule.httpStatusClass) parts.push(`HTTP ${rule.httpStatusClass}`);
  if (rule.minPerHour !== undefined) parts.push(`${rule.minPerHour}/h or more`);
  if (rule.maxPerHourExclusive !== undefined) parts.push(`under ${rule.maxPerHourExclusive}/h`);
  if (rule.minInstances !== undefined) parts.push(`on ${rule.minInstances}+ instances`);
  if (rule.minBucketShare !== undefined) parts.push(`in ${Math.round(rule.minBucketShare * 100)}%+ of the window's buckets`);
  if (parts.length === 1 && rule.severity !== "DEFAULT" && rule.severity !== "CRITICAL") parts.push("anything else");
  return parts.join(", ");
}

function formatRate(perHour: number): string {
  if (perHour >= 10 || perHour === 0) return `${Math.round(perHour)}/h`;
  return `${Number(perHour.toFixed(1))}/h`;
}

function describeFacts(f: Facts): string {
  const parts = [`${f.severity}, ${formatRate(f.perHour)}`];
  parts[0] += ` across ${f.instances} instance${f.instances === 1 ? "" : "s"}`;
  if (f.buckets > 0) parts.push(`in ${f.activeBuckets} of ${f.buckets} buckets`);
  if (f.status !== undefined) parts.push(`HTTP ${f.status}`);
  return parts.join(", ");
}

/** " (estimated from a 2% sample)" when the cluster's counts are estimates. */
function estimatedFrom(cluster: Cluster): string {
  if (!cluster.estimate) return "";
  const p = cluster.estimate.fraction * 100;
  return ` (estimated from a ${p >= 10 ? Math.round(p * 10) / 10 : Number(p.toPrecision(2))}% sample)`;
}

export function prioritize(cluster: Cluster, options: PriorityOptions = {}): PrioritizedCluster {
  const rules = options.rules ?? PRIORITY_RULES;
  const mislabeled = looksMislabeled(cluster);
  const rankedAs = mislabeled && severityRank(cluster.severity) > severityRank(MISLABELED_RANK_AS) ? MISLABELED_RANK_AS : cluster.severity;
  const facts = factsOf(cluster, rankedAs);
  const index = rules.findIndex((r) => matches(r, facts));
  // A table whose last row doesn't match everything still gives an answer: the lowest priority.
  const rule = index >= 0 ? rules[index]! : undefined;
  const priority: Priority = rule?.priority ?? "P5";
  const row = rule ? `rule ${index + 1}: ${describeRule(rule)}` : "no rule matched";
  const head = mislabeled ? `${cluster.severity} reads as routine success, ranked as ${rankedAs}: ` : "";
  return {
    ...cluster,
    priority,
    priorityReason: `${head}${describeFacts(facts)}${estimatedFrom(cluster)} → ${priority} (${row})`,
    mislabeled,
  };
}

/** Prioritizes every cluster, most urgent first: by priority, then count, then first seen. */
export function prioritizeAll(clusters: readonly Cluster[], options: PriorityOptions = {}): PrioritizedCluster[] {
  return clusters
    .map((c) => prioritize(c, options))
    .sort(
      (a, b) =>
        priorityRank(a.priority) - priorityRank(b.priority) ||
        b.count - a.count ||
        a.firstSeen - b.firstSeen ||
        (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0),
    );
}

// ---------------------------------------------------------------------------------------------
// Mislabeled severity

/** Words that say things went fine. Whole words only: "disconnected" and "unauthenticated" don't count. */
const SUCCESS =
  /\b(connected|connection established|authenticated|authorized|completed|complete|succeeded|successful(?:ly)?|success|started|starting|ready|listening|healthy|initialized|registered|accepted|loaded|finished|done|ok|okay)\b/i;

/**
 * Any of these anywhere means the entry may really be a failure: don't second-guess it. "false"
 * catches "success=false", "ready: false"; a 5xx status number catches "completed with 503".
 */
const TROUBLE =
  /\b(fail(?:ed|s|ure|ing)?|errors?|unable|denied|timeout|timed out|time-out|exceptions?|refused|invalid|forbidden|unauthori[sz]ed|crash(?:ed)?|panic|fatal|abort(?:ed)?|rejected|lost|cannot|can't|couldn't|traceback|expired|exceeded|unavailable|unreachable|broken|missing|retry(?:ing)?|degraded|unhealthy|not found|false|5\d\d)\b/i;

/** A negation just before the success word: "not connected", "never completed", "isn't ready". */
const NEGATED =
  /\b(not|never|no longer|isn't|wasn't|aren't|weren't|hasn't|haven't|hadn't|didn't|doesn't|won't|without|yet to)\s+(?:\w+\s+){0,2}?(connected|authenticated|authorized|completed|complete|succeeded|successful(?:ly)?|success|started|ready|listening|healthy|initialized|registered|accepted|loaded|finished|done|ok|okay)\b/i;

/**
 * True when a cluster logged at ERROR or above reads as routine success: its template says
 * "connected", "authenticated", "ready", "200 OK"… with no negation and no word of trouble, it
 * is not a stack trace, and if it is a request it didn't fail (status below 400).
 */
export function looksMislabeled(cluster: Cluster): boolean {
  if (severityRank(cluster.severity) < SEVERITY_NUMBER.ERROR) return false;
  if (cluster.kind === "stacktrace" || cluster.exceptionType !== undefined) return false;
  if (cluster.http && cluster.http.status >= 400) return false;
  return readsAsSuccess(cluster.template);
}

/** The text test behind looksMislabeled, exported for its table-driven test. */
export function readsAsSuccess(text: string): boolean {
  const t = text.replace(/[_-]+/g, " ");
  if (!SUCCESS.test(t)) return false;
  if (TROUBLE.test(t)) return false;
  if (NEGATED.test(t)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// The table as markdown, for docs/priorities.md and worklogs

/** The rule table as a markdown table (one row per rule, in order). */
export function renderPriorityTable(rules: readonly PriorityRule[] = PRIORITY_RULES): string {
  const lines = ["| # | Priority | When | Why |", "|---|---|---|---|"];
  rules.forEach((r, i) => lines.push(`| ${i + 1} | ${r.priority} | ${describeRule(r)} | ${r.why} |`));
  return lines.join("\n");
}

/** The paragraph printed under the table. */
export const PRIORITY_NOTES = [
  "Rows are read top to bottom; the first that matches wins. Rates are per hour over the window " +
    "(count ÷ window length); buckets are the timeline's slices of the window (5 minutes by default).",
  `Mislabeled severity: a cluster at ERROR or above whose text reads as routine success ("connected", ` +
    `"authenticated", "completed", "ready", "200 OK"…, with no negation and no word like "failed", "error", ` +
    `"timeout" or "exception") is ranked as ${MISLABELED_RANK_AS} and flagged "severity looks mislabeled": the fix ` +
    "is its log level.",
] as const;
