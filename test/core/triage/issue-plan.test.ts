import { parseIssueMarker } from "../../../src/core/triage/issue-marker";
import {
  buildRelatedTerms,
  DEFAULT_TRIAGE_POLICY,
  DIGEST_FINGERPRINT,
  newProblems,
  planIssueActions,
  type IssueAction,
  type PlanInput,
  type TriagePolicy,
} from "../../../src/core/triage/issue-plan";
import type { PrioritizedCluster } from "../../../src/core/types";
import type { ExistingIssue } from "../../../src/ports";
import { windowId } from "../../../src/core/report/object-keys";
import { buildRedactor } from "../../../src/core/redact/redact";
import { cluster, HOUR, issue, T0 } from "../fixtures/issue-clusters";

const DAY = 24 * HOUR;

function runAt(windowStart: number): PlanInput["run"] {
  return {
    windowId: windowId(windowStart),
    windowStart,
    windowEnd: windowStart + HOUR,
    now: windowStart + HOUR + 60_000,
    worklogUrl: (service) => `https://storage.example/worklogs/${service}/${windowId(windowStart)}.md`,
    logsExplorerUrl: (c) => `https://console.example/logs/query;query=fp%3D${c.fingerprint};timeRange=${windowId(windowStart)}`,
  };
}

function plan(clusters: PrioritizedCluster[], existing: ExistingIssue[], at = T0, policy: Partial<TriagePolicy> = {}): IssueAction[] {
  return planIssueActions({ clusters, existing, policy: { ...DEFAULT_TRIAGE_POLICY, ...policy }, run: runAt(at) });
}

/** Applies actions to a list of issues the way GitHub would (a tiny model, for reruns). */
function applyActions(existing: ExistingIssue[], actions: IssueAction[], at: number): ExistingIssue[] {
  const issues: ExistingIssue[] = existing.map((i) => ({ ...i, labels: [...i.labels] }));
  let next = Math.max(0, ...issues.map((i) => i.number)) + 1;
  for (const a of actions) {
    const at2 = issues.findIndex((i) => i.number === (a as { issueNumber?: number }).issueNumber);
    const patch = (p: Partial<ExistingIssue>) => {
      issues[at2] = { ...issues[at2]!, ...p };
    };
    const labels = (add: readonly string[]) => [...issues[at2]!.labels, ...add];
    switch (a.kind) {
      case "open":
      case "open-successor":
        issues.push(issue({ number: next, title: a.title, body: a.body, labels: [...a.labels] }));
        next++;
        break;
      case "update-body":
      case "comment":
        patch({ body: a.body, labels: labels(a.addLabels) });
        break;
      case "reopen":
        patch({ body: a.body, state: "open", stateReason: "reopened", closedAt: null, labels: labels(a.addLabels) });
        break;
      case "digest":
        if (a.issueNumber === undefined) issues.push(issue({ number: next++, title: a.title, body: a.body, labels: [...a.labels] }));
        else patch({ body: a.body, ...(a.reopen ? { state: "open" as const } : {}) });
        break;
      default:
        break;
    }
  }
  void at;
  return issues;
}

function kinds(actions: IssueAction[]): string[] {
  return actions.map((a) => (a.kind === "skip" || a.kind === "mute" ? `${a.kind}:${a.reason}` : a.kind));
}

const A = cluster({ fingerprint: "lg1-aaaa" });

/** The issue for A after one run at T0, as the job would have opened it. */
function openedA(): ExistingIssue[] {
  return applyActions([], plan([A], []), T0);
}

