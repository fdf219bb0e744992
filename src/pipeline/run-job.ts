/**
 * One run of the job: source → normalize → redact → cluster → prioritize → render worklog →
 * plan triage → publish. Depends on ports and core only; src/compose.ts wires the adapters.
 *
 * Publishing order is chosen so a crash or a failed publish never loses the worklog and a
 * retry never duplicates anything: for each service, take the run lock, write the worklog
 * with the planned actions, carry out the actions (each idempotent, see the tracker), then
 * rewrite the worklog with their outcome and save the miner state.
 */
import type { Logger } from "pino";
import { DEFAULT_CLUSTER_OPTIONS, ServiceClusterer, type ClusterOptions } from "../core/cluster/cluster";
import { logsExplorerUrl } from "../core/report/logs-explorer";
import { TemplateMiner, type MinerOptions } from "../core/cluster/miner/template-miner";
import { normalizeEntry, serviceOfEntry, UNKNOWN_SERVICE } from "../core/ingest/normalize";
import { minerStateKey, windowId, worklogKey } from "../core/report/object-keys";
import { prioritizeAll } from "../core/cluster/priority";
import { severityRank, type Severity } from "../core/severity";
import { buildSidecar } from "../core/report/sidecar";
import { UnparseableRecord, type PrioritizedCluster, type SkipReason, type SkippedEntry, type TimeWindow } from "../core/types";
import { renderWorklog } from "../core/report/worklog";
import { newProblems, planIssueActions, type IssueAction, type RelatedIssue, type TriagePolicy } from "../core/triage/issue-plan";
import type { WorklogIssue, WorklogModel } from "../core/report/worklog-model";
import { PreconditionFailedError } from "../errors";
import { hasReadyEntries, type IssueActionResult, type IssueTracker, type LogSource, type ObjectStore, type SourceReport } from "../ports";
import { cutText } from "../core/redact/bounded-copy";
import { RecentKeys } from "./dedupe";
import { publishWorklog } from "./worklog-writer";
import { acquireRunLock } from "./run-lock";

export interface RunJobOptions {
  readonly window: TimeWindow;
  readonly focusArea: string;
  readonly services: readonly string[];
  readonly minSeverity: Severity;
  readonly maxEntriesPerService: number;
  readonly maxMessageBytes: number;
  readonly dryRun: boolean;
  readonly project?: string;
  readonly executionId?: string;
  readonly redact: (text: string) => string;
  readonly miner?: MinerOptions;
  readonly cluster?: Partial<Omit<ClusterOptions, "window">>;
  readonly triage: TriagePolicy;
  readonly lockTtlMs: number;
  /** Who holds the run lock: the execution id and task, or host and pid. */
  readonly owner: string;
  /**
   * Epoch ms by which the run must be done. Reading stops at deadline − publishReserveMs so
   * what was read is still published; the worklog says the window was cut short.
   */
  readonly deadline?: number;
  readonly publishReserveMs?: number;
  /** Samples of skipped entries kept per reason. */
  readonly skippedSamplesPerReason?: number;
}

export interface RunJobDeps {
  readonly source: LogSource;
  readonly store: ObjectStore;
  readonly tracker: IssueTracker;
  readonly logger: Logger;
  readonly now: () => number;
  /** Called every few thousand entries with the count read so far (progress on a terminal). */
  readonly onProgress?: (read: number) => void;
}

export interface ServiceSummary {
  readonly service: string;
  readonly clusters: number;
  readonly worklog?: string;
  readonly skippedByLock?: string;
  readonly issues: readonly IssueActionResult[];
}

export interface RunSummary {
  readonly window: TimeWindow;
  /** Every record the source yielded is in exactly one of the counts below. */
  readonly read: number;
  readonly clustered: number;
  readonly skipped: number;
  readonly duplicates: number;
  readonly outsideWindow: number;
  readonly belowSeverity: number;
  readonly otherServices: number;
  /** Malformed records with no service label, while only chosen services were read (part of `skipped`). */
  readonly unattributed: number;
  readonly truncated: boolean;
  readonly services: readonly ServiceSummary[];
  readonly actions: Readonly<Record<string, number>>;
  readonly failures: readonly string[];
  readonly durationMs: number;
}

interface MutableStats {
  read: number;
  duplicates: number;
  outsideWindow: number;
  belowSeverity: number;
  otherServices: number;
  clustered: number;
  skipped: Partial<Record<SkipReason, number>>;
}

