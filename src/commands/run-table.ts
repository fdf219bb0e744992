/**
 * The table a run ends with, on stderr, for a person: one row per service (and window, when
 * missed windows were backfilled) with its clusters, how many of them are new problems, the
 * issue actions planned (or taken) and where its worklog is.
 *
 *   service                clusters  new  planned actions      worklog
 *   checkout-api                  4    4  open 3, in digest 1  worklogs/checkout-api/2025/09/15/0100Z.md
 *   netra-backend-staging         7    7  in digest 4, open 3  worklogs/netra-backend-staging/2025/09/15/0100Z.md
 *
 * The structured "run summary" log line stays what programs read.
 */
import { windowId } from "../core/report/object-keys";
import type { IssueActionResult } from "../ports";
import type { RunSummary } from "../pipeline/run-job";

/** A new problem: no issue tracked it before this run (opened now, listed in the digest over the cap, or a held variant). */
function isNew(r: IssueActionResult): boolean {
  return (
    r.action === "open" ||
    r.action === "open-successor" ||
    (r.action === "skip" && (r.detail === "over-cap" || r.detail === "held-variant"))
  );
}

const SKIP_LABELS: Readonly<Record<string, string>> = { "over-cap": "in digest", "held-variant": "held" };

function actionLabel(r: IssueActionResult): string {
  const label = r.action === "skip" ? (SKIP_LABELS[r.detail ?? ""] ?? r.detail ?? "skip") : r.action === "mute" ? "muted" : r.action;
  return r.ok ? label : `${label} failed`;
}

/** "open 3, unchanged 2, in digest 1", most frequent first; "none" without actions. */
export function describeActions(results: readonly IssueActionResult[]): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(actionLabel(r), (counts.get(actionLabel(r)) ?? 0) + 1);
  if (counts.size === 0) return "none";
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([label, n]) => `${label} ${n}`)
    .join(", ");
}

export interface RunTableOptions {
  /** Bold header (a terminal without NO_COLOR). */
  readonly color: boolean;
  readonly dryRun: boolean;
}

export function renderRunTable(summaries: readonly RunSummary[], options: RunTableOptions): string {
  const withWindow = summaries.length > 1;
  const header = [
    ...(withWindow ? ["window"] : []),
    "service",
    "clusters",
    "new",
    options.dryRun ? "planned actions" : "actions",
    "worklog",
  ];
  const rows: string[][] = [];
  for (const s of summaries) {
    for (const svc of s.services) {
      const window = withWindow ? [windowId(s.window.start)] : [];
      if (svc.skippedByLock) {
        rows.push([...window, svc.service, "-", "-", "-", "skipped: another run holds its lock"]);
        continue;
      }
      rows.push([
        ...window,
        svc.service,
        String(svc.clusters),
        String(svc.issues.filter(isNew).length),
        describeActions(svc.issues),
        svc.worklog ?? "(not written: see the failures below)",
      ]);
    }
  }
  if (rows.length === 0) return "No services had entries in the window; no worklog was written.\n";
  const numeric = new Set(withWindow ? [2, 3] : [1, 2]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => [...r[i]!].length)));
  const cell = (text: string, i: number) => {
    if (i === header.length - 1) return text; // the last column is not padded
    const pad = " ".repeat(widths[i]! - [...text].length);
    return numeric.has(i) ? pad + text : text + pad;
  };
  const line = (cells: readonly string[]) => cells.map(cell).join("  ");
  const head = line(header);
  return [options.color ? `\x1b[1m${head}\x1b[0m` : head, ...rows.map(line)].join("\n") + "\n";
}
