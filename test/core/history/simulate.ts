// Simulated hourly windows for the history tests: observations built the way a cluster of one
// window reports them, and seeded noise.
import { rng } from "../../../bench/seeded-random";
import {
  epochHour,
  updateWindow,
  type HistoryOptions,
  type Observation,
  type ProblemHistory,
  type WindowUpdate,
} from "../../../src/core/history/history";

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
/** 2026-01-05T00:00Z, a Monday. */
export const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);

export const OPTIONS: HistoryOptions = { spanHours: 14 * 24, returnAfterMs: 6 * HOUR, escalationFactor: 3 };

/** Deterministic noise: the benches' seeded generator (mulberry32). */
export const random = rng;

export interface ObsSpec {
  readonly count: number;
  /** Minutes into the hour of the first and last entries. */
  readonly from?: number;
  readonly to?: number;
  /** Entries per revision; default all on "rev-1". Use {} for entries with no revision. */
  readonly revisions?: Readonly<Partial<Record<string, number>>>;
  readonly firstRevision?: string;
  readonly mergedFrom?: readonly string[];
  readonly issue?: number;
}

/** One hour-long window's observation of `fingerprint`, starting at `hourStart`. */
export function obs(fingerprint: string, hourStart: number, spec: ObsSpec): Observation {
  const revisions = Object.entries(spec.revisions ?? { "rev-1": spec.count }).flatMap(([value, count]) =>
    count === undefined ? [] : [{ value, count }],
  );
  const firstRevision = spec.firstRevision ?? (revisions.length > 0 ? revisions[0]!.value : undefined);
  return {
    fingerprint,
    count: spec.count,
    firstSeen: hourStart + (spec.from ?? 1) * MINUTE,
    lastSeen: hourStart + (spec.to ?? 58) * MINUTE,
    ...(firstRevision !== undefined ? { firstRevision } : {}),
    revisions,
    hourly: new Map([[epochHour(hourStart), spec.count]]),
    title: `problem ${fingerprint}`,
    ...(spec.mergedFrom ? { mergedFrom: spec.mergedFrom } : {}),
    ...(spec.issue !== undefined ? { issue: spec.issue } : {}),
  };
}

/** Runs the hour starting at `hourStart` with these problems (fingerprint → spec). */
export function hour(
  history: ProblemHistory,
  hourStart: number,
  problems: Readonly<Partial<Record<string, ObsSpec>>>,
  options: HistoryOptions = OPTIONS,
  revisions?: { value: string; firstSeen: number }[],
): WindowUpdate {
  const observations = Object.entries(problems).flatMap(([fp, spec]) => (spec ? [obs(fp, hourStart, spec)] : []));
  const seen = new Map<string, number>();
  for (const o of observations) for (const r of o.revisions) seen.set(r.value, Math.min(seen.get(r.value) ?? Infinity, o.firstSeen));
  return updateWindow(
    history,
    {
      window: { start: hourStart, end: hourStart + HOUR },
      observations,
      revisions: revisions ?? [...seen].map(([value, firstSeen]) => ({ value, firstSeen })),
    },
    options,
  );
}

export function changeOf(u: WindowUpdate, fingerprint: string) {
  const c = u.changes.find((x) => x.fingerprint === fingerprint);
  if (!c) throw new Error(`no change for ${fingerprint}`);
  return c;
}
