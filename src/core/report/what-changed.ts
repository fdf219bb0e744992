/**
 * The worklog's "What Changed" section, its one sentence in the executive summary, and the
 * history line of each cluster: new, returned, escalating and gone-quiet problems, measured
 * against the service's problem history (core/history, docs/history.md), and the deploys
 * that started them. Pure rendering of WorklogModel.history; log text goes through markdown.ts.
 */
import { codeSpan, escapeText, truncate } from "./markdown";
import type { PrioritizedCluster } from "../types";
import { DEFAULT_WORKLOG_LAYOUT, type WorklogHistory, type WorklogModel } from "./worklog-model";
import type { ClusterChange } from "../history/history";

type TitleOf = (c: PrioritizedCluster) => string;

const HOUR = 3_600_000;

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace(".000Z", "Z") : "unknown";
}

function clock(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)}Z`;
}

function hoursText(ms: number): string {
  if (!Number.isFinite(ms)) return "longer than the history keeps";
  const h = ms / HOUR;
  if (h >= 48) return `${Math.round(h / 24)} days`;
  return `${Math.round(h)} hours`;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

function historyStatus(h: WorklogHistory): string {
  const why = h.detail ? `: ${escapeText(h.detail)}` : "";
  switch (h.status) {
    case "started":
      return "The problem history starts with this window, so every problem is new and no deploy is told apart yet.";
    case "rebuilt":
      return `The problem history was rebuilt from the recent days' sidecars${why}.`;
    case "refused":
      return `The stored problem history was left untouched and not updated${why}; this window was judged against a history rebuilt from sidecars.`;
    case "unavailable":
      return `The problem history could not be used${why}; changes below are judged without it.`;
    default:
      return "";
  }
}

/** "2 new (1 with the deploy of `r`), 1 returned, 1 escalating, 3 gone quiet". */
function tally(m: WorklogModel): { parts: string[]; total: number } {
  const h = m.history!;
  const of = (change: ClusterChange["change"]) => m.clusters.filter((c) => h.changes[c.fingerprint]?.change === change);
  const fresh = of("new");
  const withDeploy = fresh.filter((c) => h.changes[c.fingerprint]?.startedWithDeploy !== undefined);
  const deploys = [...new Set(withDeploy.map((c) => h.changes[c.fingerprint]!.startedWithDeploy!))];
  const parts: string[] = [];
  if (fresh.length > 0) {
    const deployText =
      withDeploy.length > 0
        ? ` (${withDeploy.length === fresh.length ? (fresh.length === 1 ? "it" : "all") : withDeploy.length} with the deploy of ${deploys.map(codeSpan).join(", ")})`
        : "";
    parts.push(`${fresh.length} new${deployText}`);
  }
  const returned = of("returned").length;
  if (returned > 0) parts.push(`${returned} returned`);
  const escalating = of("escalating").length;
  if (escalating > 0) parts.push(`${escalating} escalating`);
  if (h.quiet.length > 0) parts.push(`${h.quiet.length} gone quiet`);
  return { parts, total: fresh.length + returned + escalating + h.quiet.length };
}

/** The executive summary's sentence; "" without history. */
export function whatChangedSentence(m: WorklogModel): string {
  if (!m.history) return "";
  const { parts } = tally(m);
  if (parts.length === 0) return "What changed: nothing new, returned, escalating or gone quiet since the previous window.";
  return `What changed: ${parts.join(", ")}.`;
}

function clusterRef(m: WorklogModel, c: PrioritizedCluster, titleOf: TitleOf): string {
  return `cluster ${m.clusters.indexOf(c) + 1}, ${escapeText(truncate(titleOf(c), 80))}`;
}

function firstSeenText(ch: ClusterChange): string {
  return `first seen ${iso(ch.firstSeen)}${ch.firstSeenRevision !== undefined ? ` on ${codeSpan(ch.firstSeenRevision)}` : " (no revision)"}`;
}

