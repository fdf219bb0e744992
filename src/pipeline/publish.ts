/**
 * Publishing a run's clusters. The order is chosen so a crash or a failed publish never loses
 * the worklog and a retry never duplicates anything: for each service, take the run lock, write
 * the worklog with the planned actions, carry out the actions (each idempotent, see the
 * tracker), then rewrite the worklog with their outcome and save the miner state.
 */
import type { Logger } from "pino";
import { DEFAULT_CLUSTER_OPTIONS } from "../core/cluster/cluster";
import { prioritizeAll } from "../core/cluster/priority";
import { logsExplorerUrl } from "../core/report/logs-explorer";
import { windowId, worklogKey } from "../core/report/object-keys";
import { buildSidecar, sidecarJsonChunks } from "../core/report/sidecar";
import { renderWorklog } from "../core/report/worklog";
import { issueOutcomes, mergeFields, plannedIssueFields } from "../core/report/issue-fields";
import type { WorklogIssue, WorklogMerge, WorklogModel } from "../core/report/worklog-model";
import { newProblems, planIssueActions, type IssueAction, type RelatedIssue } from "../core/triage/issue-plan";
import type { PrioritizedCluster } from "../core/types";
import type { IssueActionResult, ObjectStore, SourceReport } from "../ports";
import { observationOf, updateWindow, withIssueNumbers, type WindowInput, type WindowUpdate } from "../core/history/history";
import type { TriageHistory } from "../core/triage/issue-plan";
import { loadHistory, saveHistory, type LoadedHistory } from "./history-store";
import { acquireRunLock } from "./run-lock";
import type { RunJobDeps, RunJobOptions, ServiceSummary } from "./run-types";
import { sampledClusters, saveMinerState, serviceSampling, type ServiceRun } from "./service-run";
import { publishWorklog, worklogMetadata } from "./worklog-writer";

export interface PublishContext {
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
  /** Issues closed as duplicates of a cluster's issue, by cluster fingerprint. */
  merges: Record<string, WorklogMerge[]>;
  readonly results: IssueActionResult[];
  related?: Record<string, readonly RelatedIssue[]>;
  researched?: boolean;
  worklog?: WrittenWorklog;
  /** The problem history and what it says of this window (absent when history is off). */
  history?: { readonly loaded: LoadedHistory; readonly input: WindowInput; readonly update: WindowUpdate };
}

/**
 * Lock each service's window, plan the triage of all services' clusters at once (the cap on
 * new issues and the digest are per run), write every worklog with the plan, carry the plan
 * out, then rewrite the worklogs with the outcome and save the miner states.
 */
