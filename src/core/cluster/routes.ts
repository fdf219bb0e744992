/**
 * Word-valued route segments: `/embed/riverside-live/checkout/`, `/embed/bluebird-events/checkout/`
 * and `/embed/lantern-presents/checkout/` are one endpoint with a parameter whose values are words,
 * which route masking (core/ingest/route.ts) keeps as they are because a word alone says nothing.
 * Across routes it does: this module learns, per service, which route positions are parameters,
 * from the routes of the service's request logs, and maps each route to its pattern
 * (`/embed/{*}/checkout/`), so one endpoint's failures are one cluster.
 *
 * The evidence (docs/clustering.md, "Word-valued route segments"):
 * - routes with the same number of segments, pooled across methods and statuses (being a
 *   parameter is a property of the route, not of one response);
 * - a position is a parameter when MIN_VALUES or more distinct plain values (not a mask such as
 *   `{id}`) appear there while every other segment is equal, the next segment is a constant word
 *   (a parameter names the thing the path goes on to act on: `/shops/{*}/exports`), and at least
 *   two other constant words remain;
 * - the last segment never is: `/users/{id}/orders` and `/users/{id}/invoices` are two endpoints,
 *   and so are `/api/users/{id}` and `/api/orders/{id}` (a word followed by a mask is a collection).
 *
 * Learned patterns are kept (in the service's miner state, as `routes`), so a later hour's new
 * value maps to the pattern it already has, and the pattern's fingerprint stays. Each pattern
 * lists the concrete routes it absorbed (at most MAX_MEMBERS), so that issues opened for them
 * before the pattern was learned are closed as its duplicates. Routes kept as evidence are
 * bounded by MAX_ROUTES: memory grows with the routes of failing requests, never with entries.
 *
 * Pure: no I/O, no clock.
 */
import { z } from "zod";
import { schemaProblem } from "../schema-problem";

/** Distinct plain values at one position that make it a parameter. */
export const MIN_VALUES = 3;
/** Distinct routes kept as evidence per service, the earliest ones. */
export const MAX_ROUTES = 1000;
/** Learned patterns per service. */
export const MAX_PATTERNS = 200;
/** Concrete routes listed per pattern, the earliest ones. */
export const MAX_MEMBERS = 100;
/** A parameter position in a pattern. */
export const PARAM = "{*}";

export const routeStateSchema = z.object({
  seen: z.array(z.string().max(400)).max(MAX_ROUTES),
  patterns: z
    .array(
      z.object({
        route: z.string().max(400),
        members: z.array(z.string().max(400)).max(MAX_MEMBERS),
      }),
    )
    .max(MAX_PATTERNS),
});
export type RouteState = z.infer<typeof routeStateSchema>;

export interface RoutePattern {
  /** The route with its parameter positions as `{*}`. */
  readonly route: string;
  /** The concrete routes it absorbed, earliest first. */
  readonly members: readonly string[];
}

/** A segment that route masking left as it was (not `{id}`, `{uuid}`, `{id}.json`…) and not empty. */
const isPlain = (segment: string): boolean => segment !== "" && !segment.includes("{") && segment !== PARAM;
/** A constant word: plain, with a letter. */
const isWord = (segment: string): boolean => isPlain(segment) && /[A-Za-z]/.test(segment);

/** Index of the last non-empty segment (`/a/b/` → 2 of ["", "a", "b", ""]). */
function lastNonEmpty(segments: readonly string[]): number {
  for (let i = segments.length - 1; i >= 0; i--) if (segments[i] !== "") return i;
  return -1;
}

/** Whether `pattern` (segments, `{*}` where a parameter is) covers `route` (segments): equal but at its parameters. */
function covers(pattern: readonly string[], route: readonly string[]): boolean {
  if (pattern.length !== route.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    // A parameter takes any value, masked ones included (`crt_waf0wg8d` is `{id}`, `crt_gyaqhbsj` a word).
    if (pattern[i] === PARAM ? route[i] === "" : pattern[i] !== route[i]) return false;
  }
  return true;
}

const params = (segments: readonly string[]): number => segments.filter((s) => s === PARAM).length;

export class RouteGeneraliser {
  private readonly seen: Set<string>;
  private readonly patterns: { route: string; segments: string[]; members: string[] }[];
  /** Routes observed since the last learn(). */
  private fresh = false;

