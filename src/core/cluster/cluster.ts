/**
 * Groups normalized entries of one service into clusters, one per underlying problem:
 * - request logs by method + masked route + status,
 * - stack traces by exception type + top frames,
 * - application logs by source + message template (from the template miner), and by exception
 *   type when the payload carried a typed error without frames,
 * - payloads without a message by source + payload shape + their text with numbers masked
 *   (no miner: two different payloads never merge).
 * Memory grows with the number of clusters (each keeps bounded counters and at most three
 * samples), never with the number of entries.
 *
 * Sampling (core/ingest/sampling.ts): an entry added with its hash level is also counted by
 * level, so that `clusters(minLevel)` can leave out the levels an adaptive sampler dropped after
 * the entry was added. Counts, severities and the timeline follow the level; samples, top values,
 * instances and first/last seen come from every entry added.
 */
import { buildFingerprint } from "./fingerprint";
import type { RouteGeneraliser } from "./routes";
import { RequestJoiner, joinTarget, type LearnedJoins } from "./request-join";
import { handlerMethod } from "../ingest/http-request";
import { maxSeverity, type Severity } from "../severity";
import type { Cluster, NormalizedEntry, TimeWindow, VariableValues } from "../types";

/** What the clusterer needs from the template miner (src/core/cluster/miner). */
export interface MessageTemplater {
  add(message: string): { clusterId: string; template: string; params: string[] };
  templateOf(clusterId: string): string | undefined;
  /** The id a cluster goes by now, after the miner merged it into another (if it did). */
  resolve?(clusterId: string): string | undefined;
  /** Finish any pending regrouping; called before clusters are read out. */
  settle?(): void;
  /** Ids merged into this cluster (its aliases, earlier runs' included), oldest first. */
  aliasesOf?(clusterId: string): readonly string[];
}

export interface ClusterOptions {
  readonly window: TimeWindow;
  readonly bucketMinutes: number;
  readonly maxSamples: number;
  readonly maxTraceIds: number;
  readonly maxTopValues: number;
  /** Distinct values tracked per variable; past it new values are only counted. */
  readonly maxDistinctValues: number;
  /** Clusters per service; past it entries go to one overflow cluster, and a note says so. */
  readonly maxClusters: number;
}

export const DEFAULT_CLUSTER_OPTIONS: Omit<ClusterOptions, "window"> = {
  bucketMinutes: 5,
  maxSamples: 3,
  maxTraceIds: 5,
  maxTopValues: 5,
  maxDistinctValues: 200,
  maxClusters: 5000,
};

class BoundedCounter {
  readonly counts = new Map<string, number>();
  overflow = 0;
  constructor(readonly cap: number) {}
  add(value: string): void {
    const n = this.counts.get(value);
    if (n !== undefined) this.counts.set(value, n + 1);
    else if (this.counts.size < this.cap) this.counts.set(value, 1);
    else this.overflow++;
  }
  top(k: number): { value: string; count: number }[] {
    return [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, k)
      .map(([value, count]) => ({ value, count }));
  }
}

interface Accumulator {
  fingerprint: string;
  fingerprintParts: string[];
  kind: Cluster["kind"];
  minerId?: string;
  template: string;
  source?: string;
  severity: Severity;
  severities: Partial<Record<Severity, number>>;
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** Revision of the earliest entry. */
  firstRevision?: string;
  revisions: BoundedCounter;
  instances: Set<string>;
  variables: { name: string; values: BoundedCounter }[];
  /** The first entry and the most recent ones; samples are built from them at the end. */
  kept: NormalizedEntry[];
  timeline: number[];
  /** Per hash level, when entries were added with one: the counts `clusters(minLevel)` thins. */
  levels?: (LevelCounts | undefined)[];
  http?: Cluster["http"];
  exceptionType?: string;
  shape?: string;
  errorGroups?: BoundedCounter;
  /** The entries past maxClusters, of every template: their values say nothing, so none are kept. */
  overflow?: true;
  /** A request group whose route became a learned pattern (routes.ts): the concrete routes it absorbed. */
  routeMembers?: readonly string[];
  /** Request groups folded into this application group (request-join.ts): their shapes and fingerprints. */
  joined?: { method: string; route: string; status: number; count: number; fingerprints: string[] }[];
  /** A request group reported under the application group it was joined to earlier: its own fingerprints. */
  ownFingerprints?: string[];
}

