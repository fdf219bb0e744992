/**
 * Online template miner: messages come in one at a time, each gets a cluster id and the
 * cluster's current template (`<*>` for variables).
 *
 * 1. Generic masking (masking.ts) turns a message into a shape: tokens with values as `<*>`.
 * 2. A known shape goes straight to its cluster (one map lookup: the common case).
 * 3. A new shape joins a cluster of its length whose template covers it; otherwise it starts
 *    a new cluster, and the shapes of that length are regrouped (regroup.ts) from time to time.
 *    Regrouping only merges clusters; the oldest keeps its id, the others become aliases of it,
 *    and the merged template gets `<*>` where its members differ.
 *
 * Cluster ids are "t-" + a hash of the first shape of the cluster, so they are deterministic
 * for the same input order and survive generalization, merges (as aliases) and save/load.
 * Memory grows with the number of templates: shapes kept per cluster are capped, and the shape
 * lookup is a bounded cache.
 */
import { WILDCARD, compileMasks, maskMessage, type MaskedMessage, type UserMask } from "./masking";
import { MINER_STATE_VERSION, parseMinerState, type MinerState } from "./miner-state";
import { partitionShapes } from "./regroup";
import { shapeKey } from "./shape-key";
import { fnvPair } from "../../hash";

export interface MinerOptions {
  extraMasks?: readonly UserMask[];
  /** Templates a saved state keeps at most (the most frequent); default MAX_SAVED_TEMPLATES. */
  maxSavedTemplates?: number;
}

/**
 * A service that logs free text makes a template per line; its state would grow every hour.
 * The state keeps the most frequent templates: counts add up over runs, so a problem that
 * recurs stays, and a dropped one that comes back gets the same id (ids hash the first shape).
 */
export const MAX_SAVED_TEMPLATES = 20_000;

export interface MinerMatch {
  clusterId: string;
  template: string;
  /** The values under the wildcards and masks of this message, in order. */
  params: string[];
}

/** Distinct shapes kept per cluster for regrouping. */
const SHAPES_PER_CLUSTER = 32;
/** Entries in the shape lookup before it is cleared. */
const CACHE_LIMIT = 100_000;

interface Shape {
  readonly tokens: string[];
  weight: number;
  cluster: Cluster;
}

interface Cluster {
  readonly id: string;
  readonly seq: number;
  /** Tokens; WILDCARD where the members differ or where masking found a value. */
  template: string[];
  /** What is shown: the template, keeping brackets the members share around a variable: `(<*>)`. */
  display: string[];
  text: string;
  count: number;
  shapes: Shape[];
  mergedInto?: Cluster;
  /** Its key in the length's index: the first constant position and token ("" for none). */
  anchor?: string;
}

interface LengthGroup {
  clusters: Cluster[]; // live ones, oldest first
  shapes: Shape[];
  /** Changes since the last regrouping (new clusters, tokens seen in a second place): settle() regroups. */
  newSinceRegroup: number;
  /** Clusters created since the last regrouping: what triggers one during a run. */
  createdSinceRegroup: number;
  /**
   * Live clusters by anchor. A template covers a shape only if the shape has the template's
   * first constant token at its position, so a new shape looks at the clusters anchored on
   * one of its own tokens (and those with no constant at all): work per new shape follows its
   * length and its candidates, not the number of clusters of the length.
   */
  index: Map<string, Cluster[]>;
}

export class TemplateMiner {
  private readonly masks: RegExp[];
  private readonly groups = new Map<number, LengthGroup>();
  private readonly byId = new Map<string, Cluster>();
  private readonly cache = new Map<string, Shape>();
  /** Shape by quick key (shape-key.ts): the common case costs one scan and one lookup. */
  private readonly quick = new Map<number, Shape>();
  /** Where each token was seen: length * 1024 + position, or -1 once seen in two places. */
  private readonly contexts = new Map<string, number>();
  private nextSeq = 0;
  private live = 0;
  /** Survivor id → ids merged into it, oldest first; rebuilt when a merge made it stale. */
  private aliasIndex: Map<string, string[]> | undefined;

