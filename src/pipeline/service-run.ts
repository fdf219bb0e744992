/** One service's share of a run: its clusterer, its template miner (loaded and saved), its counts. */
import type { Logger } from "pino";
import { ServiceClusterer, type ClusterOptions } from "../core/cluster/cluster";
import { estimateClusters } from "../core/cluster/estimates";
import { AdaptiveSampler } from "../core/ingest/sampling";
import { TemplateMiner } from "../core/cluster/miner/template-miner";
import { RouteGeneraliser } from "../core/cluster/routes";
import { LearnedJoins } from "../core/cluster/request-join";
import { jsonChunks } from "../core/json-chunks";
import { minerStateKey } from "../core/report/object-keys";
import type { Cluster, SkipReason, SkippedEntry, WorklogSampling } from "../core/types";
import { PreconditionFailedError } from "../errors";
import type { ObjectStore, SourceReport } from "../ports";
import type { RunJobOptions } from "./run-types";
import { parseStoredJson } from "./stored-json";

export interface MutableStats {
  read: number;
  duplicates: number;
  outsideWindow: number;
  belowSeverity: number;
  otherServices: number;
  clustered: number;
  skipped: Partial<Record<SkipReason, number>>;
}

export interface ServiceRun {
  readonly service: string;
  readonly clusterer: ServiceClusterer;
  readonly miner: TemplateMiner;
  /** Word-valued route segments learned so far; saved with the miner state, as its `routes`. */
  readonly routes: RouteGeneraliser;
  /** Request logs joined to application groups so far; saved with the miner state, as its `joins`. */
  readonly joins: LearnedJoins;
  readonly minerGeneration?: string;
  readonly stats: MutableStats;
  readonly skippedSamples: SkippedEntry[];
  readonly notes: string[];
  /** When the run samples: the service's adaptive threshold, capped at maxEntriesPerService. */
  readonly sampler?: AdaptiveSampler;
}

export function emptyStats(): MutableStats {
  return { read: 0, duplicates: 0, outsideWindow: 0, belowSeverity: 0, otherServices: 0, clustered: 0, skipped: {} };
}

export async function startServiceRun(
  service: string,
  options: RunJobOptions,
  clusterOptions: ClusterOptions,
  store: ObjectStore,
  log: Logger,
): Promise<ServiceRun> {
  const notes: string[] = [];
  let miner = new TemplateMiner(options.miner);
  let routes = new RouteGeneraliser();
  let joins = new LearnedJoins();
  let minerGeneration: string | undefined;
  try {
    const stored = await store.get(minerStateKey(service));
    if (stored) {
      minerGeneration = stored.generation;
      const json = parseStoredJson(stored.body);
      const loaded = TemplateMiner.fromState(json, options.miner);
      miner = loaded.miner;
      if (loaded.warning) {
        notes.push(
          `Template miner state could not be used (${loaded.warning}); templates were recomputed, so some fingerprints may be new.`,
        );
        log.warn({ service, warning: loaded.warning }, "miner state unusable; recomputing templates");
      }
      // Routes and joins have their own schemas: a miner state of another version still keeps
      // them, and a broken field costs only what it holds.
      const fields = typeof json === "object" && json !== null ? (json as { routes?: unknown; joins?: unknown }) : {};
      const unusable = (what: string, warning: string | undefined, consequence: string): void => {
        if (!warning) return;
        notes.push(`${what} could not be used (${warning}); ${consequence}.`);
        log.warn({ service, warning }, `${what.toLowerCase()} state unusable; learning again`);
      };
      const learned = RouteGeneraliser.fromState(fields.routes);
      routes = learned.routes;
      unusable("Route patterns", learned.warning, "they are learned again, so some request fingerprints may be new");
      const paired = LearnedJoins.fromState(fields.joins);
      joins = paired.joins;
      unusable("Request log joins", paired.warning, "they are learned again from this hour's pairs");
    }
  } catch (err) {
    notes.push(`Template miner state could not be read (${(err as Error).message}); templates were recomputed.`);
    log.warn({ service, err }, "miner state unreadable; recomputing templates");
  }
  return {
    service,
    clusterer: new ServiceClusterer(service, miner, clusterOptions, routes, joins),
    miner,
    routes,
    joins,
    minerGeneration,
    stats: emptyStats(),
    skippedSamples: [],
    notes,
    sampler: options.sampling ? new AdaptiveSampler(Math.max(1, options.maxEntriesPerService)) : undefined,
  };
}

/** What the worklog says about a sampled service: the source's plan times the run's threshold. */
export function serviceSampling(run: ServiceRun, report: SourceReport): WorklogSampling | undefined {
  if (!run.sampler) return undefined;
  const plan = report.sampling?.get(run.service) ?? report.sampling?.get("*");
  const serverFraction = plan?.serverFraction ?? 1;
  const fraction = serverFraction * run.sampler.fraction;
  return {
    fraction,
    estimated: fraction < 1,
    sampled: run.sampler.sampled,
    plan,
    adaptiveFraction: run.sampler.fraction,
    quota: report.quotaUsed,
  };
}

/** The service's clusters: with sampling, the entries of the final sample only, scaled to the window. */
export function sampledClusters(run: ServiceRun, report: SourceReport): Cluster[] {
  const sampling = serviceSampling(run, report);
  if (!sampling) return run.clusterer.clusters();
  return estimateClusters(run.clusterer.clusters(run.sampler!.level), sampling.fraction);
}

export async function saveMinerState(store: ObjectStore, run: ServiceRun, log: Logger): Promise<void> {
  // Printed template by template as it is written: the state of a free-text service is megabytes.
  const body = jsonChunks({ ...run.miner.toState(), routes: run.routes.toState(), joins: run.joins.toState() }, "clusters", 0);
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
