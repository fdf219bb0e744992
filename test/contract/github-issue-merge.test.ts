// Merges against the GitHub stand-in with the real octokit: issues opened for the fragments of
// one problem become one, the others closed as duplicates (state_reason "duplicate", a comment
// linking the survivor), idempotently over reruns and retries after a publish failed halfway.
// Every request and response must match GitHub's OpenAPI description.
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { GitHubIssueTracker } from "../../src/adapters/github-issue-tracker";
import { parseIssueMarker, type IssueMarker } from "../../src/core/triage/issue-marker";
import { DEFAULT_TRIAGE_POLICY, planIssueActions, type IssueAction } from "../../src/core/triage/issue-plan";
import { windowId } from "../../src/core/report/object-keys";
import type { PrioritizedCluster } from "../../src/core/types";
import { startGitHubStandIn, type GitHubStandIn } from "../peers/github-stand-in";
import { cluster, HOUR } from "../core/fixtures/issue-clusters";
import { silentSink as silent, standInClient } from "./stand-in-client";

const H0 = Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR;

const X = cluster({ fingerprint: "lg1-xxxx", template: "Failed password for root from <*> port <*>", count: 10 });
const Y = cluster({ fingerprint: "lg1-yyyy", template: "Failed password for ftp from <*> port <*>", count: 6 });
const Z = cluster({ fingerprint: "lg1-zzzz", template: "Failed password for admin from <*> port <*>", count: 4 });
const MERGED = cluster({
  fingerprint: "lg1-xxxx",
  mergedFrom: ["lg1-yyyy", "lg1-zzzz"],
  template: "Failed password for <*> from <*> port <*>",
  count: 30,
});

