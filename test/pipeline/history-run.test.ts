// The problem history across runs: nine hourly windows run one after the other through runJob,
// on a local folder and on the loopback GCS peer. Checks what the sidecars and worklogs say
// changed, that a rerun and a lost or newer history behave, and what is stored.
import { PassThrough } from "node:stream";
import pino from "pino";
import { DryRunIssueTracker } from "../../src/adapters/dry-run-issue-tracker";
import { DEFAULT_TRIAGE_POLICY } from "../../src/core/triage/issue-plan";
import { historyKey, sidecarKey, worklogKey } from "../../src/core/report/object-keys";
import { parseSidecar, type WorklogSidecar } from "../../src/core/report/sidecar";
import { HISTORY_VERSION, parseProblemHistory } from "../../src/core/history/history";
import { runJob } from "../../src/pipeline/run-job";
import type { RunJobOptions } from "../../src/pipeline/run-types";
import type { ExistingIssue, LogQuery, LogSource, ObjectStore } from "../../src/ports";
import { ISSUE_MARKER_VERSION, renderIssueMarker } from "../../src/core/triage/issue-marker";
import { HOUR, storesUnderTest } from "./worklog-fixtures";

const SERVICE = "checkout-api";
const T0 = Date.parse("2026-03-02T00:00:00Z");
const R1 = "checkout-api-00041-old";
const R2 = "checkout-api-00042-new";
const MIN = 60_000;

interface Spec {
  readonly message: string;
  readonly hour: number;
  readonly minutes: readonly number[];
  readonly revision?: string;
}

function entry(s: Spec, minute: number, i: number): Record<string, unknown> {
  return {
    insertId: `${s.message}-${s.hour}-${minute}-${i}`,
    logName: "projects/shop-prod/logs/run.googleapis.com%2Fstderr",
    timestamp: new Date(T0 + s.hour * HOUR + minute * MIN + i).toISOString(),
    severity: "ERROR",
    resource: {
      type: "cloud_run_revision",
      labels: { service_name: SERVICE, ...(s.revision ? { revision_name: s.revision } : {}), location: "europe-west1" },
    },
    jsonPayload: { message: s.message },
  };
}

/** The scenario: what the service logged in hour h. */
function logged(h: number): Spec[] {
  const every = (n: number) => Array.from({ length: n }, (_, i) => Math.floor((i * 60) / n));
  const out: Spec[] = [];
  // r2 takes over at 04:30.
  // Steady at 10 an hour, and tenfold-and-more in hour 8 (a young problem: the cold-start limit is 10 × 10).
  if (h !== 4) out.push({ message: "database timeout after 30s", hour: h, minutes: every(h === 8 ? 120 : 10), revision: h < 4 ? R1 : R2 });
  else
    out.push(
      { message: "database timeout after 30s", hour: h, minutes: every(6).map((m) => m / 2), revision: R1 },
      { message: "database timeout after 30s", hour: h, minutes: [35, 40, 45, 50], revision: R2 },
    );
  // Cache misses in hours 0-1, gone until hour 8.
  if (h <= 1 || h === 8)
    out.push({ message: "cache unavailable, serving stale", hour: h, minutes: [5, 25, 45], revision: h === 8 ? R2 : R1 });
  // Starts with the deploy at 04:30 and stays.
  if (h >= 4)
    out.push({ message: "payment provider rejected the request", hour: h, minutes: h === 4 ? [31, 40, 50] : [10, 20], revision: R2 });
  // Hour 6: entries without a revision.
  if (h === 6) out.push({ message: "revisionless warning from a sidecar container", hour: h, minutes: [3, 4] });
  return out;
}

class ScenarioSource implements LogSource {
  describe(): string {
    return "scenario";
  }
  async *listEntries(query: LogQuery): AsyncIterable<unknown> {
    const h = Math.round((query.window.start - T0) / HOUR);
    for (const s of logged(h)) for (const [i, m] of s.minutes.entries()) yield entry(s, m, i);
  }
}

function optionsFor(h: number): RunJobOptions {
  return {
    window: { start: T0 + h * HOUR, end: T0 + (h + 1) * HOUR },
    focusArea: "Last 1 hour",
    services: [SERVICE],
    minSeverity: "WARNING",
    maxEntriesPerService: 10_000,
    maxMessageBytes: 65_536,
    dryRun: true,
    redact: (t) => t,
    triage: DEFAULT_TRIAGE_POLICY,
    history: { spanHours: 14 * 24, returnAfterMs: 6 * HOUR, escalationFactor: 3 },
    lockTtlMs: 10 * MIN,
    owner: "test",
  };
}