  private readonly maxSaved: number;

  constructor(options?: MinerOptions) {
    this.masks = compileMasks(options?.extraMasks);
    this.maxSaved = options?.maxSavedTemplates ?? MAX_SAVED_TEMPLATES;
  }

  /**
   * Learns a message; returns its cluster and the cluster's template as it is now. `params`
   * is worked out when first read, against the cluster's template at that time.
   */
  add(message: string): MinerMatch {
    let quickKey = -1;
    if (this.masks.length === 0) {
      quickKey = shapeKey(message);
      const known = this.quick.get(quickKey);
      if (known !== undefined) {
        known.weight++;
        const cluster = this.resolveCluster(known);
        cluster.count++;
        return new Match(cluster, message, this.masks);
      }
    }
    const masked = maskMessage(message, this.masks);
    const key = masked.tokens.join("\u0001");
    let shape = this.cache.get(key);
    if (shape === undefined) shape = this.learn(masked.tokens, key);
    else shape.weight++;
    if (quickKey >= 0) {
      if (this.quick.size >= CACHE_LIMIT) this.quick.clear();
      this.quick.set(quickKey, shape);
    }
    const cluster = this.resolveCluster(shape);
    cluster.count++;
    return new Match(cluster, message, this.masks, masked);
  }

  /** Current template of a cluster (following merges); undefined for an unknown id. */
  templateOf(clusterId: string): string | undefined {
    return this.clusterOf(clusterId)?.text;
  }

  /** The id a cluster goes by now: itself, or the cluster it was merged into. */
  resolve(clusterId: string): string | undefined {
    return this.clusterOf(clusterId)?.id;
  }

  /**
   * The ids that were merged into this cluster (directly or through another merge), in this
   * run or earlier ones, oldest first; empty for an unknown id or one merged into another.
   */
  aliasesOf(clusterId: string): readonly string[] {
    const c = this.byId.get(clusterId);
    if (!c || c.mergedInto) return [];
    if (!this.aliasIndex) {
      const index = new Map<string, string[]>();
      const merged = [...this.byId.values()].filter((m) => m.mergedInto).sort((a, b) => a.seq - b.seq);
      for (const m of merged) {
        const to = this.clusterOf(m.id)!.id;
        const list = index.get(to);
        if (list) list.push(m.id);
        else index.set(to, [m.id]);
      }
      this.aliasIndex = index;
    }
    return this.aliasIndex.get(clusterId) ?? [];
  }

  /** Number of templates (live clusters). */
  size(): number {
    return this.live;
  }

  /** Regroups every length that learned new shapes since its last regrouping. Call at the end of a run. */
  settle(): void {
    for (const group of this.groups.values()) if (group.newSinceRegroup > 0) this.regroup(group);
  }

  toState(): MinerState {
    this.settle();
    const clusters: MinerState["clusters"] = [];
    const merged: Cluster[] = [];
    for (const c of this.byId.values()) {
      if (c.mergedInto) {
        merged.push(c);
        continue;
      }
      clusters.push({
        id: c.id,
        template: [...c.template],
        display: [...c.display],
        count: c.count,
        seq: c.seq,
        signatures: c.shapes.map((s) => ({ tokens: [...s.tokens], count: s.weight })),
      });
    }
    if (clusters.length > this.maxSaved) {
      clusters.sort((a, b) => b.count - a.count || a.seq - b.seq);
      clusters.length = this.maxSaved;
    }
    clusters.sort((a, b) => a.seq - b.seq);
    const kept = new Set(clusters.map((c) => c.id));
    // Oldest first: the order aliasesOf gives them, kept across save and load.
    const aliases = merged
      .sort((a, b) => a.seq - b.seq)
      .map((c): [string, string] => [c.id, this.clusterOf(c.id)!.id])
      .filter(([, to]) => kept.has(to));
    return { version: MINER_STATE_VERSION, kind: "log-gardener/template-miner", nextSeq: this.nextSeq, clusters, aliases };
  }

