import { describeAction, issueOutcomes, plannedIssueFields } from "../../../src/core/report/issue-fields";
import type { IssueAction, IssueActionResult } from "../../../src/core/triage/issue-plan";
import { describeIssue } from "../../../src/core/report/worklog";

const W = "2025-09-15T01";
const open = (fingerprint: string, service: string): IssueAction => ({
  kind: "open",
  fingerprint,
  service,
  windowId: W,
  title: "t",
  body: "b",
  labels: [],
  related: [],
});
const overCap = (fingerprint: string, service: string): IssueAction => ({
  kind: "skip",
  reason: "over-cap",
  fingerprint,
  service,
  windowId: W,
});
const mute = (fingerprint: string, service: string, issueNumber: number): IssueAction => ({
  kind: "mute",
  reason: "not-planned",
  fingerprint,
  service,
  windowId: W,
  issueNumber,
  url: `https://github.com/o/r/issues/${issueNumber}`,
  matchedBy: "fingerprint",
});
const digest = (fingerprints: string[]): IssueAction => ({
  kind: "digest",
  fingerprint: "lg1-digest",
  service: "",
  windowId: W,
  reopen: false,
  title: "d",
  body: "b",
  labels: [],
  fingerprints,
});
const ok = (fingerprint: string, action: string, issueNumber?: number, detail?: string): IssueActionResult => ({
  fingerprint,
  action,
  issueNumber,
  url: issueNumber ? `https://github.com/o/r/issues/${issueNumber}` : undefined,
  ok: true,
  detail,
});
const failed = (fingerprint: string, action: string, error: string): IssueActionResult => ({ fingerprint, action, ok: false, error });

describe("describeAction", () => {
  test("names the action and, when there is one, why", () => {
    expect(describeAction("mute", "not-planned")).toBe("mute (not-planned)");
    expect(describeAction("open", undefined)).toBe("open");
  });
});

describe("plannedIssueFields", () => {
  test("one field per action, under the action's service, with the issue it acts on", () => {
    const fields = plannedIssueFields([open("a", "api"), mute("b", "api", 7), open("c", "web")], true);
    expect([...fields.keys()]).toEqual(["api", "web"]);
    expect(fields.get("api")).toEqual({
      a: { action: "open", number: undefined, url: undefined, dryRun: true },
      b: { action: "mute (not-planned)", number: 7, url: "https://github.com/o/r/issues/7", dryRun: true },
    });
    expect(fields.get("web")).toEqual({ c: { action: "open", number: undefined, url: undefined, dryRun: true } });
  });

  test("a problem over the cap on new issues reads as listed in the digest", () => {
    expect(plannedIssueFields([overCap("a", "api")], false).get("api")).toEqual({
      a: { action: "listed-in-digest", number: undefined, url: undefined, dryRun: false },
    });
  });
});

describe("a held variant", () => {
  const held: IssueAction = { kind: "skip", reason: "held-variant", variantOf: "lg1-head", fingerprint: "a", service: "api", windowId: W };
  const field = {
    action: "held (a variant of lg1-head; its own issue opens when the hold is over, if it still stands apart)",
    number: undefined,
    url: undefined,
    dryRun: false,
  };

  test("reads as held, naming the cluster it is a variant of", () => {
    expect(plannedIssueFields([held], false).get("api")).toEqual({ a: field });
  });

  test("keeps that field once the plan is carried out", () => {
    const out = issueOutcomes([held], [ok("a", "skip", undefined, "held-variant")], new Map([["a", "api"]]), false);
    expect(out.fields.get("api")).toBeUndefined();
    expect(out.results.get("api")?.map((r) => r.detail)).toEqual(["held-variant"]);
    expect(out.failures).toEqual([]);
  });

  test("is described in the worklog as held", () => {
    expect(describeIssue(field)).toBe(
      "issue held (a variant of lg1-head; its own issue opens when the hold is over, if it still stands apart)",
    );
    expect(describeIssue({ ...field, dryRun: true })).toBe(
      "dry run: would hold its issue (a variant of lg1-head; its own issue opens when the hold is over, if it still stands apart)",
    );
  });
});

describe("issueOutcomes", () => {
  const serviceOf = new Map([
    ["a", "api"],
    ["b", "api"],
    ["c", "web"],
  ]);

  test("each result becomes its cluster's field, with the issue number; results are kept per service", () => {
    const actions = [open("a", "api"), mute("b", "api", 7), open("c", "web")];
    const results = [ok("a", "open", 11), ok("b", "mute", 7, "not-planned"), ok("c", "open", 12)];
    const out = issueOutcomes(actions, results, serviceOf, false);
    expect(out.fields.get("api")).toEqual({
      a: { action: "open", number: 11, url: "https://github.com/o/r/issues/11", error: undefined, dryRun: false },
      b: { action: "mute (not-planned)", number: 7, url: "https://github.com/o/r/issues/7", error: undefined, dryRun: false },
    });
    expect(out.results.get("api")).toEqual([results[0], results[1]]);
    expect(out.results.get("web")).toEqual([results[2]]);
    expect(out.failures).toEqual([]);
    expect(out.digest).toBeUndefined();
  });

  test("a failed action keeps its error in the field and is one failure line, in the order of the results", () => {
    const actions = [open("a", "api"), open("c", "web")];
    const out = issueOutcomes(actions, [failed("c", "open", "HTTP 502"), failed("a", "open", "HTTP 403")], serviceOf, false);
    expect(out.fields.get("web")?.c).toEqual({ action: "open", number: undefined, url: undefined, error: "HTTP 502", dryRun: false });
    expect(out.failures).toEqual(["web: open for c failed: HTTP 502", "api: open for a failed: HTTP 403"]);
  });

  test("the problems listed in the digest point at the digest issue; their own over-cap skips change nothing", () => {
    const actions = [overCap("a", "api"), overCap("c", "web"), digest(["a", "c"])];
    const digestResult = ok("lg1-digest", "update-body", 40);
    const out = issueOutcomes(
      actions,
      [ok("a", "skip", undefined, "over-cap"), digestResult, ok("c", "skip", undefined, "over-cap")],
      serviceOf,
      true,
    );
    const listed = { action: "listed-in-digest", number: 40, url: "https://github.com/o/r/issues/40", error: undefined, dryRun: true };
    expect(out.fields.get("api")).toEqual({ a: listed });
    expect(out.fields.get("web")).toEqual({ c: listed });
    expect(out.digest).toBe(digestResult);
    // The digest's result belongs to no service; the skips are still each service's results.
    expect(out.results.get("api")?.map((r) => r.fingerprint)).toEqual(["a"]);
    expect(out.results.get("web")?.map((r) => r.fingerprint)).toEqual(["c"]);
  });

  test("a failed digest issue is a failure, and each problem it lists carries the error", () => {
    const out = issueOutcomes([overCap("a", "api"), digest(["a"])], [failed("lg1-digest", "open", "HTTP 500")], serviceOf, false);
    expect(out.failures).toEqual(["digest issue: open failed: HTTP 500"]);
    expect(out.fields.get("api")?.a).toMatchObject({ action: "listed-in-digest", error: "HTTP 500" });
  });

  test("a result for a cluster no published service holds is left out", () => {
    const out = issueOutcomes([open("z", "other")], [failed("z", "open", "HTTP 500")], serviceOf, false);
    expect(out.fields.size).toBe(0);
    expect(out.results.size).toBe(0);
    expect(out.failures).toEqual([]);
  });
});