interface LevelCounts {
  count: number;
  severities: Partial<Record<Severity, number>>;
  timeline: number[];
}

const OVERFLOW_KEY = "\u0000overflow";
/** Fingerprints listed in a cluster's mergedFrom, the oldest ones. */
export const MAX_MERGED_FROM = 100;
/** Between the parts of a cluster's key. */
const SEP = "\u0001";

export class ServiceClusterer {
  private readonly byKey = new Map<string, Accumulator>();
  /** The level of the entry being added (a field, not a parameter threaded through every path). */
  private level: number | undefined;
  private readonly buckets: number;
  private overflowed = 0;
  /** Earliest entry of each revision of the service (bounded), and entries without one. */
  private readonly revisionFirst = new Map<string, number>();
  private withoutRevision = 0;
  /** Pairs request logs with the app's lines about the same requests (request-join.ts). */
  private readonly joiner = new RequestJoiner<Accumulator>();
  /** Whether a request log was added yet: app lines before it have nothing to pair with. */
  private sawRequest = false;

  constructor(
    readonly service: string,
    private readonly templater: MessageTemplater,
    private readonly options: ClusterOptions,
    /** Learns word-valued route segments (routes.ts); without it, routes stay as masked. */
    private readonly routes?: RouteGeneraliser,
    /** Request logs joined to application groups in earlier hours (request-join.ts). */
    private readonly joins?: LearnedJoins,
  ) {
    const span = Math.max(1, options.window.end - options.window.start);
    this.buckets = Math.max(1, Math.ceil(span / (options.bucketMinutes * 60_000)));
  }

  /** Entries that went to the overflow cluster because maxClusters was reached. */
  get overflowCount(): number {
    return this.overflowed;
  }

  /** Each revision the service logged, with its earliest entry (at most maxDistinctValues revisions). */
  revisionsSeen(): { value: string; firstSeen: number }[] {
    return [...this.revisionFirst].map(([value, firstSeen]) => ({ value, firstSeen }));
  }

  /** Entries clustered without a revision label. */
  get entriesWithoutRevision(): number {
    return this.withoutRevision;
  }

  /**
   * Adds an entry; returns the fingerprint of the cluster it joined as it stands now (a later
   * merge may fold that cluster into another, whose `mergedFrom` then lists it).
   * `level`: the entry's hash level when the run samples (see the header).
   */
  add(entry: NormalizedEntry, level?: number): string {
    this.level = level;
    if (entry.revision) {
      const first = this.revisionFirst.get(entry.revision);
      if (first === undefined ? this.revisionFirst.size < this.options.maxDistinctValues : entry.timestamp < first)
        this.revisionFirst.set(entry.revision, entry.timestamp);
    } else this.withoutRevision++;
    // The key is looked up before anything else is built: a template, fingerprint parts and
    // variable names are only made for an entry that opens a cluster, not for the million that
    // join one.
    if (entry.kind === "request" && entry.http) {
      const { route, status } = entry.http;
      const method = handlerMethod(entry.http.method);
      const key = `${this.service}${SEP}request${SEP}${method}${SEP}${route}${SEP}${status}`;
      let acc = this.byKey.get(key);
      if (!acc) this.routes?.observe(route);
      acc ??= this.open(
        key,
        entry,
        `${entry.http.method} ${route} → ${status}`,
        [this.service, "request", method, route, String(status)],
        ["url"],
        undefined,
      );
      this.record(acc, entry);
      this.recordValue(acc, 0, entry.http.url);
      if (!acc.overflow) {
        this.sawRequest = true;
        const path = entry.requestPaths?.[0];
        if (path !== undefined) this.joiner.request(acc, entry.instanceId, path, entry.timestamp, entry.http.latencyMs);
      }
      return acc.fingerprint;
    }
    if (entry.kind === "stacktrace" && entry.exception) {
      const { type, frames } = entry.exception;
      let key = `${this.service}${SEP}stacktrace${SEP}${type}`;
      for (let i = 0; i < frames.length; i++) key += SEP + frames[i]!;
      const newline = entry.message.indexOf("\n");
      const firstLine = newline < 0 ? entry.message : entry.message.slice(0, newline);
      if (type === FRAMES_ONLY_TYPE && firstLine !== "") {
        // Frames without an exception (zap's stacktrace field, debug.Stack()): they say where
        // the log call is, the message says what happened. Two messages logged in one function
        // are two problems, so the message's template joins the key.
        return this.addMined(entry, firstLine, key, [this.service, "stacktrace", type, ...frames]);
      }
      const acc =
        this.byKey.get(key) ??
        this.open(key, entry, firstLine || type, [this.service, "stacktrace", type, ...frames], ["message"], undefined);
      this.record(acc, entry);
      this.pairWithRequest(acc, entry);
      this.recordValue(acc, 0, firstLine);
      return acc.fingerprint;
    }
    if (entry.shape !== undefined) {
      const { template, params } = maskNumbers(entry.message);
      const source = entry.source ?? "";
      const key = `${this.service}${SEP}payload${SEP}${source}${SEP}${entry.shape}${SEP}${template}`;
      const acc =
        this.byKey.get(key) ??
        this.open(
          key,
          entry,
          template,
          [this.service, "application", source, `shape:${entry.shape}`, template],
          variableNames(template, params.length),
          undefined,
        );
      this.record(acc, entry);
      this.pairWithRequest(acc, entry);
      for (let i = 0; i < params.length; i++) this.recordValue(acc, i, params[i]!);
      return acc.fingerprint;
    }
    const source = entry.source ?? "";
    // A typed error without frames keeps its type in the key; plain messages keep the key they always had.
    const type = entry.exception?.type;
    const typed = type === undefined ? "" : `${SEP}${type}`;
    const head = type === undefined ? [this.service, "application", source] : [this.service, "application", source, `exception:${type}`];
    return this.addMined(entry, entry.message, `${this.service}${SEP}application${SEP}${source}${typed}`, head);
  }