interface ServiceRun {
  readonly service: string;
  readonly clusterer: ServiceClusterer;
  readonly miner: TemplateMiner;
  readonly minerGeneration?: string;
  readonly stats: MutableStats;
  readonly skippedSamples: SkippedEntry[];
  readonly notes: string[];
}


function emptyStats(): MutableStats {
  return { read: 0, duplicates: 0, outsideWindow: 0, belowSeverity: 0, otherServices: 0, clustered: 0, skipped: {} };
}

export async function runJob(options: RunJobOptions, deps: RunJobDeps): Promise<RunSummary> {
  const started = deps.now();
  const log = deps.logger.child({ window: windowId(options.window.start) });
  const runs = new Map<string, ServiceRun>();
  const wanted = new Set(options.services);
  const recent = new RecentKeys();
  const report: SourceReport = { truncations: [], notes: [] };
  const clusterOptions: ClusterOptions = { ...DEFAULT_CLUSTER_OPTIONS, ...options.cluster, window: options.window };
  const minRank = severityRank(options.minSeverity);
  const samplesPerReason = options.skippedSamplesPerReason ?? 3;
  const totals = { read: 0, clustered: 0, skipped: 0, duplicates: 0, outsideWindow: 0, belowSeverity: 0, otherServices: 0, unattributed: 0 };

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
  const entries = deps.source.listEntries(
    { window: options.window, services: options.services, minSeverity: options.minSeverity, maxEntriesPerService: options.maxEntriesPerService },
    report,
  )[Symbol.asyncIterator]();
  const stopReading = (reason: string, message: string) => {
    const upTo = lastTimestamp ?? "the start of the window";
    for (const service of runs.keys()) report.truncations.push({ service, read: runs.get(service)!.stats.read, upTo, reason });
    log.warn({ read: totals.read, upTo }, message);
  };
  let collectionFailed: string | undefined;
  const deadline = deadlineSignal(readUntil, deps.now);
  const ready = hasReadyEntries(entries) ? entries : undefined;
  for (;;) {
    // The next entry: taken at once when the source already holds it, else waited for, but
    // never past the reading deadline: a stalled source must not keep the run from publishing
    // what it has.
    let next: IteratorResult<unknown> | "deadline";
    try {
      next = ready?.takeReady() ?? (await deadline.next(entries));
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
        ? { ok: false as const, skipped: { reason: "unparseable-line" as const, detail: options.redact(raw.error), sample: cutText(options.redact(raw.text), 500) } }
        : normalizeEntry(raw, { maxMessageBytes: options.maxMessageBytes, redact: options.redact });
    if (!result.ok) {
      const service = (raw instanceof UnparseableRecord ? undefined : serviceOfEntry(raw)) ?? UNKNOWN_SERVICE;
      if (wanted.size > 0 && !wanted.has(service)) {
        // Another service's, or nobody's while the run reads chosen services only: counted in
        // the run summary, not in a worklog.
        if (service === UNKNOWN_SERVICE) {
          totals.unattributed++;
          totals.skipped++;
        } else totals.otherServices++;
        continue;
      }
      const run = runs.get(service) ?? (await serviceRun(service));
      run.stats.read++;
      run.stats.skipped[result.skipped.reason] = (run.stats.skipped[result.skipped.reason] ?? 0) + 1;
      if (run.skippedSamples.filter((s) => s.reason === result.skipped.reason).length < samplesPerReason) run.skippedSamples.push(result.skipped);
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
    } else {
      run.clusterer.add(entry);
      run.stats.clustered++;
      totals.clustered++;
    }
  }
  deadline.cancel();
  log.info({ ...totals, services: runs.size, truncations: report.truncations.length }, "read complete");

  const failures: string[] = collectionFailed ? [collectionFailed] : [];
  const { summaries, digest } = await publish([...runs.values()].sort((a, b) => a.service.localeCompare(b.service)), { options, deps, report, log, failures, collected: collectionFailed === undefined });
  const actionCounts: Record<string, number> = {};
  // Per-cluster results, and the digest issue's own action (it belongs to no one service).
  for (const r of [...summaries.flatMap((s) => s.issues), ...(digest ? [digest] : [])]) actionCounts[r.action] = (actionCounts[r.action] ?? 0) + 1;

  const result: RunSummary = {
    window: options.window,
    ...totals,
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

async function startServiceRun(service: string, options: RunJobOptions, clusterOptions: ClusterOptions, store: ObjectStore, log: Logger): Promise<ServiceRun> {
  const notes: string[] = [];
  let miner = new TemplateMiner(options.miner);
  let minerGeneration: string | undefined;
  try {
    const stored = await store.get(minerStateKey(service));
    if (stored) {
      minerGeneration = stored.generation;
      let json: unknown;
      try {
        json = JSON.parse(stored.body);
      } catch {
        json = undefined;
      }
      const loaded = TemplateMiner.fromState(json, options.miner);
      miner = loaded.miner;
      if (loaded.warning) {
        notes.push(`Template miner state could not be used (${loaded.warning}); templates were recomputed, so some fingerprints may be new.`);
        log.warn({ service, warning: loaded.warning }, "miner state unusable; recomputing templates");
      }
    }
  } catch (err) {
    notes.push(`Template miner state could not be read (${(err as Error).message}); templates were recomputed.`);
    log.warn({ service, err }, "miner state unreadable; recomputing templates");
  }
  return {
    service,
    clusterer: new ServiceClusterer(service, miner, clusterOptions),
    miner,
    minerGeneration,
    stats: emptyStats(),
    skippedSamples: [],
    notes,
  };
}

interface PublishContext {
  readonly options: RunJobOptions;
  readonly deps: RunJobDeps;
  readonly report: SourceReport;
  readonly log: Logger;
  readonly failures: string[];
  /** False when the source failed before the end of the window. */
  readonly collected: boolean;
}

interface Publishing {
  readonly run: ServiceRun;
  readonly clusters: PrioritizedCluster[];
  readonly release: () => Promise<void>;
  readonly issues: Record<string, WorklogIssue>;
  readonly results: IssueActionResult[];
  related?: Record<string, readonly RelatedIssue[]>;
  researched?: boolean;
  worklog?: string;
}

/** "mute (not-planned)", "skip (unchanged)", "open". */
function describeAction(kind: string, detail: string | undefined): string {
  return detail ? `${kind} (${detail})` : kind;
}

/**
 * Lock each service's window, plan the triage of all services' clusters at once (the cap on
 * new issues and the digest are per run), write every worklog with the plan, carry the plan
 * out, then rewrite the worklogs with the outcome and save the miner states.
 */
async function publish(runs: readonly ServiceRun[], ctx: PublishContext): Promise<{ summaries: ServiceSummary[]; digest?: IssueActionResult }> {
  const { options, deps, log } = ctx;
  const windowStart = options.window.start;
  const summaries: ServiceSummary[] = [];
  let digestResult: IssueActionResult | undefined;
  const publishing: Publishing[] = [];
  for (const run of runs) {
    const lock = await acquireRunLock(deps.store, run.service, windowStart, { ttlMs: options.lockTtlMs, owner: options.owner, now: deps.now() });
    if (!lock.acquired) {
      const why = `another run (${lock.holder}) holds the lock for ${run.service} ${windowId(windowStart)} until ${new Date(lock.expiresAt).toISOString()}`;
      log.warn({ service: run.service, holder: lock.holder, expiresAt: lock.expiresAt }, `skipping ${run.service}: ${why}`);
      summaries.push({ service: run.service, clusters: 0, skippedByLock: why, issues: [] });
      continue;
    }
    if (run.clusterer.overflowCount > 0) {
      run.notes.push(`More than ${options.cluster?.maxClusters ?? DEFAULT_CLUSTER_OPTIONS.maxClusters} clusters: ${run.clusterer.overflowCount} entries were grouped into one overflow cluster.`);
    }
    publishing.push({ run, clusters: prioritizeAll(run.clusterer.clusters()), release: lock.release, issues: {}, results: [] });
  }

  try {
    // Plan.
    const logsExplorerUrls: Record<string, string> = {};
    for (const p of publishing) for (const c of p.clusters) logsExplorerUrls[c.fingerprint] = logsExplorerUrl(options.project, c, options.window);
    let planned = false;
    let researched = false;
    const related = new Map<string, readonly RelatedIssue[]>();
    let actions: IssueAction[] = [];
    try {
      const existing = await deps.tracker.listManagedIssues();
      const clusters = publishing.flatMap((p) => p.clusters);
      const input = {
        clusters,
        existing,
        policy: options.triage,
        redact: options.redact,
        run: {
          windowId: windowId(windowStart),
          windowStart,
          windowEnd: options.window.end,
          now: deps.now(),
          worklogUrl: (service: string) => deps.store.locate(worklogKey(service, windowStart)),
          logsExplorerUrl: (c: PrioritizedCluster) => logsExplorerUrls[c.fingerprint] ?? "",
        },
      };
      actions = planIssueActions(input);
      // Related issues the job does not manage, looked up for new problems only (the search
      // API's quota is small), then the plan again with them linked.
      const searchRelated = deps.tracker.searchRelated?.bind(deps.tracker);
      if (searchRelated) {
        const byFingerprint = new Map(clusters.map((c) => [c.fingerprint, c]));
        for (const fp of newProblems(actions)) {
          const c = byFingerprint.get(fp);
          if (!c) continue;
          try {
            related.set(fp, await searchRelated(c));
          } catch (err) {
            log.warn({ err, fingerprint: fp }, "related-issue search failed; the issue is opened without links");
          }
        }
        researched = true;
        if (related.size > 0) actions = planIssueActions({ ...input, related });
      }
      planned = true;
    } catch (err) {
      const message = `listing existing issues failed, so no issue was planned or published: ${(err as Error).message}`;
      ctx.failures.push(message);
      log.error({ err }, message);
    }
    const byService = new Map(publishing.map((p) => [p.run.service, p]));
    const fpService = new Map(publishing.flatMap((p) => p.clusters.map((c) => [c.fingerprint, p.run.service] as const)));
    for (const a of actions) {
      const p = byService.get(a.service);
      const reason = "reason" in a ? a.reason : undefined;
      if (p) p.issues[a.fingerprint] = { action: a.kind === "skip" && reason === "over-cap" ? "listed-in-digest" : describeAction(a.kind, reason), number: "issueNumber" in a ? a.issueNumber : undefined, url: "url" in a ? a.url : undefined, dryRun: options.dryRun };
    }
    for (const p of publishing) {
      p.related = Object.fromEntries([...related].filter(([fp, list]) => fpService.get(fp) === p.run.service && list.length > 0));
      p.researched = researched;
    }

    // 1. Every worklog, with the plan, before anything is published.
    for (const p of publishing) {
      p.worklog = await safely(ctx, p.run.service, "writing the worklog", () => writeWorklog(deps.store, model(p, ctx, logsExplorerUrls, planned, false)));
    }

    // 2. Carry out the plan; each action is idempotent, so a retried run repeats nothing.
    if (actions.length > 0) {
      let results: IssueActionResult[] = [];
      try {
        results = await deps.tracker.apply(actions);
      } catch (err) {
        const message = `publishing issues failed: ${(err as Error).message}`;
        ctx.failures.push(message);
        log.error({ err }, message);
      }
      const digest = actions.find((a): a is Extract<IssueAction, { kind: "digest" }> => a.kind === "digest");
      for (const r of results) {
        if (r.fingerprint === digest?.fingerprint) {
          // The digest issue lists the problems over the cap: each of them points at it.
          digestResult = r;
          if (!r.ok) ctx.failures.push(`digest issue: ${r.action} failed: ${r.error ?? "unknown error"}`);
          for (const fp of digest.fingerprints) {
            const p = byService.get(fpService.get(fp) ?? "");
            if (p) p.issues[fp] = { action: "listed-in-digest", number: r.issueNumber, url: r.url, error: r.ok ? undefined : r.error, dryRun: options.dryRun };
          }
          continue;
        }
        const p = byService.get(fpService.get(r.fingerprint) ?? "");
        if (!p) continue;
        p.results.push(r);
        if (r.action === "skip" && r.detail === "over-cap") continue; // listed in the digest, above
        p.issues[r.fingerprint] = { action: describeAction(r.action, r.detail), number: r.issueNumber, url: r.url, error: r.ok ? undefined : r.error, dryRun: options.dryRun };
        if (!r.ok) ctx.failures.push(`${p.run.service}: ${r.action} for ${r.fingerprint} failed: ${r.error ?? "unknown error"}`);
      }
      // 3. The worklogs again, with issue numbers and outcomes.
      const allOk = results.length > 0 && results.every((r) => r.ok);
      for (const p of publishing) {
        p.worklog = (await safely(ctx, p.run.service, "rewriting the worklog", () => writeWorklog(deps.store, model(p, ctx, logsExplorerUrls, planned, allOk)))) ?? p.worklog;
      }
    }

    // 4. The miner states, so fingerprints of application logs survive to the next hour.
    for (const p of publishing) {
      await safely(ctx, p.run.service, "saving the miner state", () => saveMinerState(deps.store, p.run, log));
      log.info({ service: p.run.service, clusters: p.clusters.length, entries: p.run.stats.clustered, worklog: p.worklog }, "worklog written");
      summaries.push({ service: p.run.service, clusters: p.clusters.length, worklog: p.worklog, issues: p.results });
    }
  } finally {
    for (const p of publishing) await p.release().catch((err: unknown) => log.warn({ err, service: p.run.service }, "releasing the run lock failed; it expires by itself"));
  }
  return { summaries: summaries.sort((a, b) => a.service.localeCompare(b.service)), digest: digestResult };
}

/** Runs one publishing step; a failure is recorded (the run exits non-zero) and the others go on. */
async function safely<T>(ctx: PublishContext, service: string, what: string, step: () => Promise<T>): Promise<T | undefined> {
  try {
    return await step();
  } catch (err) {
    const message = `${service}: ${what} failed: ${(err as Error).message}`;
    ctx.failures.push(message);
    ctx.log.error({ err, service }, message);
    return undefined;
  }
}

function model(p: Publishing, ctx: PublishContext, logsExplorerUrls: Record<string, string>, planned: boolean, published: boolean): WorklogModel {
  const { options, deps } = ctx;
  const { run } = p;
  const urls: Record<string, string> = {};
  for (const c of p.clusters) urls[c.fingerprint] = logsExplorerUrls[c.fingerprint] ?? "";
  return {
    service: run.service,
    window: options.window,
    generatedAt: deps.now(),
    focusArea: options.focusArea,
    source: deps.source.describe(),
    executionId: options.executionId,
    minSeverity: options.minSeverity,
    clusters: p.clusters,
    stats: { ...run.stats, skipped: { ...run.stats.skipped } },
    skippedSamples: run.skippedSamples,
    truncations: ctx.report.truncations.filter((t) => t.service === run.service),
    issues: { ...p.issues },
    related: p.related ?? {},
    status: {
      collected: ctx.collected,
      clustered: true,
      issuesPlanned: planned,
      issuesPublished: published && !options.dryRun,
      dryRun: options.dryRun,
      relatedResearched: p.researched === true,
      relatedLinked: published && Object.keys(p.related ?? {}).length > 0,
    },
    notes: [...run.notes, ...ctx.report.notes],
    logsExplorerUrls: urls,
  };
}

async function writeWorklog(store: ObjectStore, model: WorklogModel): Promise<string> {
  const clusters = model.clusters;
  const markdown = renderWorklog(model);
  const sidecar = buildSidecar(model);
  const top = clusters[0];
  await publishWorklog(store, {
    service: model.service,
    windowStart: model.window.start,
    markdown,
    sidecarJson: JSON.stringify(sidecar, null, 2) + "\n",
    metadata: {
      window: `${new Date(model.window.start).toISOString()}/${new Date(model.window.end).toISOString()}`,
      service: model.service,
      clusters: String(clusters.length),
      entries: String(model.stats.clustered),
      executionId: model.executionId ?? "",
      topProblem: top ? `${top.priority} ${top.template.slice(0, 200)}` : "",
    },
  });
  return store.locate(worklogKey(model.service, model.window.start));
}

async function saveMinerState(store: ObjectStore, run: ServiceRun, log: Logger): Promise<void> {
  const body = JSON.stringify(run.miner.toState());
  try {
    await store.put(minerStateKey(run.service), body, { contentType: "application/json", ifGeneration: run.minerGeneration ?? "0" });
  } catch (err) {
    if (err instanceof PreconditionFailedError) {
      // Another run saved the state since we loaded it; theirs is as good as ours.
      log.warn({ service: run.service }, "miner state changed by another run since it was loaded; keeping theirs");
      return;
    }
    throw err;
  }
}

/**
 * Waits for an iterator's next value, but never past `until` (epoch ms, by `now`). One timer
 * for the whole read wakes whichever wait is pending; nothing is attached to a long-lived
 * promise, so memory does not grow with the entries (a plain Promise.race against one shared
 * deadline promise would keep a reaction per entry until the deadline).
 */
function deadlineSignal(until: number, now: () => number): { next<T>(it: AsyncIterator<T>): Promise<IteratorResult<T> | "deadline">; cancel: () => void } {
  let expired = false;
  let wake: ((v: "deadline") => void) | undefined;
  const timer =
    until === Infinity
      ? undefined
      : setTimeout(() => {
          expired = true;
          wake?.("deadline");
        }, Math.max(0, until - now()));
  return {
    next<T>(it: AsyncIterator<T>): Promise<IteratorResult<T> | "deadline"> {
      if (timer === undefined) return it.next();
      if (expired) return Promise.resolve("deadline");
      return new Promise<IteratorResult<T> | "deadline">((resolve, reject) => {
        wake = resolve;
        it.next().then(resolve, reject);
      });
    },
    cancel: () => clearTimeout(timer),
  };
}
