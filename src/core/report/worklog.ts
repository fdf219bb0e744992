/**
 * Renders a WorklogModel as the hourly markdown worklog, in the shape of the hand-made worklogs
 * this job replaces: header, executive summary, one section per cluster with a sample, then the
 * processing checklist and next steps. Pure: everything, including the time, is in the model.
 *
 * Every string that came from a log is untrusted: it goes through core/markdown.ts (escaped
 * prose, code spans or fences) so it can't inject HTML, break a table or ping anyone.
 */
import { codeSpan, escapeText, fence, link, oneLine, tableCell, truncate } from "./markdown";
import { PRIORITY_NOTES, renderPriorityTable } from "../cluster/priority";
import { renderSparkline } from "./sparkline";
import { type Nameable, problemName } from "../cluster/naming";
import { errorReportingUrl } from "./error-reporting";
import type { PrioritizedCluster, SkipReason, SkippedEntry } from "../types";
import { DEFAULT_WORKLOG_LAYOUT, type WorklogIssue, type WorklogLayout, type WorklogMerge, type WorklogModel } from "./worklog-model";
import { sidecarKey } from "./object-keys";
import { clusterHistoryFact, renderWhatChanged, whatChangedSentence } from "./what-changed";

/** Longest sample printed in a worklog; the sidecar keeps the samples whole. */
const MAX_SAMPLE_CHARS = 6000;
const MAX_TRACE_IDS = 5;
const MAX_VARIABLES = 4;
const MAX_VALUES = 3;
const MAX_SKIPPED_SAMPLES_PER_REASON = 2;
/** Cluster numbers listed in one sentence (next steps, mislabeled) before "and N more". */
const MAX_LISTED = 20;

function layoutOf(m: WorklogModel): WorklogLayout {
  return m.layout ?? DEFAULT_WORKLOG_LAYOUT;
}

/** "1, 2, 3" or "1, 2, … 20 and 480 more". */
function listNumbers(numbers: readonly number[]): string {
  if (numbers.length <= MAX_LISTED) return numbers.join(", ");
  return `${numbers.slice(0, MAX_LISTED).join(", ")} and ${num(numbers.length - MAX_LISTED)} more`;
}

export function renderWorklog(model: WorklogModel): string {
  const sections = [
    renderHeader(model),
    renderWhatChanged(model, clusterTitle),
    renderSummary(model),
    renderSampling(model),
    renderClusters(model),
    renderSkipped(model),
    renderTruncations(model),
    renderNotes(model),
    renderStatus(model),
    renderNextSteps(model),
    renderPriorityAppendix(),
  ];
  return `${sections.filter((s) => s !== "").join("\n\n")}\n`;
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** "2025-09-15T01:02:00Z": ISO, milliseconds dropped when zero. */
export function isoTime(ms: number): string {
  if (!Number.isFinite(ms)) return "unknown";
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

function dateTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function clockTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)}Z`;
}

function num(n: number): string {
  return n.toLocaleString("en-US");
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${num(n)} ${n === 1 ? one : many}`;
}

/** A cluster's count: "≈ 12,400" when it is an estimate from a sample. */
function count(c: PrioritizedCluster): string {
  return c.estimate ? `≈ ${num(c.count)}` : num(c.count);
}

/** "≈ 12,400 occurrences" or "3 occurrences". */
function countOf(c: PrioritizedCluster, one: string, many = `${one}s`): string {
  return c.estimate ? `≈ ${num(c.count)} ${many}` : plural(c.count, one, many);
}

function percent(fraction: number): string {
  const p = fraction * 100;
  return p >= 10 ? `${Math.round(p * 10) / 10}%` : `${Number(p.toPrecision(2))}%`;
}

function rate(perMinute: number): string {
  if (!Number.isFinite(perMinute)) return "?";
  if (perMinute >= 10) return String(Math.round(perMinute));
  return String(Number(perMinute.toFixed(2)));
}

const HTTP_STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  413: "Payload Too Large",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  499: "Client Closed Request",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

function statusText(status: number): string {
  const text = HTTP_STATUS_TEXT[status];
  return text ? `${status} ${text}` : String(status);
}

