/**
 * Composition root: this module, with compose-cloud-logging.ts and compose-github.ts, is the
 * only place that builds SDK clients, adapters, stores, the job's logger and the redactor. It
 * reads a Config (already validated) and wires the source, the store and the tracker into the
 * pipeline; the commands take what it built.
 *
 * With no input file and no project, the job runs on the bundled sample export
 * (samples/export.json) and its window, so `npm start` works on a fresh clone.
 */
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import type { Logger } from "pino";
import { readsPerMinuteOfTask } from "./adapters/cloud-logging/pacer";
import { createMonitoringTotals } from "./adapters/monitoring-totals";
import { SamplingSource } from "./adapters/sampling-source";
import { ENTRIES_LIST_QUOTA_PER_MINUTE, readBudget } from "./core/ingest/sampling";
import { checkInputFile, FileLogSource } from "./adapters/file-log-source";
import { createLogger, type LogFormat } from "./adapters/logger";
import { openObjectStore } from "./adapters/object-store-from-url";
import { buildRedactor, type Redactor } from "./core/redact/redact";
import { shareOfServices } from "./core/schedule/shard";
import { describeWindowLength, resolveWindow } from "./core/schedule/window";
import type { Config } from "./config";
import type { IssueTracker, LogSource, ObjectStore } from "./ports";
import type { RunJobDeps, RunJobOptions } from "./pipeline/run-job";
import { createCloudLoggingSource } from "./compose-cloud-logging";
import { createTracker } from "./compose-github";

/** The bundled sample covers this hour; runs on it default to this window. */
export const SAMPLE_WINDOW_END = Date.parse("2025-09-15T02:00:00Z");

export function packageRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(dir, "samples"))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

export function sampleExportPath(): string {
  return path.join(packageRoot(), "samples", "export.json");
}

export interface ComposeIo {
  readonly stdin?: Readable;
  readonly stdout: Writable;
  readonly now: () => number;
  /** Where the job's own log lines go; or a ready-made logger (tests, benches). */
  readonly logDestination?: { write(line: string): void };
  /** Pretty or JSON log lines, and colours (resolveLogFormat, from the terminal the run writes to). */
  readonly logFormat?: { readonly format: LogFormat; readonly color: boolean; readonly tty: boolean };
  readonly logger?: Logger;
}

/** The redactor every text passes before it leaves the process (log lines, worklogs, issues). */
export function createRedactor(config: Pick<Config, "redactPatterns" | "redactIps">): Redactor {
  return buildRedactor({ extraPatterns: config.redactPatterns, redactIps: config.redactIps });
}

/** The job's own logger: structured lines, redacted, to `destination` (stderr by default). */
export function createJobLogger(
  config: Config,
  redact: Redactor,
  destination: { write(line: string): void } = process.stderr,
  format?: { readonly format: LogFormat; readonly color: boolean; readonly tty: boolean },
): Logger {
  return createLogger({
    ...format,
    level: config.logLevel,
    executionId: config.executionId,
    taskIndex: config.taskIndex,
    taskAttempt: config.taskAttempt,
    redact,
    destination,
  });
}

/** The worklog store named by `--out` / LOG_GARDENER_OUT: a folder or gs://BUCKET/PREFIX. */
export function createStore(config: Pick<Config, "out" | "gcsApiEndpoint" | "project">, gcsApiEndpoint?: string): ObjectStore {
  return openObjectStore(config.out, { gcsApiEndpoint: gcsApiEndpoint ?? config.gcsApiEndpoint, projectId: config.project });
}

/** Overrides for tests: loopback endpoints and ready-made adapters. */
export interface ComposeOverrides {
  readonly source?: LogSource;
  readonly store?: ObjectStore;
  readonly tracker?: IssueTracker;
  readonly loggingEndpoint?: { apiEndpoint: string; port: number; sslCreds: unknown };
  /** A loopback Cloud Monitoring peer in tests. */
  readonly monitoringEndpoint?: { apiEndpoint: string; port: number; sslCreds: unknown };
  /** For tests: how the sampling source waits for Monitoring's lag. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly gcsApiEndpoint?: string;
}

export interface ComposedJob {
  readonly options: RunJobOptions;
  readonly deps: RunJobDeps;
  /** What this job reads and where it writes, for the first log line. */
  readonly description: { source: string; store: string; tracker: string; usingSample: boolean };
}

