/**
 * One run of the job: source → normalize → redact → cluster → prioritize → render worklog →
 * plan triage → publish. Depends on ports and core only; src/compose.ts wires the adapters.
 * Reading is here; publishing is in publish.ts.
 */
import { DEFAULT_CLUSTER_OPTIONS, type ClusterOptions } from "../core/cluster/cluster";
import { normalizeEntry, serviceOfEntry, UNKNOWN_SERVICE } from "../core/ingest/normalize";
import { sampleLevel, sampleUnit } from "../core/ingest/sampling";
import { StackTraceMemo } from "../core/ingest/stacktrace-memo";
import { cutText } from "../core/redact/bounded-copy";
import { windowId } from "../core/report/object-keys";
import { severityRank } from "../core/severity";
import { UnparseableRecord, type SkippedEntry } from "../core/types";
import type { SourceReport } from "../ports";
import { deadlineSignal } from "./deadline-signal";
import { RecentKeys } from "./dedupe";
import { publish } from "./publish";
import type { RunJobDeps, RunJobOptions, RunSummary } from "./run-types";
import { startServiceRun, type ServiceRun } from "./service-run";

export type { RunJobDeps, RunJobOptions, RunSummary, ServiceSummary } from "./run-types";

export async function runJob(options: RunJobOptions, deps: RunJobDeps): Promise<RunSummary> {
  const started = deps.now();
  const log = deps.logger.child({ window: windowId(options.window.start) });
  const runs = new Map<string, ServiceRun>();
  const wanted = new Set(options.services);
  const recent = new RecentKeys();
  const traces = new StackTraceMemo();
  const report: SourceReport = { truncations: [], notes: [] };
  const clusterOptions: ClusterOptions = { ...DEFAULT_CLUSTER_OPTIONS, ...options.cluster, window: options.window };
  const minRank = severityRank(options.minSeverity);
  const samplesPerReason = options.skippedSamplesPerReason ?? 3;
  const totals = {
    read: 0,
    clustered: 0,
    skipped: 0,
    duplicates: 0,
    outsideWindow: 0,
    belowSeverity: 0,
    otherServices: 0,
    unattributed: 0,
  };
  const unattributedSamples: SkippedEntry[] = [];

  const serviceRun = async (service: string): Promise<ServiceRun> => {
    let run = runs.get(service);
    if (!run) {
      run = await startServiceRun(service, options, clusterOptions, deps.store, log);
      runs.set(service, run);
    }
    return run;
  };
  // Configured services get a worklog even when they logged nothing: "no problems" is news too.
  for (const s of [...options.services].sort()) await serviceRun(s);

  log.info({ source: deps.source.describe(), services: options.services, minSeverity: options.minSeverity }, "reading entries");
  const readUntil = options.deadline === undefined ? Infinity : options.deadline - (options.publishReserveMs ?? 0);
  let lastTimestamp: string | undefined;
  const query = {
    window: options.window,
    services: options.services,
    minSeverity: options.minSeverity,
    maxEntriesPerService: options.maxEntriesPerService,
  };
  const entries = deps.source.listEntries(query, report)[Symbol.asyncIterator]();
  const stopReading = (reason: string, message: string) => {
    const upTo = lastTimestamp ?? "the start of the window";
    for (const service of runs.keys()) report.truncations.push({ service, read: runs.get(service)!.stats.read, upTo, reason });
    log.warn({ read: totals.read, upTo }, message);
  };
  let collectionFailed: string | undefined;
  const deadline = deadlineSignal(readUntil, deps.now);
  for (;;) {
    // The next entry, waited for but never past the reading deadline: a stalled source must
    // not keep the run from publishing what it has.
    let next: IteratorResult<unknown> | "deadline";
    try {
      next = await deadline.next(entries);
    } catch (err) {
      // The source gave up (retries exhausted, a broken file). What was read is still
      // published, the worklogs say collection did not finish, and the run exits non-zero.
      collectionFailed = `reading logs failed after ${totals.read} entries: ${(err as Error).message}`;
      stopReading(`reading failed: ${(err as Error).message}`, "reading failed; publishing what was read");
      break;
    }
    if (next === "deadline" || deps.now() >= readUntil) {
      stopReading("the run's deadline (LOG_GARDENER_DEADLINE) was reached", "deadline reached; publishing what was read");
      void entries.return?.().catch(() => undefined);
      break;
    }
    if (next.done) break;
    const raw = next.value;
    totals.read++;
    if (deps.onProgress && totals.read % 5000 === 0) deps.onProgress(totals.read);
    const result =
      raw instanceof UnparseableRecord
        ? {
            ok: false as const,
            skipped: {
              reason: "unparseable-line" as const,
              detail: options.redact(raw.error),
              sample: cutText(options.redact(raw.text), 500),
            },
          }
        : normalizeEntry(raw, { maxMessageBytes: options.maxMessageBytes, redact: options.redact, traces });
    if (!result.ok) {
      const named = raw instanceof UnparseableRecord ? undefined : serviceOfEntry(raw);
      if (named === undefined && (wanted.size > 0 || !isEntryShaped(raw))) {
        // Nobody's: a record that is not a log entry at all (a string, an unparseable line), or
        // an entry without a service while the run reads chosen services only. Counted in the
        // run summary and sampled there, not in a worklog: an `unknown` worklog holds log
        // entries that lack a service, and only when there are some.
        totals.unattributed++;
        totals.skipped++;
        if (unattributedSamples.length < samplesPerReason) unattributedSamples.push(result.skipped);
        continue;
      }
      const service = named ?? UNKNOWN_SERVICE;
      if (wanted.size > 0 && !wanted.has(service)) {
        totals.otherServices++; // another service's
        continue;
      }
      const run = runs.get(service) ?? (await serviceRun(service));
      run.stats.read++;
      run.stats.skipped[result.skipped.reason] = (run.stats.skipped[result.skipped.reason] ?? 0) + 1;
      if (run.skippedSamples.filter((s) => s.reason === result.skipped.reason).length < samplesPerReason)
        run.skippedSamples.push(result.skipped);
      totals.skipped++;
      continue;
    }
    const entry = result.entry;
    lastTimestamp = entry.timestampText;
    if (wanted.size > 0 && !wanted.has(entry.service)) {
      totals.otherServices++;
      continue;
    }
    const run = runs.get(entry.service) ?? (await serviceRun(entry.service)); // no await once the service is known: this runs per entry
    run.stats.read++;
    if (recent.seen(entry.keyHash)) {
      run.stats.duplicates++;
      totals.duplicates++;
    } else if (entry.timestamp < options.window.start || entry.timestamp >= options.window.end) {
      run.stats.outsideWindow++;
      totals.outsideWindow++;
    } else if (severityRank(entry.severity) < minRank) {
      run.stats.belowSeverity++;
      totals.belowSeverity++;
    } else if (run.sampler) {
      // The adaptive threshold: on insertId, on the entry's key without one (docs/sampling.md).
      const level = sampleLevel(sampleUnit((raw as { insertId?: unknown }).insertId, entry.keyHash));
      if (run.sampler.admit(level)) {
        run.clusterer.add(entry, level);
        run.stats.clustered++;
        totals.clustered++;
      }
    } else {
      run.clusterer.add(entry);
      run.stats.clustered++;
      totals.clustered++;
    }
  }
  deadline.cancel();
  log.info({ ...totals, services: runs.size, truncations: report.truncations.length }, "read complete");
  if (totals.unattributed > 0)
    log.warn(
      { unattributed: totals.unattributed, samples: unattributedSamples },
      "records with no service were skipped and counted; no worklog holds them",
    );

  const failures: string[] = collectionFailed ? [collectionFailed] : [];
  const { summaries, digest } = await publish(
    [...runs.values()].sort((a, b) => a.service.localeCompare(b.service)),
    { options, deps, report, log, failures, collected: collectionFailed === undefined },
  );
  const actionCounts: Record<string, number> = {};
  // Per-cluster results, and the digest issue's own action (it belongs to no one service).
  for (const r of [...summaries.flatMap((s) => s.issues), ...(digest ? [digest] : [])])
    actionCounts[r.action] = (actionCounts[r.action] ?? 0) + 1;

  const result: RunSummary = {
    window: options.window,
    ...totals,
    unattributedSamples,
    truncated: report.truncations.length > 0,
    services: summaries,
    actions: actionCounts,
    failures,
    durationMs: deps.now() - started,
  };
  log.info(
    {
      read: result.read,
      clustered: result.clustered,
      skipped: result.skipped,
      duplicates: result.duplicates,
      clusters: summaries.reduce((n, s) => n + s.clusters, 0),
      actions: actionCounts,
      truncated: result.truncated,
      failures: failures.length,
      durationMs: result.durationMs,
    },
    "run summary",
  );
  return result;
}

/** A JSON object, as a log entry is (what normalization rejected may still be one, lacking a service or a timestamp). */
function isEntryShaped(raw: unknown): boolean {
  return raw !== null && typeof raw === "object" && !Array.isArray(raw) && !(raw instanceof UnparseableRecord);
}