/** A template made readable: variables become "…", whitespace collapsed. Plain (unescaped) text. */
function readableTemplate(template: string): string {
  return oneLine(template.replace(/<[^<>\s]{1,24}>|\{[A-Za-z_][\w-]{0,23}\}/g, "…"))
    .replace(/…(\s*…)+/g, "…")
    .trim();
}

/** A cluster's heading: its route and status, or its problem name (core/cluster/naming.ts). Plain (unescaped) text. */
export function clusterTitle(c: Nameable): string {
  const title = c.http ? `${c.http.method} ${c.http.route} → ${statusText(c.http.status)}` : problemName(c);
  return truncate(title, 90);
}

function mislabelSuffix(c: PrioritizedCluster): string {
  return c.mislabeled ? ` (${c.severity} level but informational)` : "";
}

function severityMix(c: PrioritizedCluster): string {
  const entries = Object.entries(c.severities).filter(([, n]) => (n ?? 0) > 0);
  if (entries.length <= 1) return "";
  return ` (${entries.map(([s, n]) => `${s} ${num(n ?? 0)}`).join(", ")})`;
}

function issueRef(issue: WorklogIssue): string {
  if (issue.number === undefined) return "";
  return issue.url ? link(`#${issue.number}`, issue.url) : `#${issue.number}`;
}

const ACTION_WORDS: Record<string, { done: string; planned: string }> = {
  open: { done: "opened", planned: "open a new issue" },
  "open-successor": { done: "opened a new issue linking the old one", planned: "open a new issue linking the old one" },
  update: { done: "updated", planned: "update" },
  "update-body": { done: "updated quietly (no notification)", planned: "update quietly" },
  comment: { done: "commented on", planned: "comment on" },
  reopen: { done: "reopened (regression)", planned: "reopen (regression)" },
  mute: { done: "muted, left alone", planned: "leave alone (muted)" },
  digest: { done: "listed in the digest issue", planned: "list in the digest issue" },
  "listed-in-digest": {
    done: "over the per-run cap, listed in the digest issue",
    planned: "list in the digest issue (over the per-run cap)",
  },
  skip: { done: "no change to", planned: "leave as is" },
  held: { done: "issue held", planned: "hold its issue" },
};

/** "opened [#12](…)", "dry run: would comment on #12", "⚠️ comment on #12 failed: …". Actions may carry a reason: "mute (not-planned)". */
export function describeIssue(issue: WorklogIssue): string {
  const m = /^([\w-]+) \(([^)]*)\)$/.exec(issue.action);
  const kind = m ? m[1]! : issue.action;
  const reason = m ? ` (${escapeText(m[2]!)})` : "";
  const base = ACTION_WORDS[kind] ?? { done: escapeText(kind), planned: escapeText(kind) };
  const words = { done: base.done + reason, planned: base.planned + reason };
  const ref = issueRef(issue);
  const planned = ref ? `${words.planned} ${ref}` : words.planned;
  if (issue.error !== undefined) return `⚠️ ${planned} failed: ${escapeText(truncate(issue.error, 200))}`;
  if (issue.dryRun) return `dry run: would ${planned}`;
  if (kind === "skip") return ref ? `${ref} (no change${reason ? `,${reason.slice(1, -1)}` : ""})` : `none (skipped${reason})`;
  return ref ? `${words.done} ${ref}` : words.done;
}

function sampleText(sample: unknown): { text: string; lang: string } {
  let text: string;
  let lang = "json";
  if (typeof sample === "string") {
    text = sample;
    lang = "text";
  } else {
    try {
      text = JSON.stringify(sample, null, 2) ?? String(sample);
    } catch {
      text = String(sample);
      lang = "text";
    }
  }
  if (text.length > MAX_SAMPLE_CHARS) text = `${text.slice(0, MAX_SAMPLE_CHARS)}\n… (cut at ${num(MAX_SAMPLE_CHARS)} characters)`;
  return { text, lang };
}

// ---------------------------------------------------------------------------------------------
// Sections

