// GitHubIssueTracker and the planner against the GitHub stand-in, over simulated hours: the whole
// policy table, duplicate-free retries after each injected fault, and throttling. Assertions
// are on the stand-in's end state (issues, comments, labels), and it must see no request or
// response that breaks GitHub's OpenAPI description.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "@jest/globals";
import { GitHubIssueTracker } from "../../src/adapters/github-issue-tracker";
import { parseIssueMarker } from "../../src/core/triage/issue-marker";
import {
  DEFAULT_TRIAGE_POLICY,
  newProblems,
  planIssueActions,
  type IssueAction,
  type TriagePolicy,
} from "../../src/core/triage/issue-plan";
import type { RelatedIssue } from "../../src/core/triage/issue-body";
import { windowId } from "../../src/core/report/object-keys";
import type { PrioritizedCluster } from "../../src/core/types";
import type { IssueActionResult } from "../../src/ports";
import { startGitHubStandIn, type GitHubStandIn } from "../peers/github-stand-in";
import { cluster, HOUR } from "../core/fixtures/issue-clusters";
import { silentSink as silent, standInClient } from "./stand-in-client";

const DAY = 24 * HOUR;

/** Simulated hours end before the real now, so the stand-in's timestamps come after them. */
const H0 = Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR;

interface Harness {
  standIn: GitHubStandIn;
  tracker: GitHubIssueTracker;
}

async function harness(
  options: { timeoutMs?: number; pacing?: boolean; retryAfterBaseValue?: number; searchRateLimitPerMinute?: number } = {},
): Promise<Harness> {
  const standIn = await startGitHubStandIn({ searchRateLimitPerMinute: options.searchRateLimitPerMinute ?? 30 });
  const client = await standInClient(standIn, {
    timeoutMs: options.timeoutMs ?? 5_000,
    retry: { retryAfterBaseValue: 1 },
    throttle: {
      retryAfterBaseValue: options.retryAfterBaseValue ?? 1,
      fallbackSecondaryRateRetryAfter: 1,
      pacing: options.pacing ?? false,
    },
  });
  const tracker = new GitHubIssueTracker({ octokit: client.octokit, owner: client.owner, repo: client.repo, logger: silent });
  return { standIn, tracker };
}

/** One run of the publishing half of the job: list, search related for new problems, plan, apply. */
async function runHour(h: Harness, hour: number, clusters: PrioritizedCluster[], policy: Partial<TriagePolicy> = {}, now?: number) {
  const windowStart = H0 + hour * HOUR;
  const existing = await h.tracker.listManagedIssues();
  const input = {
    clusters,
    existing,
    policy: { ...DEFAULT_TRIAGE_POLICY, ...policy },
    run: {
      windowId: windowId(windowStart),
      windowStart,
      windowEnd: windowStart + HOUR,
      now: now ?? windowStart + HOUR + 60_000,
      worklogUrl: (service: string) => `https://storage.example/${service}/${windowId(windowStart)}.md`,
      logsExplorerUrl: (c: PrioritizedCluster) => `https://console.example/logs;fp=${c.fingerprint}`,
    },
  };
  const related = new Map<string, RelatedIssue[]>();
  for (const fp of newProblems(planIssueActions(input))) {
    const c = clusters.find((x) => x.fingerprint === fp)!;
    related.set(fp, await h.tracker.searchRelated(c));
  }
  const actions = planIssueActions({ ...input, related });
  const results = await h.tracker.apply(actions);
  return { actions, results };
}

const kinds = (actions: IssueAction[]) => actions.map((a) => a.kind);
const ok = (results: IssueActionResult[]) => results.filter((r) => !r.ok);

const A = cluster({ fingerprint: "lg1-aaaa", priority: "P3" });
const B = cluster({
  fingerprint: "lg1-bbbb",
  template: "Async engine not available, skipping index creation",
  source: "netra_backend.app.db.index_optimizer_core.log_engine_unavailable",
});

