/**
 * `log-gardener run`: validate the configuration, wire the job, run it for its window (and any
 * missed windows when backfill is on), and turn the outcome into an exit code.
 */
import type { Readable, Writable } from "node:stream";
import { resolveLogFormat } from "../adapters/logger";
import { renderRunTable } from "./run-table";
import { backfillKeysToCheck, planBackfill } from "../core/schedule/backfill";
import { windowId } from "../core/report/object-keys";
import type { TimeWindow } from "../core/types";
import { loadConfig, type FlagValues } from "../config";
import { createJob, type ComposeOverrides } from "../compose";
import { runJob, type RunSummary } from "../pipeline/run-job";

export interface RunCommandIo {
  readonly stdin?: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => number;
}

export async function runRunCommand(flags: FlagValues, io: RunCommandIo, overrides: ComposeOverrides = {}): Promise<number> {
  const config = loadConfig(flags, io.env); // ConfigError → exit 2 in cli.ts
  const logFormat = resolveLogFormat(config.logFormat, io.stderr, config.noColor);
  const job = await createJob(
    config,
    { stdin: io.stdin, stdout: io.stdout, now: io.now, logFormat, logDestination: { write: (s: string) => void io.stderr.write(s) } },
    overrides,
  );
  const logger = job.deps.logger;
  logger.info({ ...job.description, window: windowId(job.options.window.start), dryRun: job.options.dryRun }, "starting run");

  const progress = progressReporter(io, job.deps.now);
  const windows = await windowsToRun(config.backfill, job.options.services, job.options.window, job.deps.store, logger);
  const summaries: RunSummary[] = [];
  for (const { window, services } of windows) {
    summaries.push(await runJob({ ...job.options, window, services }, { ...job.deps, onProgress: progress.tick }));
  }
  progress.done();

  const failures = summaries.flatMap((s) => s.failures);
  // For a person: a table of what happened to each service (programs read the "run summary" log line).
  io.stderr.write(`\n${renderRunTable(summaries, { color: logFormat.tty && !config.noColor, dryRun: job.options.dryRun })}`);
  for (const s of summaries) {
    for (const svc of s.services) if (svc.skippedByLock) io.stderr.write(`skipped ${svc.service}: ${svc.skippedByLock}\n`);
  }
  const unattributed = summaries.reduce((n, s) => n + s.unattributed, 0);
  if (unattributed > 0) {
    const reasons = [...new Set(summaries.flatMap((s) => (s.unattributedSamples ?? []).map((x) => `${x.reason}: ${x.detail}`)))].slice(
      0,
      3,
    );
    io.stderr.write(
      `${unattributed} record(s) had no service and were skipped, counted in the run summary and in no worklog${reasons.length > 0 ? ` (${reasons.join("; ")})` : ""}\n`,
    );
  }
  if (job.description.usingSample)
    io.stderr.write("(ran on the bundled sample export; pass --input FILE or --project ID to read your own logs)\n");
  if (failures.length > 0) {
    io.stderr.write(
      `log-gardener: ${failures.length} failure(s); the worklogs were written and say what failed:\n${failures.map((f) => `  - ${f}`).join("\n")}\n`,
    );
    return 1;
  }
  return 0;
}

interface WindowRun {
  readonly window: TimeWindow;
  readonly services: readonly string[];
}

/** The current window, preceded by missed ones (oldest first) for the services that missed them. */
async function windowsToRun(
  backfill: number,
  services: readonly string[],
  current: TimeWindow,
  store: import("../ports").ObjectStore,
  logger: import("pino").Logger,
): Promise<WindowRun[]> {
  if (backfill === 0) return [{ window: current, services }];
  if (services.length === 0) {
    logger.warn("backfill needs LOG_GARDENER_SERVICES (which services' worklogs to look for); running the current window only");
    return [{ window: current, services }];
  }
  const byWindow = new Map<number, Set<string>>();
  for (const service of services) {
    const keys = backfillKeysToCheck(service, current, backfill);
    const existing = new Set<string>();
    for (const key of keys) if (await store.get(key)) existing.add(key);
    const plan = planBackfill({ service, current, maxMissed: backfill, existingKeys: existing });
    if (plan.missed > 0)
      logger.info({ service, missed: plan.missed, olderMayBeMissing: plan.olderMayBeMissing }, "backfilling missed windows");
    for (const w of plan.windows.slice(0, -1)) {
      if (!byWindow.has(w.start)) byWindow.set(w.start, new Set());
      byWindow.get(w.start)!.add(service);
    }
  }
  const length = current.end - current.start;
  const missed = [...byWindow.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([start, set]) => ({ window: { start, end: start + length }, services: [...set].sort() }));
  return [...missed, { window: current, services }];
}

function progressReporter(io: RunCommandIo, now: () => number): { tick: (n: number) => void; done: () => void } {
  if (!io.stderr.isTTY) return { tick: () => undefined, done: () => undefined };
  const started = now();
  let shown = false;
  return {
    tick(n) {
      const seconds = Math.max(0.001, (now() - started) / 1000);
      io.stderr.write(`\rread ${n.toLocaleString("en-US")} entries (${Math.round(n / seconds).toLocaleString("en-US")}/s)`);
      shown = true;
    },
    done() {
      if (shown) io.stderr.write("\n");
    },
  };
}
