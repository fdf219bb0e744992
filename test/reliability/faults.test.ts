/**
 * Faults survived, end to end. Each case runs the whole job (the CLI's `run`) against the peers
 * (GitHub stand-in, GCS peer, Cloud Logging gRPC peer) or a wrapper that fails on cue, then
 * asserts on the end state: no issue or comment made twice, no entry lost, a complete worklog,
 * and an exit code that says what happened.
 *
 * "Killed" means what Cloud Run does to a task: the process stops at that point and nothing
 * after it reaches the outside world. The wrappers below stop forwarding anything once killed,
 * so the dead run leaves exactly what a real kill would (its run lock included); the rerun is
 * a new composition, as a retried task is a new process.
 */
import * as grpc from "@grpc/grpc-js";
import { LocalObjectStore } from "../../src/adapters/local-object-store";
import { createCloudLoggingSource } from "../../src/compose-cloud-logging";
import { createGcsObjectStore } from "../../src/adapters/gcs-object-store";
import { loadConfig } from "../../src/config";
import { parseSidecar, type WorklogSidecar } from "../../src/core/report/sidecar";
import type { IssueActionResult, IssueTracker, ObjectStore, PutOptions } from "../../src/ports";
import { startGcsServer, type GcsServer } from "../peers/gcs-server";
import { startLoggingServer, type Fault, type LoggingServer } from "../peers/logging-server";
import { recordFigures } from "./figures";
import { duplicatesIn, logEntry, MemorySource, readTree, runOnce, startGitHub, tempDir, WINDOW_START, type GitHubPeer } from "./harness";

// ---------------------------------------------------------------------------------------------
// Input: three services, a dozen distinct problems, enough entries to page through.

const SERVICES = ["checkout-api", "billing-worker", "auth-gateway"];

function problemEntries(perProblem = 3): Record<string, unknown>[] {
  const problems = [
    (i: number) => ({ jsonPayload: { message: `payment provider timed out after ${3000 + i}ms for order ${9000 + i}` } }),
    (i: number) => ({
      textPayload: `Traceback (most recent call last):\n  File "/app/db.py", line 20, in connect\n    pool.get()\nConnectionError: pool exhausted (${i} waiting)`,
    }),
    (i: number) => ({
      httpRequest: {
        requestMethod: "GET",
        requestUrl: `https://shop.example/api/v1/orders/${100 + i}/items`,
        status: 500,
        latency: "0.2s",
      },
    }),
    (i: number) => ({ jsonPayload: { message: `cache miss storm on shard ${i % 4}`, level: "warn" }, severity: "WARNING" }),
    (i: number) => ({ jsonPayload: { message: "webhook signature mismatch", attempt: i } }),
  ];
  const out: Record<string, unknown>[] = [];
  SERVICES.forEach((service, s) => {
    problems.forEach((make, p) => {
      for (let i = 0; i < perProblem; i++) {
        const payload = make(i) as Record<string, unknown>;
        out.push(
          logEntry({
            service,
            insertId: `${s}-${p}-${i}`,
            at: WINDOW_START + (p * 600 + i * 7 + s) * 1000,
            severity: (payload.severity as string) ?? "ERROR",
            ...payload,
          }),
        );
      }
    });
  });
  return out.sort((a, b) => String(a.timestamp).localeCompare(String(b.timestamp)));
}

const ENV = { LOG_GARDENER_SERVICES: SERVICES.join(","), LOG_GARDENER_MAX_NEW_ISSUES: "100" };

// ---------------------------------------------------------------------------------------------
// Kill switches

class ProcessKilled extends Error {
  constructor(where: string) {
    super(`process killed ${where}`);
    this.name = "ProcessKilled";
  }
}

class KillSwitch {
  dead = false;
  kill(where: string): never {
    this.dead = true;
    throw new ProcessKilled(where);
  }
  check(): void {
    if (this.dead) throw new ProcessKilled("earlier");
  }
}

/** A store that stops answering once the process is dead. */
function killableStore(inner: ObjectStore, sw: KillSwitch): ObjectStore {
  return {
    describe: () => inner.describe(),
    locate: (key) => inner.locate(key),
    get: async (key) => (sw.check(), inner.get(key)),
    head: async (key) => (sw.check(), inner.head(key)),
    put: async (key: string, body: string, options: PutOptions) => (sw.check(), inner.put(key, body, options)),
    list: async (prefix) => (sw.check(), inner.list(prefix)),
    delete: async (key, options) => (sw.check(), inner.delete(key, options)),
  };
}

