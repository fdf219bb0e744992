/**
 * Sampling end to end with the real clients: @google-cloud/monitoring reads the window's totals
 * from the loopback ListTimeSeries peer, the job chooses the fraction, @google-cloud/logging
 * sends sample(insertId, f) to the loopback ListLogEntries peer (which applies it with its own
 * hash), and the worklog and sidecar carry estimates. Assertions are on the requests the peers
 * received and on the estimates against the known truth.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import * as grpc from "@grpc/grpc-js";
import { silentLogger } from "../../src/adapters/logger";
import { createJob } from "../../src/compose";
import { loadConfig } from "../../src/config";
import { sidecarKey, worklogKey } from "../../src/core/report/object-keys";
import { parseSidecar } from "../../src/core/report/sidecar";
import { runJob } from "../../src/pipeline/run-job";
import { startLoggingServer, type EntryGenerator, type LogEntryJson, type LoggingServer } from "../peers/logging-server";
import { minutePoints, startMonitoringServer, type MonitoringServer, type MonitoringServerOptions } from "../peers/monitoring-server";

const PROJECT = "demo-proj";
// The fallbacks read the whole window (30 pages) through both real clients: slow on a busy host.
jest.setTimeout(120_000);
const START = Date.parse("2025-09-15T01:00:00Z");
const END = START + 3_600_000;
const TOTAL = 30_000;
const CAP = 3000;

/** Problems by share; "late" only in the last eight minutes. */
function messageOf(i: number): string {
  const minute = Math.floor((i / TOTAL) * 60);
  if (minute >= 52 && i % 5 === 0) return "late: payment provider refused the token";
  if (i % 10 < 6) return "timeout calling inventory";
  if (i % 10 < 9) return "cache miss storm on sessions";
  return "disk quota exceeded on /tmp";
}

function generator(): EntryGenerator & { truth: Map<string, number> } {
  const truth = new Map<string, number>();
  for (let i = 0; i < TOTAL; i++) truth.set(messageOf(i), (truth.get(messageOf(i)) ?? 0) + 1);
  return {
    count: TOTAL,
    truth,
    at: (i): LogEntryJson => ({
      insertId: `e${i.toString(36)}x${(i * 7919) % 1000}`,
      logName: `projects/${PROJECT}/logs/run.googleapis.com%2Fstdout`,
      timestamp: new Date(START + Math.floor((i * 3_600_000) / TOTAL)).toISOString(),
      severity: "ERROR",
      resource: { type: "cloud_run_revision", labels: { service_name: "api", revision_name: "api-00001-abc" } },
      jsonPayload: { message: messageOf(i) },
    }),
  };
}

let logging: LoggingServer | undefined;
let monitoring: MonitoringServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await logging?.close();
  await monitoring?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  logging = monitoring = dir = undefined;
});

async function run(monitoringOptions: MonitoringServerOptions, now = END + 10 * 60_000) {
  const entries = generator();
  logging = await startLoggingServer({ entries });
  monitoring = await startMonitoringServer(monitoringOptions);
  dir = await mkdtemp(path.join(os.tmpdir(), "lg-sampling-"));
  const config = loadConfig(
    {},
    {
      LOG_GARDENER_PROJECT: PROJECT,
      LOG_GARDENER_SERVICES: "api",
      LOG_GARDENER_WINDOW_END: "2025-09-15T02:00:00Z",
      LOG_GARDENER_OUT: dir,
      LOG_GARDENER_MAX_ENTRIES: String(CAP),
      LOG_GARDENER_LOGGING_PAGE_SIZE: "1000",
      LOG_GARDENER_LOGGING_READS_PER_MINUTE: "0",
      LOG_GARDENER_MONITORING_RETRIES: "1",
      LOG_GARDENER_LOGGING_RETRY_DELAY: "1s",
      LOG_GARDENER_DRY_RUN: "true",
    },
  );
  const slept: number[] = [];
  const insecure = grpc.credentials.createInsecure();
  const job = await createJob(
    config,
    { stdout: new Writable({ write: (_c, _e, done) => done() }), now: () => now, logger: silentLogger() },
    {
      loggingEndpoint: { apiEndpoint: "127.0.0.1", port: logging.port, sslCreds: insecure },
      monitoringEndpoint: { apiEndpoint: "127.0.0.1", port: monitoring.port, sslCreds: insecure },
      sleep: async (ms) => void slept.push(ms),
    },
  );
  const summary = await runJob(job.options, job.deps);
  const worklog = await readFile(path.join(dir, worklogKey("api", START)), "utf8");
  const sidecar = parseSidecar(JSON.parse(await readFile(path.join(dir, sidecarKey("api", START)), "utf8")));
  if (!sidecar.ok) throw new Error(sidecar.problems.join("\n"));
  return { summary, worklog, sidecar: sidecar.sidecar, truth: entries.truth, slept };
}