describe("GitHubIssueTracker: the policy table over simulated hours", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterEach(() => {
    expect(h.standIn.state.violations).toEqual([]);
  });
  afterAll(async () => {
    await h.standIn.close();
  });

  const issueOf = (fp: string) =>
    h.standIn.state.issues.filter((i) => {
      const m = parseIssueMarker(i.body);
      return m.ok && (m.marker.fp === fp || (m.marker.aka ?? []).includes(fp));
    });
  const commentsOn = (n: number) => h.standIn.state.comments.filter((c) => c.issue_number === n);

  it("hour 0: opens one issue per new problem, with labels, and links a related hand-made issue", async () => {
    const human = h.standIn.actAsHuman.openIssue({
      title: "Index optimizer warnings",
      body: "We keep seeing netra_backend.app.db.index_optimizer_core.log_engine_unavailable in staging",
    });
    const { actions, results } = await runHour(h, 0, [A, B]);
    expect(kinds(actions)).toEqual(["open", "open"]);
    expect(ok(results)).toEqual([]);
    const [a] = issueOf("lg1-aaaa");
    expect(a?.labels.sort()).toEqual(["log-gardener", "priority:P3", "service:netra-backend-staging", "severity:warning"]);
    expect(a?.title).toMatch(/^netra-backend-staging · WARNING · P3 · Session access failed/);
    const [b] = issueOf("lg1-bbbb");
    expect(b?.body).toContain(`- #${human} (open) Index optimizer warnings`);
    expect(results.map((r) => r.issueNumber)).toEqual([a?.number, b?.number].sort((x, y) => x! - y!));
  });

  it("hour 1: same rate → quiet body update; rate ×3 → one escalation comment", async () => {
    const { actions, results } = await runHour(h, 1, [A, { ...B, count: 40 }]);
    expect(kinds(actions).sort()).toEqual(["comment", "update-body"]);
    expect(ok(results)).toEqual([]);
    expect(commentsOn(issueOf("lg1-aaaa")[0]!.number)).toHaveLength(0);
    const bComments = commentsOn(issueOf("lg1-bbbb")[0]!.number);
    expect(bComments).toHaveLength(1);
    expect(bComments[0]!.body).toContain(`w=${windowId(H0 + HOUR)}`);
    expect(issueOf("lg1-aaaa")[0]!.body).toContain(`Window \`${windowId(H0 + HOUR)}\``);
  });

  it("a rerun of hour 1 sends nothing new", async () => {
    const before = { issues: h.standIn.state.issues.length, comments: h.standIn.state.comments.length };
    const { actions } = await runHour(h, 1, [A, { ...B, count: 40 }]);
    expect(kinds(actions)).toEqual(["skip", "skip"]);
    expect({ issues: h.standIn.state.issues.length, comments: h.standIn.state.comments.length }).toEqual(before);
  });

  it("a priority label a person set is kept", async () => {
    const a = issueOf("lg1-aaaa")[0]!;
    h.standIn.actAsHuman.removeLabel(a.number, "priority:P3");
    h.standIn.actAsHuman.addLabel(a.number, "priority:P1");
    await runHour(h, 2, [{ ...A, priority: "P4" }]);
    expect(issueOf("lg1-aaaa")[0]!.labels.filter((l) => l.startsWith("priority:"))).toEqual(["priority:P1"]);
  });

  it("closed as completed by a person, then recurring → reopened with a comment and the regression label", async () => {
    const a = issueOf("lg1-aaaa")[0]!;
    h.standIn.actAsHuman.closeIssue(a.number, "completed");
    const { actions, results } = await runHour(h, 3, [A]);
    expect(kinds(actions)).toEqual(["reopen"]);
    expect(ok(results)).toEqual([]);
    const after = issueOf("lg1-aaaa")[0]!;
    expect(after.state).toBe("open");
    expect(after.labels).toContain("regression");
    expect(commentsOn(a.number).map((c) => c.body.includes("**Regression:**"))).toEqual([true]);
  });

  it("closed as not planned → muted: nothing is sent", async () => {
    const b = issueOf("lg1-bbbb")[0]!;
    h.standIn.actAsHuman.closeIssue(b.number, "not_planned");
    const comments = commentsOn(b.number).length;
    const { actions } = await runHour(h, 4, [{ ...B, count: 500 }]);
    expect(actions.map((a) => (a.kind === "mute" ? `mute:${a.reason}` : a.kind))).toEqual(["mute:not-planned"]);
    expect(issueOf("lg1-bbbb")[0]!.state).toBe("closed");
    expect(commentsOn(b.number)).toHaveLength(comments);
  });

  it("labelled log-gardener:quiet → muted", async () => {
    const a = issueOf("lg1-aaaa")[0]!;
    h.standIn.actAsHuman.addLabel(a.number, "log-gardener:quiet");
    const { actions } = await runHour(h, 5, [{ ...A, count: 900 }]);
    expect(actions.map((x) => (x.kind === "mute" ? `mute:${x.reason}` : x.kind))).toEqual(["mute:quiet-label"]);
    h.standIn.actAsHuman.removeLabel(a.number, "log-gardener:quiet");
  });

  it("closed long ago → a new issue that links the old one", async () => {
    const C = cluster({ fingerprint: "lg1-cccc", template: "Golden path auth permissive for connection <*>" });
    await runHour(h, 6, [C]);
    const old = issueOf("lg1-cccc")[0]!;
    h.standIn.actAsHuman.closeIssue(old.number, "completed");
    const { actions } = await runHour(h, 7, [C], {}, Date.now() + 40 * DAY);
    expect(kinds(actions)).toEqual(["open-successor"]);
    const both = issueOf("lg1-cccc");
    expect(both).toHaveLength(2);
    expect(both[1]!.body).toContain(`This problem was tracked in #${old.number}`);
  });

  it("a locked closed issue → a new issue too", async () => {
    const D = cluster({ fingerprint: "lg1-dddd", template: "Method not allowed POST /ws/beacon" });
    await runHour(h, 8, [D]);
    const old = issueOf("lg1-dddd")[0]!;
    h.standIn.actAsHuman.closeIssue(old.number, "completed");
    h.standIn.actAsHuman.lock(old.number, "resolved");
    const { actions } = await runHour(h, 9, [D]);
    expect(kinds(actions)).toEqual(["open-successor"]);
    expect(issueOf("lg1-dddd")).toHaveLength(2);
  });

  it("at most N new issues per run; the rest go to one digest issue, updated in place", async () => {
    const burst = Array.from({ length: 5 }, (_, i) =>
      cluster({ fingerprint: `lg1-burst${i}`, template: `Deploy broke handler ${"abcde"[i]} badly`, count: 50 - i }),
    );
    const first = await runHour(h, 10, burst, { maxNewIssuesPerRun: 2 });
    expect(kinds(first.actions)).toEqual(["open", "open", "skip", "skip", "skip", "digest"]);
    const digests = () =>
      h.standIn.state.issues.filter(
        (i) => parseIssueMarker(i.body).ok && (parseIssueMarker(i.body) as { marker: { kind: string } }).marker.kind === "digest",
      );
    expect(digests()).toHaveLength(1);
    expect(digests()[0]!.body).toContain("lg1-burst4");
    const more = [
      ...burst,
      ...Array.from({ length: 3 }, (_, i) => cluster({ fingerprint: `lg1-more${i}`, template: `Another failure ${"xyz"[i]} here` })),
    ];
    const second = await runHour(h, 11, more, { maxNewIssuesPerRun: 2 });
    expect(second.actions.filter((a) => a.kind === "open").map((a) => a.fingerprint)).toEqual(["lg1-burst2", "lg1-burst3"]);
    expect(digests()).toHaveLength(1);
    expect(digests()[0]!.body).toContain("lg1-more0");
    expect(digests()[0]!.body).not.toContain("lg1-burst2");
  });
});