  constructor(state?: RouteState) {
    this.seen = new Set(state?.seen ?? []);
    this.patterns = (state?.patterns ?? []).map((p) => ({ route: p.route, segments: p.route.split("/"), members: [...p.members] }));
    for (const p of this.patterns) for (const m of p.members) this.seen.delete(m);
  }

  /** A state read back from the bucket; a broken one is replaced by an empty one, and says why. */
  static fromState(json: unknown): { routes: RouteGeneraliser; warning?: string } {
    if (json === undefined) return { routes: new RouteGeneraliser() };
    const parsed = routeStateSchema.safeParse(json);
    if (parsed.success) return { routes: new RouteGeneraliser(parsed.data) };
    return { routes: new RouteGeneraliser(), warning: schemaProblem(parsed.error, "route state", "routes") };
  }

  toState(): RouteState {
    return { seen: [...this.seen], patterns: this.patterns.map((p) => ({ route: p.route, members: [...p.members] })) };
  }

  /** A route of one of the service's request logs (as route masking wrote it). */
  observe(route: string): void {
    if (this.seen.has(route) || this.seen.size >= MAX_ROUTES || route.length > 400) return;
    // A route a pattern already covers adds nothing (and never had a fingerprint of its own).
    if (this.patternFor(route.split("/"))) return;
    this.seen.add(route);
    this.fresh = true;
  }

  /**
   * Learns the patterns the routes seen so far support. Repeats while a round learns one, so
   * that a route with two parameters gets both (`/t/{*}/u/{*}/edit`).
   */
  learn(): void {
    if (!this.fresh) return;
    this.fresh = false;
    for (let round = 0; round < 8 && this.patterns.length < MAX_PATTERNS; round++) {
      if (!this.learnRound()) break;
    }
    // Every seen route a pattern covers becomes its member (bounded), so its fingerprint is merged.
    for (const route of this.seen) {
      const p = this.patternFor(route.split("/"));
      if (!p) continue;
      if (p.members.length < MAX_MEMBERS) p.members.push(route);
      this.seen.delete(route);
    }
  }

  private learnRound(): boolean {
    // Each route in its current general form (the pattern that covers it, or itself).
    const forms = new Set<string>();
    for (const route of this.seen) forms.add(this.patternFor(route.split("/"))?.route ?? route);
    for (const p of this.patterns) forms.add(p.route);
    // Per position: the form with that position blanked → the distinct plain values there.
    const groups = new Map<string, Set<string>>();
    for (const form of forms) {
      const segments = form.split("/");
      const last = lastNonEmpty(segments);
      for (let i = 1; i < last; i++) {
        if (!isPlain(segments[i]!) || !isWord(segments[i + 1]!)) continue;
        let words = 0;
        for (let j = 0; j < segments.length; j++) if (j !== i && isWord(segments[j]!)) words++;
        if (words < 2) continue;
        const key = `${i}\u0000${[...segments.slice(0, i), PARAM, ...segments.slice(i + 1)].join("/")}`;
        let values = groups.get(key);
        if (!values) groups.set(key, (values = new Set()));
        values.add(segments[i]!);
      }
    }
    let learned = false;
    for (const [key, values] of groups) {
      if (values.size < MIN_VALUES || this.patterns.length >= MAX_PATTERNS) continue;
      const route = key.slice(key.indexOf("\u0000") + 1);
      if (this.patterns.some((p) => p.route === route)) continue;
      const segments = route.split("/");
      // Patterns it generalises hand their members over, and are replaced by it.
      const members: string[] = [];
      for (let k = this.patterns.length - 1; k >= 0; k--) {
        const p = this.patterns[k]!;
        if (!covers(segments, p.segments)) continue;
        members.unshift(...p.members);
        this.patterns.splice(k, 1);
      }
      this.patterns.push({ route, segments, members: members.slice(0, MAX_MEMBERS) });
      learned = true;
    }
    return learned;
  }

  /** The most general learned pattern covering the route's segments. */
  private patternFor(segments: readonly string[]): { route: string; segments: string[]; members: string[] } | undefined {
    let best: { route: string; segments: string[]; members: string[] } | undefined;
    for (const p of this.patterns) {
      if (!covers(p.segments, segments)) continue;
      if (!best || params(p.segments) > params(best.segments)) best = p;
    }
    return best;
  }

  /** The pattern a route belongs to, if one was learned (call learn() first). */
  generalise(route: string): RoutePattern | undefined {
    const p = this.patternFor(route.split("/"));
    return p && p.route !== route ? { route: p.route, members: p.members } : undefined;
  }
}
