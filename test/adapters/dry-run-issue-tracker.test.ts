import { PassThrough } from "node:stream";
import { DryRunIssueTracker } from "../../src/adapters/dry-run-issue-tracker";
import { DEFAULT_TRIAGE_POLICY, planIssueActions } from "../../src/core/triage/issue-plan";
import { cluster, HOUR, T0 } from "../core/fixtures/issue-clusters";

describe("DryRunIssueTracker", () => {
  it("prints one JSON line per action and reports each as done, sending nothing", async () => {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on("data", (chunk: Buffer) =>
      lines.push(
        ...chunk
          .toString("utf8")
          .split("\n")
          .filter((l) => l.length > 0),
      ),
    );
    const tracker = new DryRunIssueTracker({ out });
    expect(await tracker.listManagedIssues()).toEqual([]);
    const many = Array.from({ length: 3 }, (_, i) => cluster({ fingerprint: `lg1-${i}`, template: `Problem ${i} happened` }));
    const actions = planIssueActions({
      clusters: many,
      existing: [],
      policy: { ...DEFAULT_TRIAGE_POLICY, maxNewIssuesPerRun: 2 },
      run: {
        windowId: "2025-09-15T0100Z",
        windowStart: T0,
        windowEnd: T0 + HOUR,
        now: T0 + HOUR,
        worklogUrl: () => "w",
        logsExplorerUrl: () => "l",
      },
    });
    const results = await tracker.apply(actions);
    await new Promise((r) => setImmediate(r));
    expect(results.map((r) => [r.action, r.ok, r.detail])).toEqual([
      ["open", true, undefined],
      ["open", true, undefined],
      ["skip", true, "over-cap"],
      ["digest", true, undefined],
    ]);
    const printed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(printed.map((p) => p.action)).toEqual(["open", "open", "skip", "digest"]);
    expect(printed[0]).toMatchObject({
      dryRun: true,
      fingerprint: "lg1-0",
      labels: ["log-gardener", "severity:warning", "priority:P4", "service:netra-backend-staging"],
    });
    expect(String(printed[0]!.body)).toMatch(/^\d+ chars$/);
  });
});