  /**
   * Adds an entry whose cluster is the template miner's for `message`: the key and the
   * fingerprint parts end with the miner's cluster id.
   */
  private addMined(entry: NormalizedEntry, message: string, keyHead: string, partsHead: readonly string[]): string {
    const match = this.templater.add(message);
    const key = `${keyHead}${SEP}${match.clusterId}`;
    const acc =
      this.byKey.get(key) ??
      this.open(
        key,
        entry,
        match.template,
        [...partsHead, match.clusterId],
        variableNames(match.template, match.params.length),
        match.clusterId,
      );
    this.record(acc, entry);
    this.pairWithRequest(acc, entry);
    // The variable list follows the template; it can grow when the miner generalizes.
    for (let i = 0; i < match.params.length; i++) this.recordValue(acc, i, match.params[i]!);
    return acc.fingerprint;
  }

  /** An application line naming request paths: a candidate for the request log of its request. */
  private pairWithRequest(acc: Accumulator, entry: NormalizedEntry): void {
    // Until the service's first request log there is nothing to pair with (an app line logged
    // just before it is missed: a request log's timestamp is the request's start).
    if (!this.sawRequest || acc.overflow) return;
    const paths = entry.requestPaths;
    if (paths) this.joiner.app(acc, entry.instanceId, paths, entry.timestamp);
  }

  /** A new cluster for `key`, or the overflow cluster once maxClusters is reached. */
  private open(
    key: string,
    entry: NormalizedEntry,
    template: string,
    parts: string[],
    names: string[],
    minerId: string | undefined,
  ): Accumulator {
    if (this.byKey.size < this.options.maxClusters) return this.create(key, entry, template, parts, names, minerId);
    this.overflowed++;
    let acc = this.byKey.get(OVERFLOW_KEY);
    if (!acc) {
      // The service is in the fingerprint: two services over the cap are two problems.
      const template = `entries past the cap of ${this.options.maxClusters.toLocaleString("en-US")} clusters per service`;
      acc = this.create(OVERFLOW_KEY, entry, template, [this.service, "overflow"], [], undefined);
      // Not the first overflowing entry's route, exception or source: the cluster has them all.
      Object.assign(acc, { overflow: true, http: undefined, exceptionType: undefined, shape: undefined, source: undefined });
    }
    return acc;
  }

