/**
 * Sampling a window that holds more entries than the cap: the arithmetic, with no I/O.
 *
 * Two ways to the same result, a uniform deterministic sample over the whole window:
 *  - Cloud Logging: the window's total is known first (Cloud Monitoring's
 *    logging.googleapis.com/log_entry_count), so one fraction is chosen before reading
 *    (`chooseFraction`) and the filter's `sample(insertId, f)` selects the entries server side.
 *  - Files and stdin (and Cloud Logging when Monitoring could not say): the total is not known,
 *    so an `AdaptiveSampler` keeps the entries whose hash falls under a threshold, and halves the
 *    threshold each time the entries kept would pass the cap. An entry's hash decides once and
 *    for all, so the entries kept at the end are exactly those under the final threshold: the
 *    clusterer counts every admitted entry by its hash level, and the levels under the final
 *    threshold are left out when the clusters are read (memory: a counter per level per
 *    cluster, never per entry).
 *
 * Counts from a sample are estimates: n sampled at fraction f estimate n / f, with a standard
 * error of sqrt(n (1 - f)) / f (`estimateBounds`).
 */
import { fnvPair } from "../hash";

/** The field both ways hash: every Cloud Logging entry has a different one. */
export const SAMPLE_FIELD = "insertId";

const TWO_32 = 2 ** 32;
const TWO_20 = 2 ** 20;

/** murmur3's 32-bit finalizer: every input bit reaches every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Two 32-bit lanes mixed into a unit value. FNV's last characters barely reach its high bits,
 * and ids that differ only at the end (counters) would then crowd one end of [0, 1): the
 * finalizer spreads them.
 */
function unitOf(a: number, b: number): number {
  const hi = fmix32((a ^ Math.imul(b, 0x9e3779b1)) >>> 0);
  const lo = fmix32((b ^ hi) >>> 0);
  return (hi * TWO_20 + (lo >>> 12)) / 2 ** 52;
}

/** Levels beyond this are counted as this one (a threshold of 2^-40 is one entry in 10^12). */
export const MAX_SAMPLE_LEVEL = 40;

/** The entry's position in [0, 1): from its insertId, or from its key's hash when it has none. */
export function sampleUnit(insertId: unknown, keyHash: number): number {
  if (typeof insertId === "string" && insertId !== "") {
    const { a, b } = fnvPair(insertId);
    return unitOf(a, b);
  }
  return unitOf(Math.floor(keyHash / TWO_32) >>> 0, keyHash >>> 0);
}

/**
 * The hash level of a unit value: the largest k with u < 2^-k (capped at MAX_SAMPLE_LEVEL).
 * An entry is kept at threshold 2^-K exactly when its level is at least K.
 */
export function sampleLevel(unit: number): number {
  if (!(unit > 0)) return MAX_SAMPLE_LEVEL;
  if (unit >= 0.5) return 0;
  let k = Math.floor(-Math.log2(unit));
  // log2 is inexact near powers of two: settle k so that 2^-(k+1) <= u < 2^-k.
  while (k > 0 && unit >= 2 ** -k) k--;
  while (unit < 2 ** -(k + 1)) k++;
  return Math.min(MAX_SAMPLE_LEVEL, k);
}

/**
 * Keeps at most `cap` entries of a stream of unknown length, uniformly: an entry is admitted
 * while its level is at least the current level K (threshold 2^-K); when the admitted entries
 * at level K or more would pass the cap, K goes up by one and the entries of level K drop out.
 * Memory: one counter per level.
 */
export class AdaptiveSampler {
  private readonly perLevel: number[] = new Array<number>(MAX_SAMPLE_LEVEL + 1).fill(0);
  private kept = 0;
  private currentLevel = 0;
  /** Entries offered, admitted or not. */
  offered = 0;

  constructor(readonly cap: number) {
    if (!(Number.isInteger(cap) && cap >= 1)) throw new RangeError(`sampling cap must be a whole number >= 1 (got ${cap})`);
  }

  /** Whether an entry of this level is in the sample as it stands after it was offered. */
  admit(level: number): boolean {
    this.offered++;
    if (level < this.currentLevel) return false;
    this.perLevel[level]!++;
    this.kept++;
    while (this.kept > this.cap && this.currentLevel < MAX_SAMPLE_LEVEL) {
      this.kept -= this.perLevel[this.currentLevel]!;
      this.currentLevel++;
    }
    return level >= this.currentLevel;
  }

  /** K: entries of a lower level are out of the sample. */
  get level(): number {
    return this.currentLevel;
  }

  /** The share of the stream kept: 2^-K (1 until the cap was first passed). */
  get fraction(): number {
    return 2 ** -this.currentLevel;
  }

  /** Entries in the sample now. */
  get sampled(): number {
    return this.kept;
  }
}

// ---------------------------------------------------------------------------------------------
// The read budget and the fraction

/** Cloud Logging's entries.list quota: requests per minute per project. */
export const ENTRIES_LIST_QUOTA_PER_MINUTE = 60;

export interface ReadBudgetInput {
  /** Share of the project's entries.list quota one run may use, 0 < share <= 1. */
  readonly share: number;
  /** The quota, requests per minute per project. */
  readonly quotaPerMinute: number;
  /** Tasks of the execution, which read at the same time and share the quota. */
  readonly taskCount: number;
  /** Minutes this task may spend reading (deadline minus the publishing reserve). */
  readonly minutes: number;
  /** Services this task reads; the task's pages are split evenly between them. */
  readonly services: number;
}

