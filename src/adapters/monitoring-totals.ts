/**
 * The window's entry totals per Cloud Run service and severity, read from Cloud Monitoring with
 * the real `@google-cloud/monitoring` client (MetricServiceClient.listTimeSeries).
 *
 * The metric is `logging.googleapis.com/log_entry_count` (DELTA, INT64, one point a minute per
 * log, labels `log` and `severity`; on `cloud_run_revision` the resource labels carry
 * `service_name`). One request per read, aggregated server side over the whole window:
 * ALIGN_SUM with the window as the alignment period, then REDUCE_SUM grouped by service and
 * severity, so the answer has one series per (service, severity), whatever the number of
 * revisions or logs. Bounded: page size 1000, at most MAX_PAGES pages, a timeout per attempt,
 * retried only on DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED and UNAVAILABLE with full-jitter backoff.
 *
 * Points become visible some time after they are sampled (see docs/sampling.md for the
 * documented figures): `visibleAt(window)` is when the window's last minute can be read, and the
 * caller waits for it or says why it did not.
 */
import { MetricServiceClient } from "@google-cloud/monitoring";
import { severityRank, SEVERITIES, type Severity } from "../core/severity";
import { quoteFilterString } from "../core/ingest/logging-filter";
import type { TimeWindow } from "../core/types";
import { UpstreamError } from "../errors";

export const LOG_ENTRY_COUNT_METRIC = "logging.googleapis.com/log_entry_count";

/**
 * How long after a minute's end its point may still be missing: the metric list documents
 * "sampled every 60 seconds; after sampling, data is not visible for up to 240 seconds" for
 * Logging's system metrics; the wait is that plus the minute being sampled.
 */
export const MONITORING_LAG_MS = 240_000 + 60_000;

/** Pages of one ListTimeSeries read: series are one per (service, severity), so one page is the norm. */
export const MAX_PAGES = 10;

/** gRPC status codes retried: DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, UNAVAILABLE. */
const RETRIED = new Set([4, 8, 14]);
const CODE_NAMES: Record<number, string> = {
  3: "INVALID_ARGUMENT",
  4: "DEADLINE_EXCEEDED",
  5: "NOT_FOUND",
  7: "PERMISSION_DENIED",
  8: "RESOURCE_EXHAUSTED",
  13: "INTERNAL",
  14: "UNAVAILABLE",
  16: "UNAUTHENTICATED",
};

export interface EntryTotals {
  /** Entries per service, per severity name, in the window. */
  readonly byService: ReadonlyMap<string, Readonly<Partial<Record<Severity, number>>>>;
  /** Requests made (retries included) and retries by status. */
  readonly requests: number;
  readonly retried: Readonly<Record<string, number>>;
}

export interface TotalsQuery {
  readonly window: TimeWindow;
  /** Services to total; empty means every service that logged. */
  readonly services: readonly string[];
  readonly minSeverity: Severity;
  /** Also count DEFAULT (Cloud Run's plain stderr lines, when they are read). */
  readonly includeDefault?: boolean;
}

/** What reads the totals: the Monitoring adapter, or a stand-in that fails. */
export interface EntryTotalsReader {
  describe(): string;
  totals(query: TotalsQuery): Promise<EntryTotals>;
  /** Epoch ms from which the window's last point is documented to be visible. */
  visibleAt(window: TimeWindow): number;
}

export interface MonitoringRetry {
  readonly retries: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly timeoutMs: number;
}