  private create(
    key: string,
    entry: NormalizedEntry,
    template: string,
    parts: string[],
    names: string[],
    minerId: string | undefined,
  ): Accumulator {
    const acc: Accumulator = {
      fingerprint: buildFingerprint(parts),
      fingerprintParts: parts,
      kind: entry.kind,
      minerId,
      template,
      source: entry.source,
      severity: entry.severity,
      severities: {},
      count: 0,
      firstSeen: entry.timestamp,
      lastSeen: entry.timestamp,
      firstRevision: entry.revision,
      revisions: new BoundedCounter(this.options.maxDistinctValues),
      instances: new Set(),
      variables: names.map((name) => ({ name, values: new BoundedCounter(this.options.maxDistinctValues) })),
      kept: [],
      timeline: new Array<number>(this.buckets).fill(0),
      http: entry.http ? { method: entry.http.method, route: entry.http.route, status: entry.http.status } : undefined,
      exceptionType: entry.exception?.type,
      shape: entry.shape,
    };
    this.byKey.set(key, acc);
    return acc;
  }

  private record(acc: Accumulator, entry: NormalizedEntry): void {
    acc.count++;
    acc.severity = maxSeverity(acc.severity, entry.severity);
    acc.severities[entry.severity] = (acc.severities[entry.severity] ?? 0) + 1;
    if (entry.timestamp < acc.firstSeen) {
      acc.firstSeen = entry.timestamp;
      acc.firstRevision = entry.revision;
    }
    if (entry.timestamp > acc.lastSeen) acc.lastSeen = entry.timestamp;
    if (entry.revision) acc.revisions.add(entry.revision);
    if (entry.instanceId && acc.instances.size < this.options.maxDistinctValues) acc.instances.add(entry.instanceId);
    if (entry.errorGroup)
      (acc.errorGroups ??= new BoundedCounter(this.options.maxDistinctValues)).add(
        `${entry.errorGroup.project ?? ""}${SEP}${entry.errorGroup.id}`,
      );
    const bucket = Math.floor((entry.timestamp - this.options.window.start) / (this.options.bucketMinutes * 60_000));
    if (bucket >= 0 && bucket < acc.timeline.length) acc.timeline[bucket]!++;
    if (this.level !== undefined) {
      const levels = (acc.levels ??= []);
      const at = (levels[this.level] ??= { count: 0, severities: {}, timeline: new Array<number>(acc.timeline.length).fill(0) });
      at.count++;
      at.severities[entry.severity] = (at.severities[entry.severity] ?? 0) + 1;
      if (bucket >= 0 && bucket < at.timeline.length) at.timeline[bucket]!++;
    }
    // Samples: the first occurrence, then the most recent ones. Entries are kept, not their
    // samples: a sample is built (redacted, bounded) only for the ones still kept at the end.
    const kept = acc.kept;
    const max = this.options.maxSamples;
    if (kept.length < max) kept.push(entry);
    else if (max > 1) {
      // Drop the oldest after the first.
      kept.splice(1, 1);
      kept.push(entry);
    }
  }

  /** The value of the cluster's `index`-th variable in one entry. */
  private recordValue(acc: Accumulator, index: number, value: string): void {
    if (acc.overflow) return;
    let v = acc.variables[index];
    if (!v) {
      v = { name: `var${index + 1}`, values: new BoundedCounter(this.options.maxDistinctValues) };
      acc.variables[index] = v;
    }
    v.values.add(value);
  }

  /**
   * Application-log groups whose miner clusters were merged during the run (the miner
   * regroups as it learns) become one: the merged group takes the fingerprint of the cluster
   * the miner kept, which is the older one.
   */
  private mergedAccumulators(into: Map<Accumulator, Accumulator>): Accumulator[] {
    this.templater.settle?.();
    const byResolved = new Map<string, Accumulator>();
    const out: Accumulator[] = [];
    for (const acc of this.byKey.values()) {
      const resolved = acc.minerId ? (this.templater.resolve?.(acc.minerId) ?? acc.minerId) : undefined;
      if (!resolved || resolved === acc.minerId) {
        if (resolved) {
          const key = mergeKey(acc, resolved);
          const existing = byResolved.get(key);
          if (existing) {
            mergeAccumulator(existing, acc, this.options.maxSamples);
            into.set(acc, existing);
            continue;
          }
          byResolved.set(key, acc);
        }
        out.push(acc);
        into.set(acc, acc);
        continue;
      }
      const key = mergeKey(acc, resolved);
      const existing = byResolved.get(key);
      if (existing) {
        mergeAccumulator(existing, acc, this.options.maxSamples);
        into.set(acc, existing);
        continue;
      }
      const parts = [...acc.fingerprintParts.slice(0, -1), resolved];
      const renamed: Accumulator = { ...acc, minerId: resolved, fingerprintParts: parts, fingerprint: buildFingerprint(parts) };
      byResolved.set(key, renamed);
      out.push(renamed);
      into.set(acc, renamed);
    }
    return out;
  }

