/**
 * A day's roll-up for one service (<service>/<YYYY>/<MM>/<DD>/index.md): one row per hourly
 * worklog with its counts, its top cluster and a link to the hour's markdown: relative beside a
 * local folder, the object's browser URL in a bucket (an index downloaded or pasted elsewhere
 * still links somewhere a person can open). The store adapter rebuilds it from the day's
 * sidecars after each run.
 */
import { codeSpan, escapeText, tableCell, truncate } from "./markdown";
import type { WorklogSidecar } from "./sidecar";
import { clusterTitle } from "./worklog";

export interface DailyIndexHour {
  readonly windowStart: number; // epoch ms
  readonly clusters: number;
  readonly entries: number;
  /** The most urgent cluster, in a few words ("P1 ERROR ×120: POST /api/x → 500"). Untrusted. */
  readonly top?: string;
  /** The hour's worklog key (".../2025/09/15/0100Z.md") or file name; linked relative to the index. */
  readonly key: string;
}

/** An index row from an hour's sidecar (read back with parseSidecar) and its worklog key. */
export function buildDailyIndexHour(sidecar: WorklogSidecar, key: string): DailyIndexHour {
  // Clusters are stored most urgent first; a mislabeled one is only first if nothing else is.
  const top = sidecar.clusters.find((c) => !c.mislabeled) ?? sidecar.clusters[0];
  return {
    windowStart: Date.parse(sidecar.window.start),
    clusters: sidecar.clusters.length,
    entries: sidecar.stats.clustered,
    ...(top ? { top: `${top.priority} ${top.severity} ×${top.count.toLocaleString("en-US")}: ${clusterTitle(top)}` } : {}),
    key,
  };
}

function hourLabel(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)}Z`;
}

/** The last path segment, so the link works from the index next to it, locally or in a bucket. */
function relativeLink(key: string): string {
  const name = key.slice(key.lastIndexOf("/") + 1);
  return `./${encodeURIComponent(name)}`;
}

/**
 * `link` turns a worklog key into an absolute URL (a bucket's browser URL); without it, links are
 * relative to the index.
 */
/** An absolute URL as a link destination: only http(s), wrapped in <> with <, > and spaces encoded. */
function linkTarget(url: string): string {
  if (!/^https?:\/\//.test(url)) return "#";
  return `<${url.replace(/[<>\s]/g, (c) => encodeURIComponent(c))}>`;
}

export function renderDailyIndex(service: string, day: string, hours: readonly DailyIndexHour[], link?: (key: string) => string): string {
  const sorted = [...hours].sort((a, b) => a.windowStart - b.windowStart);
  const totalEntries = sorted.reduce((a, h) => a + h.entries, 0);
  const busiest = sorted.reduce<DailyIndexHour | undefined>((best, h) => (!best || h.clusters > best.clusters ? h : best), undefined);
  const out = [`# GCP Log Gardener Daily Index: ${escapeText(service)}, ${escapeText(day)}`, ""];
  if (sorted.length === 0) {
    out.push("No worklogs for this day yet.");
    return `${out.join("\n")}\n`;
  }
  const summary =
    `${sorted.length} hourly ${sorted.length === 1 ? "worklog" : "worklogs"}, ${totalEntries.toLocaleString("en-US")} entries in all.` +
    (busiest && busiest.clusters > 0 ? ` Most clusters at ${hourLabel(busiest.windowStart)} (${busiest.clusters}).` : "");
  out.push(summary, "", "| Hour (UTC) | Clusters | Entries | Top cluster | Worklog |", "|---|---:|---:|---|---|");
  for (const h of sorted) {
    const top = h.top ? tableCell(escapeText(truncate(h.top, 100))) : "–";
    out.push(
      `| ${hourLabel(h.windowStart)} | ${h.clusters} | ${h.entries.toLocaleString("en-US")} | ${top} | [${tableCell(codeSpan(h.key.slice(h.key.lastIndexOf("/") + 1)))}](${link ? linkTarget(link(h.key)) : relativeLink(h.key)}) |`,
    );
  }
  return `${out.join("\n")}\n`;
}
