/**
 * One failing request often logs twice: the app's own line (the exception, "request errored",
 * "panic recovered") and Cloud Run's request log (`POST /v1/fleets/{*}/pings → 503`). They are
 * one problem, and an on-call engineer wants one issue for it. This module finds the pairs, from
 * evidence each pair carries, and counts them per (request cluster, application cluster):
 *
 * - the same instance (`labels.instanceId`; both empty counts as the same),
 * - the same concrete path (ids and all, no query): the request log's URL, and a path the app
 *   line names in its payload or message (core/ingest/request-path.ts),
 * - the app line's time inside the request: from JOIN_LEAD_MS before its start to JOIN_SLACK_MS
 *   after its end (start plus latency).
 *
 * A request cluster joins the application cluster most of its entries paired with (see
 * `joinTarget`); the clusterer folds it in when clusters are read out. Pending entries are kept
 * for a short time and at most MAX_PENDING of each kind: memory is bounded, whatever the hour.
 *
 * Pure: keys are whatever the caller passes (the clusterer's accumulators); no clock.
 */

import { z } from "zod";
import { schemaProblem } from "../schema-problem";

export const JOIN_LEAD_MS = 2_000;
export const JOIN_SLACK_MS = 5_000;
export const MAX_PENDING = 20_000;
/** Pairs needed before a request cluster joins an application cluster. */
export const MIN_PAIRS = 2;
/** Share of the request cluster's entries that must pair with that one application cluster. */
export const MIN_PAIRED_SHARE = 0.25;

interface PendingRequest<K> {
  readonly key: K;
  readonly start: number;
  readonly end: number;
}
interface PendingApp<K> {
  readonly key: K;
  readonly at: number;
}

export class RequestJoiner<K> {
  private readonly requests = new Map<string, PendingRequest<K>>();
  private readonly apps = new Map<string, PendingApp<K>>();
  /** pairs.get(request key).get(app key): request entries of one paired with lines of the other. */
  readonly pairs = new Map<K, Map<K, number>>();

  /** A request log entry of cluster `key`. */
  request(key: K, instance: string | undefined, path: string, start: number, latencyMs: number | undefined): void {
    const k = `${instance ?? ""}\u0000${path}`;
    const end = start + Math.max(0, latencyMs ?? 0);
    const app = this.apps.get(k);
    if (app && app.at >= start - JOIN_LEAD_MS && app.at <= end + JOIN_SLACK_MS) {
      this.apps.delete(k);
      this.count(key, app.key);
    }
    bounded(this.requests, k, { key, start, end });
  }

  /** An application line of cluster `key` naming `paths`. */
  app(key: K, instance: string | undefined, paths: readonly string[], at: number): void {
    for (const path of paths) {
      const k = `${instance ?? ""}\u0000${path}`;
      const r = this.requests.get(k);
      if (r && at >= r.start - JOIN_LEAD_MS && at <= r.end + JOIN_SLACK_MS) {
        this.count(r.key, key);
        return;
      }
    }
    for (const path of paths) bounded(this.apps, `${instance ?? ""}\u0000${path}`, { key, at });
  }

  private count(request: K, app: K): void {
    let row = this.pairs.get(request);
    if (!row) this.pairs.set(request, (row = new Map()));
    row.set(app, (row.get(app) ?? 0) + 1);
  }
}

/** Sets `k` as the newest entry, dropping the oldest past MAX_PENDING. */
function bounded<V>(map: Map<string, V>, k: string, v: V): void {
  map.delete(k);
  map.set(k, v);
  if (map.size > MAX_PENDING) map.delete(map.keys().next().value!);
}

/**
 * Share of a request cluster's pairs that must be with that one application cluster: one
 * endpoint answering 422 for two causes (two app messages) is two problems, and its request logs
 * cannot be split between them, so they join neither.
 */
export const MIN_DOMINANT_SHARE = 0.75;

/**
 * The application cluster a request cluster of `count` entries joins, given how many of them
 * paired with each: the one most paired with, when that is at least MIN_PAIRS, MIN_PAIRED_SHARE
 * of the entries and MIN_DOMINANT_SHARE of the pairs; otherwise none.
 */
export function joinTarget<A>(count: number, paired: ReadonlyMap<A, number>): A | undefined {
  let best: A | undefined;
  let most = 0;
  let total = 0;
  for (const [a, n] of paired) {
    total += n;
    if (n > most) {
      best = a;
      most = n;
    }
  }
  const enough = most >= MIN_PAIRS && most >= MIN_PAIRED_SHARE * count && most >= MIN_DOMINANT_SHARE * total;
  return best !== undefined && enough ? best : undefined;
}

/** Learned joins kept per service. */
export const MAX_LEARNED_JOINS = 500;

export const joinStateSchema = z.array(z.tuple([z.string().max(64), z.string().max(64)])).max(MAX_LEARNED_JOINS);
export type JoinState = z.infer<typeof joinStateSchema>;

/**
 * Joins learned in earlier hours: request group fingerprint → the application group's. Kept in
 * the miner state (as `joins`), so that an hour whose pairs are too few to tell, or whose app
 * lines are missing, still reports the request logs under the problem they belong to: one
 * fingerprint, one issue, from the hour the pairing was first seen.
 */
export class LearnedJoins {
  private readonly byRequest: Map<string, string>;

  constructor(state?: JoinState) {
    this.byRequest = new Map(state ?? []);
  }

  static fromState(json: unknown): { joins: LearnedJoins; warning?: string } {
    if (json === undefined) return { joins: new LearnedJoins() };
    const parsed = joinStateSchema.safeParse(json);
    if (parsed.success) return { joins: new LearnedJoins(parsed.data) };
    return { joins: new LearnedJoins(), warning: schemaProblem(parsed.error, "join state", "joins") };
  }

  toState(): JoinState {
    return [...this.byRequest];
  }

  /** The application fingerprint a request fingerprint was joined to. */
  get(request: string): string | undefined {
    return this.byRequest.get(request);
  }

  /** Records a join seen this hour (the latest evidence wins); at most MAX_LEARNED_JOINS. */
  learn(request: string, app: string): void {
    if (this.byRequest.has(request) || this.byRequest.size < MAX_LEARNED_JOINS) this.byRequest.set(request, app);
  }
}