describe("GitHubIssueTracker: merges against the stand-in", () => {
  let standIn: GitHubStandIn;
  let tracker: GitHubIssueTracker;
  beforeEach(async () => {
    standIn = await startGitHubStandIn();
    const client = await standInClient(standIn, {
      timeoutMs: 2_000,
      retry: { retryAfterBaseValue: 1 },
      throttle: { retryAfterBaseValue: 1, fallbackSecondaryRateRetryAfter: 1, pacing: false },
    });
    tracker = new GitHubIssueTracker({
      octokit: client.octokit,
      owner: client.owner,
      repo: client.repo,
      logger: silent,
      relatedSearch: false,
    });
  });
  afterEach(async () => {
    expect(standIn.state.violations).toEqual([]);
    await standIn.close();
  });

  async function planHour(hour: number, clusters: PrioritizedCluster[]): Promise<IssueAction[]> {
    const windowStart = H0 + hour * HOUR;
    return planIssueActions({
      clusters,
      existing: await tracker.listManagedIssues(),
      policy: DEFAULT_TRIAGE_POLICY,
      run: {
        windowId: windowId(windowStart),
        windowStart,
        windowEnd: windowStart + HOUR,
        now: windowStart + HOUR + 60_000,
        worklogUrl: (service) => `https://storage.example/${service}/${windowId(windowStart)}.md`,
        logsExplorerUrl: (c) => `https://console.example/logs;fp=${c.fingerprint}`,
      },
    });
  }
  const runHour = async (hour: number, clusters: PrioritizedCluster[]) => {
    const actions = await planHour(hour, clusters);
    return { actions, results: await tracker.apply(actions) };
  };
  const issues = () => standIn.state.issues.map((i) => ({ number: i.number, state: i.state, reason: i.state_reason }));
  const marker = (n: number): IssueMarker => {
    const m = parseIssueMarker(standIn.state.issues.find((i) => i.number === n)!.body);
    if (!m.ok) throw new Error(`#${n} has no marker`);
    return m.marker;
  };
  const commentsOn = (n: number) => standIn.state.comments.filter((c) => c.issue_number === n);
  const kinds = (actions: IssueAction[]) => actions.map((a) => a.kind);

  /** Hour 0: three issues for the three fragments; hour 1: one issue survives. */
  async function split(): Promise<void> {
    await runHour(0, [X, Y, Z]);
    expect(issues()).toEqual([1, 2, 3].map((number) => ({ number, state: "open", reason: null })));
  }

  it("one issue survives; the others are closed as duplicates with one comment linking it, their history moved", async () => {
    await split();
    const { actions, results } = await runHour(1, [MERGED]);
    expect(kinds(actions)).toEqual(["update-body", "close-duplicate", "close-duplicate"]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(issues()).toEqual([
      { number: 1, state: "open", reason: null },
      { number: 2, state: "closed", reason: "duplicate" },
      { number: 3, state: "closed", reason: "duplicate" },
    ]);
    for (const n of [2, 3]) {
      expect(commentsOn(n)).toHaveLength(1);
      expect(commentsOn(n)[0]!.body).toMatch(/^<!-- log-gardener:comment v1 w=merged-into-1 fp=lg1-[yz]{4} -->\nDuplicate of #1\n/);
      expect(marker(n).into).toBe(1);
    }
    expect(commentsOn(1)).toHaveLength(0); // the survivor is updated quietly
    expect(marker(1).hist.c).toEqual([20, 30]);
    expect(marker(1).merged).toEqual([2, 3]);
  });

  it("a rerun of the same window sends no comment and closes nothing more", async () => {
    await split();
    await runHour(1, [MERGED]);
    const before = { comments: standIn.state.comments.length, bodies: standIn.state.issues.map((i) => i.body) };
    const rerun = await runHour(1, [MERGED]);
    expect(kinds(rerun.actions)).toEqual(["skip", "close-duplicate", "close-duplicate"]);
    expect(rerun.results.every((r) => r.ok)).toBe(true);
    expect(standIn.state.comments).toHaveLength(before.comments);
    expect(standIn.state.issues.map((i) => i.body)).toEqual(before.bodies);
    expect(standIn.state.requests.filter((r) => r.method === "PATCH" && r.path.endsWith("/issues/1"))).toHaveLength(1);
  });

  it("a run that stopped after the survivor's update: the retry closes the duplicates, history added once", async () => {
    await split();
    const actions = await planHour(1, [MERGED]);
    await tracker.apply(actions.slice(0, 1));
    expect(issues().map((i) => i.state)).toEqual(["open", "open", "open"]);
    const retry = await runHour(1, [MERGED]);
    expect(kinds(retry.actions)).toEqual(["skip", "close-duplicate", "close-duplicate"]);
    expect(issues().map((i) => i.reason)).toEqual([null, "duplicate", "duplicate"]);
    expect(marker(1).hist.c).toEqual([20, 30]);
    expect(standIn.state.comments).toHaveLength(2);
  });

  it("the close landed but GitHub answered 502 every time: the retry sees it closed and posts no second comment", async () => {
    await split();
    standIn.faults.badGatewayAfterWrite("PATCH", /\/issues\/2$/, 10);
    const first = await runHour(1, [MERGED]);
    expect(first.results.map((r) => [r.action, r.ok])).toEqual([
      ["update-body", true],
      ["close-duplicate", false],
      ["close-duplicate", true],
    ]);
    standIn.faults.clear();
    expect(issues()[1]).toEqual({ number: 2, state: "closed", reason: "duplicate" });
    const retry = await runHour(1, [MERGED]);
    expect(retry.results.every((r) => r.ok)).toBe(true);
    expect(commentsOn(2)).toHaveLength(1);
  });

  it("closed but not commented on: the retry posts the comment once and leaves it closed", async () => {
    await split();
    await runHour(1, [MERGED]);
    const lost = standIn.state.comments.findIndex((c) => c.issue_number === 2);
    standIn.state.comments.splice(lost, 1);
    const retry = await runHour(1, [MERGED]);
    expect(retry.results.every((r) => r.ok)).toBe(true);
    expect(commentsOn(2)).toHaveLength(1);
    expect(commentsOn(3)).toHaveLength(1);
    expect(issues()).toEqual([
      { number: 1, state: "open", reason: null },
      { number: 2, state: "closed", reason: "duplicate" },
      { number: 3, state: "closed", reason: "duplicate" },
    ]);
  });

  it("the survivor's update failed: no duplicate is closed into it, and the next run does the whole merge", async () => {
    await split();
    standIn.faults.badGatewayAfterWrite("PATCH", /\/issues\/1$/, 10);
    standIn.faults.tooLongBody(1); // every body write fails: the survivor's update cannot land
    const first = await runHour(1, [MERGED]);
    expect(first.results.map((r) => r.ok)).toEqual([false, false, false]);
    expect(first.results[1]!.error).toMatch(/^not closed: the update of #1/);
    standIn.faults.clear();
    expect(issues().map((i) => i.state)).toEqual(["open", "open", "open"]);
    expect(standIn.state.comments).toHaveLength(0);
    const next = await runHour(2, [MERGED]);
    expect(next.results.every((r) => r.ok)).toBe(true);
    expect(issues().map((i) => i.state)).toEqual(["open", "closed", "closed"]);
    expect(marker(1).hist.c).toEqual([20, 0, 30]);
  });

  it("later hours update only the survivor, and a cluster still carrying an absorbed fingerprint finds it", async () => {
    await split();
    await runHour(1, [MERGED]);
    const later = await runHour(2, [{ ...MERGED, count: 28 }]);
    expect(later.actions.map((a) => [a.kind, "issueNumber" in a ? a.issueNumber : undefined])).toEqual([["update-body", 1]]);
    const stray = await runHour(3, [{ ...Y, count: 3 }]);
    expect(stray.actions.map((a) => [a.kind, "issueNumber" in a ? a.issueNumber : undefined])).toEqual([["update-body", 1]]);
    expect(issues().map((i) => i.state)).toEqual(["open", "closed", "closed"]);
    expect(standIn.state.comments).toHaveLength(2);
  });
});