  /** Restores a saved miner; a corrupt or unknown state gives a fresh miner and a warning. */
  static fromState(json: unknown, options?: MinerOptions): { miner: TemplateMiner; warning?: string } {
    const miner = new TemplateMiner(options);
    const parsed = parseMinerState(json);
    if ("problem" in parsed) return { miner, warning: `template state dropped, templates are learned again: ${parsed.problem}` };
    const fresh = new TemplateMiner(options);
    try {
      fresh.load(parsed.state);
      return { miner: fresh };
    } catch (error) {
      return { miner, warning: `template state dropped, templates are learned again: ${(error as Error).message}` };
    }
  }

  private load(state: MinerState): void {
    this.nextSeq = state.nextSeq;
    for (const c of state.clusters) {
      if (this.byId.has(c.id)) throw new Error(`duplicate cluster id ${c.id}`);
      const display = c.display && c.display.length === c.template.length ? [...c.display] : [...c.template];
      const cluster: Cluster = {
        id: c.id,
        seq: c.seq,
        template: [...c.template],
        display,
        text: display.join(" "),
        count: c.count,
        shapes: [],
      };
      this.byId.set(c.id, cluster);
      this.live++;
      const group = this.groupOf(c.template.length);
      group.clusters.push(cluster);
      indexCluster(group, cluster);
      for (const s of c.signatures) {
        if (s.tokens.length !== c.template.length) throw new Error(`cluster ${c.id}: signature length differs from its template`);
        const shape: Shape = { tokens: [...s.tokens], weight: Math.max(1, s.count), cluster };
        cluster.shapes.push(shape);
        group.shapes.push(shape);
        this.cache.set(shape.tokens.join("\u0001"), shape);
        this.noteContexts(shape.tokens);
      }
      this.nextSeq = Math.max(this.nextSeq, c.seq + 1);
    }
    for (const group of this.groups.values()) group.clusters.sort((a, b) => a.seq - b.seq);
    state.aliases.forEach(([from, to], i) => {
      const target = this.byId.get(to);
      if (!target || target.mergedInto) throw new Error(`alias ${from} points to unknown cluster ${to}`);
      if (this.byId.has(from)) return;
      // Older than any cluster loaded, in the order saved.
      const seq = i - state.aliases.length;
      this.byId.set(from, { id: from, seq, template: [], display: [], text: "", count: 0, shapes: [], mergedInto: target });
    });
    // A state written by an earlier version may hold clusters that the current rules see as
    // one problem: regroup them now, so the oldest keeps its id and the others become its
    // aliases (and their fingerprints its mergedFrom) before this run's entries arrive.
    for (const group of this.groups.values()) this.regroup(group);
  }

  private clusterOf(clusterId: string): Cluster | undefined {
    let c = this.byId.get(clusterId);
    while (c?.mergedInto) c = c.mergedInto;
    return c;
  }

  private resolveCluster(shape: Shape): Cluster {
    let c = shape.cluster;
    while (c.mergedInto) c = c.mergedInto;
    shape.cluster = c;
    return c;
  }

  private groupOf(length: number): LengthGroup {
    let group = this.groups.get(length);
    if (!group) {
      group = { clusters: [], shapes: [], newSinceRegroup: 0, createdSinceRegroup: 0, index: new Map() };
      this.groups.set(length, group);
    }
    return group;
  }

  private noteContexts(tokens: readonly string[]): void {
    if (this.contexts.size >= CACHE_LIMIT) this.contexts.clear();
    for (let p = 0; p < tokens.length; p++) {
      const tok = tokens[p]!;
      if (tok === WILDCARD) continue;
      const here = tokens.length * 1024 + p;
      const seen = this.contexts.get(tok);
      if (seen === undefined) this.contexts.set(tok, here);
      else if (seen !== here && seen !== -1) {
        // Now seen in two places: the shapes of its first length may group differently.
        this.contexts.set(tok, -1);
        const first = this.groups.get(Math.floor(seen / 1024));
        if (first) first.newSinceRegroup++;
      }
    }
  }