  /**
   * Request groups whose routes a learned pattern covers (routes.ts) become one per pattern,
   * method and status, under the pattern route's fingerprint; the groups themselves are left as
   * they are (a copy takes the merge).
   */
  private withRoutePatterns(accs: Accumulator[], into: Map<Accumulator, Accumulator>): Accumulator[] {
    const routes = this.routes;
    if (!routes) return accs;
    routes.learn();
    const byKey = new Map<string, Accumulator>();
    const out: Accumulator[] = [];
    for (const acc of accs) {
      const http = acc.http;
      const pattern = acc.kind === "request" && !acc.overflow && http ? routes.generalise(http.route) : undefined;
      if (!pattern || !http) {
        out.push(acc);
        continue;
      }
      const parts = acc.fingerprintParts.map((part, i) => (i === 3 ? pattern.route : part));
      const key = parts.join(SEP);
      const existing = byKey.get(key);
      if (existing) {
        mergeAccumulator(existing, acc, this.options.maxSamples);
        into.set(acc, existing);
        continue;
      }
      const renamed: Accumulator = {
        ...copyAccumulator(acc),
        fingerprintParts: parts,
        fingerprint: buildFingerprint(parts),
        template: `${http.method} ${pattern.route} → ${http.status}`,
        http: { ...http, route: pattern.route },
        routeMembers: pattern.members,
      };
      byKey.set(key, renamed);
      out.push(renamed);
      into.set(acc, renamed);
    }
    return out;
  }

  /**
   * Request groups whose entries mostly paired with one application group's lines (the same
   * requests, request-join.ts) are folded into it: its count takes theirs, its fingerprint and
   * samples stay, and `joined` lists them (their fingerprints go to its mergedFrom). `finalOf`
   * maps an accumulator the joiner saw to the group it is now part of.
   */
  private withRequestJoins(accs: Accumulator[], finalOf: (acc: Accumulator) => Accumulator): Accumulator[] {
    const joins = this.joins;
    if (this.joiner.pairs.size === 0 && !joins) return accs;
    // This hour's evidence: pairs between the groups as they are now.
    const rows = new Map<Accumulator, Map<Accumulator, number>>();
    for (const [r, row] of this.joiner.pairs) {
      const request = finalOf(r);
      let into = rows.get(request);
      if (!into) rows.set(request, (into = new Map()));
      for (const [a, n] of row) {
        const app = finalOf(a);
        into.set(app, (into.get(app) ?? 0) + n);
      }
    }
    const joinable = (a: Accumulator): boolean => a.kind !== "request" && !a.overflow;
    const targets = new Map<Accumulator, Accumulator>();
    for (const [request, row] of rows) {
      if (request.kind !== "request" || request.overflow || !request.http) continue;
      const app = joinTarget(request.count, row);
      if (!app || !joinable(app)) continue;
      targets.set(request, app);
      joins?.learn(request.fingerprint, app.fingerprint);
    }
    // Earlier hours' joins, for request groups this hour's pairs do not decide.
    const alone = new Map<string, Accumulator[]>();
    if (joins) {
      const appByFingerprint = new Map<string, Accumulator>();
      for (const a of accs) if (joinable(a)) appByFingerprint.set(a.fingerprint, a);
      for (const a of accs)
        if (joinable(a)) for (const fp of this.mergedFrom(a)) if (!appByFingerprint.has(fp)) appByFingerprint.set(fp, a);
      for (const a of accs) {
        if (a.kind !== "request" || a.overflow || !a.http || targets.has(a)) continue;
        const fp = joins.get(a.fingerprint);
        if (fp === undefined) continue;
        const app = appByFingerprint.get(fp);
        if (app) targets.set(a, app);
        else {
          const list = alone.get(fp);
          if (list) list.push(a);
          else alone.set(fp, [a]);
        }
      }
    }
    if (targets.size === 0 && alone.size === 0) return accs;
    const copies = new Map<Accumulator, Accumulator>();
    const absorbed = new Set<Accumulator>();
    for (const [request, app] of targets) {
      let target = copies.get(app);
      if (!target) copies.set(app, (target = copyAccumulator(app)));
      const fingerprints = [request.fingerprint, ...this.mergedFrom(request)];
      mergeAccumulator(target, request, this.options.maxSamples, { samples: false, variables: false });
      (target.joined ??= []).push({ ...request.http!, fingerprints, count: request.count });
      absorbed.add(request);
    }
    // Joined earlier, and this hour without their app lines: reported under the app group's
    // fingerprint, so that they comment on its issue instead of opening their own.
    for (const [fp, requests] of alone) {
      const first = requests[0]!;
      const target: Accumulator = { ...copyAccumulator(first), fingerprint: fp, ownFingerprints: [] };
      for (const r of requests) {
        if (r !== first) mergeAccumulator(target, r, this.options.maxSamples);
        target.ownFingerprints!.push(r.fingerprint, ...this.mergedFrom(r));
        absorbed.add(r);
      }
      copies.set(first, target);
      absorbed.delete(first);
    }
    return accs.filter((a) => !absorbed.has(a)).map((a) => copies.get(a) ?? a);
  }

