/**
 * npm run bench:busy — a busy hour: 1,000,000 entries of one service over several problems (one
 * only in the last five minutes, one rare), read with the cap at 20,000, the whole job as
 * `log-gardener run` wires it (createJob, runJob; worklogs in a temporary folder, GitHub as a
 * dry run). Two scenarios:
 *   monitoring  Cloud Logging through the real client from the loopback ListLogEntries peer,
 *               the fraction from the loopback ListTimeSeries peer's totals (sample(insertId, f))
 *   stdin       the same entries as JSON lines on stdin: the adaptive hash threshold alone
 * It prints, per scenario: every problem with its true count, its estimate, the error and the
 * 95% interval, whether it is present; the pages read (at most cap/1000 + 2 from Cloud Logging);
 * the fraction; the wall time. Judged: every problem present, |error| <= 10% for problems of 1%
 * or more, pages within the bound. Exit 1 when a judgement fails.
 *
 *   node dist/bench/busy.js [--entries N] [--cap N] [--scenario all|monitoring|stdin]
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import { parseArgs } from "node:util";
import * as grpc from "@grpc/grpc-js";
import { silentLogger } from "../src/adapters/logger";
import { createJob } from "../src/compose";
import { loadConfig } from "../src/config";
import { sidecarKey } from "../src/core/report/object-keys";
import { parseSidecar, type WorklogSidecar } from "../src/core/report/sidecar";
import { runJob } from "../src/pipeline/run-job";
import { startLoggingServer, type EntryGenerator, type LogEntryJson } from "../test/peers/logging-server";
import { minutePoints, startMonitoringServer } from "../test/peers/monitoring-server";

const PROJECT = "busy-proj";
const START = Date.parse("2025-09-15T01:00:00Z");
const END = START + 3_600_000;

interface Problem {
  readonly name: string;
  /** What the worklog's template starts with. */
  readonly prefix: string;
  readonly message: (i: number) => string;
}

const PROBLEMS: Problem[] = [
  {
    name: "timeouts (about half)",
    prefix: "timeout calling inventory",
    message: (i) => `timeout calling inventory after ${1000 + (i % 500)}ms`,
  },
  { name: "cache misses (28%)", prefix: "cache miss storm", message: (i) => `cache miss storm on sessions shard ${i % 16}` },
  { name: "disk quota (15%)", prefix: "disk quota exceeded", message: () => "disk quota exceeded on /tmp" },
  { name: "token refresh (1.5%)", prefix: "token refresh failed", message: (i) => `token refresh failed for client c-${i % 40}` },
  {
    name: "last five minutes only",
    prefix: "payment provider refused",
    message: (i) => `payment provider refused the token for order ${i}`,
  },
  { name: "rare (0.1%)", prefix: "certificate for", message: () => "certificate for api.internal expires in 2 days" },
];

/** Which problem entry i of n belongs to: fixed shares by i mod 1000, the late one from minute 55. */
function problemOf(i: number, n: number): number {
  if (i >= Math.floor((n * 55) / 60) && i % 2 === 0) return 4;
  const k = i % 1000;
  if (k < 1) return 5;
  if (k < 16) return 3;
  if (k < 166) return 2;
  if (k < 446) return 1;
  return 0;
}

function entryAt(i: number, n: number): LogEntryJson {
  return {
    insertId: `${(i * 2654435761) % 4294967296}-${i.toString(36)}`,
    logName: `projects/${PROJECT}/logs/run.googleapis.com%2Fstdout`,
    timestamp: new Date(START + Math.floor((i * 3_600_000) / n)).toISOString(),
    severity: "ERROR",
    resource: { type: "cloud_run_revision", labels: { service_name: "checkout", revision_name: "checkout-00007-xyz" } },
    jsonPayload: { message: PROBLEMS[problemOf(i, n)]!.message(i) },
  };
}

interface Outcome {
  readonly sidecar: WorklogSidecar;
  readonly pages?: number;
  readonly wallMs: number;
}

function configFor(dir: string, cap: number, extra: Record<string, string>) {
  return loadConfig(
    {},
    {
      LOG_GARDENER_SERVICES: "checkout",
      LOG_GARDENER_WINDOW_END: new Date(END).toISOString(),
      LOG_GARDENER_OUT: dir,
      LOG_GARDENER_MAX_ENTRIES: String(cap),
      LOG_GARDENER_DRY_RUN: "true",
      LOG_GARDENER_RELATED_SEARCH: "false",
      ...extra,
    },
  );
}

async function sidecarOf(dir: string): Promise<WorklogSidecar> {
  const parsed = parseSidecar(JSON.parse(await readFile(path.join(dir, sidecarKey("checkout", START)), "utf8")));
  if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
  return parsed.sidecar;
}

const quiet = () => new Writable({ write: (_c, _e, done) => done() });

