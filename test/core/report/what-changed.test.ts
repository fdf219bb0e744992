import { emptyProblemHistory, observationOf, updateWindow, withIssueNumbers, type WindowUpdate } from "../../../src/core/history/history";
import { rebuildFromSidecars } from "../../../src/core/history/rebuild";
import { prioritizeAll } from "../../../src/core/cluster/priority";
import { buildSidecar, parseSidecar, type WorklogSidecar } from "../../../src/core/report/sidecar";
import { renderWorklog } from "../../../src/core/report/worklog";
import type { WorklogModel } from "../../../src/core/report/worklog-model";
import type { Cluster } from "../../../src/core/types";
import { makeCluster, seedModel } from "../fixtures/seed-worklog-model";

const HOUR = 3_600_000;
const OPTIONS = { spanHours: 14 * 24, returnAfterMs: 6 * HOUR, escalationFactor: 3 };
const START = Date.UTC(2025, 8, 14, 20, 0);
const R1 = "netra-backend-staging-00411-old";
const R2 = "netra-backend-staging-00412-new";

/** One problem's cluster in the hour starting at `start`: `n` entries spread over the hour. */
function clusterAt(fingerprint: string, start: number, n: number, revision = R1, fromBucket = 0): Cluster {
  const timeline = new Array(12).fill(0);
  for (let i = 0; i < n; i++) timeline[fromBucket + (i % (12 - fromBucket))]++;
  return makeCluster({
    fingerprint,
    template: `problem ${fingerprint} for user <*>`,
    count: n,
    severities: { WARNING: n },
    firstSeen: start + fromBucket * 5 * 60_000 + 1000,
    lastSeen: start + 59 * 60_000,
    revisions: [{ value: revision, count: n }],
    timeline,
  });
}

/** Runs `hours` windows; returns each window's model (with history) and update. */
function runHours(hours: number, clustersAt: (h: number, start: number) => Cluster[]): { models: WorklogModel[]; updates: WindowUpdate[] } {
  let history = emptyProblemHistory("netra-backend-staging");
  const models: WorklogModel[] = [];
  const updates: WindowUpdate[] = [];
  for (let h = 0; h < hours; h++) {
    const window = { start: START + h * HOUR, end: START + (h + 1) * HOUR };
    const clusters = prioritizeAll(clustersAt(h, window.start));
    const revisions = new Map<string, number>();
    for (const c of clusters)
      for (const r of c.revisions) revisions.set(r.value, Math.min(revisions.get(r.value) ?? Infinity, c.firstSeen));
    const u = updateWindow(
      history,
      {
        window,
        observations: clusters.map((c) => observationOf(c, window)),
        revisions: [...revisions].map(([value, firstSeen]) => ({ value, firstSeen })),
      },
      OPTIONS,
    );
    const issues = Object.fromEntries(clusters.map((c, i) => [c.fingerprint, { action: "update-body", number: 100 + i, dryRun: false }]));
    history = withIssueNumbers(u.history, new Map(clusters.map((c, i) => [c.fingerprint, 100 + i])));
    updates.push({ ...u, history });
    models.push(
      seedModel({
        window,
        generatedAt: window.end + 60_000,
        clusters,
        issues,
        history: {
          status: h === 0 ? "started" : "loaded",
          changes: Object.fromEntries(u.changes.map((c) => [c.fingerprint, c])),
          quiet: u.quiet,
          deployed: u.deployed,
          revisions: [...revisions].map(([value, firstSeen]) => ({ value, firstSeen })),
          report: u.report,
          returnAfterMs: OPTIONS.returnAfterMs,
        },
      }),
    );
  }
  return { models, updates };
}

// Six hours: STEADY every hour; BURST jumps tenfold in hour 5 (after a cold start of 5 hours,
// so it needs 10x: 20 → 200); GONE stops after hour 3; DEPLOY starts at 01:25 of hour 5 on R2.
const scenario = (h: number, start: number): Cluster[] => [
  clusterAt("lg1-steady0000000000", start, 30 + (h % 3), h >= 5 ? R2 : R1),
  clusterAt("lg1-burst00000000000", start, h === 5 ? 200 : 20),
  ...(h <= 3 ? [clusterAt("lg1-gone000000000000", start, 5)] : []),
  ...(h === 5 ? [clusterAt("lg1-deploy0000000000", start, 40, R2, 5)] : []),
];