async function run(store: ObjectStore, h: number, existing: ExistingIssue[] = [], out = new PassThrough()): Promise<void> {
  const summary = await runJob(optionsFor(h), {
    source: new ScenarioSource(),
    store,
    tracker: new DryRunIssueTracker({ out, existing }),
    logger: pino({ level: "silent" }),
    now: () => T0 + (h + 1) * HOUR + 5 * MIN,
  });
  expect(summary.failures).toEqual([]);
}

async function sidecar(store: ObjectStore, h: number): Promise<WorklogSidecar> {
  const stored = await store.get(sidecarKey(SERVICE, T0 + h * HOUR));
  const parsed = parseSidecar(JSON.parse(stored!.body));
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  return parsed.sidecar;
}

function changes(s: WorklogSidecar): Record<string, string | undefined> {
  return Object.fromEntries(s.clusters.map((c) => [c.template.split(" ").slice(0, 2).join(" "), c.change]));
}

describe.each(storesUnderTest("history"))("problem history over hourly runs, on %s", (_name, makeStore) => {
  let store: ObjectStore;
  beforeAll(async () => {
    store = await makeStore();
    for (let h = 0; h <= 8; h++) await run(store, h);
  }, 60_000);

  test("each window's change is right, and the first window starts the history", async () => {
    expect(changes(await sidecar(store, 0))).toEqual({ "database timeout": "new", "cache unavailable,": "new" });
    expect(changes(await sidecar(store, 1))).toEqual({ "database timeout": "ongoing", "cache unavailable,": "ongoing" });
    expect(changes(await sidecar(store, 4))).toEqual({ "database timeout": "ongoing", "payment provider": "new" });
    expect(changes(await sidecar(store, 8))).toEqual({
      "database timeout": "escalating",
      "cache unavailable,": "returned",
      "payment provider": "ongoing",
    });
    expect((await sidecar(store, 8)).clusters.find((c) => c.change === "escalating")).toMatchObject({
      count: 120,
      baseline: 10,
      limit: 100,
      limitRule: "cold-start",
    });
    expect((await sidecar(store, 0)).history?.status).toBe("started");
    expect((await sidecar(store, 5)).history?.status).toBe("loaded");
  });

  test("a problem that starts with a deploy has firstSeenRevision the new revision, and the worklog says so", async () => {
    const s = await sidecar(store, 4);
    const payment = s.clusters.find((c) => c.template.startsWith("payment provider"))!;
    expect(payment).toMatchObject({ firstSeenRevision: R2, startedWithDeploy: R2, problemFirstSeen: "2026-03-02T04:31:00.000Z" });
    const timeout = s.clusters.find((c) => c.template.startsWith("database timeout"))!;
    expect(timeout).toMatchObject({ firstSeenRevision: R1, problemFirstSeen: "2026-03-02T00:00:00.000Z" });
    expect(timeout.startedWithDeploy).toBeUndefined();
    expect(s.history?.deployed).toEqual([{ value: R2, firstSeen: "2026-03-02T04:31:00.000Z" }]);
    const md = (await store.get(worklogKey(SERVICE, T0 + 4 * HOUR)))!.body;
    expect(md.indexOf("## What Changed")).toBeLessThan(md.indexOf("## Executive Summary"));
    expect(md).toContain("started with the deploy of `checkout-api-00042-new`");
    // Later hours keep the problem's first revision.
    expect((await sidecar(store, 7)).clusters.find((c) => c.template.startsWith("payment provider"))).toMatchObject({
      change: "ongoing",
      firstSeenRevision: R2,
    });
  });

  test("gone quiet, and entries without a revision, are in the sidecar", async () => {
    expect((await sidecar(store, 2)).quiet?.map((q) => q.title)).toEqual(["cache unavailable, serving stale"]);
    expect((await sidecar(store, 3)).quiet).toEqual([]);
    expect((await sidecar(store, 7)).quiet?.map((q) => q.title)).toEqual(["revisionless warning from a sidecar container"]);
    expect((await sidecar(store, 6)).history?.noRevision).toBe(2);
  });

  test("the stored history is versioned, valid and bounded to the problems seen", async () => {
    const stored = await store.get(historyKey(SERVICE));
    const parsed = parseProblemHistory(JSON.parse(stored!.body));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.history.version).toBe(HISTORY_VERSION);
    expect(Object.keys(parsed.history.problems)).toHaveLength(4);
    expect(parsed.history.lastWindow).toEqual({ start: T0 + 8 * HOUR, end: T0 + 9 * HOUR });
  });

  test("rerunning an old window leaves the history as it was and says the same", async () => {
    const before = (await store.get(historyKey(SERVICE)))!.body;
    const said = changes(await sidecar(store, 5));
    await run(store, 5);
    expect((await store.get(historyKey(SERVICE)))!.body).toBe(before);
    expect(changes(await sidecar(store, 5))).toEqual(said);
  });

  test("triage follows the history: escalation comment, reopen on returned, a fresh close waits", async () => {
    const s = await sidecar(store, 8);
    const fp = (start: string) => s.clusters.find((c) => c.template.startsWith(start))!.fingerprint;
    const tracked = (number: number, fingerprint: string, patch: Partial<ExistingIssue>): ExistingIssue => ({
      number,
      url: `https://github.example/shop/app/issues/${number}`,
      title: `issue ${number}`,
      body: renderIssueMarker({
        v: ISSUE_MARKER_VERSION,
        kind: "problem",
        fp: fingerprint,
        svc: SERVICE,
        tpl: "t",
        hist: { h0: T0 / HOUR, c: [10] },
        base: 10,
        seen: "x",
      }),
      state: "open",
      stateReason: null,
      closedAt: null,
      locked: false,
      labels: ["log-gardener"],
      ...patch,
    });
    const out = new PassThrough();
    await run(
      store,
      8,
      [
        tracked(5, fp("database timeout"), {}),
        tracked(6, fp("cache unavailable,"), {
          state: "closed",
          stateReason: "completed",
          closedAt: new Date(T0 + 2 * HOUR).toISOString(),
        }),
        tracked(7, fp("payment provider"), {
          state: "closed",
          stateReason: "completed",
          closedAt: new Date(T0 + 8 * HOUR + 15 * MIN).toISOString(),
        }),
      ],
      out,
    );
    const planned = String(out.read() ?? "")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { action: string; issue?: number; reason?: string });
    expect(planned.map((a) => [a.issue, a.action, a.reason]).sort()).toEqual([
      [5, "comment", "escalation"],
      [6, "reopen", undefined],
      [7, "skip", "recently-closed"],
    ]);
    // The issue numbers are recorded in the history, for the quiet list of later windows.
    const h = parseProblemHistory(JSON.parse((await store.get(historyKey(SERVICE)))!.body));
    expect(h.ok && h.history.problems[fp("database timeout")]?.issue).toBe(5);
  });

  test("a corrupt history is rebuilt from the sidecars and the worklog says so", async () => {
    const good = parseProblemHistory(JSON.parse((await store.get(historyKey(SERVICE)))!.body));
    const current = await store.get(historyKey(SERVICE));
    await store.put(historyKey(SERVICE), "{not json", { contentType: "application/json", ifGeneration: current!.generation });
    await run(store, 8);
    const s = await sidecar(store, 8);
    expect(s.history?.status).toBe("rebuilt");
    expect(s.history?.detail).toMatch(/rebuilt from 8 sidecars of the last 14 days/);
    expect(changes(s)).toEqual({ "database timeout": "escalating", "cache unavailable,": "returned", "payment provider": "ongoing" });
    expect((await store.get(worklogKey(SERVICE, T0 + 8 * HOUR)))!.body).toContain(
      "The problem history was rebuilt from the recent days' sidecars",
    );
    const rebuilt = parseProblemHistory(JSON.parse((await store.get(historyKey(SERVICE)))!.body));
    // The same problems and counts; issue numbers come back from the sidecars that carry them
    // (this dry run's sidecars have none, the triage test's run above had some).
    const withoutIssues = (h: typeof good) =>
      h.ok ? Object.fromEntries(Object.entries(h.history.problems).map(([fp, { issue: _issue, ...r }]) => [fp, r])) : undefined;
    expect(withoutIssues(rebuilt)).toEqual(withoutIssues(good));
  });

  test("a history from a newer version is refused, left untouched, and reported", async () => {
    const current = await store.get(historyKey(SERVICE));
    const newer = JSON.stringify({ version: HISTORY_VERSION + 1, kind: "log-gardener/problem-history", future: true });
    await store.put(historyKey(SERVICE), newer, { contentType: "application/json", ifGeneration: current!.generation });
    await run(store, 8);
    expect((await store.get(historyKey(SERVICE)))!.body).toBe(newer);
    const s = await sidecar(store, 8);
    expect(s.history?.status).toBe("refused");
    expect(s.history?.detail).toContain("written by a newer version");
    expect(changes(s)["cache unavailable,"]).toBe("returned");
    expect((await store.get(worklogKey(SERVICE, T0 + 8 * HOUR)))!.body).toContain("left untouched");
  });
});