export async function createJob(config: Config, io: ComposeIo, overrides: ComposeOverrides = {}): Promise<ComposedJob> {
  const redact = createRedactor(config);
  const logger = io.logger ?? createJobLogger(config, redact, io.logDestination, io.logFormat);
  const usingSample = !config.input && !config.project && !overrides.source;
  if (config.input && !overrides.source) checkInputFile(config.input); // a ConfigError (exit 2) naming the path
  const now = io.now();
  const window = resolveWindow(config.windowMs, now, config.windowEnd ?? (usingSample ? SAMPLE_WINDOW_END : undefined));
  const services = shareOfServices(config.services, config.taskIndex, config.taskCount);

  const deadline = now + config.deadlineMs;
  const publishReserveMs = Math.min(5 * 60_000, config.deadlineMs / 4);
  const readUntil = deadline - publishReserveMs;
  const fromCloudLogging = !overrides.source && !config.input && !usingSample;
  // The read budget: this task's share of the project's entries.list quota over the time it may
  // read, after waiting for Monitoring's lag (docs/sampling.md).
  const totals =
    fromCloudLogging && config.sampling && config.project
      ? createMonitoringTotals(
          config.project,
          {
            retries: config.monitoringRetries,
            initialDelayMs: config.loggingRetryDelayMs,
            maxDelayMs: config.loggingRetryMaxDelayMs,
            timeoutMs: config.monitoringTimeoutMs,
          },
          { ...overrides.monitoringEndpoint },
        )
      : undefined;
  const lagWait = totals ? Math.max(0, totals.visibleAt(window) - now) : 0;
  // Never more than half the reading time spent waiting for the lag.
  const waitUntil = now + Math.max(0, readUntil - now) / 2;
  const budget = fromCloudLogging
    ? readBudget({
        share: config.readBudget,
        quotaPerMinute: ENTRIES_LIST_QUOTA_PER_MINUTE,
        taskCount: config.taskCount,
        minutes: Math.max(0, readUntil - now - (now + lagWait <= waitUntil ? lagWait : 0)) / 60_000,
        services: Math.max(1, services.length),
      })
    : undefined;
  const perTask = readsPerMinuteOfTask(config.loggingReadsPerMinute, config.taskCount);
  const readsPerMinute = perTask === 0 || !config.sampling || !budget ? perTask : Math.min(perTask, budget.pagesPerMinute);

  const inner: LogSource =
    overrides.source ??
    (config.input
      ? new FileLogSource({ path: config.input, stdin: io.stdin })
      : usingSample
        ? new FileLogSource({ path: sampleExportPath(), label: "bundled sample export (samples/export.json)" })
        : createCloudLoggingSource(config, { ...overrides.loggingEndpoint, logger, readsPerMinute }));
  const source: LogSource = config.sampling
    ? new SamplingSource({
        inner,
        totals,
        pageSize: fromCloudLogging ? config.loggingPageSize : 1000,
        budget,
        includeDefault: config.includeStderr,
        waitUntil,
        now: io.now,
        sleep: overrides.sleep,
        logger,
      })
    : inner;

  const store = overrides.store ?? createStore(config, overrides.gcsApiEndpoint);
  const { tracker, dryRun } = await createTracker(config, { stdout: io.stdout, logger, redact, override: overrides.tracker });

  const options: RunJobOptions = {
    window,
    focusArea: describeWindowLength(config.windowMs),
    services,
    minSeverity: config.minSeverity,
    maxEntriesPerService: config.maxEntries,
    sampling: config.sampling,
    maxMessageBytes: config.maxMessageBytes,
    dryRun,
    project: config.project,
    executionId: config.executionId,
    redact,
    miner: { extraMasks: config.minerMasks },
    triage: config.triage,
    history: { ...config.history, escalationFactor: config.triage.escalationFactor },
    worklogLayout: config.worklogLayout,
    lockTtlMs: config.lockTtlMs,
    deadline,
    publishReserveMs,
    owner: config.executionId
      ? `${config.executionId}/task-${config.taskIndex}/attempt-${config.taskAttempt}`
      : `${os.hostname()}/pid-${process.pid}`,
  };
  return {
    options,
    deps: { source, store, tracker, logger, now: io.now },
    description: { source: source.describe(), store: store.describe(), tracker: tracker.describe(), usingSample },
  };
}