/** A tracker that carries out the first `k` actions of the plan, then the process dies. */
function killingTracker(inner: IssueTracker, sw: KillSwitch, k: number): IssueTracker {
  return {
    describe: () => inner.describe(),
    listManagedIssues: async () => (sw.check(), inner.listManagedIssues()),
    apply: async (actions) => {
      sw.check();
      const results: IssueActionResult[] = [];
      for (const a of actions.slice(0, k)) results.push(...(await inner.apply([a])));
      sw.kill(`after ${results.length} of ${actions.length} issue actions, before the worklog was rewritten`);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// End-state checks

async function sidecars(dir: string): Promise<Map<string, WorklogSidecar>> {
  const out = new Map<string, WorklogSidecar>();
  for (const [name, text] of await readTree(dir)) {
    if (!/\/\d{4}Z\.json$/.test(name)) continue;
    const parsed = parseSidecar(JSON.parse(text));
    if (!parsed.ok) throw new Error(`${name}: ${parsed.problems.join("; ")}`);
    out.set(parsed.sidecar.service, parsed.sidecar);
  }
  return out;
}

/** Entries that are in no count of any worklog: each input entry must be clustered or counted. */
function lostEntries(all: ReadonlyMap<string, WorklogSidecar>, input: number): number {
  let counted = 0;
  for (const s of all.values())
    counted += s.stats.clustered + s.stats.skipped + s.stats.duplicates + s.stats.outsideWindow + s.stats.belowSeverity;
  return input - counted;
}

/** Every cluster's issue is recorded with its number and none failed. */
function incompleteIssues(all: ReadonlyMap<string, WorklogSidecar>): string[] {
  const missing: string[] = [];
  for (const s of all.values()) {
    if (!s.status.issuesPublished) missing.push(`${s.service}: issues not marked published`);
    for (const c of s.clusters) {
      if (!c.issue) missing.push(`${s.service} ${c.fingerprint}: no issue recorded`);
      else if (c.issue.error) missing.push(`${s.service} ${c.fingerprint}: ${c.issue.error}`);
      else if (c.issue.action !== "skip" && c.issue.action !== "mute" && c.issue.number === undefined)
        missing.push(`${s.service} ${c.fingerprint}: ${c.issue.action} without an issue number`);
    }
  }
  return missing;
}

function figures(section: string, faults: number, github: GitHubPeer | undefined, lost: number): void {
  recordFigures(section, {
    faultsInjected: faults,
    duplicates: github ? duplicatesIn(github.standIn).length : 0,
    lostEntries: Math.max(0, lost),
  });
}

let github: GitHubPeer | undefined;
let gcs: GcsServer | undefined;
let logging: LoggingServer | undefined;
let removeDir: (() => Promise<void>) | undefined;
afterEach(async () => {
  await github?.close();
  await gcs?.close();
  await logging?.close();
  await removeDir?.();
  github = undefined;
  gcs = undefined;
  logging = undefined;
  removeDir = undefined;
});

async function workDir(): Promise<string> {
  const t = await tempDir("lg-faults-");
  removeDir = t.remove;
  return t.dir;
}

// ---------------------------------------------------------------------------------------------

describe("killed between publishing issues and writing the worklog, then rerun", () => {
  test.each([
    ["before any issue action", 0],
    ["after the first issue action", 1],
    ["half way through the issue actions", 7],
    ["after every issue action", 1000],
  ])("killed %s: the retry leaves no duplicate and a complete worklog", async (_name, k) => {
    github = await startGitHub();
    const dir = await workDir();
    const entries = problemEntries();
    const sw = new KillSwitch();

    // Attempt 0 dies part way.
    await runOnce({
      out: dir,
      env: ENV,
      overrides: {
        source: new MemorySource(entries),
        store: killableStore(new LocalObjectStore({ root: dir }), sw),
        tracker: killingTracker(await github.tracker(), sw, k),
      },
    }).catch((err: unknown) => {
      if (!(err instanceof ProcessKilled)) throw err;
    });
    expect(sw.dead).toBe(true);
    const afterKill = github.standIn.state.issues.length;

    // Cloud Run retries the task: a new process, attempt 1, a minute later.
    const retry = await runOnce({
      out: dir,
      env: { ...ENV, CLOUD_RUN_TASK_ATTEMPT: "1" },
      now: () => Date.parse("2026-11-28T18:06:00Z"),
      overrides: { source: new MemorySource(entries), tracker: await github.tracker() },
    });
    const all = await sidecars(dir);
    const lost = lostEntries(all, entries.length);
    figures("faults: killed mid-publish", 1, github, lost);

    expect(retry.stderr).not.toMatch(/holds the lock/);
    expect(retry.code).toBe(0);
    expect(duplicatesIn(github.standIn)).toEqual([]);
    expect(github.standIn.state.issues.length).toBeGreaterThanOrEqual(afterKill);
    expect([...all.keys()].sort()).toEqual([...SERVICES].sort());
    expect(incompleteIssues(all)).toEqual([]);
    expect(lost).toBe(0);

    // And a third run of the same window (a manual rerun) changes nothing on GitHub.
    const before = JSON.stringify({
      issues: github.standIn.state.issues.map((i) => [i.number, i.state]),
      comments: github.standIn.state.comments.length,
    });
    const again = await runOnce({
      out: dir,
      env: { ...ENV, CLOUD_RUN_EXECUTION: "manual-rerun" },
      now: () => Date.parse("2026-11-28T19:10:00Z"),
      overrides: { source: new MemorySource(entries), tracker: await github.tracker() },
    });
    expect(again.code).toBe(0);
    expect(
      JSON.stringify({
        issues: github.standIn.state.issues.map((i) => [i.number, i.state]),
        comments: github.standIn.state.comments.length,
      }),
    ).toBe(before);
    expect(duplicatesIn(github.standIn)).toEqual([]);
  });
});

describe("GitHub faults", () => {
  async function runWithGitHub(arm: (g: GitHubPeer) => void, options: { timeoutMs?: number } = {}) {
    github = await startGitHub(options);
    const dir = await workDir();
    const entries = problemEntries();
    arm(github);
    const r = await runOnce({ out: dir, env: ENV, overrides: { source: new MemorySource(entries), tracker: await github.tracker() } });
    const all = await sidecars(dir);
    return { r, all, lost: lostEntries(all, entries.length) };
  }

  test("secondary rate limits: waited out, every issue opened once", async () => {
    const { r, all, lost } = await runWithGitHub((g) => g.standIn.faults.secondaryRateLimit(3, 1, { method: "POST" }));
    figures("faults: GitHub secondary rate limit", 3, github, lost);
    expect(r.code).toBe(0);
    expect(github!.standIn.state.requests.filter((q) => q.fault === "secondary-rate-limit")).toHaveLength(3);
    expect(duplicatesIn(github!.standIn)).toEqual([]);
    expect(incompleteIssues(all)).toEqual([]);
  });

  test("502 after the issue was created: found by its marker, not opened twice", async () => {
    const { r, all, lost } = await runWithGitHub((g) => g.standIn.faults.badGatewayAfterWrite("POST", /\/issues$/, 3));
    figures("faults: GitHub 5xx after write", 3, github, lost);
    expect(r.code).toBe(0);
    expect(github!.standIn.state.requests.filter((q) => q.fault === "bad-gateway-after-write")).toHaveLength(3);
    expect(duplicatesIn(github!.standIn)).toEqual([]);
    expect(incompleteIssues(all)).toEqual([]);
  });

  // One run with GitHub holding the first create open (the write lands, no answer comes); two
  // tests read it: no duplicate whatever happens, and the per-attempt deadline cut the wait.
  const HOLD_MS = 3_000;
  let timedOut: { code: number; elapsedMs: number; all: Map<string, WorklogSidecar>; lost: number } | undefined;
  async function runWithHeldCreate() {
    if (timedOut) return timedOut;
    const started = performance.now();
    const { r, all, lost } = await runWithGitHub((g) => g.standIn.faults.timeoutAfterWrite("POST", /\/issues$/, 1, HOLD_MS), {
      timeoutMs: 300,
    });
    timedOut = { code: r.code, elapsedMs: performance.now() - started, all, lost };
    figures("faults: GitHub timeout", 1, github, lost);
    expect(duplicatesIn(github!.standIn)).toEqual([]);
    return timedOut;
  }

  test("a timeout after the issue was created: found by its marker, not opened twice", async () => {
    const { code, all } = await runWithHeldCreate();
    expect(code).toBe(0);
    expect(incompleteIssues(all)).toEqual([]);
  });

  // The per-attempt deadline (requestTimeoutMs in github-app.ts) cuts the wait short.
  test("a request GitHub holds open is abandoned at the per-attempt deadline", async () => {
    const { elapsedMs } = await runWithHeldCreate();
    expect(elapsedMs).toBeLessThan(HOLD_MS);
  });

  test("502 after a comment was posted (reopening a regression): posted once", async () => {
    github = await startGitHub();
    const dir = await workDir();
    const entries = problemEntries();
    expect(
      (await runOnce({ out: dir, env: ENV, overrides: { source: new MemorySource(entries), tracker: await github.tracker() } })).code,
    ).toBe(0);
    for (const issue of github.standIn.state.issues) github.standIn.actAsHuman.closeIssue(issue.number, "completed");
    github.standIn.faults.badGatewayAfterWrite("POST", /\/comments$/, 3);
    // Eight hours later: the problem came back after its issue was closed (a return), so it reopens.
    const next = problemEntries().map((e) => ({
      ...e,
      insertId: `next-${String(e.insertId)}`,
      timestamp: new Date(Date.parse(String(e.timestamp)) + 8 * 3_600_000).toISOString(),
    }));
    const r = await runOnce({
      out: dir,
      env: { ...ENV, LOG_GARDENER_WINDOW_END: "2026-11-29T02:00:00Z" },
      now: () => Date.parse("2026-11-29T02:05:00Z"),
      overrides: { source: new MemorySource(next), tracker: await github.tracker() },
    });
    figures("faults: GitHub 5xx after comment", 3, github, 0);
    expect(r.code).toBe(0);
    expect(github.standIn.state.comments.length).toBeGreaterThan(0);
    expect(duplicatesIn(github.standIn)).toEqual([]);
  });

  test("a publish that fails for good still leaves the worklog, which says so, and exits 1", async () => {
    const { r, all, lost } = await runWithGitHub((g) => g.standIn.faults.tooLongBody(10));
    figures("faults: GitHub publish fails", 1, github, lost);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/failure/);
    expect([...all.keys()].sort()).toEqual([...SERVICES].sort());
    expect(lost).toBe(0);
    const errors = [...all.values()].flatMap((s) => s.clusters.filter((c) => c.issue?.error));
    expect(errors.length).toBeGreaterThan(0);
    for (const s of all.values()) expect(s.status.issuesPublished).toBe(false);
    expect(github!.standIn.state.issues).toHaveLength(0);
  });
});

describe("Cloud Storage faults", () => {
  const FAST_RETRY = { maxRetries: 4, totalTimeoutMs: 20_000, maxDelayMs: 1000, delayMultiplier: 1.1 };
  const bucketStore = (prefix: string) =>
    createGcsObjectStore(`gs://worklogs-bucket/${prefix}`, { apiEndpoint: gcs!.url, projectId: "shop-prod", retry: FAST_RETRY });

  async function bucketSidecars(prefix: string): Promise<Map<string, WorklogSidecar>> {
    const out = new Map<string, WorklogSidecar>();
    for (const [key, obj] of gcs!.objects) {
      if (!key.startsWith(`worklogs-bucket/${prefix}/`) || !/\/\d{4}Z\.json$/.test(key)) continue;
      const parsed = parseSidecar(JSON.parse(obj.body.toString("utf8")));
      if (!parsed.ok) throw new Error(`${key}: ${parsed.problems.join("; ")}`);
      out.set(parsed.sidecar.service, parsed.sidecar);
    }
    return out;
  }

  test("503s on writes are retried: the run completes and every worklog is in the bucket", async () => {
    gcs = await startGcsServer({ buckets: ["worklogs-bucket"] });
    github = await startGitHub();
    const entries = problemEntries();
    gcs.injectErrors(4, 503, (method) => method !== "GET");
    const r = await runOnce({
      out: "gs://worklogs-bucket/a",
      env: ENV,
      overrides: { source: new MemorySource(entries), store: bucketStore("a"), tracker: await github.tracker() },
    });
    const all = await bucketSidecars("a");
    const lost = lostEntries(all, entries.length);
    figures("faults: GCS 503", 4, github, lost);
    expect(r.code).toBe(0);
    expect(gcs.requests.filter((q) => q.status === 503)).toHaveLength(4);
    expect([...all.keys()].sort()).toEqual([...SERVICES].sort());
    expect(incompleteIssues(all)).toEqual([]);
    expect(duplicatesIn(github.standIn)).toEqual([]);
    expect(lost).toBe(0);
  });

  test("two runs of the same window at once (412 for the slower writer): one set of issues, complete worklogs", async () => {
    gcs = await startGcsServer({ buckets: ["worklogs-bucket"] });
    github = await startGitHub();
    const entries = problemEntries();
    const run = async (execution: string) =>
      runOnce({
        out: "gs://worklogs-bucket/b",
        env: { ...ENV, CLOUD_RUN_EXECUTION: execution },
        overrides: { source: new MemorySource(entries), store: bucketStore("b"), tracker: await github!.tracker() },
      });
    const [one, two] = await Promise.all([run("hourly-aaaa1"), run("hourly-bbbb2")]);
    const all = await bucketSidecars("b");
    const lost = lostEntries(all, entries.length);
    figures("faults: GCS concurrent writer", 1, github, lost);
    expect(gcs.requests.some((q) => q.status === 412)).toBe(true);
    expect([one.code, two.code].sort()).toEqual([0, 0]);
    expect(duplicatesIn(github.standIn)).toEqual([]);
    expect([...all.keys()].sort()).toEqual([...SERVICES].sort());
    expect(incompleteIssues(all)).toEqual([]);
    expect(lost).toBe(0);
  });
});

describe("Cloud Logging faults mid-paging", () => {
  async function runWithLogging(faults: Fault[], env: Record<string, string> = {}) {
    const entries = problemEntries(40); // 600 entries, 12 pages of 50
    logging = await startLoggingServer({ entries: entries as never, faults });
    const dir = await workDir();
    const config = loadConfig(
      {},
      { LOG_GARDENER_PROJECT: "shop-prod", LOG_GARDENER_OUT: dir, LOG_GARDENER_LOGGING_PAGE_SIZE: "50", ...ENV, ...env },
    );
    const source = createCloudLoggingSource(config, {
      apiEndpoint: "127.0.0.1",
      port: logging.port,
      sslCreds: grpc.credentials.createInsecure(),
      retry: { initialDelayMs: 1, maxDelayMs: 5 },
      readsPerMinute: 0,
    });
    const r = await runOnce({
      out: dir,
      env: { LOG_GARDENER_PROJECT: "shop-prod", LOG_GARDENER_LOGGING_PAGE_SIZE: "50", ...ENV, ...env },
      overrides: { source },
    });
    const all = await sidecars(dir);
    // Entries Cloud Logging handed over that no worklog counts.
    const handedOver = logging.requests.reduce((n, q) => n + q.returned, 0);
    return { r, all, lost: lostEntries(all, handedOver), entries };
  }

  test("UNAVAILABLE and RESOURCE_EXHAUSTED on later pages are retried: every entry read once", async () => {
    const { r, all, lost } = await runWithLogging([
      { code: "UNAVAILABLE", afterRequests: 2, times: 2 },
      { code: "RESOURCE_EXHAUSTED", afterRequests: 5, times: 3 },
    ]);
    figures("faults: Cloud Logging mid-paging", 5, undefined, lost);
    expect(r.code).toBe(0);
    expect(logging!.requests.filter((q) => q.status !== undefined)).toHaveLength(5);
    expect([...all.keys()].sort()).toEqual([...SERVICES].sort());
    for (const s of all.values()) expect(s.stats.duplicates).toBe(0);
    expect(lost).toBe(0);
  });

  // When Cloud Logging keeps failing past the retries, the worklogs are written with what was
  // read, say collection did not finish, and the run exits 1 so Cloud Run retries it.
  test("UNAVAILABLE past every retry: the worklogs are still written, say collection failed, and the run exits 1", async () => {
    const { r, all, lost } = await runWithLogging([{ code: "UNAVAILABLE", afterRequests: 3, times: 1000 }], {
      LOG_GARDENER_LOGGING_RETRIES: "2",
    });
    figures("faults: Cloud Logging gives up", 1, undefined, lost);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/UNAVAILABLE/);
    expect([...all.keys()].sort()).toEqual([...SERVICES].sort());
    for (const s of all.values()) expect(s.status.collected === false || s.truncated).toBe(true);
    expect(lost).toBe(0);
  });
});