/** The "What Changed" section; "" without history. */
export function renderWhatChanged(m: WorklogModel, titleOf: TitleOf): string {
  const h = m.history;
  if (!h) return "";
  const out = ["## What Changed", ""];
  const status = historyStatus(h);
  if (status) out.push(status, "");
  const groups: [string, string[]][] = [];
  const rows = (change: ClusterChange["change"], line: (c: PrioritizedCluster, ch: ClusterChange) => string) =>
    m.clusters.flatMap((c) => {
      const ch = h.changes[c.fingerprint];
      return ch?.change === change ? [`- ${line(c, ch)}`] : [];
    });
  groups.push([
    "New",
    rows(
      "new",
      (c, ch) =>
        `${clusterRef(m, c, titleOf)}: ${count(c.count, "occurrence")}, ${firstSeenText(ch)}${ch.startedWithDeploy !== undefined ? `; started with the deploy of ${codeSpan(ch.startedWithDeploy)}` : ""}`,
    ),
  ]);
  groups.push([
    "Returned",
    rows(
      "returned",
      (c, ch) =>
        `${clusterRef(m, c, titleOf)}: back after ${hoursText(ch.absentMs ?? Infinity)} away, ${count(c.count, "occurrence")}${ch.startedWithDeploy !== undefined ? `; came back with the deploy of ${codeSpan(ch.startedWithDeploy)}` : ""}`,
    ),
  ]);
  groups.push([
    "Escalating",
    rows(
      "escalating",
      (c, ch) =>
        `${clusterRef(m, c, titleOf)}: ${count(ch.peak, "occurrence")} in its busiest hour, at or above the limit of ${ch.limit ?? "?"} (baseline ${ch.baseline} per hour, ${ch.rule})`,
    ),
  ]);
  groups.push([
    "Gone quiet",
    h.quiet.map(
      (q) =>
        `- ${q.title !== undefined ? codeSpan(truncate(q.title, 80)) : codeSpan(q.fingerprint)}${q.issue !== undefined ? ` (#${q.issue})` : ""}: ${count(q.count, "occurrence")} in the previous window, none in this one; last seen ${iso(q.lastSeen)}`,
    ),
  ]);
  const shown = groups.filter(([, lines]) => lines.length > 0);
  if (shown.length === 0) out.push("Nothing new, returned, escalating or gone quiet: every problem in this window was already ongoing.");
  // As many lines a kind as the worklog has full sections (most urgent first); an hour of
  // thousands of new problems lists the rest by number, not one line each.
  const most = Math.max(1, (m.layout ?? DEFAULT_WORKLOG_LAYOUT).sections);
  for (const [name, lines] of shown) {
    out.push(`**${name}:**`, "", ...lines.slice(0, most));
    if (lines.length > most) {
      const rest = lines.length - most;
      out.push(
        `- … and ${rest.toLocaleString("en-US")} more ${name === "Gone quiet" ? "gone quiet" : name.toLowerCase()}: the sidecar lists every one (${name === "Gone quiet" ? "`quiet`" : "each cluster's `change`"}).`,
      );
    }
    out.push("");
  }
  if (h.deployed.length > 0) {
    out.push(`**Deploys:** ${h.deployed.map((d) => `${codeSpan(d.value)} first seen ${clock(d.firstSeen)}`).join("; ")}.`, "");
  }
  const r = h.report;
  const bad: string[] = [];
  if (r.noRevision > 0) bad.push(`${count(r.noRevision, "entry", "entries")} carried no revision (left out of deploy detection)`);
  if (r.skewedEntries > 0 || r.skewedClusters > 0) {
    bad.push(
      `clock skew: ${count(r.skewedEntries, "entry", "entries")} fell outside the window's hours and ${count(r.skewedClusters, "cluster")} had times outside the window (not recorded, clamped)`,
    );
  }
  if (r.merged > 0) bad.push(`${count(r.merged, "merged fingerprint")} joined the history of the problem it was merged into`);
  if (bad.length > 0) out.push(`${bad.map((b) => b.charAt(0).toUpperCase() + b.slice(1)).join(". ")}.`, "");
  return out.join("\n").trimEnd();
}

/** The cluster's history line ("**History:** …"); undefined without history. */
export function clusterHistoryFact(m: WorklogModel, c: PrioritizedCluster): string | undefined {
  const ch = m.history?.changes[c.fingerprint];
  if (!ch) return undefined;
  const limit = ch.limit !== undefined ? `; escalation limit ${ch.limit} per hour (baseline ${ch.baseline}, ${ch.rule})` : "";
  const deploy = ch.startedWithDeploy !== undefined ? `; started with the deploy of ${codeSpan(ch.startedWithDeploy)}` : "";
  return `**History:** ${ch.change}, ${firstSeenText(ch)}${deploy}${limit}`;
}