describe("What Changed in the worklog and the sidecar", () => {
  const { models, updates } = runHours(6, scenario);
  const last = models[5]!;

  test("the worklog leads with What Changed, and the summary says it in one sentence", () => {
    const md = renderWorklog(last);
    const headings = md.split("\n").filter((l) => l.startsWith("## "));
    expect(headings.slice(0, 2)).toEqual(["## What Changed", "## Executive Summary"]);
    expect(md).toContain("What changed: 1 new (it with the deploy of `netra-backend-staging-00412-new`), 1 escalating.");
    expect(md).toContain("started with the deploy of `netra-backend-staging-00412-new`");
    expect(md).toContain("**Deploys:** `netra-backend-staging-00412-new` first seen 01:00Z.");
    expect(md).toMatch(/\*\*Escalating:\*\*\n\n- cluster \d, problem lg1-burst00000000000 for user …: 200 occurrences in its busiest hour/);
  });

  test("each cluster shows when it was first seen and on which revision", () => {
    const md = renderWorklog(last);
    expect(md).toContain("**History:** ongoing, first seen 2025-09-14T20:00:01Z on `netra-backend-staging-00411-old`");
    expect(md).toContain(
      "**History:** new, first seen 2025-09-15T01:25:01Z on `netra-backend-staging-00412-new`; started with the deploy of",
    );
  });

  test("gone quiet: seen in the previous window, not this one, with its issue number", () => {
    expect(updates[4]!.quiet.map((q) => [q.fingerprint, q.issue])).toEqual([["lg1-gone000000000000", 102]]);
    const md = renderWorklog(models[4]!);
    expect(md).toContain("**Gone quiet:**");
    expect(md).toContain("(#102): 5 occurrences in the previous window, none in this one");
    expect(md).toContain("What changed: 1 gone quiet.");
  });

  test("the first window says the history starts with it", () => {
    expect(renderWorklog(models[0]!)).toContain("The problem history starts with this window");
    expect(renderWorklog(models[2]!)).toContain("What changed: nothing new, returned, escalating or gone quiet since the previous window.");
  });

  test("the sidecar carries change, first seen, first revision, baseline and the quiet list", () => {
    const s = buildSidecar(last);
    expect(parseSidecar(JSON.parse(JSON.stringify(s))).ok).toBe(true);
    const byFp = new Map(s.clusters.map((c) => [c.fingerprint, c]));
    expect(byFp.get("lg1-deploy0000000000")).toMatchObject({
      change: "new",
      firstSeenRevision: R2,
      startedWithDeploy: R2,
      problemFirstSeen: "2025-09-15T01:25:01.000Z",
      baseline: 0,
      limitRule: "none",
    });
    expect(byFp.get("lg1-burst00000000000")).toMatchObject({ change: "escalating", baseline: 20, limit: 200, limitRule: "cold-start" });
    expect(byFp.get("lg1-steady0000000000")).toMatchObject({
      change: "ongoing",
      firstSeenRevision: R1,
      problemFirstSeen: "2025-09-14T20:00:01.000Z",
    });
    expect(s.quiet).toEqual([]);
    expect(buildSidecar(models[4]!).quiet).toEqual([
      {
        fingerprint: "lg1-gone000000000000",
        title: "problem lg1-gone000000000000 for user <*>",
        lastSeen: "2025-09-14T23:59:00.000Z",
        issue: 102,
        count: 5,
      },
    ]);
    expect(s.history).toMatchObject({ status: "loaded", deployed: [{ value: R2, firstSeen: "2025-09-15T01:00:01.000Z" }], noRevision: 0 });
  });

  test("a worklog without history has no What Changed and no history lines", () => {
    const md = renderWorklog(seedModel());
    expect(md).not.toContain("What Changed");
    expect(md).not.toContain("**History:**");
    expect(buildSidecar(seedModel()).quiet).toBeUndefined();
  });

  test("the sidecars rebuild the history the windows built", () => {
    const sidecars: WorklogSidecar[] = models.map((m) => {
      const p = parseSidecar(JSON.parse(JSON.stringify(buildSidecar(m))));
      if (!p.ok) throw new Error(p.problems.join("; "));
      return p.sidecar;
    });
    const rebuilt = rebuildFromSidecars("netra-backend-staging", sidecars, OPTIONS);
    expect(rebuilt.windows).toBe(6);
    expect(rebuilt.history).toEqual(updates[5]!.history);
    // Only the newest days: the first sighting still comes back from problemFirstSeen.
    const partial = rebuildFromSidecars("netra-backend-staging", sidecars.slice(3), OPTIONS);
    expect(partial.history.problems["lg1-steady0000000000"]).toMatchObject({ firstSeen: START + 1000, firstSeenRevision: R1 });
    expect(partial.history.problems["lg1-steady0000000000"]!.c).toEqual(updates[5]!.history.problems["lg1-steady0000000000"]!.c.slice(3));
  });
});

describe("What Changed under thousands of problems", () => {
  const many = (h: number, start: number): Cluster[] =>
    h === 0 ? Array.from({ length: 130 }, (_, i) => clusterAt(`lg1-many${String(i).padStart(12, "0")}`, start, 1 + (i % 7))) : [];
  const { models } = runHours(2, many);

  test("lists as many problems a kind as the worklog has sections, and counts the rest", () => {
    const layout = { sections: 20, rows: 50 };
    const md = renderWorklog({ ...models[0]!, layout });
    const section = md.slice(md.indexOf("## What Changed"), md.indexOf("## Executive Summary"));
    const listed = section.split("\n").filter((l) => /^- cluster \d+/.test(l));
    expect(listed).toHaveLength(20);
    expect(section).toContain("- … and 110 more new: the sidecar lists every one (each cluster's `change`).");
    expect(md).toContain("What changed: 130 new.");
    // The sidecar still says it of every cluster.
    expect(buildSidecar({ ...models[0]!, layout }).clusters.filter((c) => c.change === "new")).toHaveLength(130);
  });

  test("the next hour, the gone-quiet list is cut the same way", () => {
    const md = renderWorklog({ ...models[1]!, layout: { sections: 20, rows: 50 } });
    const section = md.slice(md.indexOf("## What Changed"), md.indexOf("## Executive Summary"));
    expect(section.split("\n").filter((l) => / in the previous window, none in this one/.test(l))).toHaveLength(20);
    expect(section).toContain("- … and 110 more gone quiet: the sidecar lists every one (`quiet`).");
  });
});
