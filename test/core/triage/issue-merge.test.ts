// Merges in the triage plan: when a cluster's mergedFrom names fingerprints that other issues
// track, one issue survives and the others are closed as duplicates of it, their history moved
// into the survivor's marker, idempotently over reruns and half-applied plans.
import { parseIssueMarker, type IssueMarker } from "../../../src/core/triage/issue-marker";
import { DEFAULT_TRIAGE_POLICY, planIssueActions, type CloseDuplicateAction, type IssueAction } from "../../../src/core/triage/issue-plan";
import type { PrioritizedCluster } from "../../../src/core/types";
import type { ExistingIssue } from "../../../src/ports";
import { windowId } from "../../../src/core/report/object-keys";
import { cluster, HOUR, issue, T0 } from "../fixtures/issue-clusters";

const DAY = 24 * HOUR;

function plan(clusters: PrioritizedCluster[], existing: readonly ExistingIssue[], at: number, now = at + HOUR + 60_000): IssueAction[] {
  return planIssueActions({
    clusters,
    existing,
    policy: DEFAULT_TRIAGE_POLICY,
    run: {
      windowId: windowId(at),
      windowStart: at,
      windowEnd: at + HOUR,
      now,
      worklogUrl: (service) => `https://storage.example/${service}/${windowId(at)}.md`,
      logsExplorerUrl: (c) => `https://console.example/logs;fp=${c.fingerprint}`,
    },
  });
}

/** GitHub, as far as the plan can tell: issues, and the comments posted on them. */
interface World {
  issues: ExistingIssue[];
  comments: { issue: number; body: string }[];
}

function apply(world: World, actions: readonly IssueAction[]): World {
  const issues: ExistingIssue[] = world.issues.map((i) => ({ ...i, labels: [...i.labels] }));
  const comments = [...world.comments];
  let next = Math.max(0, ...issues.map((i) => i.number)) + 1;
  const at = (n: number) => issues.findIndex((i) => i.number === n);
  for (const a of actions) {
    switch (a.kind) {
      case "open":
      case "open-successor":
        issues.push(issue({ number: next, title: a.title, body: a.body, labels: [...a.labels] }));
        next++;
        break;
      case "update-body":
        issues[at(a.issueNumber)] = { ...issues[at(a.issueNumber)]!, body: a.body };
        break;
      case "comment":
      case "reopen":
        if (!comments.some((c) => c.issue === a.issueNumber && c.body.includes(a.commentMarker)))
          comments.push({ issue: a.issueNumber, body: a.comment });
        issues[at(a.issueNumber)] = {
          ...issues[at(a.issueNumber)]!,
          body: a.body,
          ...(a.kind === "reopen" ? { state: "open" as const, stateReason: "reopened" as const } : {}),
        };
        break;
      case "close-duplicate":
        if (!comments.some((c) => c.issue === a.issueNumber && c.body.includes(a.commentMarker)))
          comments.push({ issue: a.issueNumber, body: a.comment });
        if (a.close)
          issues[at(a.issueNumber)] = {
            ...issues[at(a.issueNumber)]!,
            body: a.body,
            state: "closed",
            stateReason: "duplicate",
            closedAt: new Date(T0).toISOString(),
          };
        break;
      default:
        break;
    }
  }
  return { issues, comments };
}

function markerOf(world: World, n: number): IssueMarker {
  const m = parseIssueMarker(world.issues.find((i) => i.number === n)!.body);
  if (!m.ok) throw new Error(`issue ${n} has no marker`);
  return m.marker;
}

const kinds = (actions: IssueAction[]) =>
  actions.map((a) => (a.kind === "close-duplicate" ? `close-duplicate:#${a.issueNumber}→#${a.survivor.number}` : a.kind));
const closes = (actions: IssueAction[]) => actions.filter((a): a is CloseDuplicateAction => a.kind === "close-duplicate");

// Three fragments of one problem ("Failed password for root/ftp/admin"), each tracking an issue.
const X = cluster({ fingerprint: "lg1-xxxx", template: "Failed password for root from <*> port <*>", count: 10 });
const Y = cluster({ fingerprint: "lg1-yyyy", template: "Failed password for ftp from <*> port <*>", count: 6 });
const Z = cluster({ fingerprint: "lg1-zzzz", template: "Failed password for admin from <*> port <*>", count: 4 });

/** Hour 0: one issue per fragment (#1 X, #2 Y, #3 Z); hour 1: Y and Z only. */
function split(): World {
  let world: World = { issues: [], comments: [] };
  world = apply(world, plan([X, Y, Z], world.issues, T0));
  world = apply(
    world,
    plan(
      [
        { ...Y, count: 5 },
        { ...Z, count: 3 },
      ],
      world.issues,
      T0 + HOUR,
    ),
  );
  return world;
}