describe("GitHubIssueTracker: duplicate-free retries after faults", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness({ timeoutMs: 400 });
  });
  afterEach(async () => {
    expect(h.standIn.state.violations).toEqual([]);
    await h.standIn.close();
  });

  const opened = () => h.standIn.state.issues.filter((i) => i.labels.includes("log-gardener"));

  it("502 after the issue was created: one issue", async () => {
    h.standIn.faults.badGatewayAfterWrite("POST", /\/issues$/, 1);
    const { results } = await runHour(h, 0, [A]);
    expect(results).toEqual([expect.objectContaining({ ok: true, action: "open", issueNumber: opened()[0]?.number })]);
    expect(opened()).toHaveLength(1);
  });

  it("502 twice in a row: still one issue", async () => {
    h.standIn.faults.badGatewayAfterWrite("POST", /\/issues$/, 2);
    const { results } = await runHour(h, 0, [A, B]);
    expect(ok(results)).toEqual([]);
    expect(opened()).toHaveLength(2);
  });

  it("a timeout after the issue was created: one issue", async () => {
    h.standIn.faults.timeoutAfterWrite("POST", /\/issues$/, 1, 2_000);
    const started = Date.now();
    const { results } = await runHour(h, 0, [A]);
    expect(Date.now() - started).toBeLessThan(2_000); // the deadline, not the stand-in, ended the wait
    expect(ok(results)).toEqual([]);
    expect(opened()).toHaveLength(1);
    expect(h.standIn.state.requests.filter((r) => r.fault === "timeout-after-write")).toHaveLength(1);
  });

  it("502 and a timeout after the comment was posted: one comment", async () => {
    await runHour(h, 0, [A]);
    h.standIn.faults.badGatewayAfterWrite("POST", /\/comments$/, 1);
    const first = await runHour(h, 1, [{ ...A, count: 100 }]);
    expect(kinds(first.actions)).toEqual(["comment"]);
    expect(ok(first.results)).toEqual([]);
    expect(h.standIn.state.comments).toHaveLength(1);
    h.standIn.faults.timeoutAfterWrite("POST", /\/comments$/, 1, 2_000);
    const second = await runHour(h, 30, [{ ...A, count: 1000 }]);
    expect(kinds(second.actions)).toEqual(["comment"]);
    expect(ok(second.results)).toEqual([]);
    expect(h.standIn.state.comments).toHaveLength(2);
  });

  it("502 after the body update of a comment action: the rerun posts no second comment", async () => {
    await runHour(h, 0, [A]);
    h.standIn.faults.badGatewayAfterWrite("PATCH", /\/issues\/\d+$/, 4);
    const first = await runHour(h, 1, [{ ...A, count: 100 }]);
    expect(first.results.map((r) => r.ok)).toEqual([false]);
    h.standIn.faults.clear();
    const rerun = await runHour(h, 1, [{ ...A, count: 100 }]);
    expect(ok(rerun.results)).toEqual([]);
    expect(h.standIn.state.comments).toHaveLength(1);
  });

  it("a secondary rate limit on create: waited out, one issue", async () => {
    h.standIn.faults.secondaryRateLimit(1, 1, { method: "POST", path: /\/issues$/ });
    const { results } = await runHour(h, 0, [A]);
    expect(ok(results)).toEqual([]);
    expect(opened()).toHaveLength(1);
    expect(h.standIn.state.requests.filter((r) => r.fault === "secondary-rate-limit")).toHaveLength(1);
  });

  it("a failure on one issue does not stop the others", async () => {
    await runHour(h, 0, [A, B]);
    h.standIn.faults.tooLongBody(100);
    const { results } = await runHour(h, 1, [A, B]);
    expect(results.map((r) => r.ok)).toEqual([false, false]);
    expect(results[0]!.error).toMatch(/^422/);
    h.standIn.faults.clear();
    const again = await runHour(h, 1, [A, B]);
    expect(ok(again.results)).toEqual([]);
  });
});