function renderHeader(m: WorklogModel): string {
  const lines = [
    "# GCP Log Gardener Worklog",
    "",
    `**Focus Area:** ${escapeText(m.focusArea)}`,
    `**Date/Time:** ${dateTime(m.generatedAt)}`,
    `**Backend Service:** ${escapeText(m.service)}`,
    `**Log Collection Period:** ${isoTime(m.window.start)} to ${isoTime(m.window.end)}`,
    `**Log Source:** ${escapeText(m.source)}`,
    `**Minimum Severity:** ${m.minSeverity}`,
  ];
  if (m.executionId) lines.push(`**Execution:** ${codeSpan(m.executionId)}`);
  // Consecutive lines with hard breaks (two spaces would be invisible; a backslash is plain CommonMark).
  return lines.map((l, i) => (i >= 2 && i < lines.length - 1 ? `${l}\\` : l)).join("\n");
}

function skippedTotal(m: WorklogModel): number {
  return Object.values(m.stats.skipped).reduce<number>((a, n) => a + (n ?? 0), 0);
}

function renderSummary(m: WorklogModel): string {
  const s = m.stats;
  const period = m.focusArea.charAt(0).toLowerCase() + m.focusArea.slice(1);
  const out: string[] = ["## Executive Summary", ""];
  const para: string[] = [];

  const readParts = [`${num(s.clustered)} clustered`];
  if (s.duplicates) readParts.push(`${num(s.duplicates)} duplicates dropped`);
  if (s.outsideWindow) readParts.push(`${num(s.outsideWindow)} outside the window`);
  if (s.belowSeverity) readParts.push(`${num(s.belowSeverity)} below ${m.minSeverity}`);
  if (s.otherServices) readParts.push(`${num(s.otherServices)} from other services`);
  const skipped = skippedTotal(m);
  if (skipped) readParts.push(`${num(skipped)} malformed and skipped`);
  const scope = `from the ${escapeText(period)} for ${escapeText(m.service)} (${m.minSeverity} and above, from ${escapeText(m.source)})`;
  if (s.read === 0) para.push(`No log entries came in ${scope}.`);
  else para.push(`Collected ${plural(s.read, "log entry", "log entries")} ${scope}: ${readParts.join(", ")}.`);

  if (!m.status.collected) para.push("Collection did not finish, so these counts cover only part of the window.");
  const changed = whatChangedSentence(m);
  if (changed) para.push(changed);
  if (m.clusters.length === 0) {
    para.push(
      s.clustered === 0
        ? `Nothing ${s.read === 0 ? "" : `at ${m.minSeverity} or above `}to cluster this window, so no issue to open.`
        : "No clusters came out of this window.",
    );
  } else {
    const byPriority = new Map<string, number>();
    for (const c of m.clusters) byPriority.set(c.priority, (byPriority.get(c.priority) ?? 0) + 1);
    const counts = [...byPriority].map(([p, n]) => `${n} ${p}`).join(", ");
    para.push(`They group into ${plural(m.clusters.length, "cluster")} (${counts}).`);

    const urgent = m.clusters.filter((c) => (c.priority === "P1" || c.priority === "P2") && !c.mislabeled);
    const top = (urgent.length > 0 ? urgent : m.clusters.filter((c) => !c.mislabeled)).slice(0, 3);
    if (top.length > 0) {
      const items = top.map((c) => {
        const n = m.clusters.indexOf(c) + 1;
        return `cluster ${n}, ${c.priority} ${c.severity} ×${count(c)}: ${escapeText(truncate(clusterTitle(c), 70))}`;
      });
      para.push(`${urgent.length > 0 ? "Most urgent" : "Top of the list"}: ${items.join("; ")}.`);
    }
    const mislabeled = m.clusters.filter((c) => c.mislabeled);
    if (mislabeled.length > 0) {
      const listed = mislabeled
        .slice(0, MAX_LISTED)
        .map((c) => `cluster ${m.clusters.indexOf(c) + 1} (${c.severity})`)
        .join(", ");
      const which = mislabeled.length > MAX_LISTED ? `${listed} and ${num(mislabeled.length - MAX_LISTED)} more` : listed;
      para.push(
        `${mislabeled.length === 1 ? "One cluster is" : `${mislabeled.length} clusters are`} logged at a high level but ` +
          `${mislabeled.length === 1 ? "reads" : "read"} as routine success, so the severity looks mislabeled: ${which}.`,
      );
    }
  }

  if (m.sampling?.estimated) {
    para.push(
      `The window held more entries than the cap, so it was sampled evenly at ${percent(m.sampling.fraction)}: counts marked ≈ are estimates, ` +
        `and priorities and issues use them (see Sampling).`,
    );
  }
  if (m.truncations.length > 0) {
    const t = m.truncations.map((t) => `${escapeText(t.service)} after ${num(t.read)} entries, up to ${escapeText(t.upTo)}`);
    para.push(`Reading stopped early (${t.join("; ")}): later entries in the window are not in this worklog.`);
  }
  const failed = Object.values(m.issues).filter((i) => i.error !== undefined).length;
  if (failed > 0) para.push(`${plural(failed, "GitHub issue action")} failed; see the clusters below.`);

  out.push(para.join(" "));
  if (m.clusters.length > 0) out.push("", renderSummaryTable(m));
  return out.join("\n");
}