describe("planIssueActions: the policy table", () => {
  const closedAgo = (days: number) => new Date(T0 + HOUR - days * DAY).toISOString();
  const withState = (patch: Partial<ExistingIssue>) => openedA().map((i) => ({ ...i, ...patch }));

  it.each<[string, () => ExistingIssue[], PrioritizedCluster, string[]]>([
    ["new problem → open", () => [], A, ["open"]],
    ["open, same rate → quiet body update", openedA, A, ["update-body"]],
    ["open, rate ×3 → escalation comment", openedA, { ...A, count: 36 }, ["comment"]],
    ["open, rate ×2 → quiet body update", openedA, { ...A, count: 24 }, ["update-body"]],
    [
      "closed as completed 3 days ago → reopen",
      () => withState({ state: "closed", stateReason: "completed", closedAt: closedAgo(3) }),
      A,
      ["reopen"],
    ],
    ["closed without a reason → reopen", () => withState({ state: "closed", stateReason: null, closedAt: closedAgo(1) }), A, ["reopen"]],
    [
      "closed as completed 40 days ago → successor",
      () => withState({ state: "closed", stateReason: "completed", closedAt: closedAgo(40) }),
      A,
      ["open-successor"],
    ],
    [
      "closed and locked → successor",
      () => withState({ state: "closed", stateReason: "completed", closedAt: closedAgo(1), locked: true }),
      A,
      ["open-successor"],
    ],
    [
      "closed as not planned → muted",
      () => withState({ state: "closed", stateReason: "not_planned", closedAt: closedAgo(1) }),
      A,
      ["mute:not-planned"],
    ],
    [
      "closed as duplicate → muted",
      () => withState({ state: "closed", stateReason: "duplicate" as "completed", closedAt: closedAgo(1) }),
      A,
      ["mute:duplicate"],
    ],
    ["quiet label, open → muted", () => withState({ labels: ["log-gardener", "log-gardener:quiet"] }), A, ["mute:quiet-label"]],
    [
      "quiet label, closed → muted",
      () =>
        withState({ state: "closed", stateReason: "completed", closedAt: closedAgo(1), labels: ["log-gardener", "log-gardener:quiet"] }),
      A,
      ["mute:quiet-label"],
    ],
  ])("%s", (_name, existing, c, expected) => {
    expect(kinds(plan([c], existing(), T0 + HOUR))).toEqual(expected);
  });
});