async function monitoringScenario(n: number, cap: number): Promise<Outcome> {
  const entries: EntryGenerator = { count: n, at: (i) => entryAt(i, n) };
  const logging = await startLoggingServer({ entries, recordRequests: true });
  const monitoring = await startMonitoringServer({ points: minutePoints("checkout", "ERROR", n, START, END) });
  const dir = await mkdtemp(path.join(os.tmpdir(), "lg-busy-"));
  try {
    const config = configFor(dir, cap, { LOG_GARDENER_PROJECT: PROJECT, LOG_GARDENER_LOGGING_PAGE_SIZE: "1000" });
    const insecure = grpc.credentials.createInsecure();
    const started = performance.now();
    const job = await createJob(
      config,
      { stdout: quiet(), now: Date.now, logger: silentLogger() },
      {
        loggingEndpoint: { apiEndpoint: "127.0.0.1", port: logging.port, sslCreds: insecure },
        monitoringEndpoint: { apiEndpoint: "127.0.0.1", port: monitoring.port, sslCreds: insecure },
      },
    );
    await runJob(job.options, job.deps);
    const wallMs = performance.now() - started;
    return { sidecar: await sidecarOf(dir), pages: logging.requests.length, wallMs };
  } finally {
    await logging.close();
    await monitoring.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function stdinScenario(n: number, cap: number): Promise<Outcome> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "lg-busy-"));
  try {
    const config = configFor(dir, cap, { LOG_GARDENER_INPUT: "-" });
    function* lines(): Generator<string> {
      for (let i = 0; i < n; i++) yield `${JSON.stringify(entryAt(i, n))}\n`;
    }
    const started = performance.now();
    const job = await createJob(config, { stdin: Readable.from(lines()), stdout: quiet(), now: Date.now, logger: silentLogger() });
    await runJob(job.options, job.deps);
    const wallMs = performance.now() - started;
    return { sidecar: await sidecarOf(dir), wallMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function report(name: string, outcome: Outcome, n: number, cap: number): boolean {
  const truth = new Array<number>(PROBLEMS.length).fill(0);
  for (let i = 0; i < n; i++) truth[problemOf(i, n)]!++;
  const s = outcome.sidecar;
  let ok = true;
  console.log(`\n== ${name}: ${n.toLocaleString("en-US")} entries, cap ${cap.toLocaleString("en-US")}`);
  console.log(
    `fraction ${s.sampling?.fraction ?? 1} (${s.sampling?.mode ?? "none"}; server ${s.sampling?.serverFraction ?? 1}, adaptive ${s.sampling?.adaptiveFraction ?? 1}), in the final sample ${s.sampling?.sampled ?? s.stats.clustered}, estimated ${s.estimated === true}`,
  );
  console.log("problem                     truth    estimate   error    95% interval          present");
  PROBLEMS.forEach((p, k) => {
    const found = s.clusters.filter((c) => c.template.startsWith(p.prefix));
    const estimate = found.reduce((a, c) => a + c.count, 0);
    const low = found.reduce((a, c) => a + (c.estimate?.low ?? c.count), 0);
    const high = found.reduce((a, c) => a + (c.estimate?.high ?? c.count), 0);
    const error = (estimate - truth[k]!) / truth[k]!;
    const share = truth[k]! / n;
    const judged = share >= 0.01;
    const bad = found.length === 0 || (judged && Math.abs(error) > 0.1);
    if (bad) ok = false;
    console.log(
      `${p.name.padEnd(26)} ${String(truth[k]).padStart(7)} ${String(estimate).padStart(10)} ${`${(error * 100).toFixed(1)}%`.padStart(8)}  [${low}, ${high}]`.padEnd(
        82,
      ) + ` ${found.length > 0 ? "yes" : "NO"}${judged ? "" : " (under 1%: error not judged)"}${bad ? "  <-- FAIL" : ""}`,
    );
  });
  const others = s.clusters.filter((c) => !PROBLEMS.some((p) => c.template.startsWith(p.prefix)));
  if (others.length > 0) console.log(`other clusters: ${others.map((c) => `${c.template.slice(0, 40)} ×${c.count}`).join("; ")}`);
  if (outcome.pages !== undefined) {
    const bound = cap / 1000 + 2;
    const pagesOk = outcome.pages <= bound;
    if (!pagesOk) ok = false;
    console.log(
      `pages read ${outcome.pages} (bound cap/1000 + 2 = ${bound}) ${pagesOk ? "ok" : "FAIL"}; quota share ${s.sampling?.quotaShare !== undefined ? `${(s.sampling.quotaShare * 100).toFixed(1)}%` : "n/a"}`,
    );
  }
  console.log(`wall time ${(outcome.wallMs / 1000).toFixed(1)} s`);
  return ok;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      entries: { type: "string", default: "1000000" },
      cap: { type: "string", default: "20000" },
      scenario: { type: "string", default: "all" },
    },
  });
  const n = Number(values.entries);
  const cap = Number(values.cap);
  const scenarios = values.scenario === "all" ? ["monitoring", "stdin"] : values.scenario.split(",");
  console.log(`bench:busy ${new Date().toISOString()} node ${process.version} on ${os.cpus().length} CPUs`);
  let ok = true;
  if (scenarios.includes("monitoring"))
    ok = report("Cloud Logging, fraction from Monitoring", await monitoringScenario(n, cap), n, cap) && ok;
  if (scenarios.includes("stdin")) ok = report("stdin, adaptive threshold", await stdinScenario(n, cap), n, cap) && ok;
  console.log(ok ? "\nall judgements passed" : "\nsome judgements FAILED");
  process.exitCode = ok ? 0 : 1;
}

void main();