function renderSummaryTable(m: WorklogModel): string {
  const shown = Math.min(m.clusters.length, layoutOf(m).sections);
  const rows = clusterRows(m, 0, shown, false);
  if (shown < m.clusters.length) {
    rows.push(
      "",
      `Clusters ${num(shown + 1)} to ${num(m.clusters.length)} are less urgent: see More Clusters below${m.clusters.length > shown + layoutOf(m).rows ? " and the JSON sidecar" : ""}.`,
    );
  }
  return rows.join("\n");
}

/** Table rows for clusters [from, to): number, priority, severity, count, name, issue (and fingerprint). */
function clusterRows(m: WorklogModel, from: number, to: number, withFingerprint: boolean): string[] {
  const rows = withFingerprint
    ? ["| # | Priority | Severity | Count | Problem | Fingerprint | Issue |", "|---:|---|---|---:|---|---|---|"]
    : ["| # | Priority | Severity | Count | Problem | Issue |", "|---:|---|---|---:|---|---|"];
  for (let i = from; i < to; i++) {
    const c = m.clusters[i]!;
    const issue = m.issues[c.fingerprint];
    const severity = c.mislabeled ? `${c.severity} (mislabeled?)` : c.severity;
    const problem = codeSpan(truncate(c.http ? readableTemplate(`${c.http.method} ${c.http.route} ${c.http.status}`) : problemName(c), 60));
    const fp = withFingerprint ? ` ${codeSpan(c.fingerprint)} |` : "";
    rows.push(
      `| ${i + 1} | ${c.priority} | ${severity} | ${count(c)} | ${tableCell(problem)} |${fp} ${tableCell(issue ? describeIssue(issue) : "–")} |`,
    );
  }
  return rows;
}

function renderClusters(m: WorklogModel): string {
  const out = ["## Log Clusters Identified"];
  if (m.clusters.length === 0) {
    out.push("", "None this window.");
    return out.join("\n");
  }
  const { sections, rows } = layoutOf(m);
  m.clusters.slice(0, sections).forEach((c, i) => out.push("", renderCluster(m, c, i + 1)));
  const rowsEnd = Math.min(m.clusters.length, sections + rows);
  if (rowsEnd > sections) {
    out.push(
      "",
      "## More Clusters",
      "",
      `Clusters ${num(sections + 1)} to ${num(rowsEnd)}, less urgent, one row each (the JSON sidecar has their details):`,
      "",
      ...clusterRows(m, sections, rowsEnd, true),
    );
  }
  const rest = m.clusters.length - rowsEnd;
  if (rest > 0) {
    const byPriority = new Map<string, number>();
    for (const c of m.clusters.slice(rowsEnd)) byPriority.set(c.priority, (byPriority.get(c.priority) ?? 0) + 1);
    const mix = [...byPriority].map(([p, n]) => `${p} ${num(n)}`).join(", ");
    const sidecar = sidecarKey(m.service, m.window.start);
    out.push(
      "",
      `**${plural(rest, "more cluster")}** (${mix}), the least urgent, are only in the JSON sidecar ${codeSpan(sidecar.slice(sidecar.lastIndexOf("/") + 1))} ` +
        `next to this worklog (${codeSpan(sidecar)}), each with its name, template, samples and issue action.`,
    );
  }
  return out.join("\n");
}