describe("planIssueActions: a new issue", () => {
  const [open] = plan([A], []) as [Extract<IssueAction, { kind: "open" }>];

  it("has a scannable title and one label per family", () => {
    expect(open.title).toMatch(/^netra-backend-staging · WARNING · P4 · Session access failed/);
    expect(open.labels).toEqual(["log-gardener", "severity:warning", "priority:P4", "service:netra-backend-staging"]);
  });

  it("carries the marker, summary, counts, links, sample and chart", () => {
    const marker = parseIssueMarker(open.body);
    expect(marker.ok && marker.marker).toMatchObject({
      kind: "problem",
      fp: "lg1-aaaa",
      svc: "netra-backend-staging",
      hist: { c: [12] },
      base: 12,
      seen: "2025-09-15T0100Z",
    });
    expect(open.body).toContain("| Occurrences | 12 (0.20 per minute) |");
    expect(open.body).toContain("| First seen | 2025-09-15T01:01:00Z |");
    expect(open.body).toContain("`demo-user-001` ×10");
    expect(open.body).toContain(
      "[Logs Explorer query for this cluster and window](https://console.example/logs/query;query=fp%3Dlg1-aaaa;timeRange=2025-09-15T0100Z)",
    );
    expect(open.body).toContain("[Worklog](https://storage.example/worklogs/netra-backend-staging/2025-09-15T0100Z.md)");
    expect(open.body).toContain('```json\n{\n  "severity": "WARNING"');
    expect(open.body).toContain("```mermaid\nxychart-beta");
    // One bar for the one hour since it was first seen, labelled with its real time; not 168.
    expect(open.body).toContain('x-axis "Hour starting (UTC)" ["09-15 01:00"]');
    expect(open.body).toContain("bar [12]");
  });

  it("lists related issues it was given", () => {
    const related = new Map([
      ["lg1-aaaa", [{ number: 77, url: "u", title: "Session @bob <b>", state: "open" as const, matched: "logging.callHandlers" }]],
    ]);
    const [a] = planIssueActions({ clusters: [A], existing: [], policy: DEFAULT_TRIAGE_POLICY, run: runAt(T0), related });
    expect(a?.kind === "open" && a.body).toContain("- #77 (open) Session @\u2060bob &lt;b&gt;, mentions `logging.callHandlers`");
  });

  it("cannot ping, link, close or leak from log text", () => {
    const evil = cluster({
      fingerprint: "lg1-evil",
      template: "@octocat fixes #1 <img src=x> see https://github.com/o/r/issues/2 token ghp_0123456789abcdefghijABCDEFGHIJ0123",
      source: "@team/x",
      samples: [{ message: "```\n@octocat password=hunter2 #3" }],
      variables: [{ name: "user", top: [{ value: "@root #4", count: 1 }], distinct: 1 }],
    });
    const [a] = plan([evil], []);
    const sent = a?.kind === "open" ? `${a.title}\n${a.body}` : "";
    const outsideCode = sent.replace(/(`{3,})[a-z]*\n[\s\S]*?\n\1/g, "").replace(/(`+)[^`]+?\1/g, "");
    expect(outsideCode.match(/(^|[^\w\u2060])@[a-z]\w*/gi) ?? []).toEqual([]);
    expect(outsideCode).not.toMatch(/#\d/);
    expect(outsideCode).not.toMatch(/<img/);
    expect(sent).not.toContain("hunter2");
    expect(sent).not.toContain("ghp_0123456789");
    expect(sent.length).toBeLessThan(60_000);
  });

  it("passes every text through the job's redactor when given one", () => {
    const leaky = cluster({
      fingerprint: "lg1-leak",
      template: "Customer ACME-4242 failed",
      variables: [{ name: "customer", top: [{ value: "ACME-4242", count: 3 }], distinct: 1 }],
      samples: [{ jsonPayload: { message: "Customer ACME-4242 failed", nested: ["ACME-4242"] } }],
    });
    const redact = buildRedactor({ extraPatterns: ["ACME-\\d+"] });
    const [a] = planIssueActions({ clusters: [leaky], existing: [], policy: DEFAULT_TRIAGE_POLICY, run: runAt(T0), redact });
    const sent = a?.kind === "open" ? `${a.title}\n${a.body}` : "";
    expect(sent).not.toContain("ACME-4242");
    expect(sent).toContain("[REDACTED:custom]");
    expect(a?.fingerprint).toBe("lg1-leak");
  });

  it("fits the cap with a huge sample and keeps the marker and latest section", () => {
    const big = cluster({
      fingerprint: "lg1-big",
      variables: Array.from({ length: 10 }, (_, i) => ({ name: `v${i}`, top: [{ value: "x".repeat(5000), count: 1 }], distinct: 1 })),
    });
    const [a] = plan([big], [], T0, { bodyCap: 3_000 });
    const body = a?.kind === "open" ? a.body : "";
    expect(body.length).toBeLessThanOrEqual(3_000);
    expect(parseIssueMarker(body).ok).toBe(true);
    expect(body).toContain("<!-- /log-gardener:latest -->");
    expect(body).toMatch(/cut [\d,]+ characters/);
  });
});

describe("planIssueActions: updates", () => {
  it("never changes a severity or priority label a person set; adds only missing families", () => {
    const existing = openedA().map((i) => ({ ...i, labels: ["log-gardener", "priority:P1", "Severity:critical"] }));
    const [a] = plan([{ ...A, severity: "ERROR", priority: "P2" }], existing, T0 + HOUR);
    expect(a?.kind).toBe("update-body");
    expect(a?.kind === "update-body" && a.addLabels).toEqual(["service:netra-backend-staging"]);
  });

  it("keeps edits people made outside the latest section", () => {
    const existing = openedA().map((i) => ({
      ...i,
      body: i.body.replace("### Template", "### Template\n\nTriage note: owned by the auth team."),
    }));
    const [a] = plan([A], existing, T0 + HOUR);
    expect(a?.kind === "update-body" && a.body).toContain("Triage note: owned by the auth team.");
  });

  it("records the hourly history and keeps historyDays of it", () => {
    let issues = openedA();
    for (let h = 1; h <= 200; h++) issues = applyActions(issues, plan([A], issues, T0 + h * HOUR), T0 + h * HOUR);
    const m = parseIssueMarker(issues[0]!.body);
    expect(m.ok && m.marker.hist.c.length).toBe(168);
    expect(m.ok && m.marker.hist.h0).toBe(T0 / HOUR + 200 - 167);
  });

  it("comments on escalation at most once per commentPeriodHours", () => {
    let issues = openedA();
    const counts = [36, 120, 400, 1300, 4000];
    const seen: string[] = [];
    counts.forEach((count, i) => {
      const at = T0 + (i + 1) * HOUR;
      const actions = plan([{ ...A, count }], issues, at);
      seen.push(...kinds(actions));
      issues = applyActions(issues, actions, at);
    });
    expect(seen).toEqual(["comment", "update-body", "update-body", "update-body", "update-body"]);
    const next = plan([{ ...A, count: 4000 }], issues, T0 + 26 * HOUR);
    expect(kinds(next)).toEqual(["comment"]); // 4000/h is still ×3 over the 36/h baseline, and a day has passed
  });

  it("the escalation comment carries the window id marker", () => {
    const [a] = plan([{ ...A, count: 36 }], openedA(), T0 + HOUR);
    expect(a?.kind === "comment" && a.comment).toContain("<!-- log-gardener:comment v1 w=2025-09-15T0200Z fp=lg1-aaaa -->");
    expect(a?.kind === "comment" && a.comment).toContain("**Escalating:** 36 per hour");
  });

  it("reopens with a regression comment and label", () => {
    const existing = openedA().map((i) => ({
      ...i,
      state: "closed" as const,
      stateReason: "completed" as const,
      closedAt: new Date(T0 + 2 * HOUR).toISOString(),
    }));
    const [a] = plan([A], existing, T0 + 5 * HOUR);
    expect(a?.kind).toBe("reopen");
    expect(a?.kind === "reopen" && a.addLabels).toEqual(["regression"]);
    expect(a?.kind === "reopen" && a.comment).toContain("**Regression:**");
    expect(a?.kind === "reopen" && a.commentMarker).toBe("<!-- log-gardener:comment v1 w=2025-09-15T0600Z fp=lg1-aaaa -->");
  });

  it("a successor links the old issue", () => {
    const existing = openedA().map((i) => ({
      ...i,
      state: "closed" as const,
      stateReason: "completed" as const,
      closedAt: "2025-01-01T00:00:00Z",
    }));
    const [a] = plan([A], existing, T0 + 5 * HOUR);
    expect(a?.kind === "open-successor" && a.predecessor.number).toBe(1);
    expect(a?.kind === "open-successor" && a.body).toContain("This problem was tracked in #1, closed on 2025-01-01");
    // The next run updates the successor, not the closed one.
    const after = applyActions(existing, [a!], T0 + 5 * HOUR);
    const [b] = plan([A], after, T0 + 6 * HOUR);
    expect(b?.kind === "update-body" && b.issueNumber).toBe(2);
  });

  it("re-matches by similarity when the fingerprint changed, and moves the fingerprint", () => {
    const renamed = { ...A, fingerprint: "lg2-new", template: `${A.template} ` };
    const [a] = plan([renamed], openedA(), T0 + HOUR);
    expect(a?.kind === "update-body" && a.matchedBy).toBe("similarity");
    const m = a?.kind === "update-body" ? parseIssueMarker(a.body) : undefined;
    expect(m?.ok && { fp: m.marker.fp, aka: m.marker.aka }).toEqual({ fp: "lg2-new", aka: ["lg1-aaaa"] });
  });

  it("similarity never steals an issue another cluster matches by fingerprint", () => {
    const twin = { ...A, fingerprint: "lg1-twin" };
    expect(kinds(plan([twin, A], openedA(), T0 + HOUR)).sort()).toEqual(["open", "update-body"]);
  });
});

describe("planIssueActions: cap and digest", () => {
  const many = Array.from({ length: 13 }, (_, i) =>
    cluster({
      fingerprint: `lg1-${String(i).padStart(4, "0")}`,
      template: `Problem number ${i} happened`,
      priority: i === 12 ? "P1" : "P4",
      count: 100 - i,
    }),
  );

  it("opens at most maxNewIssuesPerRun, most urgent first, and lists the rest in one digest", () => {
    const actions = plan(many, []);
    const opened = actions.filter((a) => a.kind === "open").map((a) => a.fingerprint);
    expect(opened).toHaveLength(10);
    expect(opened[0]).toBe("lg1-0012"); // the P1
    expect(actions.filter((a) => a.kind === "skip").map((a) => a.fingerprint)).toEqual(["lg1-0009", "lg1-0010", "lg1-0011"]);
    const digest = actions.filter((a) => a.kind === "digest");
    expect(digest).toHaveLength(1);
    expect(digest[0]).toMatchObject({
      fingerprints: ["lg1-0009", "lg1-0010", "lg1-0011"],
      labels: ["log-gardener", "log-gardener:digest"],
      reopen: false,
    });
    expect(digest[0]?.kind === "digest" && parseIssueMarker(digest[0].body)).toMatchObject({
      ok: true,
      marker: { kind: "digest", fp: DIGEST_FINGERPRINT },
    });
  });

  it("updates the digest in place on the next overflow, and drains the backlog", () => {
    const first = plan(many, []);
    const issues = applyActions([], first, T0);
    const more = [
      ...many,
      ...Array.from({ length: 12 }, (_, i) => cluster({ fingerprint: `lg1-x${i}`, template: `Other failure ${i} seen` })),
    ];
    const second = plan(more, issues, T0 + HOUR);
    expect(
      second
        .filter((a) => a.kind === "open")
        .map((a) => a.fingerprint)
        .slice(0, 3),
    ).toEqual(["lg1-0009", "lg1-0010", "lg1-0011"]);
    const digest = second.find((a) => a.kind === "digest");
    expect(digest?.kind === "digest" && digest.issueNumber).toBe(11);
  });

  it("a closed digest is reopened, unless closed as not planned", () => {
    const issues = applyActions([], plan(many, []), T0).map((i) =>
      i.number === 11 ? { ...i, state: "closed" as const, stateReason: "completed" as const } : i,
    );
    const more = Array.from({ length: 11 }, (_, i) => cluster({ fingerprint: `lg1-y${i}`, template: `Other failure ${i} seen` }));
    expect(plan(more, issues, T0 + HOUR).find((a) => a.kind === "digest")).toMatchObject({ issueNumber: 11, reopen: true });
    const notPlanned = issues.map((i) => (i.number === 11 ? { ...i, stateReason: "not_planned" as const } : i));
    expect(plan(more, notPlanned, T0 + HOUR).find((a) => a.kind === "digest")).toMatchObject({ issueNumber: 11, reopen: false });
  });
});

describe("planIssueActions: reruns", () => {
  it("a rerun of the same window after applying gives only skips", () => {
    const clusters = [A, { ...A, fingerprint: "lg1-bbbb", template: "Async engine not available, skipping index creation" }];
    let issues = applyActions([], plan(clusters, []), T0);
    const hour2 = plan([{ ...A, count: 50 }, clusters[1]!], issues, T0 + HOUR);
    issues = applyActions(issues, hour2, T0 + HOUR);
    expect(kinds(plan([{ ...A, count: 50 }, clusters[1]!], issues, T0 + HOUR))).toEqual(["skip:unchanged", "skip:unchanged"]);
  });

  it("is deterministic", () => {
    expect(plan([A, cluster({ fingerprint: "lg1-c" })], [])).toEqual(plan([cluster({ fingerprint: "lg1-c" }), A], []));
  });

  it("skips a fingerprint given twice", () => {
    expect(kinds(plan([A, A], []))).toEqual(["skip:duplicate-fingerprint", "open"]);
  });
});

describe("related search terms", () => {
  it.each([
    [
      cluster({
        fingerprint: "f",
        source: "netra_backend.app.db.index_optimizer_core.log_engine_unavailable",
        template: "Async engine not available, skipping index creation",
      }),
      ["netra_backend.app.db.index_optimizer_core.log_engine_unavailable", "Async engine not available"],
    ],
    [cluster({ fingerprint: "f", source: undefined, template: "GET <*> 405 for user <*>" }), []],
  ])("%#", (c, expected) => {
    expect(buildRelatedTerms(c)).toEqual(expected);
  });

  it("newProblems names the opened fingerprints", () => {
    expect(newProblems(plan([A], []))).toEqual(["lg1-aaaa"]);
  });
});

describe("rendered markdown (review snapshot diffs like code)", () => {
  it("a new issue", () => {
    const [a] = plan([cluster({ fingerprint: "lg1-snap", timeline: Array.from({ length: 12 }, () => 1) })], []);
    expect(a?.kind === "open" ? `${a.title}\n\n${a.body}` : "").toMatchSnapshot();
  });

  it("an escalation comment and a regression comment", () => {
    const [c] = plan([{ ...A, count: 36 }], openedA(), T0 + HOUR);
    const closed = openedA().map((i) => ({
      ...i,
      state: "closed" as const,
      stateReason: "completed" as const,
      closedAt: "2025-09-15T01:30:00Z",
    }));
    const [r] = plan([A], closed, T0 + 2 * HOUR);
    expect([c?.kind === "comment" ? c.comment : "", r?.kind === "reopen" ? r.comment : ""]).toMatchSnapshot();
  });

  it("the digest", () => {
    const many = Array.from({ length: 3 }, (_, i) => cluster({ fingerprint: `lg1-d${i}`, template: `Problem ${i} happened` }));
    const d = plan(many, [], T0, { maxNewIssuesPerRun: 1 }).find((a) => a.kind === "digest");
    expect(d?.kind === "digest" ? `${d.title}\n\n${d.body}` : "").toMatchSnapshot();
  });
});
