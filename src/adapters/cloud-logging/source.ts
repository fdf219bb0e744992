/**
 * The job's source: Cloud Logging, read with the real `@google-cloud/logging` client.
 *
 * One paged query per service (`getEntries`, autoPaginate off, `timestamp asc`, page tokens),
 * streamed entry by entry: at most the current page and the one being fetched are in memory,
 * whatever the number of entries. The filter (src/core/ingest/logging-filter.ts) always carries the
 * window. Requests are paced under the entries.list quota (60 per minute per project, shared by
 * the tasks of an execution), retries included, and transient failures (RESOURCE_EXHAUSTED,
 * UNAVAILABLE, DEADLINE_EXCEEDED) are retried here with exponential backoff and full jitter, a
 * bounded number of times, each retry logged and counted in the worklog's notes. A service that
 * reaches the entry cap stops there, and the truncation is recorded in the report for the
 * worklog: never silently dropped.
 *
 * The parts, one job per file: entry-mapping.ts (SDK Entry to Cloud Logging's JSON shape),
 * pacer.ts, retry.ts, page-stream.ts (the prefetching stream).
 */
import type { Logging } from "@google-cloud/logging";
import type { Logger } from "pino";
import { buildLoggingFilter } from "../../core/ingest/logging-filter";
import { UpstreamError } from "../../errors";
import type { LogQuery, LogSource, SourceReport } from "../../ports";
import { entryStream, type Page, type ServiceRead } from "./page-stream";
import { RequestPacer } from "./pacer";
import { CODE_NAMES, describeRetries, isRetried, type CloudLoggingRetry } from "./retry";

// ---------------------------------------------------------------------------------------------
// The source