function renderCluster(m: WorklogModel, c: PrioritizedCluster, n: number): string {
  const out: string[] = [`### Cluster ${n}: ${escapeText(clusterTitle(c))}${mislabelSuffix(c)}`, ""];
  const facts: string[] = [];

  const mislabel = c.mislabeled ? " — ⚠️ severity looks mislabeled: the text reads as routine success" : "";
  facts.push(`**Severity:** ${c.severity}/${c.priority}${severityMix(c)}${mislabel}`);
  facts.push(`**Priority Reason:** ${escapeText(c.priorityReason)}`);
  facts.push(
    `**Frequency:** ${countOf(c, "occurrence")}${estimateNote(c)}, ${c.estimate ? "≈ " : ""}${rate(c.ratePerMinute)}/min, ` +
      `first seen ${isoTime(c.firstSeen)}, last seen ${isoTime(c.lastSeen)}`,
  );
  const history = clusterHistoryFact(m, c);
  if (history) facts.push(history);
  if (c.source) facts.push(`**Module:** ${codeSpan(c.source)}`);
  else if (c.kind === "request") facts.push("**Source:** HTTP request logs");
  if (c.timeline.length > 0) {
    const peak = Math.max(0, ...c.timeline);
    facts.push(
      `**Timeline:** ${codeSpan(renderSparkline(c.timeline))} (${c.bucketMinutes}-min buckets from ${clockTime(m.window.start)}, peak ${num(peak)})`,
    );
  }
  const revisions = c.revisions.map((r) => `${codeSpan(r.value)} (${num(r.count)})`).join(", ");
  facts.push(`**Spread:** ${plural(c.instances, "instance")}${revisions ? `; revisions ${revisions}` : ""}`);
  const variables = c.variables
    .filter((v) => v.top.length > 0)
    .slice(0, MAX_VARIABLES)
    .map((v) => {
      const values = v.top.slice(0, MAX_VALUES).map((t) => `${codeSpan(t.value)} (${num(t.count)})`);
      return `${codeSpan(v.name)}: ${values.join(", ")}${v.distinct > values.length ? ` of ${num(v.distinct)} distinct` : ""}`;
    });
  if (variables.length > 0) facts.push(`**Top Values:** ${variables.join("; ")}`);
  if (c.traceIds.length > 0) {
    const shown = c.traceIds.slice(0, MAX_TRACE_IDS).map(codeSpan).join(", ");
    const more = c.traceIds.length > MAX_TRACE_IDS ? ` and ${num(c.traceIds.length - MAX_TRACE_IDS)} more` : "";
    facts.push(`**Trace IDs:** ${shown}${more}`);
  }
  facts.push(`**Template:** ${codeSpan(c.template)}`);
  facts.push(`**Fingerprint:** ${codeSpan(c.fingerprint)}`);
  const issue = m.issues[c.fingerprint];
  if (issue) facts.push(`**GitHub Issue:** ${describeIssue(issue)}`);
  const merges = m.merges?.[c.fingerprint] ?? [];
  if (merges.length > 0) facts.push(`**Merged Issues:** ${merges.map(describeMerge).join("; ")}`);
  const related = m.related?.[c.fingerprint] ?? [];
  if (related.length > 0)
    facts.push(
      `**Related Issues:** ${related.map((r) => `${link(`#${r.number}`, r.url)} ${escapeText(truncate(r.title, 80))}`).join("; ")}`,
    );
  const groups = (c.errorGroups ?? []).map((g) => `${link(g.id, errorReportingUrl(g))} (${num(g.count)})`);
  if (groups.length > 0) facts.push(`**Error Reporting:** ${groups.join(", ")}`);
  const requests = (c.joinedRequests ?? []).map((j) => `${codeSpan(`${j.method} ${j.route}`)} → ${statusText(j.status)} (${num(j.count)})`);
  if (requests.length > 0) facts.push(`**Request Logs:** ${requests.join(", ")}, of the same requests, counted here`);
  const explorer = m.logsExplorerUrls?.[c.fingerprint];
  if (explorer) facts.push(`**Logs Explorer:** ${link("open these entries", explorer)}`);
  out.push(facts.map((f) => `- ${f}`).join("\n"));

  if (c.samples.length > 0) {
    const { text, lang } = sampleText(c.samples[0]);
    const of = c.samples.length > 1 ? ` (1 of ${c.samples.length}; all in the JSON sidecar)` : "";
    out.push("", `**Sample Log Entry:**${of}`, fence(text, lang));
  }
  out.push("", `**Description:** ${describeCluster(m, c)}`);
  return out.join("\n");
}

