// Variants (core/triage/variants.ts): clusters of one run that differ in one word of a template
// with enough shared words, and the hold on a new variant's issue in the triage plan.
import { findVariants } from "../../../src/core/triage/variants";
import {
  DEFAULT_TRIAGE_POLICY,
  planIssueActions,
  type IssueAction,
  type PlanInput,
  type TriageHistory,
  type TriagePolicy,
} from "../../../src/core/triage/issue-plan";
import type { PrioritizedCluster } from "../../../src/core/types";
import type { ExistingIssue } from "../../../src/ports";
import { windowId } from "../../../src/core/report/object-keys";
import { cluster, HOUR, issue, T0 } from "../fixtures/issue-clusters";

const lag = (subscription: string, fingerprint: string, overrides: Partial<PrioritizedCluster> = {}): PrioritizedCluster =>
  cluster({
    fingerprint,
    template: `consumer lag <*> messages on subscription ${subscription}, pausing pulls for <*>`,
    source: "consumer.go:88 main.(*Puller).Run",
    ...overrides,
  });
const RAW = lag("events-raw", "lg1-raw", { count: 3 });
const REPLAY = lag("events-replay", "lg1-replay", { count: 2 });

const heads = (clusters: PrioritizedCluster[], tracked?: (c: PrioritizedCluster) => boolean): Record<string, string> =>
  Object.fromEntries([...findVariants(clusters, tracked)].map(([fp, head]) => [fp, head.fingerprint]));

describe("findVariants", () => {
  it("pairs clusters whose templates differ in one word, the first in the given order as head", () => {
    expect(heads([RAW, REPLAY])).toEqual({ "lg1-replay": "lg1-raw" });
    expect(heads([REPLAY, RAW])).toEqual({ "lg1-raw": "lg1-replay" });
  });

  it("prefers a tracked cluster as the head", () => {
    expect(heads([RAW, REPLAY], (c) => c === REPLAY)).toEqual({ "lg1-raw": "lg1-replay" });
  });

  it("makes every other member of a larger set a variant of one head", () => {
    const AUDIT = lag("audit-mirror", "lg1-audit");
    expect(heads([RAW, REPLAY, AUDIT])).toEqual({ "lg1-replay": "lg1-raw", "lg1-audit": "lg1-raw" });
  });

  it("needs enough shared words: in a short message the word is the message", () => {
    const paused = cluster({ fingerprint: "lg1-p", template: "Subscription renewal paused for <*>" });
    const resumed = cluster({ fingerprint: "lg1-r", template: "Subscription renewal resumed for <*>" });
    expect(heads([paused, resumed])).toEqual({});
  });

  it("pairs clusters whose differing token holds a word beside a variable", () => {
    const table = (t: string, fingerprint: string) =>
      cluster({ fingerprint, template: `bigquery insert failed: insert ${t}: Provided Schema does not match Table <*>:inventory.${t}.` });
    expect(heads([table("price_history", "lg1-a"), table("stock_levels", "lg1-b")])).toEqual({ "lg1-b": "lg1-a" });
    expect(heads([table("price_history", "lg1-a"), table("<*>", "lg1-b")])).toEqual({});
  });

  it("pairs clusters two words apart", () => {
    const two = lag("events-replay", "lg1-two", {
      template: "consumer lag <*> messages on subscription events-replay, stopping pulls for <*>",
    });
    expect(heads([RAW, two])).toEqual({ "lg1-two": "lg1-raw" });
  });

  it("pairs nothing that differs in three words, in a value, or in source, exception type, kind or service", () => {
    const cases: PrioritizedCluster[] = [
      lag("events-replay", "lg1-three", { template: "consumer lag <*> messages on subscription events-replay, stopping reads for <*>" }),
      lag("<*>", "lg1-value"),
      lag("events-replay", "lg1-source", { source: "replay.go:12 main.replay" }),
      lag("events-replay", "lg1-exception", { exceptionType: "context.DeadlineExceeded" }),
      lag("events-replay", "lg1-kind", { kind: "request" }),
      lag("events-replay", "lg1-service", { service: "other-service" }),
    ];
    for (const c of cases) expect([c.fingerprint, heads([RAW, c])]).toEqual([c.fingerprint, {}]);
  });

  it("finds a head among open issues no cluster of the run tracks, before the run's other clusters", () => {
    const issueHead = {
      fingerprint: "lg1-issue",
      service: RAW.service,
      template: "consumer lag <*> messages on subscription audit-mirror, pausing pulls for <*>",
      priority: "P4" as const,
      issueNumber: 7,
    };
    expect(heads([RAW, REPLAY], undefined)).toEqual({ "lg1-replay": "lg1-raw" });
    expect(Object.fromEntries([...findVariants([RAW, REPLAY], undefined, [issueHead])].map(([fp, h]) => [fp, h.fingerprint]))).toEqual({
      "lg1-raw": "lg1-issue",
      "lg1-replay": "lg1-issue",
    });
    // Another service's issue is no head.
    expect(findVariants([RAW], undefined, [{ ...issueHead, service: "other" }]).size).toBe(0);
  });

  it("leaves the overflow cluster out", () => {
    expect(heads([RAW, { ...REPLAY, overflow: true }])).toEqual({});
  });
});