const merged = (overrides: Partial<PrioritizedCluster> = {}) =>
  cluster({
    fingerprint: "lg1-xxxx",
    mergedFrom: ["lg1-yyyy", "lg1-zzzz"],
    template: "Failed password for <*> from <*> port <*>",
    count: 30,
    ...overrides,
  });

describe("a merge keeps one issue", () => {
  it("closes the others as duplicates of the issue of the cluster's own fingerprint, linking it", () => {
    const world = split();
    expect(world.issues.map((i) => markerOf(world, i.number).fp)).toEqual(["lg1-xxxx", "lg1-yyyy", "lg1-zzzz"]);
    const actions = plan([merged()], world.issues, T0 + 2 * HOUR);
    expect(kinds(actions)).toEqual(["update-body", "close-duplicate:#2→#1", "close-duplicate:#3→#1"]);
    const [toY] = closes(actions);
    expect(toY!.comment).toMatch(/^<!-- log-gardener:comment v1 w=merged-into-1 fp=lg1-yyyy -->\nDuplicate of #1\n/);
    expect(toY!.close).toBe(true);
    const after = apply(world, actions);
    expect(after.issues.map((i) => [i.number, i.state, i.stateReason])).toEqual([
      [1, "open", null],
      [2, "closed", "duplicate"],
      [3, "closed", "duplicate"],
    ]);
    expect(markerOf(after, 2).into).toBe(1);
    expect(after.issues[1]!.body).toContain("Closed as a duplicate of #1");
  });

  it("sums the absorbed issues' hourly history into the survivor's marker, hour by hour", () => {
    const world = split();
    const after = apply(world, plan([merged()], world.issues, T0 + 2 * HOUR));
    const m = markerOf(after, 1);
    // Hour 0: 10 + 6 + 4; hour 1: 0 + 5 + 3; hour 2: the merged cluster's own count.
    expect(m.hist).toEqual({ h0: T0 / HOUR, c: [20, 8, 30] });
    expect(m.fp).toBe("lg1-xxxx");
    expect(m.aka).toEqual(["lg1-yyyy", "lg1-zzzz"]);
    expect(m.merged).toEqual([2, 3]);
  });

  it("is no escalation: the merged rate is measured against the fragments' baselines together", () => {
    const world = split();
    // 10 + 6 + 4 per hour when they were opened; 30 per hour merged is not 3 × 20.
    const actions = plan([merged()], world.issues, T0 + 2 * HOUR);
    expect(actions[0]!.kind).toBe("update-body");
    expect(markerOf(apply(world, actions), 1).base).toBe(20);
  });

  it("without an issue of its own fingerprint, the oldest absorbed issue survives and takes the fingerprint", () => {
    const world = split();
    const actions = plan(
      [merged({ fingerprint: "lg2-merged", mergedFrom: ["lg1-zzzz", "lg1-yyyy", "lg1-xxxx"] })],
      world.issues,
      T0 + 2 * HOUR,
    );
    expect(kinds(actions)).toEqual(["update-body", "close-duplicate:#2→#1", "close-duplicate:#3→#1"]);
    const after = apply(world, actions);
    const m = markerOf(after, 1);
    expect(m.fp).toBe("lg2-merged");
    expect(new Set(m.aka)).toEqual(new Set(["lg1-xxxx", "lg1-yyyy", "lg1-zzzz"]));
    // A later run with only the new fingerprint (mergedFrom gone) still finds the survivor.
    expect(
      kinds(
        plan(
          [cluster({ fingerprint: "lg2-merged", template: "Failed password for <*> from <*> port <*>", count: 30 })],
          after.issues,
          T0 + 3 * HOUR,
        ),
      ),
    ).toEqual(["update-body"]);
    // And a cluster still carrying an absorbed fingerprint updates the survivor, not the closed duplicate.
    expect(plan([{ ...Y, count: 2 }], after.issues, T0 + 3 * HOUR).map((a) => ("issueNumber" in a ? a.issueNumber : undefined))).toEqual([
      1,
    ]);
  });

  it("fixes issues an earlier version opened for one split problem, once mergedFrom names their fingerprints", () => {
    // Earlier versions used another fingerprint scheme; their issues carry it in the marker.
    const old = (n: number, fp: string) =>
      issue({
        number: n,
        body: `<!-- log-gardener:v1 {"kind":"problem","fp":"${fp}","svc":"netra-backend-staging","tpl":"Failed password for user${n}","hist":{"h0":${T0 / HOUR},"c":[${n}]},"base":${n}} -->\nold body`,
      });
    const existing = [old(4, "lg0-a"), old(7, "lg0-b"), old(9, "lg0-c")];
    const actions = plan([merged({ fingerprint: "lg1-new", mergedFrom: ["lg0-a", "lg0-b", "lg0-c"] })], existing, T0 + HOUR);
    expect(kinds(actions)).toEqual(["update-body", "close-duplicate:#7→#4", "close-duplicate:#9→#4"]);
    const after = apply({ issues: existing, comments: [] }, actions);
    expect(markerOf(after, 4).hist).toEqual({ h0: T0 / HOUR, c: [4 + 7 + 9, 30] });
  });

  it("a rerun of the same window changes nothing and adds no history twice", () => {
    const world = split();
    const at = T0 + 2 * HOUR;
    const once = apply(world, plan([merged()], world.issues, at));
    const rerun = plan([merged()], once.issues, at);
    // The survivor is unchanged; the duplicates closed in this window are only checked for their comment.
    expect(kinds(rerun)).toEqual(["skip", "close-duplicate:#2→#1", "close-duplicate:#3→#1"]);
    expect(closes(rerun).map((a) => a.close)).toEqual([false, false]);
    const twice = apply(once, rerun);
    expect(twice).toEqual(once);
  });

  it("a retry after only the survivor was updated closes the duplicates without adding their history again", () => {
    const world = split();
    const at = T0 + 2 * HOUR;
    const first = plan([merged()], world.issues, at);
    const halfway = apply(world, first.slice(0, 1)); // the run died after the survivor's update
    expect(halfway.issues.map((i) => i.state)).toEqual(["open", "open", "open"]);
    const retry = plan([merged()], halfway.issues, at);
    expect(kinds(retry)).toEqual(["skip", "close-duplicate:#2→#1", "close-duplicate:#3→#1"]);
    const done = apply(halfway, retry);
    expect(markerOf(done, 1).hist.c).toEqual([20, 8, 30]);
    expect(done).toEqual(apply(world, first));
  });

  it("a retry after a duplicate was closed but not commented on posts the comment once", () => {
    const world = split();
    const at = T0 + 2 * HOUR;
    const full = apply(world, plan([merged()], world.issues, at));
    const lost = { ...full, comments: full.comments.filter((c) => c.issue !== 2) };
    const retry = plan([merged()], lost.issues, at);
    const done = apply(lost, retry);
    expect(done.comments.filter((c) => c.issue === 2)).toHaveLength(1);
    expect(done.comments).toHaveLength(2);
  });

  it("later windows leave the duplicates alone and never close the survivor", () => {
    const world = split();
    let w = apply(world, plan([merged()], world.issues, T0 + 2 * HOUR));
    for (let h = 3; h < 6; h++) {
      const actions = plan([merged({ count: 25 })], w.issues, T0 + h * HOUR);
      expect(kinds(actions)).toEqual(["update-body"]);
      w = apply(w, actions);
    }
    expect(w.issues.map((i) => i.state)).toEqual(["open", "closed", "closed"]);
    expect(markerOf(w, 1).hist.c).toEqual([20, 8, 30, 25, 25, 25]);
    expect(w.comments).toHaveLength(2);
  });

  it("when its own issue was closed long ago, the open absorbed issue survives instead of a new issue", () => {
    const world = split();
    const issues = world.issues.map((i) =>
      i.number === 1
        ? { ...i, state: "closed" as const, stateReason: "completed" as const, closedAt: new Date(T0 + HOUR).toISOString() }
        : i,
    );
    const at = T0 + 40 * DAY;
    const actions = plan([merged({ count: 12 })], issues, at);
    expect(kinds(actions)).toEqual(["update-body", "close-duplicate:#3→#2"]);
    const after = apply({ issues, comments: [] }, actions);
    expect(markerOf(after, 2).fp).toBe("lg1-xxxx");
    expect(kinds(plan([merged({ count: 12 })], after.issues, at + HOUR))).toEqual(["update-body"]);
  });

  it("leaves alone an absorbed issue labelled quiet, and one a person reopened after the merge", () => {
    const world = split();
    const quiet = world.issues.map((i) => (i.number === 3 ? { ...i, labels: [...i.labels, "log-gardener:quiet"] } : i));
    expect(kinds(plan([merged()], quiet, T0 + 2 * HOUR))).toEqual(["update-body", "close-duplicate:#2→#1"]);
    const after = apply(world, plan([merged()], world.issues, T0 + 2 * HOUR));
    const reopened = after.issues.map((i) => (i.number === 2 ? { ...i, state: "open" as const, stateReason: "reopened" as const } : i));
    expect(kinds(plan([merged()], reopened, T0 + 3 * HOUR))).toEqual(["update-body"]);
  });

  it("does not absorb the issue another cluster of this run tracks", () => {
    const world = split();
    const actions = plan([merged(), { ...Z, count: 2, priority: "P5" }], world.issues, T0 + 2 * HOUR);
    expect(kinds(actions)).toEqual(["update-body", "close-duplicate:#2→#1", "update-body"]);
  });
});