  /**
   * Fingerprints this application cluster had under the ids the miner merged into its own
   * (this run's merges and earlier runs', kept as aliases in the miner state), oldest first:
   * issues opened under them are the same problem. At most MAX_MERGED_FROM.
   */
  private mergedFrom(acc: Accumulator): string[] {
    const out = acc.routeMembers ? routeMergedFrom(acc) : this.aliasFingerprints(acc);
    const add = (fp: string): void => {
      if (out.length < MAX_MERGED_FROM && fp !== acc.fingerprint && !out.includes(fp)) out.push(fp);
    };
    for (const fp of acc.ownFingerprints ?? []) add(fp);
    for (const j of acc.joined ?? []) for (const fp of j.fingerprints) add(fp);
    return out;
  }

  private aliasFingerprints(acc: Accumulator): string[] {
    if (!acc.minerId || !this.templater.aliasesOf) return [];
    const aliases = this.templater.aliasesOf(acc.minerId);
    const out: string[] = [];
    const head = acc.fingerprintParts.slice(0, -1);
    for (let i = 0; i < aliases.length && out.length < MAX_MERGED_FROM; i++) {
      const fp = buildFingerprint([...head, aliases[i]!]);
      if (fp !== acc.fingerprint) out.push(fp);
    }
    return out;
  }

  /**
   * The clusters so far, templates as the miner knows them now. With `minLevel` > 0, only the
   * entries added at that hash level or above are counted, and a cluster left with none is not
   * returned. Reading out is where route patterns are learned and this hour's request log joins
   * recorded (in the RouteGeneraliser and LearnedJoins given), as the miner regroups in settle():
   * the state saved after the run holds them.
   */
  clusters(minLevel = 0): Cluster[] {
    const minutes = Math.max(1, (this.options.window.end - this.options.window.start) / 60_000);
    const out: Cluster[] = [];
    const mined = new Map<Accumulator, Accumulator>();
    const routed = new Map<Accumulator, Accumulator>();
    const grouped = this.withRoutePatterns(this.mergedAccumulators(mined), routed);
    const finalOf = (acc: Accumulator): Accumulator => {
      const m = mined.get(acc) ?? acc;
      return routed.get(m) ?? m;
    };
    for (const merged of this.withRequestJoins(grouped, finalOf)) {
      const acc = minLevel > 0 ? thinned(merged, minLevel) : merged;
      if (acc.count === 0) continue;
      const template = acc.minerId ? (this.templater.templateOf(acc.minerId) ?? acc.template) : acc.template;
      const variables: VariableValues[] = acc.variables
        .filter((v) => v !== undefined)
        .map((v) => ({
          name: v.name,
          top: v.values.top(this.options.maxTopValues),
          distinct: v.values.counts.size + (v.values.overflow > 0 ? 1 : 0),
        }))
        .filter((v) => v.distinct > 1 || acc.kind === "request");
      const mergedFrom = this.mergedFrom(acc);
      out.push({
        fingerprint: acc.fingerprint,
        ...(mergedFrom.length > 0 ? { mergedFrom } : {}),
        service: this.service,
        kind: acc.kind,
        template,
        source: acc.source,
        severity: acc.severity,
        severities: acc.severities,
        count: acc.count,
        firstSeen: acc.firstSeen,
        lastSeen: acc.lastSeen,
        ratePerMinute: Math.round((acc.count / minutes) * 100) / 100,
        revisions: acc.revisions.top(this.options.maxTopValues),
        ...(acc.firstRevision !== undefined ? { firstRevision: acc.firstRevision } : {}),
        instances: acc.instances.size,
        variables,
        traceIds: acc.kept.flatMap((e) => (e.trace ? [e.trace] : [])).slice(0, this.options.maxTraceIds),
        samples: acc.kept.map((e) => e.sample),
        timeline: acc.timeline,
        bucketMinutes: this.options.bucketMinutes,
        http: acc.http,
        exceptionType: acc.exceptionType,
        ...(acc.kept[0] === undefined ? {} : { example: firstLineOf(acc.kept[0].message) }),
        ...(acc.shape === undefined ? {} : { shape: acc.shape }),
        ...(acc.errorGroups === undefined ? {} : { errorGroups: errorGroupsOf(acc.errorGroups, this.options.maxTopValues) }),
        ...(acc.joined === undefined
          ? {}
          : { joinedRequests: acc.joined.map(({ method, route, status, count }) => ({ method, route, status, count })) }),
        ...(acc.overflow ? { overflow: true as const } : {}),
      });
    }
    return out.sort((a, b) => b.count - a.count || (a.fingerprint < b.fingerprint ? -1 : 1));
  }
}

