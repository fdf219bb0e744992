import { describeActions, renderRunTable } from "../../src/commands/run-table";
import type { RunSummary, ServiceSummary } from "../../src/pipeline/run-job";
import type { IssueActionResult } from "../../src/ports";

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 8, 15, 1);

const r = (action: string, detail?: string, ok = true): IssueActionResult => ({
  fingerprint: `lg1-${action}-${detail ?? ""}`,
  action,
  ok,
  ...(detail ? { detail } : {}),
});

function summary(services: ServiceSummary[], start = T0): RunSummary {
  return {
    window: { start, end: start + HOUR },
    read: 0,
    clustered: 0,
    skipped: 0,
    duplicates: 0,
    outsideWindow: 0,
    belowSeverity: 0,
    otherServices: 0,
    unattributed: 0,
    truncated: false,
    services,
    actions: {},
    failures: [],
    durationMs: 1,
  };
}

describe("the run's closing table", () => {
  test("one row per service: clusters, new problems, planned actions, worklog; columns line up", () => {
    const text = renderRunTable(
      [
        summary([
          {
            service: "checkout-api",
            clusters: 4,
            worklog: "worklogs/checkout-api/2025/09/15/0100Z.md",
            issues: [r("open"), r("open"), r("skip", "over-cap"), r("skip", "held-variant"), r("update-body")],
          },
          {
            service: "notification-worker",
            clusters: 12,
            worklog: "worklogs/notification-worker/2025/09/15/0100Z.md",
            issues: [r("skip", "unchanged"), r("comment", undefined, false)],
          },
          { service: "quiet", clusters: 0, worklog: "worklogs/quiet/2025/09/15/0100Z.md", issues: [] },
          { service: "busy", clusters: 0, skippedByLock: "another run (x) holds the lock", issues: [] },
        ]),
      ],
      { color: false, dryRun: true },
    );
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^service +clusters +new +planned actions +worklog$/);
    expect(lines[1]).toMatch(
      /^checkout-api +4 +4 +open 2, held 1, in digest 1, update-body 1 +worklogs\/checkout-api\/2025\/09\/15\/0100Z\.md$/,
    );
    expect(lines[2]).toMatch(/^notification-worker +12 +0 +comment failed 1, unchanged 1 +worklogs\/notification-worker\//);
    expect(lines[3]).toMatch(/^quiet +0 +0 +none +worklogs\/quiet\//);
    expect(lines[4]).toMatch(/^busy +- +- +- +skipped: another run holds its lock$/);
    // Every row's worklog column starts where the header's does.
    const at = lines[0]!.indexOf("worklog");
    for (const line of lines.slice(1)) expect(line.slice(at - 2, at)).toBe("  ");
    expect(text).not.toContain("\x1b[");
  });

  test("backfilled windows get a window column; a real run says actions; colour makes the header bold", () => {
    const text = renderRunTable(
      [
        summary([{ service: "a", clusters: 1, worklog: "w0", issues: [r("open")] }], T0 - HOUR),
        summary([{ service: "a", clusters: 2, worklog: "w1", issues: [] }]),
      ],
      { color: true, dryRun: false },
    );
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("\x1b[1mwindow            service  clusters  new  actions  worklog\x1b[0m");
    expect(lines[1]).toMatch(/^2025-09-15T0000Z +a +1 +1 +open 1 +w0$/);
    expect(lines[2]).toMatch(/^2025-09-15T0100Z +a +2 +0 +none +w1$/);
  });

  test("no services at all", () => {
    expect(renderRunTable([summary([])], { color: false, dryRun: true })).toBe(
      "No services had entries in the window; no worklog was written.\n",
    );
  });

  test("describeActions counts, most frequent first", () => {
    expect(describeActions([r("open"), r("skip", "unchanged"), r("skip", "unchanged"), r("mute", "quiet-label")])).toBe(
      "unchanged 2, muted 1, open 1",
    );
    expect(describeActions([])).toBe("none");
  });
});