function checkEstimates(sidecar: Awaited<ReturnType<typeof run>>["sidecar"], truth: Map<string, number>): void {
  // Every problem is there, the one of the last eight minutes included (templates mask /tmp).
  const head = (text: string) => text.slice(0, 12);
  expect(new Set(sidecar.clusters.map((c) => head(c.template)))).toEqual(new Set([...truth.keys()].map(head)));
  for (const c of sidecar.clusters) {
    const t = [...truth].find(([m]) => c.template.startsWith(m.slice(0, 12)))![1];
    expect(c.estimate).toBeDefined();
    // Each truth within its interval, widened a little for the one-in-twenty miss.
    expect(t).toBeGreaterThanOrEqual(c.estimate!.low * 0.9);
    expect(t).toBeLessThanOrEqual(c.estimate!.high * 1.1);
  }
}

describe("sampling with Cloud Monitoring's totals", () => {
  test("totals read, fraction chosen, filter sent, pages bounded, estimates within bounds", async () => {
    const points = minutePoints("api", "ERROR", TOTAL, START, END);
    const { worklog, sidecar, truth, slept } = await run({ points });
    // Monitoring: one request over exactly the window, for api.
    expect(monitoring!.requests).toHaveLength(1);
    expect(monitoring!.requests[0]!.filter).toContain('resource.labels.service_name = "api"');
    expect([monitoring!.requests[0]!.startMs, monitoring!.requests[0]!.endMs]).toEqual([START, END]);
    // The lag had passed (10 minutes after the window): no wait.
    expect(slept).toEqual([]);
    // Logging: every request carried the chosen fraction, three standard deviations under cap / total.
    const filters = new Set(logging!.requests.map((r) => r.filter));
    expect(filters.size).toBe(1);
    expect([...filters][0]).toMatch(/ AND sample\(insertId, 0\.09452\)$/);
    expect(logging!.requests.length).toBeLessThanOrEqual(CAP / 1000 + 2);
    expect(sidecar.estimated).toBe(true);
    expect(sidecar.sampling).toMatchObject({
      mode: "server",
      serverFraction: 0.09452,
      adaptiveFraction: 1,
      total: TOTAL,
      totals: { ERROR: TOTAL },
    });
    expect(sidecar.sampling!.pagesRead).toBe(logging!.requests.length);
    checkEstimates(sidecar, truth);
    expect(worklog).toContain("## Sampling");
    expect(worklog).toMatch(/≈ \d/);
    expect(worklog).toContain("30,000 (ERROR 30,000)");
    expect(worklog).toMatch(/late: payment provider/);
  });

  test("right after the window it waits for Monitoring's documented lag", async () => {
    const points = minutePoints("api", "ERROR", TOTAL, START, END);
    const { slept, worklog } = await run({ points }, END + 30_000);
    expect(slept).toHaveLength(1);
    expect(slept[0]).toBeGreaterThanOrEqual(240_000 - 30_000);
    expect(worklog).toMatch(/waited \d+ s for Monitoring's documented lag/);
  });

  test("a Monitoring error falls back to adaptive sampling while reading, says so, and still holds the cap", async () => {
    const { worklog, sidecar, truth } = await run({
      points: [],
      faults: [{ code: "PERMISSION_DENIED", message: "monitoring.timeSeries.list denied" }],
    });
    expect(logging!.requests.every((r) => !r.filter.includes("sample("))).toBe(true);
    expect(sidecar.sampling).toMatchObject({ mode: "adaptive", serverFraction: 1 });
    expect(sidecar.sampling!.sampled).toBeLessThanOrEqual(CAP);
    expect(sidecar.sampling!.fallback).toMatch(/PERMISSION_DENIED/);
    expect(worklog).toMatch(/Fallback: Monitoring totals failed/);
    checkEstimates(sidecar, truth);
  });

  test("a missing metric (no series) falls back the same way", async () => {
    const { sidecar } = await run({ points: [] });
    expect(sidecar.sampling!.fallback).toMatch(/no logging\.googleapis\.com\/log_entry_count series/);
    expect(sidecar.sampling!.sampled).toBeLessThanOrEqual(CAP);
  });
});