/**
 * Names a template's variables after the word before each wildcard ("user <*>" → "user"),
 * so the worklog can say "top users"; falls back to var1, var2….
 */
/** The type stacktrace.ts gives Go frames without a panic (zap's `stacktrace`, `debug.Stack()`). */
const FRAMES_ONLY_TYPE = "error";

/** Groups whose miner ids resolve to one merge when the rest of their fingerprint is the same (service, kind, source, exception type, frames). */
function mergeKey(acc: Accumulator, resolved: string): string {
  return `${acc.fingerprintParts.slice(0, -1).join("\u0001")}\u0002${resolved}`;
}

export function variableNames(template: string, count: number): string[] {
  const tokens = template.split(/\s+/);
  const names: string[] = [];
  for (let i = 0; i < tokens.length && names.length < count; i++) {
    const t = tokens[i]!;
    const wildcards = t.split("<*>").length - 1;
    for (let w = 0; w < wildcards && names.length < count; w++) {
      const before = t.includes("=") ? t.split("=")[0]! : (tokens[i - 1] ?? "");
      const word = before.replace(/[^A-Za-z_-]/g, "");
      names.push(word.length >= 2 && word.length <= 30 ? word : `var${names.length + 1}`);
    }
  }
  while (names.length < count) names.push(`var${names.length + 1}`);
  return names;
}

/** Tokens with a digit become `<*>` (their values are the params): ids, counts and ports don't split a payload's cluster. */
export function maskNumbers(text: string): { template: string; params: string[] } {
  const params: string[] = [];
  const template = text.replace(/[^\s,;=:()[\]{}"']*\d[^\s,;=:()[\]{}"']*/g, (token) => {
    params.push(token);
    return "<*>";
  });
  return { template, params };
}

function firstLineOf(message: string): string {
  const newline = message.indexOf("\n");
  return (newline < 0 ? message : message.slice(0, newline)).slice(0, 500);
}

function errorGroupsOf(counter: BoundedCounter, k: number): NonNullable<Cluster["errorGroups"]> {
  return counter.top(k).map(({ value, count }) => {
    const [project, id] = value.split(SEP) as [string, string];
    return project ? { id, project, count } : { id, count };
  });
}

/** The accumulator as if the entries below `minLevel` had never been added. */
function thinned(acc: Accumulator, minLevel: number): Accumulator {
  if (!acc.levels) return acc;
  const out: LevelCounts = { count: 0, severities: {}, timeline: new Array<number>(acc.timeline.length).fill(0) };
  for (let l = minLevel; l < acc.levels.length; l++) {
    const at = acc.levels[l];
    if (!at) continue;
    out.count += at.count;
    for (const [sev, n] of Object.entries(at.severities) as [Severity, number][]) out.severities[sev] = (out.severities[sev] ?? 0) + n;
    for (let i = 0; i < out.timeline.length; i++) out.timeline[i]! += at.timeline[i] ?? 0;
  }
  let severity: Severity | undefined;
  for (const sev of Object.keys(out.severities) as Severity[]) severity = severity === undefined ? sev : maxSeverity(severity, sev);
  return { ...acc, count: out.count, severities: out.severities, timeline: out.timeline, severity: severity ?? acc.severity };
}

