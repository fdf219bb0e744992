/**
 * Sampling in front of a source, for windows larger than the entry cap (docs/sampling.md).
 *
 * Before the first entry it asks Cloud Monitoring for the window's totals per service and
 * severity (when it has a totals reader: the Cloud Logging source), waiting first for the
 * metric's documented lag when the deadline allows it, and chooses per service the fraction
 * Cloud Logging's `sample(insertId, f)` should return: as large as the cap and the read budget
 * allow, never less than a page. Without totals (files, stdin, or Monitoring failed or had no
 * series) the plan is adaptive: the source reads on past the cap, up to the budget, and the run
 * keeps a uniform sample under the cap with an adaptive hash threshold (core/ingest/sampling.ts).
 * Every plan, and every fallback with its reason, goes into the report for the worklog.
 */
import type { Logger } from "pino";
import { chooseFraction, formatPercent, type ReadBudget } from "../core/ingest/sampling";
import type { SamplingPlan } from "../core/types";
import type { Severity } from "../core/severity";
import type { LogQuery, LogSource, SourceReport } from "../ports";
import type { EntryTotalsReader } from "./monitoring-totals";

/** The plan key of a query over every service (one read, one fraction). */
export const EVERY_SERVICE = "*";

export interface SamplingSourceOptions {
  readonly inner: LogSource;
  /** Cloud Monitoring's totals; absent for files and stdin. */
  readonly totals?: EntryTotalsReader;
  readonly pageSize: number;
  /** Pages and pacing from LOG_GARDENER_READ_BUDGET; absent = unbounded (files). */
  readonly budget?: ReadBudget;
  /** Count DEFAULT entries too (Cloud Run stderr lines are read). */
  readonly includeDefault?: boolean;
  /** Epoch ms by which reading must start for the run to finish in time; the lag wait never passes it. */
  readonly waitUntil?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly logger?: Pick<Logger, "info" | "warn">;
}

function sum(counts: Readonly<Partial<Record<Severity, number>>>): number {
  let n = 0;
  for (const v of Object.values(counts)) n += v ?? 0;
  return n;
}

export class SamplingSource implements LogSource {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: SamplingSourceOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  describe(): string {
    return this.options.inner.describe();
  }