  private learn(tokens: string[], key: string): Shape {
    this.noteContexts(tokens);
    const group = this.groupOf(tokens.length);
    // The covering cluster with the most constants; the oldest of equals.
    let cluster: Cluster | undefined;
    let bestConstants = -1;
    const consider = (list: readonly Cluster[] | undefined): void => {
      if (list === undefined) return;
      for (const c of list) {
        const constants = covers(c.template, tokens);
        if (constants > bestConstants || (constants === bestConstants && constants >= 0 && c.seq < cluster!.seq)) {
          cluster = c;
          bestConstants = constants;
        }
      }
    };
    consider(group.index.get(""));
    for (let p = 0; p < tokens.length; p++) if (tokens[p] !== WILDCARD) consider(group.index.get(anchorKey(p, tokens[p]!)));
    const created = cluster === undefined;
    if (!cluster) cluster = this.createCluster(tokens, group);
    // Kept as long as the shape: an exact-size copy, not the masking's growing array.
    const shape: Shape = { tokens: tokens.slice(), weight: 1, cluster };
    if (cluster.shapes.length === 0) {
      // Most clusters of free text never get a second shape: an array of one, not of push's spare room.
      cluster.shapes = [shape];
      group.shapes.push(shape);
    } else if (cluster.shapes.length < SHAPES_PER_CLUSTER) {
      cluster.shapes.push(shape);
      group.shapes.push(shape);
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, shape);
    if (created) {
      group.newSinceRegroup++;
      group.createdSinceRegroup++;
      // Regroup at once while the length is small, then at each tenth of growth in clusters
      // (not of other changes, or input without templates would regroup at every line).
      if (group.clusters.length <= 64 || group.createdSinceRegroup * 10 >= group.clusters.length) this.regroup(group);
    }
    return shape;
  }

  private createCluster(tokens: string[], group: LengthGroup): Cluster {
    const base = `t-${hashId(tokens.join(" "))}`;
    let id = base;
    for (let n = 2; this.byId.has(id); n++) id = `${base}-${n}`;
    const cluster: Cluster = {
      id,
      seq: this.nextSeq++,
      template: [...tokens],
      display: [...tokens],
      text: tokens.join(" "),
      count: 0,
      shapes: [],
    };
    this.byId.set(id, cluster);
    group.clusters.push(cluster);
    indexCluster(group, cluster);
    this.live++;
    return cluster;
  }

  private regroup(group: LengthGroup): void {
    group.newSinceRegroup = 0;
    group.createdSinceRegroup = 0;
    if (group.clusters.length < 2) return;
    const shapes = group.shapes;
    const parts = partitionShapes(shapes, (tok) => this.contexts.get(tok) === -1);
    let merged = false;
    for (const part of parts) {
      let survivor: Cluster | undefined;
      for (const i of part) {
        const c = this.resolveCluster(shapes[i]!);
        if (!survivor) survivor = c;
        else if (c !== survivor) {
          const [keep, gone] = c.seq < survivor.seq ? [c, survivor] : [survivor, c];
          this.mergeInto(keep, gone);
          survivor = keep;
          merged = true;
        }
      }
    }
    if (merged) group.clusters = group.clusters.filter((c) => !c.mergedInto);
  }

  private mergeInto(keep: Cluster, gone: Cluster): void {
    const group = this.groupOf(keep.template.length);
    unindexCluster(group, gone);
    for (let p = 0; p < keep.template.length; p++) {
      if (keep.template[p] !== gone.template[p]) keep.template[p] = WILDCARD;
      if (keep.display[p] !== gone.display[p]) keep.display[p] = mergeDisplay(keep.display[p]!, gone.display[p]!);
    }
    if (anchorOf(keep.template) !== keep.anchor) {
      unindexCluster(group, keep);
      indexCluster(group, keep);
    }
    keep.text = keep.display.join(" ");
    keep.count += gone.count;
    for (const s of gone.shapes) {
      s.cluster = keep;
      if (keep.shapes.length < SHAPES_PER_CLUSTER) keep.shapes.push(s);
    }
    gone.shapes = [];
    gone.mergedInto = keep;
    this.live--;
    this.aliasIndex = undefined;
  }
}