/** The fingerprints a pattern's group had under its concrete routes (parts: service, "request", method, route, status). */
function routeMergedFrom(acc: Accumulator): string[] {
  const out: string[] = [];
  const members = acc.routeMembers ?? [];
  for (let i = 0; i < members.length && out.length < MAX_MERGED_FROM; i++) {
    const fp = buildFingerprint(acc.fingerprintParts.map((part, k) => (k === 3 ? members[i]! : part)));
    if (fp !== acc.fingerprint) out.push(fp);
  }
  return out;
}

function copyCounter(c: BoundedCounter): BoundedCounter {
  const out = new BoundedCounter(c.cap);
  for (const [v, n] of c.counts) out.counts.set(v, n);
  out.overflow = c.overflow;
  return out;
}

/** A copy that mergeAccumulator can fold others into without touching the original. */
function copyAccumulator(acc: Accumulator): Accumulator {
  return {
    ...acc,
    severities: { ...acc.severities },
    revisions: copyCounter(acc.revisions),
    instances: new Set(acc.instances),
    variables: acc.variables.map((v) => ({ name: v.name, values: copyCounter(v.values) })),
    kept: [...acc.kept],
    timeline: [...acc.timeline],
    ...(acc.levels
      ? { levels: acc.levels.map((l) => (l ? { count: l.count, severities: { ...l.severities }, timeline: [...l.timeline] } : undefined)) }
      : {}),
    ...(acc.errorGroups ? { errorGroups: copyCounter(acc.errorGroups) } : {}),
  };
}

/** Folds b into a: counts add up, extremes widen, samples keep the earliest and the latest. */
function mergeAccumulator(
  a: Accumulator,
  b: Accumulator,
  maxSamples: number,
  keep: { samples: boolean; variables: boolean } = { samples: true, variables: true },
): void {
  a.count += b.count;
  a.severity = maxSeverity(a.severity, b.severity);
  for (const [sev, n] of Object.entries(b.severities) as [Severity, number][]) a.severities[sev] = (a.severities[sev] ?? 0) + n;
  if (b.firstSeen < a.firstSeen) a.firstRevision = b.firstRevision;
  a.firstSeen = Math.min(a.firstSeen, b.firstSeen);
  a.lastSeen = Math.max(a.lastSeen, b.lastSeen);
  for (const [v, n] of b.revisions.counts) for (let i = 0; i < n; i++) a.revisions.add(v);
  for (const i of b.instances) a.instances.add(i);
  if (b.errorGroups)
    for (const [v, n] of b.errorGroups.counts)
      for (let i = 0; i < n; i++) (a.errorGroups ??= new BoundedCounter(b.errorGroups.counts.size + 1)).add(v);
  if (keep.variables)
    b.variables.forEach((v, i) => {
      const target = a.variables[i];
      if (!target) a.variables[i] = v;
      else for (const [value, n] of v.values.counts) for (let k = 0; k < n; k++) target.values.add(value);
    });
  for (let i = 0; i < a.timeline.length; i++) a.timeline[i]! += b.timeline[i] ?? 0;
  if (b.levels) {
    const levels = (a.levels ??= []);
    b.levels.forEach((at, l) => {
      if (!at) return;
      const into = (levels[l] ??= { count: 0, severities: {}, timeline: new Array<number>(a.timeline.length).fill(0) });
      into.count += at.count;
      for (const [sev, n] of Object.entries(at.severities) as [Severity, number][]) into.severities[sev] = (into.severities[sev] ?? 0) + n;
      for (let i = 0; i < into.timeline.length; i++) into.timeline[i]! += at.timeline[i] ?? 0;
    });
  }
  if (!keep.samples) return;
  const kept = [...a.kept, ...b.kept].sort((x, y) => x.timestamp - y.timestamp);
  a.kept = kept.length <= maxSamples ? kept : [kept[0]!, ...kept.slice(kept.length - (maxSamples - 1))];
}