// ---------------------------------------------------------------------------------------------
// The hold in the plan

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

/** History saying each cluster was first seen at `firstSeen[fp]`. */
function history(firstSeen: Record<string, number>): Map<string, TriageHistory> {
  return new Map(
    Object.entries(firstSeen).map(([fingerprint, at]) => [
      fingerprint,
      { change: { fingerprint, change: "new", firstSeen: at, baseline: 0, rule: "none", peak: 1 }, revisions: [], returnAfterMs: 6 * HOUR },
    ]),
  );
}

function plan(
  clusters: PrioritizedCluster[],
  at: number,
  firstSeen: Record<string, number> | undefined,
  existing: ExistingIssue[] = [],
  policy: TriagePolicy = DEFAULT_TRIAGE_POLICY,
): IssueAction[] {
  return planIssueActions({ clusters, existing, policy, run: runAt(at), ...(firstSeen ? { history: history(firstSeen) } : {}) });
}

/** "lg1-raw:open", "lg1-replay:skip(held-variant)<lg1-raw", sorted. */
const summary = (actions: IssueAction[]) =>
  actions
    .map((a) => `${a.fingerprint}:${a.kind}${"reason" in a ? `(${a.reason})` : ""}${"variantOf" in a ? `<${a.variantOf}` : ""}`)
    .sort();