  async *listEntries(query: LogQuery, report: SourceReport): AsyncIterable<unknown> {
    const started = this.now();
    const plans = (report.sampling ??= new Map<string, SamplingPlan>());
    const cap = query.maxEntriesPerService;
    const keys = query.services.length > 0 ? [...query.services] : [EVERY_SERVICE];
    const fractions: Record<string, number> = {};
    let adaptive = false;
    const totalsOf = await this.readTotals(query, report);
    for (const key of keys) {
      if (!totalsOf.ok) {
        plans.set(key, {
          service: key,
          mode: "adaptive",
          serverFraction: 1,
          why: this.options.totals
            ? "the totals could not be read, so the cap is kept by sampling while reading"
            : "the source has no totals, so the cap is kept by sampling while reading",
          fallback: totalsOf.fallback,
        });
        adaptive = true;
        continue;
      }
      const counts: Partial<Record<Severity, number>> = {};
      if (key === EVERY_SERVICE) {
        for (const c of totalsOf.byService.values())
          for (const [s, n] of Object.entries(c) as [Severity, number][]) counts[s] = (counts[s] ?? 0) + n;
      } else Object.assign(counts, totalsOf.byService.get(key) ?? {});
      const total = sum(counts);
      const choice = chooseFraction({
        total,
        cap,
        pageSize: this.options.pageSize,
        pages: this.options.budget?.pagesPerService ?? Number.MAX_SAFE_INTEGER,
      });
      if (choice.fraction < 1) fractions[key] = choice.fraction;
      const why =
        choice.boundBy === "none"
          ? `Monitoring counted ${total.toLocaleString("en-US")} entries, within the cap of ${cap.toLocaleString("en-US")}: read whole`
          : choice.boundBy === "cap"
            ? `Monitoring counted ${total.toLocaleString("en-US")} entries, over the cap of ${cap.toLocaleString("en-US")}: sampled at ${formatPercent(choice.fraction)}`
            : choice.boundBy === "budget"
              ? `Monitoring counted ${total.toLocaleString("en-US")} entries; the read budget allows ${this.options.budget?.pagesPerService ?? 0} pages: sampled at ${formatPercent(choice.fraction)}`
              : `Monitoring counted ${total.toLocaleString("en-US")} entries; the budget's fraction would round to nothing, so one page's worth is read: sampled at ${formatPercent(choice.fraction)}`;
      plans.set(key, {
        service: key,
        mode: "server",
        serverFraction: choice.fraction,
        totals: counts,
        total,
        why,
        lagNote: totalsOf.lagNote,
      });
    }
    const pageSize = this.options.pageSize;
    // Server-sampled reads stop a page past the cap (the run thins an overshoot); adaptive ones
    // read on up to the budget, since the run keeps the cap itself.
    const budgetEntries = this.options.budget ? this.options.budget.pagesPerService * pageSize : Number.MAX_SAFE_INTEGER;
    const readLimit = Math.max(cap + pageSize, adaptive ? budgetEntries : 0);
    const inner = { ...query, maxEntriesPerService: readLimit, sampleFractions: fractions };
    try {
      yield* this.options.inner.listEntries(inner, report);
    } finally {
      const pages = report.pagesRead;
      if (pages !== undefined && this.options.budget) {
        const minutes = Math.max(1 / 60, (this.now() - started) / 60_000);
        const quotaShare = pages / (minutes * (this.options.budget.pagesPerMinute / this.options.budget.quotaShare));
        report.quotaUsed = { pages, minutes, quotaShare, budgetShare: this.options.budget.quotaShare };
      }
    }
  }

  private async readTotals(
    query: LogQuery,
    report: SourceReport,
  ): Promise<
    | { ok: true; byService: ReadonlyMap<string, Readonly<Partial<Record<Severity, number>>>>; lagNote?: string }
    | { ok: false; fallback?: string }
  > {
    const reader = this.options.totals;
    if (!reader) return { ok: false };
    let lagNote: string | undefined;
    const visible = reader.visibleAt(query.window);
    const wait = visible - this.now();
    if (wait > 0) {
      const until = this.options.waitUntil ?? Infinity;
      if (this.now() + wait <= until) {
        this.options.logger?.info({ waitMs: wait }, "waiting for Monitoring's documented lag before reading the totals");
        await this.sleep(wait);
        lagNote = `waited ${Math.ceil(wait / 1000)} s for Monitoring's documented lag`;
      } else {
        lagNote = `did not wait ${Math.ceil(wait / 1000)} s for Monitoring's documented lag (the deadline would not allow it): the last minutes may be missing from the totals, so fewer entries than the cap may be read`;
      }
    }
    try {
      const result = await reader.totals({
        window: query.window,
        services: query.services,
        minSeverity: query.minSeverity,
        includeDefault: this.options.includeDefault,
      });
      if (Object.keys(result.retried).length > 0)
        report.notes.push(
          `Monitoring totals: ${result.requests} requests, retried ${Object.entries(result.retried)
            .map(([c, n]) => `${c} ${n}`)
            .join(", ")}`,
        );
      if (result.byService.size === 0) {
        const fallback = `Monitoring returned no ${"logging.googleapis.com/log_entry_count"} series for the window (the metric is missing or not visible yet); sampled while reading instead`;
        this.options.logger?.warn({}, fallback);
        return { ok: false, fallback };
      }
      return { ok: true, byService: result.byService, lagNote };
    } catch (error) {
      const fallback = `Monitoring totals failed (${(error as Error).message}); sampled while reading instead`;
      this.options.logger?.warn({ err: error }, fallback);
      return { ok: false, fallback };
    }
  }
}