export async function publish(
  runs: readonly ServiceRun[],
  ctx: PublishContext,
): Promise<{ summaries: ServiceSummary[]; digest?: IssueActionResult }> {
  const { options, deps, log } = ctx;
  const windowStart = options.window.start;
  const summaries: ServiceSummary[] = [];
  let digestResult: IssueActionResult | undefined;
  const publishing: Publishing[] = [];
  for (const run of runs) {
    const lock = await acquireRunLock(deps.store, run.service, windowStart, {
      ttlMs: options.lockTtlMs,
      owner: options.owner,
      now: deps.now(),
    });
    if (!lock.acquired) {
      const why = `another run (${lock.holder}) holds the lock for ${run.service} ${windowId(windowStart)} until ${new Date(lock.expiresAt).toISOString()}`;
      log.warn({ service: run.service, holder: lock.holder, expiresAt: lock.expiresAt }, `skipping ${run.service}: ${why}`);
      summaries.push({ service: run.service, clusters: 0, skippedByLock: why, issues: [] });
      continue;
    }
    if (run.clusterer.overflowCount > 0) {
      run.notes.push(
        `More than ${options.cluster?.maxClusters ?? DEFAULT_CLUSTER_OPTIONS.maxClusters} clusters: ${run.clusterer.overflowCount} entries were grouped into one overflow cluster.`,
      );
    }
    const clusters = prioritizeAll(sampledClusters(run, ctx.report));
    const p: Publishing = { run, clusters, release: lock.release, issues: {}, merges: {}, results: [] };
    if (options.history) {
      // Judged against the history as stored (or rebuilt), under the run lock.
      const loaded = await loadHistory(deps.store, run.service, options.window, options.history, log);
      const input: WindowInput = {
        window: options.window,
        observations: clusters.map((c) => observationOf(c, options.window)),
        revisions: run.clusterer.revisionsSeen(),
        noRevision: run.clusterer.entriesWithoutRevision,
      };
      p.history = { loaded, input, update: updateWindow(loaded.history, input, options.history) };
    }
    publishing.push(p);
  }
  const triageHistory = new Map<string, TriageHistory>();
  for (const p of publishing) {
    if (!p.history || !options.history) continue;
    for (const change of p.history.update.changes) {
      triageHistory.set(change.fingerprint, {
        change,
        revisions: p.history.update.history.revisions,
        returnAfterMs: options.history.returnAfterMs,
      });
    }
  }

  try {
    // Plan.
    const logsExplorerUrls: Record<string, string> = {};
    for (const p of publishing)
      for (const c of p.clusters) logsExplorerUrls[c.fingerprint] = logsExplorerUrl(options.project, c, options.window);
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
        ...(triageHistory.size > 0 ? { history: triageHistory } : {}),
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
    for (const [service, fields] of plannedIssueFields(actions, options.dryRun)) {
      const p = byService.get(service);
      if (p) Object.assign(p.issues, fields);
    }
    const plannedMerges = mergeFields(actions, undefined, options.dryRun);
    for (const p of publishing) {
      p.merges = plannedMerges.get(p.run.service) ?? {};
      p.related = Object.fromEntries([...related].filter(([fp, list]) => fpService.get(fp) === p.run.service && list.length > 0));
      p.researched = researched;
    }

    // 1. Every worklog, with the plan, before anything is published.
    for (const p of publishing) {
      p.worklog = await safely(ctx, p.run.service, "writing the worklog", () =>
        writeWorklog(deps.store, model(p, ctx, logsExplorerUrls, planned, false)),
      );
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
      // The digest issue lists the problems over the cap: each of them points at it.
      const outcomes = issueOutcomes(actions, results, fpService, options.dryRun);
      digestResult = outcomes.digest;
      ctx.failures.push(...outcomes.failures);
      const merges = mergeFields(actions, results, options.dryRun);
      for (const p of publishing) {
        p.merges = merges.get(p.run.service) ?? {};
        Object.assign(p.issues, outcomes.fields.get(p.run.service));
        p.results.push(...(outcomes.results.get(p.run.service) ?? []));
      }
      // 3. The worklogs again, with issue numbers and outcomes.
      const allOk = results.length > 0 && results.every((r) => r.ok);
      for (const p of publishing) {
        p.worklog =
          (await safely(ctx, p.run.service, "rewriting the worklog", () =>
            writeWorklog(deps.store, model(p, ctx, logsExplorerUrls, planned, allOk), p.worklog),
          )) ?? p.worklog;
      }
    }

    // 4. The miner states, so fingerprints of application logs survive to the next hour.
    for (const p of publishing) {
      await safely(ctx, p.run.service, "saving the miner state", () => saveMinerState(deps.store, p.run, log));
      const h = p.history;
      const historyOptions = options.history;
      if (h && historyOptions) {
        const numbers = new Map<string, number>();
        for (const [fp, issue] of Object.entries(p.issues)) if (issue.number !== undefined) numbers.set(fp, issue.number);
        // Applied again to whatever is stored by then: idempotent per window.
        const notSaved = await safely(ctx, p.run.service, "saving the problem history", () =>
          saveHistory(
            deps.store,
            p.run.service,
            h.loaded,
            (stored) => withIssueNumbers(updateWindow(stored, h.input, historyOptions).history, numbers),
            log,
          ),
        );
        if (notSaved) log.warn({ service: p.run.service, why: notSaved }, "problem history not saved");
      }
      log.info(
        { service: p.run.service, clusters: p.clusters.length, entries: p.run.stats.clustered, worklog: p.worklog?.location },
        "worklog written",
      );
      summaries.push({ service: p.run.service, clusters: p.clusters.length, worklog: p.worklog?.location, issues: p.results });
    }
  } finally {
    for (const p of publishing)
      await p
        .release()
        .catch((err: unknown) => log.warn({ err, service: p.run.service }, "releasing the run lock failed; it expires by itself"));
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

function model(
  p: Publishing,
  ctx: PublishContext,
  logsExplorerUrls: Record<string, string>,
  planned: boolean,
  published: boolean,
): WorklogModel {
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
    sampling: serviceSampling(run, ctx.report),
    issues: { ...p.issues },
    merges: Object.fromEntries(Object.entries(p.merges).map(([fp, list]) => [fp, [...list]])),
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
    ...(options.worklogLayout ? { layout: options.worklogLayout } : {}),
    logsExplorerUrls: urls,
    ...(p.history
      ? {
          history: {
            status: p.history.loaded.status,
            ...(p.history.loaded.detail !== undefined ? { detail: p.history.loaded.detail } : {}),
            changes: Object.fromEntries(p.history.update.changes.map((c) => [c.fingerprint, c])),
            quiet: p.history.update.quiet,
            deployed: p.history.update.deployed,
            revisions: p.history.input.revisions,
            report: p.history.update.report,
            returnAfterMs: options.history?.returnAfterMs ?? 0,
          },
        }
      : {}),
  };
}

/** Where a worklog was written, and the generations a rewrite of it in this run replaces. */
interface WrittenWorklog {
  readonly location: string;
  readonly generations: { readonly worklog: string; readonly sidecar: string };
}

async function writeWorklog(store: ObjectStore, model: WorklogModel, replaces?: WrittenWorklog): Promise<WrittenWorklog> {
  const markdown = renderWorklog(model);
  const sidecar = buildSidecar(model);
  const written = await publishWorklog(store, {
    service: model.service,
    windowStart: model.window.start,
    markdown,
    sidecarJson: sidecarJsonChunks(sidecar),
    metadata: worklogMetadata(model, sidecar),
    ...(replaces ? { replaces: replaces.generations } : {}),
  });
  return {
    location: store.locate(worklogKey(model.service, model.window.start)),
    generations: { worklog: written.worklog.generation, sidecar: written.sidecar.generation },
  };
}
