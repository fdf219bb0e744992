import { parseWorklogRef, renderWorklogList, runWorklogsCommand } from "../../src/commands/worklogs";
import { worklogKey } from "../../src/core/report/object-keys";
import type { ObjectStore } from "../../src/ports";
import { publishWorklog } from "../../src/pipeline/worklog-writer";
import { HOUR, modelAt, storesUnderTest, tempStore, WINDOW, worklogInput } from "../pipeline/worklog-fixtures";

const NOW = Date.UTC(2025, 8, 15, 4, 5);

async function run(store: ObjectStore, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runWorklogsCommand(
    argv,
    { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } },
    { store, now: NOW },
  );
  return { code, stdout, stderr };
}

/** Three hours of the seed service, one hour of a quiet one, and a day-old worklog. */
async function seedStore(store: ObjectStore): Promise<void> {
  for (const start of [WINDOW.start, WINDOW.start + HOUR, WINDOW.start + 2 * HOUR])
    await publishWorklog(store, worklogInput(modelAt(start)));
  await publishWorklog(store, worklogInput(modelAt(WINDOW.start + HOUR, { service: "quiet-api", clusters: [] })));
  await publishWorklog(store, worklogInput(modelAt(WINDOW.start - 25 * HOUR)));
  // State and locks live in the same store and are not worklogs.
  await store.put("_state/quiet-api/miner.json", "{}", { contentType: "application/json", ifGeneration: "0" });
  await store.put("_locks/quiet-api/2025-09-15T0200Z.lock", "{}", { contentType: "application/json", ifGeneration: "0" });
}

const STORES = storesUnderTest("cmd");

describe.each(STORES)("log-gardener worklogs on %s", (_name, open) => {
  let store: ObjectStore;
  beforeAll(async () => {
    store = await open();
    await seedStore(store);
  });

  it("lists the last day's worklogs, newest first, one line each", async () => {
    const { code, stdout } = await run(store, "list");
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^WINDOW \(UTC\)\s+SERVICE\s+CLUSTERS\s+ENTRIES\s+TOP PROBLEM$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/).slice(0, 4))).toEqual([
      ["2025-09-15T03:00Z", "netra-backend-staging", "5", "108"],
      ["2025-09-15T02:00Z", "netra-backend-staging", "5", "108"],
      ["2025-09-15T02:00Z", "quiet-api", "0", "108"],
      ["2025-09-15T01:00Z", "netra-backend-staging", "5", "108"],
    ]);
    expect(lines[1]).toMatch(/P\d (ERROR|WARNING|CRITICAL) ×[\d,]+: /);
    expect(lines[3]).toMatch(/\(nothing to report\)$/);
  });

  it("narrows to a service and widens with --since", async () => {
    const one = await run(store, "list", "--service", "quiet-api");
    expect(one.stdout.trimEnd().split("\n")).toHaveLength(2);
    const week = await run(store, "list", "--since", "7d", "--service", "netra-backend-staging");
    expect(
      week.stdout
        .trimEnd()
        .split("\n")
        .slice(1)
        .map((l) => l.slice(0, 17)),
    ).toEqual(["2025-09-15T03:00Z", "2025-09-15T02:00Z", "2025-09-15T01:00Z", "2025-09-14T00:00Z"]);
  });

  it("says so when there is nothing in the window", async () => {
    const { code, stdout, stderr } = await run(store, "list", "--since", "1m");
    expect({ code, stdout }).toEqual({ code: 0, stdout: "" });
    expect(stderr).toMatch(/^no worklogs since 2025-09-15T04:04Z in /);
  });

  it("shows the latest worklog, of any service or of one", async () => {
    const latest = await run(store, "show");
    expect(latest.code).toBe(0);
    expect(latest.stdout).toBe((await store.get(worklogKey("netra-backend-staging", WINDOW.start + 2 * HOUR)))!.body);
    const quiet = await run(store, "show", "latest", "--service", "quiet-api");
    expect(quiet.stdout).toBe((await store.get(worklogKey("quiet-api", WINDOW.start + HOUR)))!.body);
  });

  it("shows a given hour, and says where it looked when there is none", async () => {
    const hour = await run(store, "show", "netra-backend-staging/2025-09-15T01");
    expect(hour.stdout).toBe((await store.get(worklogKey("netra-backend-staging", WINDOW.start)))!.body);
    const missing = await run(store, "show", "netra-backend-staging/2025-09-15T09");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`no worklog at ${store.locate("netra-backend-staging/2025/09/15/0900Z.md")}\n`);
  });

  it("falls back to the worklog's metadata when its sidecar is missing", async () => {
    const other = await open();
    await publishWorklog(other, worklogInput(modelAt()));
    await other.delete("netra-backend-staging/2025/09/15/0100Z.json");
    const { stdout } = await run(other, "list");
    expect(stdout.trimEnd().split("\n")[1]).toMatch(/^2025-09-15T01:00Z\s+netra-backend-staging\s+5\s+108\s+P\d /);
  });
});

describe("log-gardener worklogs arguments", () => {
  it.each([
    [[], /list or show\?/],
    [["frobnicate"], /unknown subcommand "frobnicate"/],
    [["list", "--since", "yesterday"], /--since expects a duration/],
    [["list", "--bogus"], /Unknown option '--bogus'/],
    [["show", "2025-09-15T01"], /expected latest or SERVICE\/YYYY-MM-DDTHH/],
    [["show", "a", "b"], /show takes one worklog/],
  ])("refuses %j with exit code 2 and the usage", async (argv, message) => {
    const store = await tempStore();
    const { code, stderr } = await run(store, ...argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain("usage: log-gardener worklogs list");
  });

  it.each([
    ["svc/2025-09-15T01", { service: "svc", windowStart: Date.UTC(2025, 8, 15, 1) }],
    ["svc/2025-09-15T01:30", { service: "svc", windowStart: Date.UTC(2025, 8, 15, 1, 30) }],
    ["svc/2025-09-15T0100Z", { service: "svc", windowStart: Date.UTC(2025, 8, 15, 1) }],
    ["svc/2025-02-30T01", undefined],
    ["svc/2025-09-15T24", undefined],
    ["svc/2025-09-15", undefined],
  ])("reads the worklog reference %s", (text, expected) => {
    expect(parseWorklogRef(text)).toEqual(expected);
  });

  it("keeps log text on one bounded line", () => {
    const out = renderWorklogList([
      {
        windowStart: WINDOW.start,
        service: "svc",
        clusters: 1,
        entries: 1234,
        top: `P1 ERROR ×1: line\nbreak\u001b[31m${"x".repeat(200)}`,
        key: "k",
      },
    ]);
    const row = out.split("\n")[1]!;
    expect(row).toContain("1,234");
    expect([...row].some((ch) => ch.charCodeAt(0) < 0x20)).toBe(false);
    expect(row.endsWith("…")).toBe(true);
  });
});
