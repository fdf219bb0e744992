// The worklog under thousands of clusters: full sections for the most urgent, a row each for the
// next ones, the rest only in the sidecar with a line saying so; every cluster named by words a
// person can act on; and merges (issues closed as duplicates) said in the cluster and in Notes.
import { prioritizeAll } from "../../../src/core/cluster/priority";
import { buildSidecar, parseSidecar } from "../../../src/core/report/sidecar";
import { clusterTitle, renderWorklog } from "../../../src/core/report/worklog";
import type { WorklogMerge } from "../../../src/core/report/worklog-model";
import type { PrioritizedCluster } from "../../../src/core/types";
import { makeCluster, seedModel } from "../fixtures/seed-worklog-model";

const WORDS = ["quartz", "fjord", "lantern", "meadow", "cobalt", "harbor", "thistle", "ember"];

/** `n` clusters of free text, as a service logging random words gives: counts n..1, all-variable templates for every 7th. */
function freeText(n: number): PrioritizedCluster[] {
  return prioritizeAll(
    Array.from({ length: n }, (_, i) => {
      const text = `${WORDS[i % 8]} ${WORDS[(i >> 3) % 8]} ${WORDS[(i >> 6) % 8]} ${i}`;
      return makeCluster({
        fingerprint: `lg1-${String(i).padStart(16, "0")}`,
        template: i % 7 === 0 ? "<*> <*> <*> <*>" : text.replace(/\d+$/, "<*>"),
        count: n - i,
        severity: i % 50 === 0 ? "ERROR" : "WARNING",
        samples: [{ textPayload: text, severity: "WARNING" }],
      });
    }),
  );
}

/** The worklog without the priority appendix (its table has numbered rows too). */
const body = (md: string) => md.slice(0, md.indexOf("<details>"));
const sectionCount = (md: string) => md.split("\n").filter((l) => l.startsWith("### Cluster ")).length;

describe("worklog layout", () => {
  test("sections for the most urgent, a row for each of the next, the rest only in the sidecar", () => {
    const clusters = freeText(400);
    const model = seedModel({ clusters, issues: {}, related: {}, layout: { sections: 5, rows: 10 } });
    const md = body(renderWorklog(model));
    expect(sectionCount(md)).toBe(5);
    expect(md.split("\n").filter((l) => l.startsWith("### Cluster "))[0]).toContain(`### Cluster 1: ${clusterTitle(clusters[0]!)}`);
    const more = md.slice(md.indexOf("## More Clusters"));
    const rows = more.split("\n").filter((l) => /^\| \d+ \|/.test(l));
    expect(rows.map((r) => Number(/^\| (\d+) \|/.exec(r)![1]))).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(rows[0]).toContain(clusters[5]!.fingerprint);
    expect(md).toContain("**385 more clusters** (");
    expect(md).toContain("are only in the JSON sidecar `0100Z.json` next to this worklog (`netra-backend-staging/2025/09/15/0100Z.json`)");
    expect(md).not.toContain(clusters[15]!.fingerprint);
    // The summary table lists the sectioned clusters only, and points at the rest.
    const summary = md.slice(md.indexOf("## Executive Summary"), md.indexOf("## Log Clusters Identified"));
    expect(summary.split("\n").filter((l) => /^\| \d+ \|/.test(l))).toHaveLength(5);
    expect(summary).toContain("Clusters 6 to 400 are less urgent: see More Clusters below and the JSON sidecar.");
    // The sidecar keeps every cluster, each with its name.
    const sidecar = buildSidecar(model);
    expect(sidecar.clusters).toHaveLength(400);
    expect(sidecar.clusters.map((c) => c.name)).toEqual(clusters.map(clusterTitle));
  });

  test("defaults: 50 sections and 300 rows", () => {
    const md = body(renderWorklog(seedModel({ clusters: freeText(1000), issues: {}, related: {} })));
    expect(sectionCount(md)).toBe(50);
    expect(
      md
        .slice(md.indexOf("## More Clusters"))
        .split("\n")
        .filter((l) => /^\| \d+ \|/.test(l)),
    ).toHaveLength(300);
    expect(md).toContain("**650 more clusters**");
  });

  test("few clusters: no More Clusters table and no sidecar line", () => {
    const md = body(renderWorklog(seedModel()));
    expect(md).not.toContain("## More Clusters");
    expect(md).not.toContain("only in the JSON sidecar");
  });

  test("lists of cluster numbers in Next Steps stop at twenty", () => {
    const clusters = freeText(200).map((c) => ({ ...c, priority: "P1" as const }));
    const md = body(renderWorklog(seedModel({ clusters, issues: {}, related: {} })));
    expect(md).toContain(
      "Look at the P1 clusters first: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 and 180 more",
    );
  });
});

