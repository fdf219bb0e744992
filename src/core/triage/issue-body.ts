/**
 * What an issue, a comment and the digest say. Pure rendering for core/issue-plan.ts: every
 * value that came from a log line goes through safe-text (renderInline, renderCode,
 * renderFence), and every body is capped below GitHub's limit with the marker kept at the top
 * and the "latest occurrences" section kept whole at the bottom.
 */
import type { PrioritizedCluster } from "../types";
import { SEVERITIES, severityRank } from "../severity";
import {
  historyBetween,
  epochHour,
  LATEST_END,
  LATEST_START,
  renderCommentMarker,
  renderIssueMarker,
  replaceIssueMarker,
  replaceLatestSection,
  type HourlyHistory,
  type IssueMarker,
} from "./issue-marker";
import { problemName } from "../cluster/naming";
import { errorReportingUrl } from "../report/error-reporting";
import { buildOccurrenceChart } from "../history/chart";
import { capBody, DEFAULT_BODY_CAP, renderCode, renderFence, renderInline, renderTitle } from "./safe-text";

const HOUR_MS = 3_600_000;

/** What the renderers need to know about the run. */
export interface RenderContext {
  readonly windowId: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly historyDays: number;
  readonly bodyCap?: number;
  readonly worklogUrl: string;
  readonly logsExplorerUrl: string;
}

/** An issue the job does not manage that mentions the same module or phrase. */
export interface RelatedIssue {
  readonly number: number;
  readonly url: string;
  readonly title: string;
  readonly state: "open" | "closed";
  /** The term it matched (a module/function or a phrase of the template). */
  readonly matched: string;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}

