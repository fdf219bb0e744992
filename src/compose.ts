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
import { FileLogSource } from "./adapters/file-log-source";
import { createLogger } from "./adapters/logger";
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
  readonly logger?: Logger;
}

/** The redactor every text passes before it leaves the process (log lines, worklogs, issues). */
export function createRedactor(config: Pick<Config, "redactPatterns" | "redactIps">): Redactor {
  return buildRedactor({ extraPatterns: config.redactPatterns, redactIps: config.redactIps });
}

/** The job's own logger: structured lines, redacted, to `destination` (stderr by default). */
export function createJobLogger(config: Config, redact: Redactor, destination: { write(line: string): void } = process.stderr): Logger {
  return createLogger({ level: config.logLevel, executionId: config.executionId, taskIndex: config.taskIndex, taskAttempt: config.taskAttempt, redact, destination });
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
  const logger = io.logger ?? createJobLogger(config, redact, io.logDestination);
  const usingSample = !config.input && !config.project && !overrides.source;
  const now = io.now();
  const window = resolveWindow(config.windowMs, now, config.windowEnd ?? (usingSample ? SAMPLE_WINDOW_END : undefined));
  const services = shareOfServices(config.services, config.taskIndex, config.taskCount);

  const source: LogSource =
    overrides.source ??
    (config.input
      ? new FileLogSource({ path: config.input, stdin: io.stdin })
      : usingSample
        ? new FileLogSource({ path: sampleExportPath(), label: "bundled sample export (samples/export.json)" })
        : createCloudLoggingSource(config, { ...overrides.loggingEndpoint, logger }));

  const store = overrides.store ?? createStore(config, overrides.gcsApiEndpoint);
  const { tracker, dryRun } = await createTracker(config, { stdout: io.stdout, logger, redact, override: overrides.tracker });

  const options: RunJobOptions = {
    window,
    focusArea: describeWindowLength(config.windowMs),
    services,
    minSeverity: config.minSeverity,
    maxEntriesPerService: config.maxEntries,
    maxMessageBytes: config.maxMessageBytes,
    dryRun,
    project: config.project,
    executionId: config.executionId,
    redact,
    miner: { extraMasks: config.minerMasks },
    triage: config.triage,
    lockTtlMs: config.lockTtlMs,
    deadline: now + config.deadlineMs,
    publishReserveMs: Math.min(5 * 60_000, config.deadlineMs / 4),
    owner: config.executionId ? `${config.executionId}/task-${config.taskIndex}/attempt-${config.taskAttempt}` : `${os.hostname()}/pid-${process.pid}`,
  };
  return {
    options,
    deps: { source, store, tracker, logger, now: io.now },
    description: { source: source.describe(), store: store.describe(), tracker: tracker.describe(), usingSample },
  };
}
