/**
 * The escalation limit: how many occurrences in one hour make a problem `escalating`,
 * computed from that problem's own hourly history. The formula and its reasons are in
 * docs/history.md; in short, with `active` the hours of the span before this window that had
 * at least one occurrence:
 *
 *   no active hour                → no limit (the problem is new or returned, not escalating)
 *   fewer than COLD_START_HOURS   → cold start: baseline = the busiest active hour,
 *                                   limit = max(ceil(COLD_START_FACTOR × baseline), MIN_ESCALATION_COUNT)
 *   otherwise                     → baseline = the 95th percentile of the active hours (nearest rank),
 *                                   limit = max(ceil(factor × baseline), ceil(baseline + 5√baseline), MIN_ESCALATION_COUNT)
 *
 * Hours with no occurrence are left out of the baseline on purpose: a cron job that fails
 * every six hours has five empty hours for each busy one, and its busy hour is its normal.
 */

/** Active hours below which a problem is young and the cold-start rule applies. */
export const COLD_START_HOURS = 24;
/** Multiple of the busiest hour a young problem must reach. */
export const COLD_START_FACTOR = 10;
/** No hour with fewer occurrences than this is escalating, whatever its history. */
export const MIN_ESCALATION_COUNT = 10;
/** Standard deviations (of a Poisson count at the baseline) the limit keeps above the baseline. */
export const NOISE_SIGMAS = 5;

export type EscalationRule = "none" | "cold-start" | "percentile";

export interface EscalationLimit {
  /** The figure the limit came from (occurrences per hour); 0 with no history. */
  readonly baseline: number;
  /** Occurrences in one hour at or above which the problem is escalating; undefined with no history. */
  readonly limit?: number;
  readonly rule: EscalationRule;
  /** Active hours the baseline was taken from. */
  readonly activeHours: number;
}

/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/**
 * The limit for the next hour, from the hourly counts of the span before it (zeros included,
 * any order) and the escalation factor (LOG_GARDENER_ESCALATION_FACTOR, at least 1).
 */
export function escalationLimit(priorHourly: readonly number[], factor: number): EscalationLimit {
  const active = priorHourly.filter((n) => n > 0);
  if (active.length === 0) return { baseline: 0, rule: "none", activeHours: 0 };
  if (active.length < COLD_START_HOURS) {
    const baseline = Math.max(...active);
    return {
      baseline,
      limit: Math.max(Math.ceil(Math.max(COLD_START_FACTOR, factor) * baseline), MIN_ESCALATION_COUNT),
      rule: "cold-start",
      activeHours: active.length,
    };
  }
  const baseline = percentile(active, 95);
  const limit = Math.max(Math.ceil(factor * baseline), Math.ceil(baseline + NOISE_SIGMAS * Math.sqrt(baseline)), MIN_ESCALATION_COUNT);
  return { baseline, limit, rule: "percentile", activeHours: active.length };
}