describe("GitHubIssueTracker: throttling", () => {
  it("honours retry-after on a secondary rate limit", async () => {
    const h = await harness({ retryAfterBaseValue: 100 });
    try {
      h.standIn.faults.secondaryRateLimit(1, 3, { method: "POST", path: /\/issues$/ });
      const started = Date.now();
      const { results } = await runHour(h, 0, [A]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(ok(results)).toEqual([]);
      expect(h.standIn.state.issues).toHaveLength(1);
      expect(h.standIn.state.violations).toEqual([]);
    } finally {
      await h.standIn.close();
    }
  });

  it("spaces writes that notify when pacing is on", async () => {
    const h = await harness({ pacing: true });
    try {
      const started = Date.now();
      await runHour(h, 0, [A, B]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
      expect(h.standIn.state.issues).toHaveLength(2);
    } finally {
      await h.standIn.close();
    }
  });

  it("stays within the search quota and opens the issues anyway", async () => {
    const h = await harness({ searchRateLimitPerMinute: 1 });
    try {
      const many = Array.from({ length: 3 }, (_, i) =>
        cluster({ fingerprint: `lg1-s${i}`, template: `Search quota case ${"abc"[i]} failing hard`, source: `mod.fn${i}` }),
      );
      const { results } = await runHour(h, 0, many);
      expect(ok(results)).toEqual([]);
      expect(h.standIn.state.issues).toHaveLength(3);
      expect(h.standIn.state.violations).toEqual([]);
    } finally {
      await h.standIn.close();
    }
  });
});