/** A few generated sentences about a cluster, from its kind, template, HTTP and exception. */
export function describeCluster(m: WorklogModel, c: PrioritizedCluster): string {
  const s: string[] = [];
  const times = countOf(c, "time");
  if (c.overflow) {
    s.push(
      `This service logged more distinct messages in the window than the clusters a run keeps per service, so ${countOf(c, "entry", "entries")} that would each have started a cluster of their own are counted here, whatever they say. ` +
        "The samples show some of them. A service that logs free text (a value in every message, no template in common) does this; " +
        "each of its messages is in Logs Explorer with the link above, and the notes say how many entries went here.",
    );
  } else if (c.http) {
    s.push(`${codeSpan(`${c.http.method} ${c.http.route}`)} answered ${statusText(c.http.status)} ${times} at ${c.severity}.`);
  } else if (c.exceptionType) {
    const where = c.source ? ` in ${codeSpan(c.source)}` : "";
    s.push(
      `${codeSpan(c.exceptionType)} was raised${where} ${times}; the message reads ${codeSpan(truncate(readableTemplate(c.template), 120))}.`,
    );
  } else {
    const where = c.source ? ` from ${codeSpan(c.source)}` : "";
    s.push(`${c.severity} log${where} seen ${times}, reading ${codeSpan(truncate(readableTemplate(c.template), 120))}.`);
  }
  const active = c.timeline.filter((n) => n > 0).length;
  if (c.count === 1) {
    s.push(`It happened once, at ${isoTime(c.firstSeen)}.`);
  } else if (c.timeline.length > 0) {
    const shape =
      active === c.timeline.length
        ? "in every bucket of the window"
        : active <= Math.max(1, Math.floor(c.timeline.length / 6))
          ? `in a burst (${active} of ${c.timeline.length} buckets)`
          : `in ${active} of ${c.timeline.length} buckets`;
    s.push(
      `It shows up ${shape}, on ${plural(c.instances, "instance")}${c.revisions.length > 1 ? ` across ${c.revisions.length} revisions` : ""}.`,
    );
  }
  if (c.mislabeled) {
    s.push(
      `It is logged at ${c.severity} but reads as routine success, so the level looks wrong; ` +
        "it is ranked as a warning, and the fix is probably the log call's level.",
    );
  }
  return s.join(" ");
}

function renderSkipped(m: WorklogModel): string {
  const entries = Object.entries(m.stats.skipped).filter(([, n]) => (n ?? 0) > 0) as [SkipReason, number][];
  if (entries.length === 0) return "";
  const out = [
    "## Skipped Entries",
    "",
    `${plural(skippedTotal(m), "entry was", "entries were")} malformed and counted instead of clustered.`,
    "",
    "| Reason | Count |",
    "|---|---:|",
    ...entries.map(([reason, n]) => `| ${codeSpan(reason)} | ${num(n)} |`),
  ];
  const byReason = new Map<SkipReason, SkippedEntry[]>();
  for (const e of m.skippedSamples) byReason.set(e.reason, [...(byReason.get(e.reason) ?? []), e]);
  for (const [reason, samples] of byReason) {
    for (const e of samples.slice(0, MAX_SKIPPED_SAMPLES_PER_REASON)) {
      out.push("", `**${reason}:** ${escapeText(truncate(e.detail, 200))}`, fence(e.sample, "text"));
    }
  }
  return out.join("\n");
}

/** " (estimated from 248 sampled at 2%; 95% between 10,900 and 13,900)". */
function estimateNote(c: PrioritizedCluster): string {
  const e = c.estimate;
  if (!e) return "";
  return ` (estimated from ${num(e.sampled)} sampled at ${percent(e.fraction)}; 95% between ${num(e.low)} and ${num(e.high)})`;
}