describe("holding a new variant's issue for one run", () => {
  const inWindow = T0 + 60_000;

  it("opens one issue for the head and holds the variant first seen in this window", () => {
    expect(summary(plan([RAW, REPLAY], T0, { "lg1-raw": inWindow, "lg1-replay": inWindow }))).toEqual([
      "lg1-raw:open",
      "lg1-replay:skip(held-variant)<lg1-raw",
    ]);
  });

  it("is the same plan on a rerun of the window", () => {
    const first = plan([RAW, REPLAY], T0, { "lg1-raw": inWindow, "lg1-replay": inWindow });
    expect(plan([RAW, REPLAY], T0, { "lg1-raw": inWindow, "lg1-replay": inWindow })).toEqual(first);
  });

  it("keeps holding within the hold (3 hours by default) and opens the variant's own issue once it has stood apart that long", () => {
    const open = plan([RAW, REPLAY], T0, { "lg1-raw": inWindow, "lg1-replay": inWindow }).find(
      (a): a is Extract<IssueAction, { kind: "open" }> => a.kind === "open",
    )!;
    expect(open.fingerprint).toBe("lg1-raw");
    const existing = [issue({ number: 1, title: open.title, body: open.body, labels: [...open.labels] })];
    const replayAt = (hours: number, policy = DEFAULT_TRIAGE_POLICY) =>
      summary(plan([RAW, REPLAY], T0 + hours * HOUR, { "lg1-raw": inWindow, "lg1-replay": inWindow }, existing, policy)).filter((s) =>
        s.startsWith("lg1-replay"),
      );
    expect(replayAt(1)).toEqual(["lg1-replay:skip(held-variant)<lg1-raw"]);
    expect(replayAt(2)).toEqual(["lg1-replay:skip(held-variant)<lg1-raw"]);
    expect(replayAt(3)).toEqual(["lg1-replay:open"]);
    expect(replayAt(1, { ...DEFAULT_TRIAGE_POLICY, variantHoldHours: 1 })).toEqual(["lg1-replay:open"]);
  });

  it("holds a new variant of a problem that already has an issue", () => {
    const [open] = plan([RAW], T0, { "lg1-raw": inWindow }) as [Extract<IssueAction, { kind: "open" }>];
    const existing = [issue({ number: 1, title: open.title, body: open.body, labels: [...open.labels] })];
    const later = T0 + 5 * HOUR;
    const actions = plan([REPLAY, RAW], later, { "lg1-raw": inWindow, "lg1-replay": later + 60_000 }, existing);
    expect(summary(actions).filter((s) => s.startsWith("lg1-replay"))).toEqual(["lg1-replay:skip(held-variant)<lg1-raw"]);
  });

  it("holds the less urgent of two new variants", () => {
    const urgent = { ...REPLAY, priority: "P1" as const, severity: "CRITICAL" as const };
    expect(summary(plan([RAW, urgent], T0, { "lg1-raw": inWindow, "lg1-replay": inWindow }))).toEqual([
      "lg1-raw:skip(held-variant)<lg1-replay",
      "lg1-replay:open",
    ]);
  });

  it("does not hold a variant more urgent than its tracked head, nor without history, nor when turned off", () => {
    const [open] = plan([RAW], T0, { "lg1-raw": inWindow }) as [Extract<IssueAction, { kind: "open" }>];
    const existing = [issue({ number: 1, title: open.title, body: open.body, labels: [...open.labels] })];
    const later = T0 + 5 * HOUR;
    const urgent = { ...REPLAY, priority: "P1" as const, severity: "CRITICAL" as const };
    const actions = plan([RAW, urgent], later, { "lg1-raw": inWindow, "lg1-replay": later + 60_000 }, existing);
    expect(summary(actions).filter((s) => s.startsWith("lg1-replay"))).toEqual(["lg1-replay:open"]);
    expect(summary(plan([RAW, REPLAY], T0, undefined))).toEqual(["lg1-raw:open", "lg1-replay:open"]);
    const off = { ...DEFAULT_TRIAGE_POLICY, variantHoldHours: 0 };
    expect(summary(plan([RAW, REPLAY], T0, { "lg1-raw": inWindow, "lg1-replay": inWindow }, [], off))).toEqual([
      "lg1-raw:open",
      "lg1-replay:open",
    ]);
  });

  it("holds a new cluster that is a variant of an open issue no cluster of this run tracks, naming that issue", () => {
    const [open] = plan([RAW], T0, { "lg1-raw": inWindow }) as [Extract<IssueAction, { kind: "open" }>];
    const existing = [issue({ number: 7, title: open.title, body: open.body, labels: [...open.labels] })];
    const later = T0 + 5 * HOUR;
    const actions = plan([REPLAY], later, { "lg1-replay": later + 60_000 }, existing);
    expect(actions).toEqual([expect.objectContaining({ kind: "skip", reason: "held-variant", variantOf: "lg1-raw", variantIssue: 7 })]);
    // Without its priority label the issue's urgency is unknown: nothing is held behind it.
    const unlabelled = [{ ...existing[0]!, labels: existing[0]!.labels.filter((l) => !l.startsWith("priority:")) }];
    expect(summary(plan([REPLAY], later, { "lg1-replay": later + 60_000 }, unlabelled))).toEqual(["lg1-replay:open"]);
    // A closed issue is no head either.
    const closed = [{ ...existing[0]!, state: "closed" as const, stateReason: "completed" as const, closedAt: new Date(T0).toISOString() }];
    expect(summary(plan([REPLAY], later, { "lg1-replay": later + 60_000 }, closed))).toEqual(["lg1-replay:open"]);
  });

  it("holds nothing when the templates differ in more than two words", () => {
    const other = lag("events-replay", "lg1-other", {
      template: "consumer lag <*> messages on subscription events-replay, stopping reads for <*>",
    });
    expect(summary(plan([RAW, other], T0, { "lg1-raw": inWindow, "lg1-other": inWindow }))).toEqual(["lg1-other:open", "lg1-raw:open"]);
  });
});
