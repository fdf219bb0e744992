import { DEFAULT_TRIAGE_POLICY, planIssueActions } from "../../../src/core/triage/issue-plan";
import { withArticle } from "../../../src/core/triage/issue-body";
import { windowId } from "../../../src/core/report/object-keys";
import { SEVERITIES } from "../../../src/core/severity";
import { cluster, HOUR, T0 } from "../fixtures/issue-clusters";

describe("issue text", () => {
  test.each([
    ["ERROR", "an ERROR"],
    ["EMERGENCY", "an EMERGENCY"],
    ["ALERT", "an ALERT"],
    ["INFO", "an INFO"],
    ["WARNING", "a WARNING"],
    ["CRITICAL", "a CRITICAL"],
    ["DEFAULT", "a DEFAULT"],
    ["NOTICE", "a NOTICE"],
    ["DEBUG", "a DEBUG"],
  ])("%s takes %s", (severity, phrase) => {
    expect(withArticle(severity)).toBe(phrase);
  });

  test("a new issue's first sentence reads right for every severity", () => {
    const clusters = SEVERITIES.map((severity, i) =>
      cluster({ fingerprint: `lg1-${String(i).padStart(16, "0")}`, severity, severities: { [severity]: 12 } }),
    );
    const actions = planIssueActions({
      clusters,
      existing: [],
      policy: { ...DEFAULT_TRIAGE_POLICY, maxNewIssuesPerRun: clusters.length },
      run: {
        windowId: windowId(T0),
        windowStart: T0,
        windowEnd: T0 + HOUR,
        now: T0 + HOUR,
        worklogUrl: () => "https://example.test/w.md",
        logsExplorerUrl: () => "https://example.test/q",
      },
    });
    const bodies = actions.flatMap((a) => (a.kind === "open" ? [a.body] : []));
    expect(bodies).toHaveLength(clusters.length);
    for (const body of bodies) {
      const sentence = /Log Gardener found (an?) ([A-Z]+) problem/.exec(body);
      expect(sentence).not.toBeNull();
      expect(sentence![1]).toBe(/^[AEIOU]/.test(sentence![2]!) ? "an" : "a");
    }
    expect(bodies.join("\n")).toContain("found an ERROR problem");
    // The worklog link is the URL it was given, as a link GitHub opens.
    for (const body of bodies) expect(body).toContain("[Worklog](https://example.test/w.md)");
    expect(bodies.join("\n")).not.toMatch(/\ba [AEIOU][A-Z]+ problem/);
  });
});
