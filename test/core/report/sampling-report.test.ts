import { estimateClusters } from "../../../src/core/cluster/estimates";
import { prioritizeAll } from "../../../src/core/cluster/priority";
import { buildSidecar, parseSidecar } from "../../../src/core/report/sidecar";
import { renderWorklog } from "../../../src/core/report/worklog";
import { renderComment } from "../../../src/core/triage/issue-body";
import type { WorklogSampling } from "../../../src/core/types";
import { cluster } from "../fixtures/issue-clusters";
import { SEED_CLUSTERS, seedModel } from "../fixtures/seed-worklog-model";

const SAMPLING: WorklogSampling = {
  fraction: 0.02,
  estimated: true,
  sampled: 20_000,
  adaptiveFraction: 1,
  plan: {
    service: "netra-backend-staging",
    mode: "server",
    serverFraction: 0.02,
    totals: { WARNING: 700_000, ERROR: 300_000 },
    total: 1_000_000,
    why: "Monitoring counted 1,000,000 entries, over the cap of 20,000: sampled at 2%",
    lagNote: "waited 120 s for Monitoring's documented lag",
  },
  quota: { pages: 21, minutes: 0.5, quotaShare: 0.7, budgetShare: 0.5 },
};

function sampledModel() {
  const clusters = prioritizeAll(estimateClusters(SEED_CLUSTERS, 0.02));
  return seedModel({ clusters, sampling: SAMPLING });
}

describe("a sampled window in the worklog", () => {
  test("counts print as ≈ estimates, with the fraction and Monitoring's exact totals by severity", () => {
    const md = renderWorklog(sampledModel());
    const first = SEED_CLUSTERS[0]!;
    expect(md).toContain(`≈ ${(first.count * 50).toLocaleString("en-US")}`);
    expect(md).toContain("## Sampling");
    expect(md).toContain("sampled evenly at 2%");
    expect(md).toContain("1,000,000 (WARNING 700,000, ERROR 300,000)");
    expect(md).toContain("`sample(insertId, 0.02)`");
    expect(md).toMatch(/Read 21 pages from Cloud Logging in 0\.5 min: 70% of the project's `entries\.list` quota/);
    expect(md).toMatch(/estimated from \d+ sampled at 2%; 95% between/);
  });

  test("an unsampled window says its counts are exact and shows no ≈", () => {
    const plan = {
      service: "netra-backend-staging",
      mode: "server" as const,
      serverFraction: 1,
      totals: { WARNING: 108 },
      total: 108,
      why: "Monitoring counted 108 entries, within the cap of 20,000: read whole",
    };
    const md = renderWorklog(seedModel({ sampling: { fraction: 1, estimated: false, sampled: 108, adaptiveFraction: 1, plan } }));
    expect(md).toContain("counts are exact");
    expect(md).toContain("108 (WARNING 108)");
    expect(md).not.toContain("≈");
    // A small file read whole has nothing to report.
    expect(renderWorklog(seedModel({ sampling: { fraction: 1, estimated: false, sampled: 108, adaptiveFraction: 1 } }))).not.toContain(
      "## Sampling",
    );
  });

  test("a fallback is said", () => {
    const md = renderWorklog(
      seedModel({
        sampling: {
          ...SAMPLING,
          adaptiveFraction: 0.25,
          fraction: 0.25,
          plan: {
            service: "x",
            mode: "adaptive",
            serverFraction: 1,
            why: "the totals could not be read",
            fallback: "Monitoring totals failed (PERMISSION_DENIED)",
          },
        },
      }),
    );
    expect(md).toContain("Fallback: Monitoring totals failed (PERMISSION\\_DENIED)");
    expect(md).toContain("adaptive hash threshold");
  });

  test("the sidecar sets estimated, the fraction and the totals, and parses back", () => {
    const sidecar = buildSidecar(sampledModel());
    expect(sidecar.estimated).toBe(true);
    expect(sidecar.sampling).toMatchObject({
      fraction: 0.02,
      totals: { WARNING: 700_000, ERROR: 300_000 },
      total: 1_000_000,
      pagesRead: 21,
    });
    expect(sidecar.clusters[0]!.estimate?.fraction).toBe(0.02);
    expect(parseSidecar(JSON.parse(JSON.stringify(sidecar)))).toEqual({ ok: true, sidecar });
  });

  test("priorities run on the estimates, and say so", () => {
    // 30 errors in a 2% sample: ≈ 1,500 an hour, past the 600/h row.
    const sampled = cluster({
      fingerprint: "lg1-x",
      severity: "ERROR",
      severities: { ERROR: 30 },
      count: 30,
      ratePerMinute: 0.5,
      instances: 1,
      timeline: [],
    });
    const [exact] = prioritizeAll([sampled]);
    const [estimated] = prioritizeAll(estimateClusters([sampled], 0.02));
    expect(exact!.priority).toBe("P3");
    expect(estimated!.priority).toBe("P1");
    expect(estimated!.priorityReason).toContain("estimated from a 2% sample");
  });

  test("issue comments print the estimate and say it is one", () => {
    const [c] = prioritizeAll(estimateClusters([cluster({ fingerprint: "lg1-y", count: 248 })], 0.02));
    const ctx = {
      windowId: "2025-09-15T01",
      windowStart: 0,
      windowEnd: 3_600_000,
      historyDays: 7,
      worklogUrl: "https://x/w",
      logsExplorerUrl: "https://x/l",
    };
    const regression = renderComment({ reason: "regression", cluster: c!, ctx, rate: 12_400 });
    expect(regression).toContain("≈ 12400 occurrences (estimated from 248 sampled at 2% of the window)");
    const escalation = renderComment({ reason: "escalation", cluster: c!, ctx, rate: 12_400, baseline: 100 });
    expect(escalation).toContain("The rate is an estimate (estimated from 248 sampled at 2% of the window).");
  });
});