class Match implements MinerMatch {
  readonly clusterId: string;
  readonly template: string;
  private values: string[] | undefined;

  constructor(
    private readonly cluster: Cluster,
    private readonly message: string,
    private readonly masks: readonly RegExp[],
    private masked?: MaskedMessage,
  ) {
    this.clusterId = cluster.id;
    this.template = cluster.text;
  }

  get params(): string[] {
    if (this.values === undefined) {
      this.masked ??= maskMessage(this.message, this.masks);
      this.values = paramsOf(this.cluster, this.masked);
      this.masked = undefined;
    }
    return this.values;
  }
}

function anchorKey(p: number, token: string): string {
  return `${p}\u0001${token}`;
}

function anchorOf(template: readonly string[]): string {
  for (let p = 0; p < template.length; p++) if (template[p] !== WILDCARD) return anchorKey(p, template[p]!);
  return "";
}

function indexCluster(group: LengthGroup, c: Cluster): void {
  c.anchor = anchorOf(c.template);
  const list = group.index.get(c.anchor);
  if (list) list.push(c);
  else group.index.set(c.anchor, [c]);
}

function unindexCluster(group: LengthGroup, c: Cluster): void {
  const list = c.anchor === undefined ? undefined : group.index.get(c.anchor);
  if (!list) return;
  const at = list.indexOf(c);
  if (at >= 0) list.splice(at, 1);
  if (list.length === 0) group.index.delete(c.anchor!);
}

/** Constant positions of template if it covers tokens, else -1. */
function covers(template: readonly string[], tokens: readonly string[]): number {
  let constants = 0;
  for (let p = 0; p < template.length; p++) {
    const t = template[p]!;
    if (t === WILDCARD) continue;
    if (t !== tokens[p]) return -1;
    constants++;
  }
  return constants;
}

const OPENERS = "([{\"'";
const CLOSERS = ")]}\"',;:.";

/** `()` and `(<*>.example.net)` → `(<*>)`: the brackets both share around one variable. */
function mergeDisplay(a: string, b: string): string {
  let pre = 0;
  const most = Math.min(a.length, b.length);
  while (pre < most && a[pre] === b[pre] && OPENERS.includes(a[pre]!)) pre++;
  let suf = 0;
  while (suf < most - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf] && CLOSERS.includes(a[a.length - 1 - suf]!)) suf++;
  return a.slice(0, pre) + WILDCARD + a.slice(a.length - suf);
}

function paramsOf(cluster: Cluster, masked: MaskedMessage): string[] {
  const { template, display } = cluster;
  const { tokens, texts, params, paramStarts } = masked;
  let params2: string[] | undefined;
  for (let p = 0; p < tokens.length; p++) {
    if (template[p] === WILDCARD && tokens[p] !== WILDCARD) {
      // a position that varies in this cluster: its whole text is the value, less shown brackets
      params2 ??= params.slice(0, paramStarts[p]);
      const text = texts[p]!;
      const shown = display[p]!;
      const at = shown.indexOf(WILDCARD);
      const pre = at;
      const suf = shown.length - at - WILDCARD.length;
      const bare = pre + suf <= text.length && text.startsWith(shown.slice(0, pre)) && text.endsWith(shown.slice(at + WILDCARD.length));
      params2.push(bare ? text.slice(pre, text.length - suf) : text);
    } else if (params2) {
      for (let k = paramStarts[p]!; k < paramStarts[p + 1]!; k++) params2.push(params[k]!);
    }
  }
  return params2 ?? params;
}

/** 12 hex digits from two 32-bit FNV-1a variants. */
function hashId(text: string): string {
  const { a, b } = fnvPair(text);
  return a.toString(16).padStart(8, "0") + (b & 0xffff).toString(16).padStart(4, "0");
}
