/**
 * End to end: `log-gardener run` on a multi-service export (the bundled sample), in-process,
 * writing to a temporary folder. Asserts on the files written and on stdout/stderr.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sampleExportPath } from "../../src/compose";
import { parseSidecar } from "../../src/core/report/sidecar";
import { runCli } from "./cli";

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && !e.name.startsWith(".")) out.push(path.relative(dir, path.join(e.parentPath, e.name)));
  }
  return out.sort();
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "lg-e2e-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("log-gardener run", () => {
  test("with no input, runs on the bundled sample: one worklog per service, a dry-run plan on stdout", async () => {
    const r = await runCli(["run", "--out", dir]);
    expect(r.code).toBe(0);
    const files = await listFiles(dir);
    for (const service of ["checkout-api", "netra-backend-staging", "notification-worker"]) {
      expect(files).toContain(`${service}/2025/09/15/0100Z.md`);
      expect(files).toContain(`${service}/2025/09/15/0100Z.json`);
    }
    // The sample's one record that is not a log entry (a string) has no service: counted and
    // reported, and no `unknown` worklog (nor its miner state) is written for it.
    expect(files.filter((f) => f.startsWith("unknown/") || f.startsWith("_state/unknown/"))).toEqual([]);
    expect(r.stderr).toContain(
      "1 record(s) had no service and were skipped, counted in the run summary and in no worklog (not-an-object: expected a LogEntry object, got a string)",
    );
    // The plan: one JSON line per action, each naming a cluster.
    const plan = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { fingerprint?: string; kind?: string; action?: string });
    expect(plan.length).toBeGreaterThan(5);
    // The closing table: a row per service with its clusters, new problems, planned actions and worklog.
    const table = r.stderr.split("\n").filter((l) => !l.startsWith("{"));
    expect(table).toContainEqual(expect.stringMatching(/^service +clusters +new +planned actions +worklog$/));
    expect(table).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^netra-backend-staging +\\d+ +\\d+ +.*open \\d+.* +${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/netra-backend-staging/2025/09/15/0100Z\\.md$`,
        ),
      ),
    );

    const md = await readFile(path.join(dir, "netra-backend-staging/2025/09/15/0100Z.md"), "utf8");
    expect(md).toContain("# GCP Log Gardener Worklog");
    expect(md).toContain("2025-09-15T01:00:00");
    expect(md).toMatch(/SSOT validation issues/);
    expect(md).toMatch(/mislabeled/i);
    // Secrets in the sample never reach the worklog.
    expect(md).not.toMatch(/S3cr3t-P4ssw0rd/);
    expect(md).not.toMatch(/eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\.eyJ/);

    const sidecar = parseSidecar(JSON.parse(await readFile(path.join(dir, "netra-backend-staging/2025/09/15/0100Z.json"), "utf8")));
    expect(sidecar.ok).toBe(true);
    if (!sidecar.ok) return;
    const s = sidecar.sidecar;
    // The seed's five clusters are there, each once.
    const templates = s.clusters.map((c) => c.template);
    expect(templates.filter((t) => t.includes("Multiple manager instances"))).toHaveLength(1);
    expect(templates.filter((t) => t.includes("SessionMiddleware"))).toHaveLength(1);
    expect(templates.filter((t) => t.includes("Async engine not available"))).toHaveLength(1);
    expect(templates.filter((t) => t.includes("/ws/beacon"))).toHaveLength(1);
    expect(templates.filter((t) => t.includes("GOLDEN PATH"))).toHaveLength(1);
    expect(s.clusters.find((c) => c.template.includes("GOLDEN PATH"))!.mislabeled).toBe(true);
    // Below the severity floor and outside the window: counted, not clustered.
    expect(s.stats.belowSeverity).toBe(12);
    expect(s.stats.outsideWindow).toBe(3);
    expect(s.skipped["message-too-large"]).toBe(1);
    const count = s.clusters.reduce((n, c) => n + c.count, 0);
    expect(count).toBe(s.stats.clustered);
    expect(JSON.stringify(s)).not.toMatch(/S3cr3t-P4ssw0rd|sk_live_|xoxb-\d/);

    const checkout = parseSidecar(JSON.parse(await readFile(path.join(dir, "checkout-api/2025/09/15/0100Z.json"), "utf8")));
    if (!checkout.ok) throw new Error(checkout.problems.join("; "));
    expect(checkout.sidecar.stats.duplicates).toBe(1);
    expect(checkout.sidecar.skipped["missing-timestamp"]).toBe(1);
    expect(checkout.sidecar.skipped["bad-timestamp"]).toBe(1);
    const requests = checkout.sidecar.clusters.filter((c) => c.kind === "request");
    expect(requests.map((c) => c.template).sort()).toEqual(
      ["GET /api/v1/orders/{id}/items → 500", "POST /api/v1/carts/{uuid}/checkout → 409"].sort(),
    );
  });

  test("the run summary counts every action of the plan, the digest issue's own included", async () => {
    const r = await runCli(["run", "--out", dir], { LOG_GARDENER_LOG_LEVEL: "info" });
    expect(r.code).toBe(0);
    const plan = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { action: string });
    const summary = r.stderr
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { message?: string; actions?: Record<string, number> })
      .find((l) => l.message === "run summary");
    const planned: Record<string, number> = {};
    for (const a of plan) planned[a.action] = (planned[a.action] ?? 0) + 1;
    expect(planned.digest).toBe(1);
    expect(summary?.actions).toEqual(planned);
  });

  test("a rerun of the same window replaces its own files and nothing else, with the same fingerprints", async () => {
    await writeFile(path.join(dir, "keep.txt"), "not ours");
    await runCli(["run", "--out", dir]);
    const first = await readFile(path.join(dir, "checkout-api/2025/09/15/0100Z.json"), "utf8");
    const r = await runCli(["run", "--out", dir]);
    expect(r.code).toBe(0);
    const second = await readFile(path.join(dir, "checkout-api/2025/09/15/0100Z.json"), "utf8");
    const fps = (t: string) => (JSON.parse(t) as { clusters: { fingerprint: string }[] }).clusters.map((c) => c.fingerprint).sort();
    expect(fps(second)).toEqual(fps(first));
    expect(await readFile(path.join(dir, "keep.txt"), "utf8")).toBe("not ours");
  });

  test("--services limits the run; --input - reads JSON lines from stdin", async () => {
    const sample = JSON.parse(await readFile(sampleExportPath(), "utf8")) as unknown[];
    const lines = sample.map((e) => JSON.stringify(e)).join("\n");
    const r = await runCli(
      ["run", "--input", "-", "--services", "checkout-api", "--window-end", "2025-09-15T02:00:00Z", "--out", dir],
      {},
      lines,
    );
    expect(r.code).toBe(0);
    const files = await listFiles(dir);
    expect(files.filter((f) => f.endsWith(".md") && !f.endsWith("index.md"))).toEqual(["checkout-api/2025/09/15/0100Z.md"]);
  });

  test("an `unknown` worklog is written only for log entries that lack a service", async () => {
    const entry = (labels: Record<string, string>, i: number) => ({
      insertId: `e${i}`,
      timestamp: `2025-09-15T01:0${i}:00Z`,
      severity: "ERROR",
      resource: { type: "cloud_run_revision", labels },
      textPayload: "payment provider timed out",
    });
    const withService = [entry({ service_name: "api" }, 1), entry({ service_name: "api" }, 2)];
    const run = async (entries: unknown[], out: string) => {
      const input = path.join(dir, `${out}.json`);
      await writeFile(input, JSON.stringify(entries));
      const r = await runCli(["run", "--input", input, "--window-end", "2025-09-15T02:00:00Z", "--out", path.join(dir, out)]);
      expect(r.code).toBe(0);
      return (await listFiles(path.join(dir, out))).filter((f) => f.endsWith("0100Z.md")).sort();
    };
    expect(await run(withService, "named")).toEqual(["api/2025/09/15/0100Z.md"]);
    expect(await run([...withService, "not an entry", 42], "strays")).toEqual(["api/2025/09/15/0100Z.md"]);
    expect(await run([...withService, entry({ location: "us-central1" }, 3)], "nameless")).toEqual([
      "api/2025/09/15/0100Z.md",
      "unknown/2025/09/15/0100Z.md",
    ]);
  });

  test("a word-valued route segment becomes one pattern over hourly runs, kept in the miner state, and keeps its fingerprint", async () => {
    const request = (partner: string, hour: number, i: number) => ({
      insertId: `r${hour}-${partner}-${i}`,
      timestamp: `2025-09-15T0${hour}:1${i}:00Z`,
      severity: "WARNING",
      logName: "projects/p/logs/run.googleapis.com%2Frequests",
      resource: { type: "cloud_run_revision", labels: { service_name: "box-office" } },
      httpRequest: { requestMethod: "POST", requestUrl: `https://box.example/embed/${partner}/checkout/`, status: 403 },
    });
    const hour = async (h: number, partners: string[]) => {
      const input = path.join(dir, `hour-${h}.json`);
      await writeFile(input, JSON.stringify(partners.flatMap((p) => [request(p, h, 1), request(p, h, 2)])));
      const r = await runCli(["run", "--input", input, "--window", "1h", "--window-end", `2025-09-15T0${h + 1}:00:00Z`, "--out", dir]);
      expect(r.code).toBe(0);
      const parsed = parseSidecar(JSON.parse(await readFile(path.join(dir, `box-office/2025/09/15/0${h}00Z.json`), "utf8")));
      if (!parsed.ok) throw new Error(parsed.problems.join("; "));
      return parsed.sidecar.clusters.map((c) => ({ route: c.http?.route, count: c.count, fingerprint: c.fingerprint }));
    };
    // two partners: two endpoints as far as the evidence goes
    const first = await hour(1, ["moonrise", "saltwater"]);
    expect(first.map((c) => c.route).sort()).toEqual(["/embed/moonrise/checkout/", "/embed/saltwater/checkout/"]);
    // a third: one pattern, whose state is saved with the miner's
    const second = await hour(2, ["moonrise", "foxglove"]);
    expect(second).toEqual([{ route: "/embed/{*}/checkout/", count: 4, fingerprint: expect.any(String) as string }]);
    const state = JSON.parse(await readFile(path.join(dir, "_state/box-office/miner.json"), "utf8")) as {
      routes: { patterns: { route: string; members: string[] }[] };
    };
    expect(state.routes.patterns).toEqual([
      {
        route: "/embed/{*}/checkout/",
        members: ["/embed/moonrise/checkout/", "/embed/saltwater/checkout/", "/embed/foxglove/checkout/"],
      },
    ]);
    // a later hour's partner never seen before joins it, under the same fingerprint
    const third = await hour(3, ["starling"]);
    expect(third).toEqual([{ route: "/embed/{*}/checkout/", count: 2, fingerprint: second[0]!.fingerprint }]);
  });

  test("request logs joined to the app's lines in one hour stay under the app's fingerprint the next, through the saved state", async () => {
    const resource = { type: "cloud_run_revision", labels: { service_name: "driver-gateway" } };
    const labels = { instanceId: `00${"cd".repeat(47)}` };
    const request = (hour: number, i: number) => ({
      insertId: `q${hour}-${i}`,
      timestamp: `2025-09-15T0${hour}:1${i}:00Z`,
      severity: "ERROR",
      logName: "projects/p/logs/run.googleapis.com%2Frequests",
      resource,
      labels,
      httpRequest: { requestMethod: "GET", requestUrl: `https://driver.example/v1/routes/${i}/stops`, status: 500, latency: "2s" },
    });
    const app = (hour: number, i: number) => ({
      insertId: `a${hour}-${i}`,
      timestamp: `2025-09-15T0${hour}:1${i}:01Z`,
      severity: "ERROR",
      logName: "projects/p/logs/run.googleapis.com%2Fstdout",
      resource,
      labels,
      jsonPayload: { message: "stop list failed: pool timeout", req: { url: `/v1/routes/${i}/stops` } },
    });
    const hour = async (h: number, entries: unknown[]) => {
      const input = path.join(dir, `joins-${h}.json`);
      await writeFile(input, JSON.stringify(entries));
      const r = await runCli(["run", "--input", input, "--window", "1h", "--window-end", `2025-09-15T0${h + 1}:00:00Z`, "--out", dir]);
      expect(r.code).toBe(0);
      const parsed = parseSidecar(JSON.parse(await readFile(path.join(dir, `driver-gateway/2025/09/15/0${h}00Z.json`), "utf8")));
      if (!parsed.ok) throw new Error(parsed.problems.join("; "));
      return parsed.sidecar.clusters.map((c) => ({ fingerprint: c.fingerprint, count: c.count, joined: c.joinedRequests?.length ?? 0 }));
    };
    const first = await hour(
      1,
      [0, 1, 2].flatMap((i) => [request(1, i), app(1, i)]),
    );
    expect(first).toEqual([{ fingerprint: expect.any(String) as string, count: 6, joined: 1 }]);
    const state = JSON.parse(await readFile(path.join(dir, "_state/driver-gateway/miner.json"), "utf8")) as { joins: [string, string][] };
    expect(state.joins.map(([, app]) => app)).toEqual([first[0]!.fingerprint]);
    // the next hour has only the request logs: one cluster, the same fingerprint, so the same issue
    const second = await hour(2, [request(2, 3), request(2, 4)]);
    expect(second).toEqual([{ fingerprint: first[0]!.fingerprint, count: 2, joined: 0 }]);
  });

  test("a broken routes or joins field in the saved state costs only that field, with a note in the worklog", async () => {
    const entry = {
      insertId: "e1",
      timestamp: "2025-09-15T01:01:00Z",
      severity: "ERROR",
      resource: { type: "cloud_run_revision", labels: { service_name: "api" } },
      jsonPayload: { message: "payment provider timed out" },
    };
    const input = path.join(dir, "one.json");
    await writeFile(input, JSON.stringify([entry]));
    const run = () => runCli(["run", "--input", input, "--window-end", "2025-09-15T02:00:00Z", "--out", dir]);
    expect((await run()).code).toBe(0);
    const statePath = path.join(dir, "_state/api/miner.json");
    const state = JSON.parse(await readFile(statePath, "utf8")) as Record<string, unknown>;
    await writeFile(statePath, JSON.stringify({ ...state, routes: { seen: "nope" }, joins: [["one"]] }));
    expect((await run()).code).toBe(0);
    const md = await readFile(path.join(dir, "api/2025/09/15/0100Z.md"), "utf8");
    expect(md).toContain("Route patterns could not be used (invalid route state at routes.seen:");
    expect(md).toContain("Request log joins could not be used (invalid join state at joins.0");
    // the miner's own state was kept: no note about it
    expect(md).not.toContain("Template miner state could not be");
  });

  test("bad configuration exits 2 and names each bad field", async () => {
    const r = await runCli(["run", "--out", dir, "--window", "forever"], { LOG_GARDENER_MIN_SEVERITY: "LOUD" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("LOG_GARDENER_WINDOW (--window)");
    expect(r.stderr).toContain("LOG_GARDENER_MIN_SEVERITY (--min-severity)");
    expect(await listFiles(dir)).toEqual([]);
  });

  test("--input naming a missing or unreadable file exits 2 with the path, before anything is written", async () => {
    const missing = path.join(dir, "no-such-export.json");
    const r = await runCli(["run", "--input", missing, "--out", path.join(dir, "out")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`LOG_GARDENER_INPUT (--input): cannot read ${JSON.stringify(missing)}: no such file`);
    const folder = await runCli(["run", "--out", path.join(dir, "out")], { LOG_GARDENER_INPUT: dir });
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(`cannot read ${JSON.stringify(dir)}: is a directory, not a file`);
    expect(await listFiles(dir)).toEqual([]);
  });

  test("an unknown flag or command exits 2", async () => {
    expect((await runCli(["run", "--no-such-flag"])).code).toBe(2);
    expect((await runCli(["frobnicate"])).code).toBe(2);
  });
});