describe("cluster names", () => {
  test("no heading or row of an hour of free text is made of wildcards", () => {
    const md = body(renderWorklog(seedModel({ clusters: freeText(120), issues: {}, related: {}, layout: { sections: 20, rows: 100 } })));
    const named = md.split("\n").filter((l) => l.startsWith("### Cluster ") || /^\| \d+ \|/.test(l));
    expect(named).toHaveLength(20 + 20 + 100);
    for (const line of named) expect(line).toMatch(/\p{L}{3,}/u);
    expect(md).not.toMatch(/### Cluster \d+: …/);
    expect(md).not.toContain("| `…` |");
  });
});

describe("merges in the worklog", () => {
  const merge = (over: Partial<WorklogMerge> = {}): WorklogMerge => ({
    duplicate: { number: 7, url: "https://github.com/o/r/issues/7", fingerprint: "lg1-yyyy" },
    survivor: { number: 3, url: "https://github.com/o/r/issues/3" },
    closes: true,
    dryRun: false,
    ...over,
  });

  test("a line per merge in the cluster's section and in Notes; the sidecar carries them", () => {
    const base = seedModel();
    const fp = base.clusters[1]!.fingerprint;
    const model = { ...base, merges: { [fp]: [merge(), merge({ duplicate: { number: 9, fingerprint: "lg1-zzzz" } })] } };
    const md = body(renderWorklog(model));
    const section = md.slice(md.indexOf("### Cluster 2:"), md.indexOf("### Cluster 3:"));
    expect(section).toContain(
      "**Merged Issues:** closed [#7](<https://github.com/o/r/issues/7>) (fingerprint `lg1-yyyy`) as a duplicate of [#3](<https://github.com/o/r/issues/3>), its history moved there; " +
        "closed #9 (fingerprint `lg1-zzzz`) as a duplicate of [#3](<https://github.com/o/r/issues/3>), its history moved there",
    );
    const notes = md.slice(md.indexOf("## Notes"), md.indexOf("## Processing Status"));
    expect(notes).toMatch(/^- Cluster 2 \(.+\) is one problem that earlier runs tracked as 3 issues: closed \[#7\]/m);
    const parsed = parseSidecar(JSON.parse(JSON.stringify(buildSidecar(model))));
    expect(parsed.ok && parsed.sidecar.clusters[1]!.merges).toEqual([
      {
        duplicate: 7,
        duplicateUrl: "https://github.com/o/r/issues/7",
        fingerprint: "lg1-yyyy",
        survivor: 3,
        survivorUrl: "https://github.com/o/r/issues/3",
        closes: true,
        dryRun: false,
      },
      { duplicate: 9, fingerprint: "lg1-zzzz", survivor: 3, survivorUrl: "https://github.com/o/r/issues/3", closes: true, dryRun: false },
    ]);
  });

  test("dry run, failure and an earlier try are worded as such", () => {
    const base = seedModel();
    const fp = base.clusters[0]!.fingerprint;
    const md = (g: WorklogMerge) => renderWorklog({ ...base, merges: { [fp]: [g] } });
    expect(md(merge({ dryRun: true }))).toContain("dry run: would close [#7]");
    expect(md(merge({ error: "502 Server Error" }))).toContain(
      "⚠️ closing [#7](<https://github.com/o/r/issues/7>) (fingerprint `lg1-yyyy`) as a duplicate of [#3](<https://github.com/o/r/issues/3>) failed: 502 Server Error",
    );
    expect(md(merge({ closes: false }))).toContain("closed already in an earlier try of this window");
  });
});
