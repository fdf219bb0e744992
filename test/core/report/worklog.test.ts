import { prioritize } from "../../../src/core/cluster/priority";
import { renderWorklog } from "../../../src/core/report/worklog";
import type { WorklogModel, WorklogStatus } from "../../../src/core/report/worklog-model";
import { makeCluster, seedModel } from "../fixtures/seed-worklog-model";

/** The markdown with fenced blocks and code spans removed: what GitHub would interpret. */
function outsideCode(md: string): string {
  const kept: string[] = [];
  let fenceRun: string | undefined;
  for (const line of md.split("\n")) {
    const m = /^(`{3,})/.exec(line);
    if (fenceRun === undefined && m) fenceRun = m[1];
    else if (fenceRun !== undefined && line.trim() === fenceRun) fenceRun = undefined;
    else if (fenceRun === undefined) kept.push(line);
  }
  expect(fenceRun).toBeUndefined(); // every fence closed
  return kept.join("\n").replace(/(?<![\\`])(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, "«code»"); // a backslash-escaped backtick opens nothing
}

/** The lines of the block fenced right after `marker`. */
function fencedAfter(md: string, marker: string): { fence: string; body: string[] } {
  const lines = md.split("\n");
  const start = lines.findIndex((l) => l.startsWith(marker)) + 1;
  const ticks = /^(`{3,})/.exec(lines[start]!)![1]!;
  const end = lines.findIndex((l, i) => i > start && l === ticks);
  return { fence: lines[start]!, body: lines.slice(start + 1, end) };
}

const withStatus = (status: Partial<WorklogStatus>, more: Partial<WorklogModel> = {}): WorklogModel => {
  const base = seedModel();
  return { ...base, ...more, status: { ...base.status, ...status } };
};

describe("renderWorklog", () => {
  test("the seed's five clusters", () => {
    expect(renderWorklog(seedModel())).toMatchSnapshot();
  });

  test("an empty window reads sensibly", () => {
    const md = renderWorklog(
      seedModel({
        clusters: [],
        stats: { read: 0, duplicates: 0, outsideWindow: 0, belowSeverity: 0, otherServices: 0, clustered: 0, skipped: {} },
        skippedSamples: [],
        issues: {},
        notes: [],
        status: {
          collected: true,
          clustered: true,
          issuesPlanned: true,
          issuesPublished: false,
          dryRun: false,
          relatedResearched: false,
          relatedLinked: false,
        },
      }),
    );
    expect(md).toMatchSnapshot();
    expect(md).toContain(
      "No log entries came in from the last 1 hour for netra-backend-staging (WARNING and above, from cloud-logging project netra-staging). " +
        "Nothing to cluster this window, so no issue to open.",
    );
    expect(md).not.toContain("Related issues");
    expect(md).toContain("## Log Clusters Identified\n\nNone this window.");
    expect(md).toContain("- [x] No GitHub issues needed (no clusters)");
    expect(md).toContain("## Next Steps\n\nNothing to do for this window.");
    expect(md).not.toContain("| # | Priority | Severity |");
    expect(md).not.toContain("## Skipped Entries");
  });

  test("a header in the seed's shape", () => {
    const md = renderWorklog(seedModel());
    expect(md.startsWith("# GCP Log Gardener Worklog\n\n**Focus Area:** Last 1 hour\\\n**Date/Time:** 2025-09-15 02:03 UTC\\\n")).toBe(
      true,
    );
    expect(md).toContain("**Log Collection Period:** 2025-09-15T01:00:00Z to 2025-09-15T02:00:00Z");
  });

  test("the mislabeled cluster is flagged in its heading, severity line and summary", () => {
    const md = renderWorklog(seedModel());
    expect(md).toMatch(/### Cluster 2: .*GOLDEN PATH.* \(CRITICAL level but informational\)\n/);
    expect(md).toContain("- **Severity:** CRITICAL/P3 — ⚠️ severity looks mislabeled");
    expect(md).toContain("the severity looks mislabeled: cluster 2 (CRITICAL)");
    expect(md).toContain("| 2 | P3 | CRITICAL (mislabeled?) | 36 |");
  });

  test("a sample can't close its fence", () => {
    const sample = { message: "look: ```\n# Heading\n```` and ````` done", nested: "````" };
    const cluster = prioritize(makeCluster({ fingerprint: "lg1-fence", template: "look: <*>", samples: [sample] }));
    const md = renderWorklog(seedModel({ clusters: [cluster], issues: {} }));
    const { fence, body } = fencedAfter(md, "**Sample Log Entry:**");
    expect(fence).toBe("``````json");
    expect(JSON.parse(body.join("\n"))).toEqual(sample);
    outsideCode(md);
  });

  test("log text can't inject HTML, break a table, ping anyone or link an issue", () => {
    const evil = "<img src=x onerror=alert(1)> | broken | @octocat #123 ` **x** [y](javascript:alert(1))\n## Injected heading";
    const cluster = prioritize(
      makeCluster({
        fingerprint: "lg1-evil",
        severity: "ERROR",
        template: evil,
        source: evil,
        variables: [{ name: "user", top: [{ value: evil, count: 3 }], distinct: 1 }],
        revisions: [{ value: "rev|`1`", count: 3 }],
        traceIds: ["@octocat"],
        samples: [evil],
        exceptionType: "Err<script>",
      }),
    );
    const md = renderWorklog(
      seedModel({
        service: "svc @octocat",
        clusters: [cluster],
        issues: {
          "lg1-evil": {
            action: "comment",
            number: 7,
            url: "https://github.com/o/r/issues/7",
            error: "boom <b>@octocat</b> #9",
            dryRun: false,
          },
        },
        related: { "lg1-evil": [{ number: 8, url: "https://github.com/o/r/issues/8", title: "@octocat <i>#99</i>" }] },
        notes: ["note @octocat <script>"],
        skippedSamples: [{ reason: "missing-timestamp", detail: "@octocat #5 <b>", sample: "```\n<b>" }],
      }),
    );
    const visible = outsideCode(md);
    expect(visible).not.toMatch(/<(img|script|b|i)\b/i);
    expect(visible).not.toMatch(/@octocat/);
    expect(visible).not.toMatch(/#(9|99|123|5)\b/);
    expect(visible).not.toMatch(/^#+ Injected/m);
    expect(visible).not.toMatch(/\]\(javascript:/);
    // Every summary-table row still has six cells.
    const lines = md.split("\n");
    const header = lines.findIndex((l) => l.startsWith("| # | Priority | Severity |"));
    const rows = lines.slice(header + 2, lines.indexOf("", header));
    expect(rows).toHaveLength(1);
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length - 2).toBe(6);
    expect(md).toContain("⚠️ comment on [#7](<https://github.com/o/r/issues/7>) failed: boom &lt;b&gt;@\u200boctocat&lt;/b&gt; #\u200b9");
  });

  test.each([
    {
      name: "published",
      status: { issuesPlanned: true, issuesPublished: true, dryRun: false },
      line: "- [x] GitHub issues created/updated for each cluster",
    },
    {
      name: "dry run",
      status: { issuesPlanned: true, issuesPublished: false, dryRun: true },
      line: "- [ ] GitHub issues to be created/updated for each cluster (dry run: planned, not published)",
    },
    {
      name: "planned, stopped before publishing",
      status: { issuesPlanned: true, issuesPublished: false, dryRun: false },
      line: "- [ ] GitHub issues to be created/updated for each cluster (planned, not published)",
    },
    {
      name: "not planned",
      status: { issuesPlanned: false, issuesPublished: false, dryRun: false },
      line: "- [ ] GitHub issues to be created/updated for each cluster\n",
    },
    {
      name: "collection failed",
      status: { collected: false, clustered: false },
      line: "- [ ] Logs collected for last 1 hour\n- [ ] Clusters identified and documented",
    },
    {
      name: "collection failed, summary",
      status: { collected: false },
      line: "Collection did not finish, so these counts cover only part of the window.",
    },
    { name: "related researched", status: { relatedResearched: true }, line: "- [x] Related issues researched" },
    { name: "related not researched", status: { relatedResearched: false }, line: "- [ ] Related issues research to be performed" },
    { name: "related linked", status: { relatedLinked: true }, line: "- [x] Related issues linked" },
  ])("checklist: $name", ({ status, line }) => {
    expect(renderWorklog(withStatus(status))).toContain(line);
  });

  test("checklist: published with a failed action is not ticked", () => {
    const base = seedModel();
    const md = renderWorklog(
      withStatus(
        { issuesPlanned: true, issuesPublished: true, dryRun: false },
        { issues: { ...base.issues, "lg1-5f1d2c3b4a596877": { action: "open", error: "HTTP 502", dryRun: false } } },
      ),
    );
    expect(md).toContain("- [ ] GitHub issues to be created/updated for each cluster (1 action failed)");
    expect(md).toContain("Retry the failed GitHub actions for cluster 1");
  });

  test("a truncated read says how far it got", () => {
    const md = renderWorklog(
      seedModel({
        truncations: [
          { service: "netra-backend-staging", read: 200000, upTo: "2025-09-15T01:41:07.120Z", reason: "LOG_GARDENER_MAX_ENTRIES reached" },
        ],
      }),
    );
    expect(md).toContain(
      "## Truncated Reads\n\n- Reading netra-backend-staging stopped after 200,000 entries, up to 2025-09-15T01:41:07.120Z: LOG\\_GARDENER\\_MAX\\_ENTRIES reached.",
    );
    expect(md).toContain("Reading stopped early (netra-backend-staging after 200,000 entries, up to 2025-09-15T01:41:07.120Z)");
    expect(md).toMatch(/\d\. Raise LOG_GARDENER_MAX_ENTRIES/);
  });

  test("published issues link to GitHub", () => {
    const md = renderWorklog(
      withStatus(
        { issuesPlanned: true, issuesPublished: true, dryRun: false },
        {
          issues: {
            "lg1-5f1d2c3b4a596877": { action: "open", number: 41, url: "https://github.com/netra/backend/issues/41", dryRun: false },
          },
        },
      ),
    );
    expect(md).toContain("- **GitHub Issue:** opened [#41](<https://github.com/netra/backend/issues/41>)");
    expect(md).not.toContain("Publish the planned GitHub issue actions");
  });
});
