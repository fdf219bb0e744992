import { buildDailyIndexHour, renderDailyIndex } from "../../../src/core/report/daily-index";
import { buildSidecar } from "../../../src/core/report/sidecar";
import { seedModel } from "../fixtures/seed-worklog-model";

const hour = (h: number): number => Date.UTC(2025, 8, 15, h);

describe("renderDailyIndex", () => {
  test("one row per hour, in order, linking each worklog relative to the index", () => {
    const md = renderDailyIndex("netra-backend-staging", "2025-09-15", [
      {
        windowStart: hour(2),
        clusters: 3,
        entries: 1200,
        top: "P1 ERROR ×900: POST /api/v1/chat → 500",
        key: "netra-backend-staging/2025/09/15/0200Z.md",
      },
      {
        windowStart: hour(1),
        clusters: 5,
        entries: 108,
        top: "P3 WARNING ×48: SSOT validation issues",
        key: "netra-backend-staging/2025/09/15/0100Z.md",
      },
      { windowStart: hour(3), clusters: 0, entries: 0, key: "netra-backend-staging/2025/09/15/0300Z.md" },
    ]);
    expect(md).toMatchSnapshot();
    const rows = md.split("\n").filter((l) => /^\| \d\dZ|^\| \d\d:\d\dZ/.test(l));
    expect(rows.map((r) => r.slice(2, 8))).toEqual(["01:00Z", "02:00Z", "03:00Z"]);
    expect(md).toContain("[`0100Z.md`](./0100Z.md)");
    expect(md).toContain("3 hourly worklogs, 1,308 entries in all. Most clusters at 01:00Z (5).");
  });

  test("with a link function, each worklog is linked by its absolute URL (a bucket's browser URL)", () => {
    const md = renderDailyIndex(
      "svc",
      "2025-09-15",
      [{ windowStart: hour(1), clusters: 1, entries: 2, key: "svc/2025/09/15/0100Z.md" }],
      (key) => `https://storage.cloud.google.com/team-worklogs/prod/${key}`,
    );
    expect(md).toContain("[`0100Z.md`](<https://storage.cloud.google.com/team-worklogs/prod/svc/2025/09/15/0100Z.md>)");
    expect(md).not.toContain("gs://");
    expect(
      renderDailyIndex(
        "svc",
        "2025-09-15",
        [{ windowStart: hour(1), clusters: 1, entries: 2, key: "svc/2025/09/15/0100Z.md" }],
        () => "gs://b/svc/2025/09/15/0100Z.md",
      ),
    ).toContain("(#)");
  });

  test("untrusted top text can't break the table or ping anyone", () => {
    const md = renderDailyIndex("svc", "2025-09-15", [
      { windowStart: hour(0), clusters: 1, entries: 1, top: "a | b @octocat <b>#1</b>", key: "svc/2025/09/15/0000Z.md" },
    ]);
    const row = md.split("\n").find((l) => l.startsWith("| 00:00Z"))!;
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(5);
    expect(row).not.toMatch(/@octocat|<b>|#1\b/);
  });

  test("a day without worklogs", () => {
    expect(renderDailyIndex("svc", "2025-09-15", [])).toBe(
      "# GCP Log Gardener Daily Index: svc, 2025-09-15\n\nNo worklogs for this day yet.\n",
    );
  });
});

describe("buildDailyIndexHour", () => {
  test("takes the most urgent cluster that isn't mislabeled", () => {
    const sidecar = buildSidecar(seedModel());
    expect(buildDailyIndexHour(sidecar, "netra-backend-staging/2025/09/15/0100Z.md")).toEqual({
      windowStart: Date.UTC(2025, 8, 15, 1),
      clusters: 5,
      entries: 108,
      top: "P3 WARNING ×48: SSOT validation issues (non-blocking): ['Multiple manager instances for user … - potentia…",
      key: "netra-backend-staging/2025/09/15/0100Z.md",
    });
  });

  test("an empty hour has no top", () => {
    const row = buildDailyIndexHour(buildSidecar(seedModel({ clusters: [] })), "k/0100Z.md");
    expect(row.top).toBeUndefined();
    expect(row.clusters).toBe(0);
  });
});
