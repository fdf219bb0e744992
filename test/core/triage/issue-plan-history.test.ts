// Triage with the problem history (core/history): escalation follows the computed limit, a
// closed issue reopens on `returned`, the chart marks revisions, and the comment cap holds.
import { parseIssueMarker } from "../../../src/core/triage/issue-marker";
import {
  DEFAULT_TRIAGE_POLICY,
  planIssueActions,
  type IssueAction,
  type PlanInput,
  type TriageHistory,
} from "../../../src/core/triage/issue-plan";
import type { ClusterChange } from "../../../src/core/history/history";
import type { PrioritizedCluster } from "../../../src/core/types";
import type { ExistingIssue } from "../../../src/ports";
import { windowId } from "../../../src/core/report/object-keys";
import { cluster, HOUR, issue, T0 } from "../fixtures/issue-clusters";

const A = cluster({ fingerprint: "lg1-aaaa" });
const RETURN_AFTER = 6 * HOUR;

function runAt(windowStart: number): PlanInput["run"] {
  return {
    windowId: windowId(windowStart),
    windowStart,
    windowEnd: windowStart + HOUR,
    now: windowStart + HOUR + 60_000,
    worklogUrl: () => "https://storage.example/w.md",
    logsExplorerUrl: () => "https://console.example/logs",
  };
}

function known(change: Partial<ClusterChange> & Pick<ClusterChange, "change">, revisions: TriageHistory["revisions"] = []): TriageHistory {
  return {
    change: { fingerprint: A.fingerprint, firstSeen: T0 - 48 * HOUR, baseline: 12, limit: 36, rule: "percentile", peak: 0, ...change },
    revisions,
    returnAfterMs: RETURN_AFTER,
  };
}

function plan(c: PrioritizedCluster, existing: ExistingIssue[], at: number, history?: TriageHistory): IssueAction[] {
  return planIssueActions({
    clusters: [c],
    existing,
    policy: DEFAULT_TRIAGE_POLICY,
    run: runAt(at),
    ...(history ? { history: new Map([[c.fingerprint, history]]) } : {}),
  });
}

/** An open issue for A, opened at T0 at 12 per hour. */
function openedA(): ExistingIssue[] {
  const [open] = plan(A, [], T0) as [Extract<IssueAction, { kind: "open" }>];
  return [issue({ number: 1, title: open.title, body: open.body, labels: [...open.labels] })];
}

describe("escalation follows the limit from the problem's history", () => {
  test("escalating → a comment that names the limit; the old factor alone no longer comments", () => {
    const [a] = plan({ ...A, count: 200 }, openedA(), T0 + HOUR, known({ change: "escalating", limit: 150, baseline: 50, peak: 200 }));
    expect(a?.kind).toBe("comment");
    expect(a && "comment" in a ? a.comment : "").toContain(
      "The limit from this problem's own history is 150 in an hour (baseline 50 per hour).",
    );
    // 36/h is three times the rate at opening (the old rule would comment), but the history says ongoing.
    expect(plan({ ...A, count: 36 }, openedA(), T0 + HOUR, known({ change: "ongoing", limit: 60 })).map((x) => x.kind)).toEqual([
      "update-body",
    ]);
    // Without history the old rule still applies.
    expect(plan({ ...A, count: 36 }, openedA(), T0 + HOUR).map((x) => x.kind)).toEqual(["comment"]);
  });

  test("escalating at or below the rate of the last notification does not comment", () => {
    expect(plan({ ...A, count: 12 }, openedA(), T0 + HOUR, known({ change: "escalating" })).map((x) => x.kind)).toEqual(["update-body"]);
  });

  test("the comment-rate cap still holds: one comment per period, however long it escalates", () => {
    let issues = openedA();
    const seen: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const at = T0 + i * HOUR;
      const actions = plan({ ...A, count: 100 * 10 ** i }, issues, at, known({ change: "escalating" }));
      seen.push(...actions.map((x) => x.kind));
      const a = actions[0]!;
      if (a.kind === "comment" || a.kind === "update-body") issues = [{ ...issues[0]!, body: a.body }];
    }
    expect(seen).toEqual(["comment", "update-body", "update-body", "update-body", "update-body"]);
  });
});

describe("returned on a closed issue is the regression reopen", () => {
  const closed = (closedAt: number) =>
    openedA().map((i) => ({
      ...i,
      state: "closed" as const,
      stateReason: "completed" as const,
      closedAt: new Date(closedAt).toISOString(),
    }));

  test("returned → reopen with the regression label", () => {
    const [a] = plan(A, closed(T0 - 24 * HOUR), T0 + 30 * HOUR, known({ change: "returned", absentMs: 30 * HOUR }));
    expect(a?.kind).toBe("reopen");
    expect(a && "addLabels" in a ? a.addLabels : []).toContain("regression");
  });

  test("still ongoing right after it was closed → left alone while the fix rolls out", () => {
    const at = T0 + 2 * HOUR;
    const c = { ...A, firstSeen: at + 60_000, lastSeen: at + 50 * 60_000 };
    expect(plan(c, closed(T0 + HOUR + 30 * 60_000), at, known({ change: "ongoing" }))).toMatchObject([
      { kind: "skip", reason: "recently-closed", issueNumber: 1 },
    ]);
  });

  test("still ongoing a return period after it was closed → the fix did not take: reopen", () => {
    const at = T0 + 8 * HOUR;
    const c = { ...A, firstSeen: at + 60_000, lastSeen: at + 50 * 60_000 };
    expect(plan(c, closed(T0 + HOUR), at, known({ change: "ongoing" })).map((x) => x.kind)).toEqual(["reopen"]);
  });
});

describe("the chart", () => {
  test("marks revisions and starts at the problem's first sighting, kept in the marker", () => {
    const history = known({ change: "new", firstSeen: T0 + 60_000 }, [
      { value: "api-00001-old", firstSeen: T0 - 72 * HOUR },
      { value: "api-00002-new", firstSeen: T0 + 20 * 60_000 },
    ]);
    const [open] = plan(A, [], T0, history) as [Extract<IssueAction, { kind: "open" }>];
    expect(open.body).toContain('["09-15 01:00 ▲"]');
    expect(open.body).toContain("▲ new revision: `api-00002-new` first seen 2025-09-15 01:20Z");
    const marker = parseIssueMarker(open.body);
    expect(marker.ok && marker.marker).toMatchObject({ first: T0 + 60_000, revs: [{ r: "api-00002-new", t: T0 + 20 * 60_000 }] });
    // The next hour, without a new revision, the mark stays (it is in the marker).
    const [next] = plan(
      A,
      [issue({ number: 1, body: open.body, labels: [...open.labels] })],
      T0 + HOUR,
      known({ change: "ongoing", firstSeen: T0 + 60_000 }),
    );
    expect(next && "body" in next ? next.body : "").toContain('["09-15 01:00 ▲", "02:00"]');
  });
});
