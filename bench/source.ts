/**
 * npm run bench:source — one million entries from the loopback gRPC Cloud Logging peer through
 * the real client and CloudLoggingSource into the pipeline; prints, per pass, entries/s (wall
 * clock and per CPU-second), peak RSS, how long the main thread sat idle, the garbage
 * collections, and a host calibration loop timed before and after.
 *
 * The peer runs in a child process (it is the service, not the job), so the RSS measured is the
 * job's alone. It builds and encodes every page before the passes and serves them from memory
 * (--uncached-peer: each page on request). Three passes, each in a fresh process:
 *   source  the client and the source alone, entries drained: the read ceiling
 *   stages  the same read, every entry normalized (normalizeEntry, redaction) and clustered per
 *           service (template miner)
 *   job     the whole job as `log-gardener run` wires it (createJob, runJob): worklogs written to
 *           a temporary folder, GitHub as a dry run
 * The floor to hold (docs/performance.md): peak RSS < 300 MB, and >= 10,000 entries/s end to
 * end, ten times Cloud Logging's read quota. --runs N repeats the passes and judges the rate on
 * the job passes' median.
 *
 *   node dist/bench/source.js [--entries N] [--page-size N] [--pass all|source,stages,job]
 *                             [--node-flags "--max-old-space-size=160"] [--runs N] [--uncached-peer] [--verbose]
 * --node-flags go to the measured process only (not the peer); the default is the container's
 * own, from the Dockerfile's ENTRYPOINT (--max-semi-space-size=16 --heap-growing-percent=30).
 * Pass --node-flags "" for Node's defaults.
 */
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { Writable } from "node:stream";
import os from "node:os";
import { constants as perfConstants, performance, PerformanceObserver } from "node:perf_hooks";
import v8 from "node:v8";
import * as grpc from "@grpc/grpc-js";
import { createCloudLoggingSource } from "../src/compose-cloud-logging";
import { silentLogger } from "../src/adapters/logger";
import { createJob } from "../src/compose";
import { loadConfig } from "../src/config";
import { DEFAULT_CLUSTER_OPTIONS, ServiceClusterer } from "../src/core/cluster/cluster";
import { TemplateMiner } from "../src/core/cluster/miner/template-miner";
import { normalizeEntry } from "../src/core/ingest/normalize";
import { buildLoggingFilter } from "../src/core/ingest/logging-filter";
import { buildRedactor } from "../src/core/redact/redact";
import type { SourceReport } from "../src/ports";
import { runJob } from "../src/pipeline/run-job";
import { startLoggingServer, type EntryGenerator, type LogEntryJson } from "../test/peers/logging-server";
import { entrypointNodeFlags } from "../test/ship/dockerfile";

const PROJECT = "bench-proj";
const WINDOW = { start: Date.parse("2025-09-15T01:00:00Z"), end: Date.parse("2025-09-15T02:00:00Z") };
const SERVICES = ["api", "web", "worker", "billing"];
const RSS_TARGET_MB = 300;
/**
 * The node flags of the container image's ENTRYPOINT (the Dockerfile, read here so the two
 * cannot drift apart), so the measured process runs as deployed.
 */
function containerNodeFlags(): string {
  return entrypointNodeFlags(readFileSync(path.resolve(__dirname, "../../Dockerfile"), "utf8")).join(" ");
}
const RATE_TARGET = 10_000;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

// ---------------------------------------------------------------------------------------------
// The peer's entries: realistic Cloud Run shapes, a few dozen templates with varying values.