export interface ReadBudget {
  /** Page requests per minute this task may start. */
  readonly pagesPerMinute: number;
  /** Pages each service may read in the time left. At least 1. */
  readonly pagesPerService: number;
  /** This task's share of the project quota, 0..1. */
  readonly quotaShare: number;
}

/** Pacing and pages per service from the budget: the quota shared by tasks, over the time left. */
export function readBudget(input: ReadBudgetInput): ReadBudget {
  const share = Math.min(1, Math.max(0, input.share));
  const tasks = Math.max(1, Math.floor(input.taskCount));
  const pagesPerMinute = Math.max(1, Math.floor((input.quotaPerMinute * share) / tasks));
  const minutes = Math.max(0, input.minutes);
  const pages = Math.floor(pagesPerMinute * minutes);
  const pagesPerService = Math.max(1, Math.floor(pages / Math.max(1, input.services)));
  return { pagesPerMinute, pagesPerService, quotaShare: pagesPerMinute / input.quotaPerMinute };
}

export interface FractionInput {
  /** Entries in the window matching the query, from Monitoring. */
  readonly total: number;
  /** LOG_GARDENER_MAX_ENTRIES: entries one service may read. */
  readonly cap: number;
  /** Entries per page (1..1000). */
  readonly pageSize: number;
  /** Pages this service may read (the budget). */
  readonly pages: number;
}

export interface FractionChoice {
  /** The fraction for `sample(insertId, f)`, 0 < f <= 1; 1 means read everything. */
  readonly fraction: number;
  /** Entries expected at that fraction. */
  readonly expected: number;
  /** What bounded it: nothing, the cap, the page budget, or the one-page floor. */
  readonly boundBy: "none" | "cap" | "budget" | "one-page";
}

/** Fractions go into the filter with this many significant digits, rounded down. */
const FRACTION_DIGITS = 4;

/**
 * The largest fraction that keeps the entries under the cap and the pages under the budget: the
 * expected entries aim three standard deviations (3·sqrt(room)) under the tighter of the two,
 * so a sample above its expectation still fits. A fraction
 * that would leave less than one page is raised to one page's worth: the read never asks for
 * nothing.
 */
export function chooseFraction(input: FractionInput): FractionChoice {
  const total = Math.max(0, input.total);
  const pageSize = Math.min(1000, Math.max(1, Math.floor(input.pageSize)));
  const byCap = Math.max(1, input.cap);
  const byPages = Math.max(1, input.pages) * pageSize;
  const room = Math.min(byCap, byPages);
  if (total <= room) return { fraction: 1, expected: total, boundBy: "none" };
  // Aim three standard deviations under the room: a sample a little over its expectation then
  // still fits, and the run's threshold never has to halve it for a few entries too many.
  const target = Math.max(1, room - 3 * Math.sqrt(room));
  let fraction = roundDown(target / total);
  let boundBy: FractionChoice["boundBy"] = byCap <= byPages ? "cap" : "budget";
  if (fraction * total < pageSize || fraction <= 0) {
    fraction = Math.min(1, roundUp(pageSize / total));
    boundBy = "one-page";
  }
  return { fraction, expected: fraction * total, boundBy };
}

function roundDown(x: number): number {
  if (x >= 1) return 1;
  const scale = 10 ** (FRACTION_DIGITS - Math.ceil(Math.log10(x)));
  return Math.floor(x * scale) / scale;
}

function roundUp(x: number): number {
  if (x >= 1) return 1;
  const scale = 10 ** (FRACTION_DIGITS - Math.ceil(Math.log10(x)));
  return Math.ceil(x * scale) / scale;
}

/** The fraction as the filter writes it: plain decimal, never exponent notation, never 0. */
export function formatFraction(fraction: number): string {
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError(`sample fraction must be in (0, 1] (got ${fraction})`);
  if (fraction === 1) return "1";
  const digits = Math.max(1, FRACTION_DIGITS - Math.ceil(Math.log10(fraction)));
  return fraction.toFixed(Math.min(20, digits)).replace(/0+$/, "");
}

// ---------------------------------------------------------------------------------------------
// Estimates

/** n entries sampled at fraction f estimate n / f (rounded). */
export function estimateCount(sampled: number, fraction: number): number {
  if (fraction >= 1) return sampled;
  return Math.round(sampled / fraction);
}

/**
 * An interval of about 95% for the true count behind n sampled at fraction f: the estimate
 * ± 1.96 standard errors, sqrt(n (1 - f)) / f (a binomial sample), never below n.
 */
export function estimateBounds(sampled: number, fraction: number): { readonly low: number; readonly high: number } {
  if (fraction >= 1) return { low: sampled, high: sampled };
  const estimate = sampled / fraction;
  // With no entry in the sample, the rule of three: fewer than 3 / f with 95% confidence.
  const se = sampled > 0 ? Math.sqrt(sampled * (1 - fraction)) / fraction : 3 / fraction / 1.96;
  return { low: Math.max(sampled, Math.floor(estimate - 1.96 * se)), high: Math.ceil(estimate + 1.96 * se) };
}

/** "2.5%", "0.013%": a fraction for people. */
export function formatPercent(fraction: number): string {
  const p = fraction * 100;
  if (p >= 10) return `${Math.round(p * 10) / 10}%`;
  return `${Number(p.toPrecision(2))}%`;
}