export interface CloudLoggingSourceOptions {
  /** Built by the composition root (src/compose-cloud-logging.ts). */
  readonly logging: Pick<Logging, "getEntries">;
  readonly projectId: string;
  /** Entries per page, 1..1000 (default 1000). */
  readonly pageSize?: number;
  readonly retry: CloudLoggingRetry;
  /** Page requests per minute this source may start; 0 = unpaced. */
  readonly readsPerMinute?: number;
  readonly includeStderr?: boolean;
  readonly loggerLevels?: boolean;
  readonly extraFilter?: string;
  /** Log ids never read (the job's own). */
  readonly excludeLogIds?: readonly string[];
  readonly logger?: Pick<Logger, "debug" | "info" | "warn">;
  /** For tests: the pacer's clock. */
  readonly pacer?: RequestPacer;
  /** For tests: the backoff's sleep and jitter. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** An entries-of-all-services query is named so in notes and errors. */
export const ALL_SERVICES = "*";

export class CloudLoggingSource implements LogSource {
  private readonly pageSize: number;
  private readonly pacer: RequestPacer;

  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: CloudLoggingSourceOptions) {
    this.pageSize = Math.min(1000, Math.max(1, options.pageSize ?? 1000));
    this.pacer = options.pacer ?? new RequestPacer(options.readsPerMinute ?? 60);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  describe(): string {
    return `cloud-logging project ${this.options.projectId}`;
  }

  listEntries(query: LogQuery, report: SourceReport): AsyncIterable<unknown> {
    const services = query.services.length > 0 ? [...query.services] : [undefined];
    return { [Symbol.asyncIterator]: () => entryStream(services.map((service) => this.openRead(query, service, report))) };
  }

  private gaxOptions(): Record<string, unknown> {
    const { timeoutMs } = this.options.retry;
    // One attempt per call: retries are made here (fetchPage), where each is paced, logged and
    // counted for the worklog; google-gax would make them out of sight.
    return {
      timeout: timeoutMs,
      retry: {
        retryCodes: [],
        backoffSettings: {
          initialRetryDelayMillis: 0,
          retryDelayMultiplier: 1,
          maxRetryDelayMillis: 0,
          initialRpcTimeoutMillis: timeoutMs,
          rpcTimeoutMultiplier: 1,
          maxRpcTimeoutMillis: timeoutMs,
          totalTimeoutMillis: timeoutMs,
        },
      },
    };
  }

  /**
   * One page, retried on RESOURCE_EXHAUSTED, UNAVAILABLE and DEADLINE_EXCEEDED up to
   * `retry.retries` times, each sleep uniform in [0, delay) with the delay growing by
   * `multiplier` up to `maxDelayMs` (full jitter). Every attempt waits for the pacer.
   */
  private async fetchPage(filter: string, pageToken: string | undefined, read: ServiceRead): Promise<Page> {
    const retry = this.options.retry;
    let delay = retry.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.fetchOnce(filter, pageToken);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (!isRetried(code) || attempt > retry.retries) throw this.wrap(error, read, attempt);
        const name = CODE_NAMES[code] ?? `code ${code}`;
        read.retried.set(name, (read.retried.get(name) ?? 0) + 1);
        const sleepMs = Math.floor(this.random() * delay);
        this.options.logger?.warn(
          { service: read.name, code: name, attempt, retryInMs: sleepMs },
          "Cloud Logging page request failed; retrying",
        );
        await this.sleep(sleepMs);
        delay = Math.min(retry.maxDelayMs, delay * (retry.multiplier ?? 2));
      }
    }
  }

  private async fetchOnce(filter: string, pageToken: string | undefined): Promise<Page> {
    await this.pacer.acquire();
    const [entries, , response] = await this.options.logging.getEntries({
      resourceNames: [`projects/${this.options.projectId}`],
      filter,
      orderBy: "timestamp asc",
      pageSize: this.pageSize,
      ...(pageToken ? { pageToken } : {}),
      autoPaginate: false,
      gaxOptions: this.gaxOptions(),
    });
    const raw = response as { entries?: { timestamp?: unknown }[]; nextPageToken?: string } | undefined;
    return {
      entries: entries ?? [],
      // The response's own entries keep the Timestamp at full precision; same order.
      timestamps: raw?.entries?.length === entries?.length ? raw?.entries?.map((e) => e.timestamp) : undefined,
      nextPageToken: raw?.nextPageToken || undefined,
    };
  }

  /** One service's read: its filter and cap, and how to fetch and report its pages. */
  private openRead(query: LogQuery, service: string | undefined, report: SourceReport): ServiceRead {
    const name = service ?? ALL_SERVICES;
    const filter = buildLoggingFilter({
      window: query.window,
      service,
      minSeverity: query.minSeverity,
      includeStderr: this.options.includeStderr,
      loggerLevels: this.options.loggerLevels,
      excludeLogIds: this.options.excludeLogIds,
      extraFilter: this.options.extraFilter,
      // The sampling source's choice for this read (docs/sampling.md); absent = every entry.
      sampleFraction: query.sampleFractions?.[name],
    });
    const read: ServiceRead = {
      name,
      cap: query.maxEntriesPerService,
      read: 0,
      pages: 0,
      upTo: "",
      // Reading every service in one query, the cap is the query's: count per service, so a
      // truncation can be reported in each service's worklog.
      perService: service === undefined ? new Map() : undefined,
      retried: new Map(),
      fetch: (token) => {
        if (read.pages === 0 && token === undefined) this.options.logger?.debug({ service: name, filter }, "reading Cloud Logging");
        const p = this.fetchPage(filter, token, read);
        p.catch(() => undefined); // a prefetch abandoned by an early return must not go unhandled
        // Every page received counts against the quota, a prefetch abandoned at the cap too.
        p.then(
          () => (report.pagesRead = (report.pagesRead ?? 0) + 1),
          () => undefined,
        );
        return p;
      },
      finish: (truncated) => {
        if (truncated) this.truncate(report, read);
        else {
          report.notes.push(
            `${name}: read ${read.read} entries from Cloud Logging in ${read.pages} page${read.pages === 1 ? "" : "s"}${describeRetries(read.retried)}`,
          );
          this.options.logger?.info(
            { service: name, read: read.read, pages: read.pages, retries: Object.fromEntries(read.retried) },
            "read Cloud Logging",
          );
        }
      },
    };
    return read;
  }

  private truncate(report: SourceReport, read: ServiceRead): void {
    const { name, cap, upTo, pages } = read;
    if (read.perService) {
      const reason = `the cap of ${cap} entries for the query over every service (LOG_GARDENER_MAX_ENTRIES) was reached`;
      for (const [service, count] of read.perService) report.truncations.push({ service, read: count, upTo, reason });
    } else {
      report.truncations.push({
        service: name,
        read: read.read,
        upTo,
        reason: `the cap of ${cap} entries per service (LOG_GARDENER_MAX_ENTRIES) was reached`,
      });
    }
    report.notes.push(
      `${name}: read ${read.read} entries from Cloud Logging in ${pages} page${pages === 1 ? "" : "s"}${describeRetries(read.retried)}, then stopped at the cap`,
    );
    this.options.logger?.warn({ service: name, read: read.read, upTo, cap }, "window truncated at the entry cap");
  }

  /** The error a read fails with, after `attempts` attempts at its current page. */
  private wrap(error: unknown, read: ServiceRead, attempts: number): UpstreamError {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown }).code;
    const codeName = typeof code === "number" ? (CODE_NAMES[code] ?? `code ${code}`) : "error";
    const retryable = isRetried(code);
    const gaveUp = retryable && attempts > 1 ? `gave up after ${attempts} attempts: ` : "";
    const where = read.read > 0 ? `after ${read.read} entries of ${read.name} (up to ${read.upTo})` : `for ${read.name}`;
    return new UpstreamError("cloud-logging", "entries.list", retryable, `${codeName} ${where}: ${gaveUp}${message}`, { cause: error });
  }
}