function renderSampling(m: WorklogModel): string {
  const s = m.sampling;
  // Nothing to say for a window read whole without totals (a small file): no section.
  if (!s || (!s.estimated && s.plan?.fallback === undefined && s.plan?.mode !== "server")) return "";
  const out = ["## Sampling", ""];
  if (s.estimated) {
    out.push(
      `- Counts are estimates: ${plural(s.sampled, "entry", "entries")} kept in an even, deterministic sample of ${percent(s.fraction)} of the window, each count divided by the fraction.`,
    );
  } else {
    out.push(`- Every entry of the window was read: counts are exact.`);
  }
  const plan = s.plan;
  if (plan) {
    out.push(
      `- How: ${escapeText(plan.why)}${plan.mode === "server" && plan.serverFraction < 1 ? ` (Cloud Logging's ${codeSpan(`sample(insertId, ${plan.serverFraction})`)})` : ""}.`,
    );
    if (plan.totals && plan.total !== undefined) {
      const bySeverity = Object.entries(plan.totals)
        .filter(([, n]) => (n ?? 0) > 0)
        .map(([sev, n]) => `${sev} ${num(n ?? 0)}`)
        .join(", ");
      out.push(
        `- Cloud Monitoring's exact totals for the window (${codeSpan("logging.googleapis.com/log_entry_count")}): ${num(plan.total)}${bySeverity ? ` (${bySeverity})` : ""}.`,
      );
    }
    if (plan.fallback) out.push(`- Fallback: ${escapeText(plan.fallback)}.`);
    if (plan.lagNote) out.push(`- Monitoring's lag: ${escapeText(plan.lagNote)}.`);
  }
  if (s.adaptiveFraction < 1)
    out.push(
      `- While reading, the adaptive hash threshold (on ${codeSpan("insertId")}, or the entry's key without one) kept ${percent(s.adaptiveFraction)} of what was read, to hold the cap.`,
    );
  if (s.quota) {
    out.push(
      `- Read ${plural(s.quota.pages, "page")} from Cloud Logging in ${num(Math.round(s.quota.minutes * 10) / 10)} min: ` +
        `${percent(s.quota.quotaShare)} of the project's ${codeSpan("entries.list")} quota over that time (this task's budget: ${percent(s.quota.budgetShare)}).`,
    );
  }
  return out.join("\n");
}

function renderTruncations(m: WorklogModel): string {
  if (m.truncations.length === 0) return "";
  const out = ["## Truncated Reads", ""];
  for (const t of m.truncations) {
    out.push(
      `- Reading ${escapeText(t.service)} stopped after ${plural(t.read, "entry", "entries")}, up to ${escapeText(t.upTo)}: ` +
        `${escapeText(t.reason)}. Entries after that in this window are not counted or clustered here.`,
    );
  }
  return out.join("\n");
}

/** "closed #7 (fingerprint `lg1-…`) as a duplicate of #3, its history moved there". */
export function describeMerge(g: WorklogMerge): string {
  const ref = (n: { number: number; url?: string }) => (n.url ? link(`#${n.number}`, n.url) : `#${n.number}`);
  const what = `${ref(g.duplicate)} (fingerprint ${codeSpan(g.duplicate.fingerprint)}) as a duplicate of ${ref(g.survivor)}`;
  if (g.error !== undefined) return `⚠️ closing ${what} failed: ${escapeText(truncate(g.error, 200))}`;
  if (g.dryRun) return `dry run: would close ${what}, moving its history there`;
  return g.closes ? `closed ${what}, its history moved there` : `${what}: closed already in an earlier try of this window`;
}

function renderNotes(m: WorklogModel): string {
  const merges: string[] = [];
  m.clusters.forEach((c, i) => {
    const list = m.merges?.[c.fingerprint] ?? [];
    if (list.length === 0) return;
    merges.push(
      `Cluster ${i + 1} (${escapeText(truncate(clusterTitle(c), 70))}) is one problem that earlier runs tracked as ${plural(list.length + 1, "issue")}: ` +
        `${list.map(describeMerge).join("; ")}.`,
    );
  });
  if (m.notes.length === 0 && merges.length === 0) return "";
  return ["## Notes", "", ...merges.map((n) => `- ${n}`), ...m.notes.map((n) => `- ${escapeText(n)}`)].join("\n");
}

function check(done: boolean, text: string): string {
  return `- [${done ? "x" : " "}] ${text}`;
}

function renderStatus(m: WorklogModel): string {
  const st = m.status;
  const period = escapeText(m.focusArea.charAt(0).toLowerCase() + m.focusArea.slice(1));
  const failed = Object.values(m.issues).filter((i) => i.error !== undefined).length;
  const lines = ["## Processing Status", ""];
  lines.push(check(st.collected, `Logs collected for ${period}`));
  lines.push(check(st.clustered, "Clusters identified and documented"));
  if (st.clustered && m.clusters.length === 0) {
    lines.push(check(true, "No GitHub issues needed (no clusters)"));
  } else if (st.issuesPublished && failed === 0) {
    lines.push(check(true, "GitHub issues created/updated for each cluster"));
  } else {
    let note = "";
    if (st.issuesPublished) note = ` (${plural(failed, "action")} failed)`;
    else if (st.issuesPlanned && st.dryRun) note = " (dry run: planned, not published)";
    else if (st.issuesPlanned) note = " (planned, not published)";
    lines.push(check(false, `GitHub issues to be created/updated for each cluster${note}`));
  }
  if (st.clustered && m.clusters.length === 0) return lines.join("\n"); // nothing to research or link
  lines.push(st.relatedResearched ? check(true, "Related issues researched") : check(false, "Related issues research to be performed"));
  lines.push(st.relatedLinked ? check(true, "Related issues linked") : check(false, "Issue linking and documentation to be completed"));
  return lines.join("\n");
}

function renderNextSteps(m: WorklogModel): string {
  const st = m.status;
  const steps: string[] = [];
  const numbers = new Map(m.clusters.map((c, i) => [c, i + 1]));
  const n = (c: PrioritizedCluster): number => numbers.get(c) ?? 0;
  const list = (cs: readonly PrioritizedCluster[]): string => listNumbers(cs.map(n));

  const urgent = m.clusters.filter((c) => c.priority === "P1" && !c.mislabeled);
  if (urgent.length > 0) steps.push(`Look at the P1 ${urgent.length === 1 ? "cluster" : "clusters"} first: ${list(urgent)}`);
  const failed = m.clusters.filter((c) => m.issues[c.fingerprint]?.error !== undefined);
  if (failed.length > 0)
    steps.push(
      `Retry the failed GitHub actions for ${failed.length === 1 ? "cluster" : "clusters"} ${list(failed)} (the next run retries them too)`,
    );
  if (m.clusters.length > 0 && !st.issuesPublished) {
    steps.push(
      st.dryRun
        ? "Publish the planned GitHub issue actions (run without dry run, with a GitHub App configured)"
        : "Process each cluster through GitHub issue creation/update workflow",
    );
  }
  if (m.clusters.length > 0 && !st.relatedResearched) steps.push("Research existing related issues");
  if (m.clusters.length > 0 && !st.relatedLinked) steps.push("Link related issues and documentation");
  const mislabeled = m.clusters.filter((c) => c.mislabeled);
  if (mislabeled.length > 0)
    steps.push(
      `Fix the log level of ${mislabeled.length === 1 ? "cluster" : "clusters"} ${list(mislabeled)}: routine success logged as ${[...new Set(mislabeled.map((c) => c.severity))].join("/")}`,
    );
  if (skippedTotal(m) > 0) steps.push("Find out why some entries were malformed (see Skipped Entries)");
  if (m.truncations.length > 0) steps.push("Raise LOG_GARDENER_MAX_ENTRIES or narrow the query: this window was read only in part");

  const out = ["## Next Steps", ""];
  if (steps.length === 0) out.push("Nothing to do for this window.");
  else steps.forEach((s, i) => out.push(`${i + 1}. ${s}`));
  return out.join("\n");
}

function renderPriorityAppendix(): string {
  return [
    "<details><summary>How priorities are set</summary>",
    "",
    renderPriorityTable(),
    "",
    ...PRIORITY_NOTES.map((p) => `${p}\n`),
    "</details>",
  ].join("\n");
}