/** A URL we built (worklog, Logs Explorer) made safe for `[text](url)`. */
export function renderLinkTarget(url: string): string {
  return url.replace(/[\s()<>"`]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/** Occurrences per hour over the window. */
export function hourlyRate(count: number, windowStart: number, windowEnd: number): number {
  const hours = Math.max((windowEnd - windowStart) / HOUR_MS, 1 / 60);
  return Math.round((count / hours) * 100) / 100;
}

/** This window's counts by hour (epoch hours), from the cluster's timeline when it has one. */
export function countsByHour(c: PrioritizedCluster, windowStart: number): Map<number, number> {
  const out = new Map<number, number>();
  const timeline = c.timeline ?? [];
  if (timeline.length === 0 || !(c.bucketMinutes > 0) || timeline.reduce((a, b) => a + b, 0) !== c.count) {
    out.set(epochHour(windowStart), c.count);
    return out;
  }
  timeline.forEach((n, i) => {
    const h = epochHour(windowStart + i * c.bucketMinutes * 60_000);
    out.set(h, (out.get(h) ?? 0) + n);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Title and labels

/** "an ERROR", "a WARNING": the article a reader says before the word (severities start with a sounded vowel or not). */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? "an" : "a"} ${word}`;
}

/**
 * "api · ERROR · P2 · Timeout calling … after … ms": scannable in a list of issues. Requests keep
 * their template ("GET /orders/{id} → 500"); everything else is named by core/cluster/naming.ts,
 * which never shows `<*>`.
 */
export function renderIssueTitle(c: PrioritizedCluster): string {
  const head = `${c.service} · ${c.severity} · ${c.priority} · `;
  return renderTitle(head + (c.http ? c.template : problemName(c)), 120);
}

export function severityLabel(c: PrioritizedCluster): string {
  return `severity:${c.severity.toLowerCase()}`;
}

export function priorityLabel(c: PrioritizedCluster): string {
  return `priority:${c.priority}`;
}

export function serviceLabel(service: string): string {
  return `service:${service}`;
}

// ---------------------------------------------------------------------------------------------
// Body

function renderSeverities(c: PrioritizedCluster): string {
  const parts = SEVERITIES.filter((s) => (c.severities[s] ?? 0) > 0)
    .sort((a, b) => severityRank(b) - severityRank(a))
    .map((s) => `${s} ${c.severities[s]}`);
  return parts.length > 0 ? parts.join(", ") : c.severity;
}

function renderVariables(c: PrioritizedCluster): string {
  if (c.variables.length === 0) return "";
  const rows = c.variables.slice(0, 10).map((v) => {
    const top = v.top
      .slice(0, 5)
      .map((t) => `${renderCode(t.value, 80)} ×${t.count}`)
      .join(", ");
    return `| ${renderInline(v.name, 40)} | ${top} | ${v.distinct} |`;
  });
  return ["### Top variable values", "", "| Variable | Top values | Distinct |", "|---|---|---|", ...rows, ""].join("\n");
}

function renderSample(c: PrioritizedCluster): string {
  const sample = c.samples[0];
  if (sample === undefined) return "";
  let text: string;
  try {
    text = typeof sample === "string" ? sample : JSON.stringify(sample, null, 2);
  } catch {
    text = String(sample);
  }
  return ["### Sample (redacted)", "", renderFence(text, typeof sample === "string" ? "text" : "json", 6_000), ""].join("\n");
}

function renderRelated(related: readonly RelatedIssue[]): string {
  if (related.length === 0) return "";
  const rows = related.map((r) => `- #${r.number} (${r.state}) ${renderInline(r.title, 100)}, mentions ${renderCode(r.matched, 80)}`);
  return ["### Possibly related (not managed by Log Gardener)", "", ...rows, ""].join("\n");
}

export interface LatestInput {
  readonly cluster: PrioritizedCluster;
  readonly history: HourlyHistory;
  /** The issue's marker after this run: its first sighting and revisions mark the chart. */
  readonly marker?: Pick<IssueMarker, "first" | "revs">;
  readonly ctx: RenderContext;
  /** Muted / digested clusters etc. can add a line. */
  readonly note?: string;
}

/** A cluster's count as issues print it: "≈ 12400" when it is an estimate from a sample. */
function occurrences(c: PrioritizedCluster): string {
  return c.estimate ? `≈ ${c.count}` : String(c.count);
}

/** " (estimated from 248 sampled at 2% of the window)", or nothing for an exact count. */
function estimateNote(c: PrioritizedCluster): string {
  const e = c.estimate;
  if (!e) return "";
  const p = e.fraction * 100;
  return ` (estimated from ${e.sampled} sampled at ${p >= 10 ? Math.round(p * 10) / 10 : Number(p.toPrecision(2))}% of the window)`;
}

/** The "Latest occurrences" section: replaced in place on every update, no notification. */
export function renderLatestSection({ cluster: c, history, ctx, note, marker }: LatestInput): string {
  const lastDay = historyBetween(history, epochHour(ctx.windowEnd - 1) - 23, epochHour(ctx.windowEnd - 1)).reduce((a, b) => a + b, 0);
  const total = history.c.reduce((a, b) => a + b, 0);
  return [
    "## Latest occurrences",
    "",
    `Window ${renderCode(ctx.windowId)} (${iso(ctx.windowStart)} to ${iso(ctx.windowEnd)}): **${occurrences(c)}** occurrences${estimateNote(c)}, ` +
      `${hourlyRate(c.count, ctx.windowStart, ctx.windowEnd)} per hour, last seen ${iso(c.lastSeen)}. ` +
      `Last 24 hours: ${lastDay}; last ${ctx.historyDays} days: ${total}.`,
    ...(note ? ["", note] : []),
    "",
    `[Logs Explorer for this window](${renderLinkTarget(ctx.logsExplorerUrl)}) · [Worklog](${renderLinkTarget(ctx.worklogUrl)})`,
    "",
    buildOccurrenceChart({
      h0: history.h0,
      c: history.c,
      endHour: epochHour(ctx.windowEnd - 1),
      ...(marker?.first !== undefined ? { firstSeen: marker.first } : {}),
      maxDays: ctx.historyDays,
      revisions: (marker?.revs ?? []).map((r) => ({ value: r.r, firstSeen: r.t })),
    }).text,
  ].join("\n");
}

export interface IssueBodyInput {
  readonly cluster: PrioritizedCluster;
  readonly marker: IssueMarker;
  readonly ctx: RenderContext;
  readonly related?: readonly RelatedIssue[];
  /** For a successor: the closed issue this one follows. */
  readonly predecessor?: { readonly number: number; readonly closedAt?: string | null; readonly locked: boolean };
}

/** The full body of a new issue: marker, summary, links, related issues, latest occurrences. */
export function renderIssueBody({ cluster: c, marker, ctx, related = [], predecessor }: IssueBodyInput): string {
  const follows = predecessor
    ? [
        `This problem was tracked in #${predecessor.number}, closed ${predecessor.closedAt ? `on ${predecessor.closedAt.slice(0, 10)}` : "earlier"}` +
          `${predecessor.locked ? " and locked" : ""}. It came back, so it gets a fresh issue.`,
        "",
      ]
    : [];
  const head = [
    renderIssueMarker(marker),
    ...follows,
    `Log Gardener found ${withArticle(c.severity)} problem in ${renderCode(c.service)}: **${occurrences(c)}** occurrences${estimateNote(c)} in window ${renderCode(ctx.windowId)}.`,
    "",
    "### Template",
    "",
    renderFence(c.template, "text", 2_000),
    "",
    "| | |",
    "|---|---|",
    `| Service | ${renderCode(c.service)} |`,
    `| Severity | ${renderSeverities(c)}${c.mislabeled ? " (reads like routine logging at a high severity)" : ""} |`,
    `| Priority | ${c.priority}: ${renderInline(c.priorityReason, 200)} |`,
    `| Kind | ${c.kind}${c.exceptionType ? `, ${renderCode(c.exceptionType, 100)}` : ""}${c.http ? `, ${renderCode(`${c.http.method} ${c.http.route} ${c.http.status}`, 200)}` : ""} |`,
    ...(c.source ? [`| Source | ${renderCode(c.source, 200)} |`] : []),
    `| Occurrences | ${occurrences(c)} (${c.ratePerMinute.toFixed(2)} per minute)${estimateNote(c)} |`,
    `| First seen | ${iso(c.firstSeen)} |`,
    `| Last seen | ${iso(c.lastSeen)} |`,
    `| Revisions | ${
      c.revisions
        .slice(0, 5)
        .map((r) => `${renderCode(r.value, 60)} ×${r.count}`)
        .join(", ") || "n/a"
    } |`,
    `| Instances | ${c.instances} |`,
    `| Fingerprint | ${renderCode(c.fingerprint, 80)} |`,
    "",
    `[Logs Explorer query for this cluster and window](${renderLinkTarget(ctx.logsExplorerUrl)}) · [Worklog](${renderLinkTarget(ctx.worklogUrl)})` +
      (c.errorGroups ?? [])
        .map((g) => ` · [Error Reporting group ${renderInline(g.id, 60)}](${renderLinkTarget(errorReportingUrl(g))})`)
        .join(""),
    "",
    renderVariables(c),
    renderSample(c),
    renderRelated(related),
    "<sub>Opened by Log Gardener. Close as completed when fixed (it reopens on a regression), close as not planned " +
      "or add the `log-gardener:quiet` label to stop hearing about it. Edits outside the latest-occurrences section are kept.</sub>",
  ].join("\n");
  const latest = `\n\n${LATEST_START}\n${renderLatestSection({ cluster: c, history: marker.hist, ctx, marker })}\n${LATEST_END}\n`;
  return capBody(head, ctx.bodyCap ?? DEFAULT_BODY_CAP, latest);
}

/**
 * An existing body with a new marker and latest-occurrences section; everything else (including
 * edits people made) is kept, cut at the cap if it grew past it.
 */
export function renderUpdatedBody(existingBody: string, marker: IssueMarker, latest: string, cap = DEFAULT_BODY_CAP): string {
  const body = replaceLatestSection(replaceIssueMarker(existingBody, marker), latest);
  if (body.length <= cap) return body;
  const at = body.indexOf(LATEST_START);
  const endAt = body.indexOf(LATEST_END, at) + LATEST_END.length;
  const tail = `${body.slice(at, endAt)}\n`;
  return capBody(body.slice(0, at) + body.slice(endAt), cap, `\n\n${tail}`);
}

// ---------------------------------------------------------------------------------------------
// Comments

export type CommentReason = "escalation" | "regression";

export interface CommentInput {
  readonly reason: CommentReason;
  readonly cluster: PrioritizedCluster;
  readonly ctx: RenderContext;
  /** Occurrences per hour now and at the last notification. */
  readonly rate: number;
  readonly baseline?: number;
  /** The limit from the problem history that this hour reached, and the baseline it came from. */
  readonly limit?: { readonly limit: number; readonly baseline: number };
  readonly closedAt?: string | null;
}

/** A comment, carrying the window-id marker that keeps a rerun from posting it twice. */
export function renderComment({ reason, cluster: c, ctx, rate, baseline, limit, closedAt }: CommentInput): string {
  const lead =
    reason === "escalation"
      ? `**Escalating:** ${rate} per hour in window ${renderCode(ctx.windowId)}` +
        (baseline !== undefined ? `, up from ${baseline} per hour when this issue last notified.` : ".") +
        (limit ? ` The limit from this problem's own history is ${limit.limit} in an hour (baseline ${limit.baseline} per hour).` : "") +
        (c.estimate ? ` The rate is an estimate${estimateNote(c)}.` : "")
      : `**Regression:** this problem was closed as completed${closedAt ? ` on ${closedAt.slice(0, 10)}` : ""} and came back: ` +
        `${occurrences(c)} occurrences${estimateNote(c)} in window ${renderCode(ctx.windowId)}, last seen ${iso(c.lastSeen)}. Reopened and labelled \`regression\`.`;
  return [
    renderCommentMarker(ctx.windowId, c.fingerprint),
    lead,
    "",
    `[Logs Explorer for this window](${renderLinkTarget(ctx.logsExplorerUrl)}) · [Worklog](${renderLinkTarget(ctx.worklogUrl)})`,
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Digest

export const DIGEST_TITLE = "Log Gardener: new problems over the per-run issue cap";

/** Body of the digest issue: the clusters this run did not open issues for, marked "digest". */
export function renderDigestBody(marker: IssueMarker, overflow: readonly PrioritizedCluster[], ctx: RenderContext, cap: number): string {
  const rows: string[] = [];
  let size = 0;
  for (const c of overflow) {
    const row = `| ${renderCode(c.service, 60)} | ${c.severity} | ${c.priority} | ${occurrences(c)} | ${renderCode(c.template, 160)} | ${renderCode(c.fingerprint, 40)} |`;
    if (size + row.length > cap - 4_000) break;
    rows.push(row);
    size += row.length + 1;
  }
  const latest = [
    "## Latest overflow",
    "",
    `Window ${renderCode(ctx.windowId)}: **${overflow.length}** new problems were over the cap of new issues per run. ` +
      "They are listed here and in the worklog, and get their own issues in later runs (highest priority first) if they recur.",
    ...(overflow.length > rows.length ? ["", `Showing the first ${rows.length}; the worklog lists all ${overflow.length}.`] : []),
    "",
    "| Service | Severity | Priority | Count | Template | Fingerprint |",
    "|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
  const head = [
    renderIssueMarker(marker),
    "Log Gardener opens at most a set number of issues per run, so a bad deploy that produces hundreds of new clusters " +
      "does not produce hundreds of issues. This issue lists the rest and is updated in place.",
  ].join("\n");
  return capBody(head, cap, `\n\n${LATEST_START}\n${latest}\n${LATEST_END}\n`);
}

// ---------------------------------------------------------------------------------------------
// Merges: an issue closed as a duplicate of the one that absorbed it

/** The marker of the merge comment: one per (duplicate, survivor), whatever the window. */
export function mergeCommentMarker(duplicateFingerprint: string, survivorNumber: number): string {
  return renderCommentMarker(`merged-into-${survivorNumber}`, duplicateFingerprint);
}

export interface MergeInput {
  /** The duplicate's fingerprint, as its marker had it. */
  readonly duplicateFingerprint: string;
  readonly survivor: { readonly number: number; readonly url: string };
  /** The merged cluster (its fingerprint is the survivor's from now on). */
  readonly cluster: PrioritizedCluster;
  readonly ctx: RenderContext;
}

/**
 * The comment on an issue closed as a duplicate. It starts with "Duplicate of #N", which GitHub
 * itself reads as marking the duplicate, and says where the history and new occurrences went.
 */
export function renderMergeComment({ duplicateFingerprint, survivor, cluster: c, ctx }: MergeInput): string {
  return [
    mergeCommentMarker(duplicateFingerprint, survivor.number),
    `Duplicate of #${survivor.number}`,
    "",
    `Log Gardener now groups the log entries of this issue (fingerprint ${renderCode(duplicateFingerprint)}) with those of ` +
      `#${survivor.number} (fingerprint ${renderCode(c.fingerprint)}): they are one problem, so it is tracked in one issue. ` +
      `This issue's hourly history moved into #${survivor.number}, and new occurrences are counted there.`,
    "",
    `[Worklog of window ${renderCode(ctx.windowId)}](${renderLinkTarget(ctx.worklogUrl)})`,
  ].join("\n");
}

/** The latest-occurrences section of a duplicate: a pointer to the survivor, no more counts. */
export function renderMergedLatestSection({ survivor, ctx }: Pick<MergeInput, "survivor" | "ctx">): string {
  return [
    "## Latest occurrences",
    "",
    `Closed as a duplicate of #${survivor.number} in window ${renderCode(ctx.windowId)}: new occurrences of this problem are counted there.`,
  ].join("\n");
}