export interface MonitoringTotalsOptions {
  readonly client: Pick<MetricServiceClient, "listTimeSeries">;
  readonly projectId: string;
  readonly retry: MonitoringRetry;
  /**
   * Checked once before the first request: that credentials can be had. google-gax builds a stub
   * promise per method on its first call, and when credentials are missing every one of them
   * rejects unhandled, which ends the process; a failed check is an ordinary UpstreamError.
   */
  readonly credentials?: () => Promise<unknown>;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** The Monitoring filter for the totals: built here, parsed back by test/peers/monitoring-server.ts. */
export function buildTotalsFilter(query: TotalsQuery): string {
  const clauses = [`metric.type = ${quoteFilterString(LOG_ENTRY_COUNT_METRIC)}`, `resource.type = "cloud_run_revision"`];
  if (query.services.length === 1) clauses.push(`resource.labels.service_name = ${quoteFilterString(query.services[0]!)}`);
  else if (query.services.length > 1)
    clauses.push(`resource.labels.service_name = one_of(${query.services.map(quoteFilterString).join(", ")})`);
  const min = severityRank(query.minSeverity);
  const severities = SEVERITIES.filter((s) => severityRank(s) >= min || (query.includeDefault === true && s === "DEFAULT"));
  if (severities.length < SEVERITIES.length)
    clauses.push(`metric.labels.severity = one_of(${severities.map(quoteFilterString).join(", ")})`);
  return clauses.join(" AND ");
}

function seconds(ms: number): { seconds: number; nanos: number } {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

export class MonitoringTotals implements EntryTotalsReader {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: MonitoringTotalsOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  describe(): string {
    return `cloud-monitoring ${LOG_ENTRY_COUNT_METRIC} project ${this.options.projectId}`;
  }

  visibleAt(window: TimeWindow): number {
    return window.end + MONITORING_LAG_MS;
  }

  async totals(query: TotalsQuery): Promise<EntryTotals> {
    const span = query.window.end - query.window.start;
    if (!(span >= 60_000))
      throw new UpstreamError(
        "cloud-monitoring",
        "timeSeries.list",
        false,
        `window of ${span} ms: Monitoring's points are a minute apart, expected at least a minute`,
      );
    const filter = buildTotalsFilter(query);
    if (this.options.credentials) {
      try {
        await this.options.credentials();
      } catch (error) {
        throw new UpstreamError(
          "cloud-monitoring",
          "credentials",
          false,
          `no credentials: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
    }
    const byService = new Map<string, Partial<Record<Severity, number>>>();
    const retried: Record<string, number> = {};
    let requests = 0;
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const request = {
        name: `projects/${this.options.projectId}`,
        filter,
        interval: { startTime: seconds(query.window.start), endTime: seconds(query.window.end) },
        aggregation: {
          alignmentPeriod: { seconds: Math.ceil(span / 1000) },
          perSeriesAligner: "ALIGN_SUM" as const,
          crossSeriesReducer: "REDUCE_SUM" as const,
          groupByFields: ["resource.label.service_name", "metric.label.severity"],
        },
        view: "FULL" as const,
        pageSize: 1000,
        ...(pageToken ? { pageToken } : {}),
      };
      const response = await this.withRetries(() => {
        requests++;
        return this.options.client.listTimeSeries(request, {
          autoPaginate: false,
          timeout: this.options.retry.timeoutMs,
          retry: { retryCodes: [] } as never,
        });
      }, retried);
      const [series, , raw] = response as unknown as [SeriesLike[], unknown, { nextPageToken?: string } | undefined];
      for (const s of series ?? []) {
        const service = s.resource?.labels?.service_name;
        const severity = s.metric?.labels?.severity;
        if (!service || !severity || !(SEVERITIES as readonly string[]).includes(severity)) continue;
        let total = 0;
        for (const p of s.points ?? []) total += Number(p.value?.int64Value ?? p.value?.doubleValue ?? 0);
        const counts = byService.get(service) ?? {};
        counts[severity as Severity] = (counts[severity as Severity] ?? 0) + total;
        byService.set(service, counts);
      }
      pageToken = raw?.nextPageToken || undefined;
      if (!pageToken) return { byService, requests, retried };
    }
    throw new UpstreamError("cloud-monitoring", "timeSeries.list", false, `more than ${MAX_PAGES} pages of series for ${filter}`);
  }

  private async withRetries<T>(call: () => Promise<T>, retried: Record<string, number>): Promise<T> {
    const retry = this.options.retry;
    let delay = retry.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        const name = typeof code === "number" ? (CODE_NAMES[code] ?? `code ${code}`) : "error";
        const retryable = typeof code === "number" && RETRIED.has(code);
        if (!retryable || attempt > retry.retries) {
          const gaveUp = retryable ? `gave up after ${attempt} attempts: ` : "";
          throw new UpstreamError(
            "cloud-monitoring",
            "timeSeries.list",
            retryable,
            `${name}: ${gaveUp}${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        }
        retried[name] = (retried[name] ?? 0) + 1;
        await this.sleep(Math.floor(this.random() * delay));
        delay = Math.min(retry.maxDelayMs, delay * 2);
      }
    }
  }
}

interface SeriesLike {
  readonly metric?: { readonly labels?: Record<string, string> | null } | null;
  readonly resource?: { readonly labels?: Record<string, string> | null } | null;
  readonly points?:
    readonly { readonly value?: { readonly int64Value?: string | number | null; readonly doubleValue?: number | null } | null }[] | null;
}

export interface MonitoringOverrides {
  readonly apiEndpoint?: string;
  readonly port?: number;
  readonly sslCreds?: unknown;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export function createMonitoringTotals(projectId: string, retry: MonitoringRetry, overrides: MonitoringOverrides = {}): MonitoringTotals {
  const client = new MetricServiceClient({
    projectId,
    ...(overrides.apiEndpoint !== undefined
      ? { apiEndpoint: overrides.apiEndpoint, port: overrides.port, sslCreds: overrides.sslCreds, universeDomain: "googleapis.com" }
      : {}),
  } as ConstructorParameters<typeof MetricServiceClient>[0]);
  // A test peer is reached without credentials (sslCreds insecure); everywhere else they are needed.
  const credentials = overrides.sslCreds === undefined ? () => client.auth.getClient() : undefined;
  return new MonitoringTotals({ client, projectId, retry, credentials, sleep: overrides.sleep, random: overrides.random });
}