function syntheticEntries(count: number): EntryGenerator {
  const step = (WINDOW.end - WINDOW.start) / count;
  const resource = SERVICES.map((s) => ({
    type: "cloud_run_revision",
    labels: { service_name: s, revision_name: `${s}-00042-abc`, location: "us-central1", project_id: PROJECT },
  }));
  const labels = Array.from({ length: 7 }, (_, k) => ({ instanceId: `00f46b92${k.toString(16)}` }));
  const traces = Array.from(
    { length: 4096 },
    (_, k) => `projects/${PROJECT}/traces/${(k * 2654435761).toString(16).padStart(32, "0").slice(0, 32)}`,
  );
  const spans = Array.from({ length: 4096 }, (_, k) => k.toString(16).padStart(16, "0"));
  const logName = (log: string) => `projects/${PROJECT}/logs/run.googleapis.com%2F${log}`;
  const [requests, stdout, stderr] = [logName("requests"), logName("stdout"), logName("stderr")];
  const stack = (k: number) =>
    `TypeError: Cannot read properties of undefined (reading 'id')\n    at handler (/app/src/orders.js:${10 + k}:17)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)`;
  const stacks = Array.from({ length: 5 }, (_, k) => stack(k));
  const sourceLocations = Array.from({ length: 3 }, (_, k) => ({ file: "src/db.ts", line: String(40 + k), function: "query" }));
  // Timestamps are in order, so the ISO text of the current second is reused.
  let second = -1;
  let secondText = "";
  const iso = (ms: number, micros: number): string => {
    const s = Math.floor(ms / 1000);
    if (s !== second) {
      second = s;
      secondText = new Date(s * 1000).toISOString().slice(0, 19);
    }
    return `${secondText}.${String(Math.floor(ms) % 1000).padStart(3, "0")}${String(micros).padStart(3, "0")}Z`;
  };
  return {
    count,
    at(i: number): LogEntryJson {
      const service = i % SERVICES.length;
      const ms = WINDOW.start + i * step;
      const base = {
        insertId: `bench-${i.toString(36)}`,
        timestamp: iso(ms, i % 1000),
        // Cloud Logging sets it on every entry, often in the next second.
        receiveTimestamp: iso(ms + 20 + (i % 1500), 0),
        resource: resource[service]!,
        labels: labels[i % 7]!,
        trace: traces[i % 4096]!,
        spanId: spans[i % 4096]!,
      };
      switch (i % 5) {
        case 0:
          return {
            ...base,
            logName: requests,
            severity: i % 3 === 0 ? "ERROR" : "WARNING",
            httpRequest: {
              requestMethod: "GET",
              requestUrl: `https://${SERVICES[service]}-xyz-uc.a.run.app/orders/${i % 997}?page=${i % 13}`,
              status: i % 3 === 0 ? 503 : 429,
              latency: `0.${String(i % 1000).padStart(3, "0")}s`,
              responseSize: String(200 + (i % 50)),
              userAgent: "Go-http-client/2.0",
              remoteIp: `203.0.113.${i % 255}`,
              protocol: "HTTP/1.1",
            },
          };
        case 1:
          return {
            ...base,
            logName: stdout,
            severity: "ERROR",
            jsonPayload: { message: `failed to load order ${i % 4099} for user u-${i % 313}: connection reset by peer`, attempt: i % 4 },
          };
        case 2:
          return {
            ...base,
            logName: stdout,
            severity: "WARNING",
            jsonPayload: { message: `slow query took ${100 + (i % 900)}ms on table orders_${i % 8}`, durationMs: 100 + (i % 900) },
            sourceLocation: sourceLocations[i % 3]!,
          };
        case 3:
          return { ...base, logName: stderr, severity: "ERROR", textPayload: stacks[i % 5]! };
        default:
          return {
            ...base,
            logName: stdout,
            severity: "CRITICAL",
            jsonPayload: {
              message: `payment ${i % 10007} declined by provider: code ${i % 17}`,
              provider: "acme",
              amount: (i % 500) + 0.99,
            },
          };
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The peer process

/** The filters the measured passes send: the source's own builder with the passes' settings. */
function benchFilters(): string[] {
  return SERVICES.map((service) =>
    buildLoggingFilter({
      window: WINDOW,
      service,
      minSeverity: "WARNING",
      includeStderr: true,
      excludeLogIds: ["log-gardener"],
      extraFilter: undefined,
    }),
  );
}

/**
 * The peer builds and encodes every page once before any pass starts and then serves them from
 * memory, as the real service answers without the job paying for it: on this 2-core host an
 * uncached peer (filtering four queries over the same million entries and encoding each page)
 * takes most of a core and would be measured as if it were the job's.
 */
async function runPeer(count: number, pageSize: number, cached: boolean): Promise<void> {
  const server = await startLoggingServer({ entries: syntheticEntries(count), recordRequests: false, cacheResponses: cached });
  const started = performance.now();
  let pages = 0;
  if (cached) {
    for (const filter of benchFilters())
      pages += server.prime({ resourceNames: [`projects/${PROJECT}`], filter, orderBy: "timestamp asc", pageSize }).pages;
  }
  process.send?.({ port: server.port, pages, primeSeconds: (performance.now() - started) / 1000 });
  process.on("message", (m) => {
    if (m === "stats") process.send?.({ stats: server.cacheStats() });
    if (m === "close") void server.close().then(() => process.exit(0));
  });
}

// ---------------------------------------------------------------------------------------------
// A measured pass

interface PassResult {
  readonly pass: string;
  readonly entries: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Entries per second of CPU time this process used: the rate on one uncontended core. */
  readonly perCpuSecond: number;
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
  /** Seconds the main thread's event loop sat idle: waiting on the peer, not working. */
  readonly idleSeconds: number;
  /** Garbage collections of the young generation (minor) and full ones (major), and their pauses. */
  readonly gc: { readonly minor: number; readonly major: number; readonly seconds: number };
  /** Milliseconds of a fixed CPU-bound loop just before and just after the pass: how fast the host was. */
  readonly calibrationMs: readonly [number, number];
  readonly clusters?: number;
  readonly skipped?: number;
}

type Pass = "source" | "stages" | "job";
const PASSES: readonly Pass[] = ["source", "stages", "job"];

/**
 * A fixed, single-threaded, CPU-bound loop (hashing and string work, no allocation to speak
 * of), timed. On a shared host the same code measures a quarter slower or faster from one
 * minute to the next; this figure, taken around each pass, shows whether the host was.
 */
function calibrationMs(): number {
  const started = performance.now();
  let h = 0;
  const text = "GET /orders/12345?page=7 -> 503 upstream connect error or disconnect/reset before headers";
  for (let round = 0; round < 400_000; round++) {
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  if (h === 42) console.log(""); // keeps the loop from being optimized away
  return performance.now() - started;
}

async function runPass(pass: Pass, port: number, pageSize: number): Promise<PassResult> {
  const source = createCloudLoggingSource(
    {
      project: PROJECT,
      taskCount: 1,
      includeStderr: true,
      loggerLevels: false,
      extraFilter: undefined,
      excludeLogs: ["log-gardener"],
      loggingPageSize: pageSize,
      loggingReadsPerMinute: 0,
      loggingRetries: 3,
      loggingRetryDelayMs: 100,
      loggingRetryMaxDelayMs: 1000,
      loggingTimeoutMs: 60_000,
    },
    { apiEndpoint: "127.0.0.1", port, sslCreds: grpc.credentials.createInsecure() },
  );
  const report: SourceReport = { truncations: [], notes: [] };
  const query = { window: WINDOW, services: SERVICES, minSeverity: "WARNING" as const, maxEntriesPerService: 1_000_000 };
  const redact = buildRedactor({});
  const clusterers = new Map(
    SERVICES.map((s) => [s, new ServiceClusterer(s, new TemplateMiner(), { ...DEFAULT_CLUSTER_OPTIONS, window: WINDOW })]),
  );

  let peakRss = process.memoryUsage.rss();
  const verbose = process.argv.includes("--verbose");
  let ticks = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (verbose && ++ticks % 20 === 0) {
      const m = process.memoryUsage();
      const mb = (x: number) => (x / 1048576).toFixed(0);
      const spaces = v8
        .getHeapSpaceStatistics()
        .map((sp) => `${sp.space_name.replace("_space", "")} ${mb(sp.space_used_size)}/${mb(sp.space_size)}`);
      console.log(
        `  ${pass} ${n} entries  rss ${mb(m.rss)} heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} external ${mb(m.external)} buffers ${mb(m.arrayBuffers)} MB; ${spaces.join(", ")}`,
      );
    }
  }, 25);
  const calibrationBefore = calibrationMs();
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const eluStart = performance.eventLoopUtilization();
  const gc = { minor: 0, major: 0, seconds: 0 };
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) gc.minor++;
      else if (kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) gc.major++;
      gc.seconds += e.duration / 1000;
    }
  });
  gcObserver.observe({ entryTypes: ["gc"] });
  let n = 0;
  let skipped = 0;
  let clusters: number | undefined;
  let dir: string | undefined;
  if (pass === "job") {
    // The whole job as `log-gardener run` wires it: worklogs into a temporary folder, GitHub as a dry run.
    dir = await mkdtemp(path.join(os.tmpdir(), "bench-source-"));
    const config = loadConfig(
      {},
      {
        LOG_GARDENER_PROJECT: PROJECT,
        LOG_GARDENER_SERVICES: SERVICES.join(","),
        LOG_GARDENER_WINDOW_END: new Date(WINDOW.end).toISOString(),
        LOG_GARDENER_OUT: dir,
        LOG_GARDENER_MAX_ENTRIES: "1000000",
        LOG_GARDENER_INCLUDE_STDERR: "true",
        LOG_GARDENER_LOGGING_PAGE_SIZE: String(pageSize),
        LOG_GARDENER_LOGGING_READS_PER_MINUTE: "0",
        LOG_GARDENER_DRY_RUN: "true",
      },
    );
    const stdout = new Writable({ write: (_chunk, _encoding, done) => done() });
    const job = await createJob(
      config,
      { stdout, now: () => Date.now(), logger: silentLogger() },
      { loggingEndpoint: { apiEndpoint: "127.0.0.1", port, sslCreds: grpc.credentials.createInsecure() } },
    );
    const summary = await runJob(job.options, { ...job.deps, onProgress: (read) => (n = read) });
    n = summary.read;
    skipped = summary.skipped;
    clusters = summary.services.reduce((sum, s) => sum + s.clusters, 0);
  } else {
    for await (const raw of source.listEntries(query, report)) {
      n++;
      if (pass === "source") continue;
      const result = normalizeEntry(raw, { maxMessageBytes: 64 * 1024, redact });
      if (!result.ok) {
        skipped++;
        continue;
      }
      clusterers.get(result.entry.service)?.add(result.entry);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const idleSeconds = performance.eventLoopUtilization(eluStart).idle / 1000;
  gcObserver.disconnect();
  const calibrationAfter = calibrationMs();
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
  if (pass === "stages") clusters = [...clusterers.values()].reduce((sum, c) => sum + c.clusters().length, 0);
  if (dir) await rm(dir, { recursive: true, force: true });
  return {
    pass,
    entries: n,
    seconds,
    perSecond: n / seconds,
    perCpuSecond: n / cpuSeconds,
    cpuSeconds,
    peakRssMb: peakRss / 1024 / 1024,
    idleSeconds,
    gc,
    calibrationMs: [calibrationBefore, calibrationAfter],
    clusters,
    skipped: pass === "source" ? undefined : skipped,
  };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const count = Number(arg("entries", "1000000"));
  const pageSize = Number(arg("page-size", "1000"));
  const mode = process.argv[2];
  const cached = !process.argv.includes("--uncached-peer");
  if (mode === "peer") return runPeer(count, pageSize, cached);
  if (mode === "pass") {
    const pass = arg("pass", "job") as Pass;
    const result = await runPass(pass, Number(arg("port", "0")), pageSize);
    process.send?.(result);
    return;
  }

  const peer = fork(
    __filename,
    ["peer", "--entries", String(count), "--page-size", String(pageSize), ...(cached ? [] : ["--uncached-peer"])],
    { stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  const ready = await new Promise<{ port: number; pages: number; primeSeconds: number }>((resolve) =>
    peer.once("message", (m) => resolve(m as never)),
  );
  const port = ready.port;
  const which = arg("pass", "all");
  const passes = which === "all" ? PASSES : which.split(",").filter((p): p is Pass => (PASSES as readonly string[]).includes(p));
  console.log(
    `host: ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} (other work on the host slows the wall-clock rates; the per-CPU-second rate is this process alone)`,
  );
  console.log(
    `bench:source  ${count.toLocaleString("en")} entries, ${SERVICES.length} services, pages of ${pageSize}, gRPC peer on 127.0.0.1:${port} (own process)`,
  );
  console.log(
    cached
      ? `peer: ${ready.pages} pages built and encoded in ${ready.primeSeconds.toFixed(1)} s before the passes, then served from memory (--uncached-peer builds each page on request)`
      : "peer: uncached, each page filtered and encoded on request (its CPU competes with the measured process)",
  );
  // On a shared host the wall-clock rate of one pass varies by a quarter from run to run:
  // --runs N repeats each pass and judges the rate target on the median.
  const runs = Math.max(1, Number(arg("runs", "1")) || 1);
  const nodeFlags = arg("node-flags", containerNodeFlags());
  console.log(
    `measured process: node ${nodeFlags || "(no flags)"}${process.argv.includes("--node-flags") ? "" : " (the container's, from the Dockerfile's ENTRYPOINT)"}`,
  );
  const results: PassResult[] = [];
  try {
    for (let run = 0; run < runs; run++)
      for (const pass of passes) {
        const child = fork(
          __filename,
          [
            "pass",
            "--pass",
            pass,
            "--port",
            String(port),
            "--page-size",
            String(pageSize),
            ...(process.argv.includes("--verbose") ? ["--verbose"] : []),
          ],
          {
            stdio: ["ignore", "inherit", "inherit", "ipc"],
            execArgv: [...process.execArgv, ...nodeFlags.split(" ").filter((f) => f.length > 0)],
          },
        );
        const result = await new Promise<PassResult>((resolve, reject) => {
          child.once("message", (m) => resolve(m as PassResult));
          child.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`pass ${pass} exited with ${code}`))));
        });
        child.disconnect();
        results.push(result);
        const extra = result.clusters === undefined ? "" : `  ${result.clusters} clusters, ${result.skipped} skipped`;
        console.log(
          `${pass.padEnd(7)} ${result.entries.toLocaleString("en")} entries in ${result.seconds.toFixed(2)} s = ${Math.round(result.perSecond).toLocaleString("en")} entries/s (${Math.round(result.perCpuSecond).toLocaleString("en")} per CPU-second, ${result.cpuSeconds.toFixed(2)} s CPU, main thread idle ${result.idleSeconds.toFixed(2)} s; GC ${result.gc.minor} minor + ${result.gc.major} major, ${result.gc.seconds.toFixed(2)} s; host calibration ${result.calibrationMs.map((ms) => ms.toFixed(0)).join("/")} ms)  peak RSS ${result.peakRssMb.toFixed(0)} MB${extra}`,
        );
      }
    if (cached) {
      peer.send("stats");
      const { stats } = await new Promise<{ stats: { hits: number; misses: number } }>((resolve) =>
        peer.once("message", (m) => resolve(m as never)),
      );
      // A miss would mean a pass asked for a page the priming did not build: its cost was measured.
      console.log(`peer: ${stats.hits} pages served from memory, ${stats.misses - ready.pages} built during the passes`);
    }
  } finally {
    peer.send("close");
  }
  const complete = results.every((r) => r.entries === count);
  const rssOk = results.every((r) => r.peakRssMb < RSS_TARGET_MB);
  const jobRates = results
    .filter((r) => r.pass === "job")
    .map((r) => r.perSecond)
    .sort((a, b) => a - b);
  const median =
    jobRates.length === 0
      ? undefined
      : jobRates.length % 2 === 1
        ? jobRates[(jobRates.length - 1) / 2]!
        : (jobRates[jobRates.length / 2 - 1]! + jobRates[jobRates.length / 2]!) / 2;
  if (jobRates.length > 1)
    console.log(
      `job pass over ${jobRates.length} runs: median ${Math.round(median!).toLocaleString("en")} entries/s (lowest ${Math.round(jobRates[0]!).toLocaleString("en")}, highest ${Math.round(jobRates.at(-1)!).toLocaleString("en")})`,
    );
  const rateOk = median === undefined ? undefined : median >= RATE_TARGET;
  const verdict = (ok: boolean | undefined) => (ok === undefined ? "not measured (no job pass)" : ok ? "met" : "NOT met");
  console.log(
    `targets: every entry read: ${verdict(complete)}; peak RSS < ${RSS_TARGET_MB} MB in every pass: ${verdict(rssOk)}; >= ${RATE_TARGET.toLocaleString("en")} entries/s end to end (job pass, wall clock${runs > 1 ? ", median" : ""}): ${verdict(rateOk)}`,
  );
  const ok = complete && rssOk && rateOk !== false;
  if (!ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
