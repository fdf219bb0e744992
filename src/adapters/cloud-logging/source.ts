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
 * `toRawEntry` maps the SDK's Entry to Cloud Logging's JSON shape, the shape the file source
 * reads and `normalizeEntry` takes.
 */
import { Logging, type Entry } from "@google-cloud/logging";
import protobuf from "protobufjs";
import type { Logger } from "pino";
import type { Config } from "../../config";
import { buildLoggingFilter } from "../../core/ingest/logging-filter";
import { UpstreamError } from "../../errors";
import type { LogQuery, LogSource, ReadyEntryIterator, SourceReport } from "../../ports";

// ---------------------------------------------------------------------------------------------
// Mapping: SDK Entry -> Cloud Logging JSON shape (pure)

/** A protobuf Timestamp or Duration as the gRPC client decodes it (int64 as string). */
interface ApiSecondsNanos {
  readonly seconds?: string | number | null;
  readonly nanos?: number | null;
}

const SEVERITY_NAMES: Record<number, string> = { 0: "DEFAULT", 100: "DEBUG", 200: "INFO", 300: "NOTICE", 400: "WARNING", 500: "ERROR", 600: "CRITICAL", 700: "ALERT", 800: "EMERGENCY" };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** "000" to "999": the digits of a fraction three at a time, without a number printed per entry. */
const DIGITS3 = Array.from({ length: 1000 }, (_, k) => String(k).padStart(3, "0"));

/** Fractional seconds as protobuf's JSON mapping writes them: 0, 3, 6 or 9 digits. */
function fraction(nanos: number): string {
  if (!nanos) return "";
  if (!Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) {
    // Not a valid nanos field (a negative Duration's): printed as it is, never thrown on.
    if (nanos % 1_000_000 === 0) return `.${padded(nanos / 1_000_000, 3)}`;
    if (nanos % 1_000 === 0) return `.${padded(nanos / 1_000, 6)}`;
    return `.${padded(nanos, 9)}`;
  }
  const millis = Math.floor(nanos / 1_000_000);
  const rest = nanos - millis * 1_000_000;
  if (rest === 0) return "." + DIGITS3[millis]!;
  const micros = Math.floor(rest / 1_000);
  const below = rest - micros * 1_000;
  if (below === 0) return "." + DIGITS3[millis]! + DIGITS3[micros]!;
  return "." + DIGITS3[millis]! + DIGITS3[micros]! + DIGITS3[below]!;
}

const ZEROS = "000000000";
function padded(n: number, width: number): string {
  const text = String(n);
  return text.length >= width ? text : ZEROS.slice(0, width - text.length) + text;
}

function isSecondsNanos(value: unknown): value is ApiSecondsNanos {
  return isRecord(value) && ("seconds" in value || "nanos" in value);
}

// Entries come in timestamp order, so consecutive ones mostly share their second: its text is
// kept from one call to the next (a pure memo, same output either way). Two seconds are kept,
// the last two used: an entry's receiveTimestamp is often in the second after its timestamp,
// and with one the two would evict each other on every entry.
let memoSecond = Number.NaN;
let memoSecondText = "";
let olderSecond = Number.NaN;
let olderSecondText = "";
function secondText(seconds: number): string | undefined {
  if (seconds === memoSecond) return memoSecondText;
  if (seconds === olderSecond) {
    // Swap the slots, so the one used longer ago is the one a miss replaces.
    const text = olderSecondText;
    olderSecond = memoSecond;
    olderSecondText = memoSecondText;
    memoSecond = seconds;
    memoSecondText = text;
    return text;
  }
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) return undefined;
  olderSecond = memoSecond;
  olderSecondText = memoSecondText;
  memoSecond = seconds;
  memoSecondText = date.toISOString().slice(0, 19);
  return memoSecondText;
}

/** RFC 3339 from a Timestamp message or a Date; undefined for anything else. */
export function formatTimestamp(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (typeof value === "string") return value;
  if (!isSecondsNanos(value)) return undefined;
  const seconds = Number(value.seconds ?? 0);
  const nanos = Number(value.nanos ?? 0);
  if (!Number.isInteger(seconds) || !Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) return undefined;
  const text = secondText(seconds);
  return text === undefined ? undefined : `${text}${fraction(nanos)}Z`;
}

/** A Duration message as "0.123s". */
export function formatDuration(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (!isSecondsNanos(value)) return undefined;
  const seconds = Number(value.seconds ?? 0);
  const nanos = Number(value.nanos ?? 0);
  if (!Number.isFinite(seconds) || !Number.isFinite(nanos)) return undefined;
  return `${seconds}${fraction(nanos)}s`;
}

/** Drops what protobuf decodes as defaults (empty strings, "0", false, null, {}), as the JSON shape omits them. */
function withoutDefaults(object: Record<string, unknown>, skip?: string): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const k in object) {
    if (k === skip || !Object.prototype.hasOwnProperty.call(object, k)) continue;
    const v = object[k];
    if (v === undefined || v === null || v === "" || v === false || v === 0 || v === "0") continue;
    if (isRecord(v) && isEmpty(v)) continue;
    (out ??= {})[k] = v;
  }
  return out;
}

function isEmpty(object: object): boolean {
  for (const k in object) if (Object.prototype.hasOwnProperty.call(object, k)) return false;
  return true;
}

/** A proto map<string, string> as decoded: a fresh plain object, passed on as it is. */
function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  for (const k in value) if (typeof value[k] === "string") return value as Record<string, string>;
  return undefined;
}

function severityName(value: unknown): string {
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number") return SEVERITY_NAMES[value] ?? String(value);
  return "DEFAULT";
}

/** The SDK Entry as far as the mapping reads it (`Entry` from @google-cloud/logging fits). */
export interface SdkEntry {
  readonly metadata: object;
  readonly data?: unknown;
}

/**
 * One SDK Entry in Cloud Logging's JSON shape: `{insertId, logName, timestamp (RFC 3339),
 * receiveTimestamp, severity (name), resource, labels, jsonPayload | textPayload |
 * protoPayload, httpRequest (latency "0.123s"), trace, spanId, traceSampled, sourceLocation,
 * operation, split}`, without the fields protobuf filled with defaults.
 *
 * The SDK's `Entry.fromApiResponse_` turns the timestamp into a Date, which keeps only
 * milliseconds; pass the response's own Timestamp as `apiTimestamp` to keep full precision.
 * A protoPayload (an `Any`) keeps only its type as "@type": the job reads no audit payloads.
 */
export function toRawEntry(entry: SdkEntry, apiTimestamp?: unknown): Record<string, unknown> {
  const m = entry.metadata as Record<string, unknown>;
  const raw: Record<string, unknown> = {};
  if (typeof m.insertId === "string" && m.insertId) raw.insertId = m.insertId;
  if (typeof m.logName === "string" && m.logName) raw.logName = m.logName;
  const timestamp = formatTimestamp(apiTimestamp) ?? formatTimestamp(m.timestamp);
  if (timestamp) raw.timestamp = timestamp;
  const receiveTimestamp = formatTimestamp(m.receiveTimestamp);
  if (receiveTimestamp) raw.receiveTimestamp = receiveTimestamp;
  raw.severity = severityName(m.severity);
  if (isRecord(m.resource)) raw.resource = { type: m.resource.type, labels: stringMap(m.resource.labels) ?? {} };
  const labels = stringMap(m.labels);
  if (labels) raw.labels = labels;

  const payload = typeof m.payload === "string" ? m.payload : undefined;
  if (payload === "jsonPayload") raw.jsonPayload = isRecord(entry.data) ? entry.data : {};
  else if (payload === "textPayload") raw.textPayload = typeof entry.data === "string" ? entry.data : String(entry.data ?? "");
  else if (payload === "protoPayload") {
    const any = isRecord(entry.data) ? entry.data : {};
    raw.protoPayload = { "@type": any.typeUrl ?? any.type_url ?? "" };
  }

  if (isRecord(m.httpRequest)) {
    let http = withoutDefaults(m.httpRequest, "latency");
    const latencyText = formatDuration(m.httpRequest.latency);
    if (latencyText) (http ??= {}).latency = latencyText;
    if (http) raw.httpRequest = http;
  }
  if (typeof m.trace === "string" && m.trace) raw.trace = m.trace;
  if (typeof m.spanId === "string" && m.spanId) raw.spanId = m.spanId;
  if (m.traceSampled === true) raw.traceSampled = true;
  const sourceLocation = isRecord(m.sourceLocation) ? withoutDefaults(m.sourceLocation) : undefined;
  if (sourceLocation) raw.sourceLocation = sourceLocation;
  const operation = isRecord(m.operation) ? withoutDefaults(m.operation) : undefined;
  if (operation) raw.operation = operation;
  const split = isRecord(m.split) ? withoutDefaults(m.split) : undefined;
  if (split) raw.split = split;
  return raw;
}

// ---------------------------------------------------------------------------------------------
// Pacing under the entries.list quota

/**
 * At most `perMinute` request starts in any sliding minute. Keeps one timestamp per allowed
 * request, so memory is bounded by the quota, not by the run.
 */
export class RequestPacer {
  private readonly starts: number[] = [];

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Resolves when one more request may start; returns how long it waited (ms). */
  async acquire(): Promise<number> {
    if (this.perMinute <= 0) return 0;
    let waited = 0;
    for (;;) {
      const t = this.now();
      while (this.starts.length > 0 && this.starts[0]! <= t - 60_000) this.starts.shift();
      if (this.starts.length < this.perMinute) {
        this.starts.push(t);
        return waited;
      }
      const wait = this.starts[0]! + 60_000 - t;
      waited += wait;
      await this.sleep(wait);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The source

export interface CloudLoggingRetry {
  /** Retries after the first attempt of one page request. */
  readonly retries: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Growth of the delay per retry (default 2). Each sleep is uniform in [0, delay): full jitter. */
  readonly multiplier?: number;
  /** Deadline of one attempt. */
  readonly timeoutMs: number;
}

export interface CloudLoggingSourceOptions {
  /** Built by the composition root (or createCloudLoggingSource). */
  readonly logging: Pick<Logging, "getEntries">;
  readonly projectId: string;
  /** Entries per page, 1..1000 (default 1000). */
  readonly pageSize?: number;
  readonly retry: CloudLoggingRetry;
  /** Page requests per minute this source may start; 0 = unpaced. */
  readonly readsPerMinute?: number;
  readonly includeStderr?: boolean;
  readonly extraFilter?: string;
  /** Log ids never read (the job's own). */
  readonly excludeLogIds?: readonly string[];
  readonly logger?: Pick<Logger, "debug" | "info" | "warn">;
  /** For tests: the pacer's clock. */
  readonly pacer?: RequestPacer;
  /** For tests: the backoff's sleep and jitter. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /**
   * While the next page is in flight, the consumer is given a turn of the event loop every
   * this many entries of the last part of the current page (default RECEIVE_TURN_EVERY, from
   * RECEIVE_FROM_SHARE of the page; 0 = never), so the next page is received during the
   * current one rather than after it.
   */
  readonly receiveTurnEvery?: number;
}

/**
 * Entries taken between event-loop turns while the next page is in flight. The pipeline takes
 * a page's entries without ever yielding to the event loop: without turns, the request for the
 * next page would leave only once the whole page was processed, and the job would then sit
 * idle for the whole transfer (a sixth of a profiled 500,000-entry job pass in bench:source).
 * A turn costs a few microseconds, and each lets the transfer go one flow-control window
 * further: in bench:source's 300,000-entry job pass the job sat idle 0.55 s with a turn every
 * 64 entries, 0.30-0.44 s every 16, 0.37-0.41 s every 8.
 */
export const RECEIVE_TURN_EVERY = 16;

/**
 * Turns start once this share of the current page has been taken. A page received early is
 * decoded early and then waits, alive, through the young generation's collections: with a turn
 * every 64 entries from the first one, bench:source's 1M-entry job pass peaked at 297-309 MB
 * RSS (10% more minor GCs); from 60% of the page, at 277-290 MB, for about 1 s of idle time
 * in 20 s left.
 */
export const RECEIVE_FROM_SHARE = 0.6;

/**
 * The HTTP/2 flow-control window the gRPC channel opens for a response: 1 MiB, about a page of
 * 1,000 entries. With the default 64 KiB the server stops after every 64 KiB until the client
 * has read it and said so, a round trip each: sixteen per page, which over a real network
 * bounds the read by latency rather than bandwidth, and which here waits on the pipeline's
 * receive turns. In bench:source (1M entries, interleaved passes) the job ran 63,200-63,500
 * entries/s with it and 58,500-59,200 without, main-thread idle 0.5-0.8 s instead of 1.2-1.3 s,
 * for 10-15 MB more peak RSS (240 MB). The window bounds what may be buffered unread: one page.
 */
export const LOGGING_FLOW_CONTROL_WINDOW = 1024 * 1024;

/** gRPC status codes retried: DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, UNAVAILABLE. */
export const RETRIED_CODES = [4, 8, 14] as const;
const CODE_NAMES: Record<number, string> = {
  1: "CANCELLED", 2: "UNKNOWN", 3: "INVALID_ARGUMENT", 4: "DEADLINE_EXCEEDED", 5: "NOT_FOUND", 7: "PERMISSION_DENIED",
  8: "RESOURCE_EXHAUSTED", 9: "FAILED_PRECONDITION", 13: "INTERNAL", 14: "UNAVAILABLE", 16: "UNAUTHENTICATED",
};

interface Page {
  /** Emptied slot by slot as the entries are taken, so a taken entry is garbage at once. */
  readonly entries: (Entry | undefined)[];
  /** The response's own Timestamps (full precision), same order; the response itself is let go. */
  readonly timestamps: readonly unknown[] | undefined;
  readonly nextPageToken: string | undefined;
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
    const turnEvery = this.options.receiveTurnEvery ?? RECEIVE_TURN_EVERY;
    return { [Symbol.asyncIterator]: () => new EntryStream(services.map((service) => this.openRead(query, service, report)), turnEvery) };
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
        this.options.logger?.warn({ service: read.name, code: name, attempt, retryInMs: sleepMs }, "Cloud Logging page request failed; retrying");
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
      excludeLogIds: this.options.excludeLogIds,
      extraFilter: this.options.extraFilter,
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
        return p;
      },
      finish: (truncated) => {
        if (truncated) this.truncate(report, read);
        else {
          report.notes.push(`${name}: read ${read.read} entries from Cloud Logging in ${read.pages} page${read.pages === 1 ? "" : "s"}${describeRetries(read.retried)}`);
          this.options.logger?.info({ service: name, read: read.read, pages: read.pages, retries: Object.fromEntries(read.retried) }, "read Cloud Logging");
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
      report.truncations.push({ service: name, read: read.read, upTo, reason: `the cap of ${cap} entries per service (LOG_GARDENER_MAX_ENTRIES) was reached` });
    }
    report.notes.push(`${name}: read ${read.read} entries from Cloud Logging in ${pages} page${pages === 1 ? "" : "s"}${describeRetries(read.retried)}, then stopped at the cap`);
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

function isRetried(code: unknown): code is number {
  return typeof code === "number" && (RETRIED_CODES as readonly number[]).includes(code);
}

/** ", after 3 retried requests (RESOURCE_EXHAUSTED 2, UNAVAILABLE 1)", or nothing. */
function describeRetries(retried: ReadonlyMap<string, number>): string {
  if (retried.size === 0) return "";
  const total = [...retried.values()].reduce((a, b) => a + b, 0);
  return `, after ${total} retried request${total === 1 ? "" : "s"} (${[...retried].map(([code, n]) => `${code} ${n}`).join(", ")})`;
}

interface ServiceRead {
  readonly name: string;
  readonly cap: number;
  read: number;
  pages: number;
  upTo: string;
  /** Entries read per service, when one query reads every service. */
  readonly perService: Map<string, number> | undefined;
  /** Requests retried, by the status that failed them. */
  readonly retried: Map<string, number>;
  fetch(token: string | undefined): Promise<Page>;
  finish(truncated: boolean): void;
}

/**
 * The entries of several services' reads, one after the other, as one async iterator. Written
 * by hand rather than as an async generator: an entry already in the page costs one resolved
 * promise, not a trip through generator machinery per entry per level, which at a million
 * entries is a good part of the read's CPU; the pipeline takes it with `takeReady()`, without
 * even that promise. While a page is consumed the next one is already being fetched, unless
 * the cap ends the read on this page, and until it has arrived every `turnEvery`-th entry of
 * the page's last part waits for a turn of the event loop so its bytes are received meanwhile.
 */
class EntryStream implements ReadyEntryIterator {
  private current: ServiceRead | undefined;
  private page: Page | undefined;
  private index = 0;
  private pending: Promise<Page> | undefined;
  /** The pending page is still on its way. */
  private receiving = false;
  private sinceTurn = 0;
  private done = false;

  constructor(
    private readonly reads: ServiceRead[],
    private readonly turnEvery: number,
  ) {}

  next(): Promise<IteratorResult<unknown>> {
    const ready = this.takeReady();
    if (ready) return Promise.resolve(ready);
    if (this.inPage()) {
      // A turn is due while the next page is on its way.
      this.sinceTurn = 0;
      return new Promise((resolve, reject) =>
        setImmediate(() => {
          // A throw here would escape as an uncaught exception: it rejects the read instead.
          try {
            resolve(this.next());
          } catch (error) {
            reject(error);
          }
        }),
      );
    }
    return this.advance();
  }

  /** The page's next entry, unless the page is done, the cap is reached or a turn is due. */
  takeReady(): IteratorResult<unknown> | undefined {
    if (!this.inPage()) return undefined;
    const page = this.page!;
    const read = this.current!;
    if (this.receiving && this.turnEvery > 0 && this.index >= page.entries.length * RECEIVE_FROM_SHARE) {
      if (this.sinceTurn + 1 >= this.turnEvery) return undefined;
      this.sinceTurn++;
    }
    return { done: false, value: this.take(page, read) };
  }

  /** An entry of the current page is left to take, within the cap. */
  private inPage(): boolean {
    const page = this.page;
    const read = this.current;
    return page !== undefined && read !== undefined && this.index < page.entries.length && read.read < read.cap;
  }

  return(): Promise<IteratorResult<unknown>> {
    this.done = true;
    this.page = undefined;
    this.setPending(undefined);
    return Promise.resolve({ done: true, value: undefined });
  }

  private take(page: Page, read: ServiceRead): unknown {
    const i = this.index++;
    const entry = page.entries[i]!;
    page.entries[i] = undefined;
    const raw = toRawEntry(entry, page.timestamps?.[i]);
    read.read++;
    if (typeof raw.timestamp === "string") read.upTo = raw.timestamp;
    if (read.perService) {
      const service = (raw.resource as { labels?: Record<string, string> } | undefined)?.labels?.service_name ?? "unknown";
      read.perService.set(service, (read.perService.get(service) ?? 0) + 1);
    }
    return raw;
  }

  /** The slow path: the next page, the end of a service's read, the next service. */
  private async advance(): Promise<IteratorResult<unknown>> {
    for (;;) {
      if (this.done) return { done: true, value: undefined };
      const read = this.current;
      const page = this.page;
      if (read && page) {
        const left = this.index < page.entries.length || this.pending !== undefined || page.nextPageToken !== undefined;
        if (read.read >= read.cap && left) {
          // The cap: entries remain in this page, or pages remain that were not asked for.
          read.finish(true);
          this.endRead();
          continue;
        }
        if (this.index < page.entries.length) return { done: false, value: this.take(page, read) };
        if (this.pending) {
          await this.loadPage(read, this.pending);
          continue;
        }
        read.finish(false);
        this.endRead();
        continue;
      }
      const nextRead = this.reads.shift();
      if (!nextRead) {
        this.done = true;
        return { done: true, value: undefined };
      }
      this.current = nextRead;
      await this.loadPage(nextRead, nextRead.fetch(undefined));
    }
  }

  private async loadPage(read: ServiceRead, request: Promise<Page>): Promise<void> {
    this.setPending(undefined);
    const page = await request;
    if (this.done) return;
    read.pages++;
    this.page = page;
    this.index = 0;
    // Fetch the next page while this one is consumed, unless the cap ends the read here.
    if (page.nextPageToken && read.read + page.entries.length < read.cap) this.setPending(read.fetch(page.nextPageToken));
  }

  private setPending(request: Promise<Page> | undefined): void {
    this.pending = request;
    this.receiving = request !== undefined;
    this.sinceTurn = 0;
    const arrived = () => {
      if (this.pending === request) this.receiving = false;
    };
    request?.then(arrived, arrived);
  }

  private endRead(): void {
    this.current = undefined;
    this.page = undefined;
    this.setPending(undefined);
    this.index = 0;
  }
}

/** The share of the project's entries.list quota one task may use; 0 stays unpaced. */
export function readsPerMinuteOfTask(readsPerMinute: number, taskCount: number): number {
  if (readsPerMinute <= 0) return 0;
  return Math.max(1, Math.floor(readsPerMinute / Math.max(1, taskCount)));
}

// ---------------------------------------------------------------------------------------------
// Factory shared by the composition root and the contract tests

/** The slice of Config the source reads. */
export type CloudLoggingConfig = Pick<
  Config,
  | "project"
  | "taskCount"
  | "includeStderr"
  | "extraFilter"
  | "excludeLogs"
  | "loggingPageSize"
  | "loggingReadsPerMinute"
  | "loggingRetries"
  | "loggingRetryDelayMs"
  | "loggingRetryMaxDelayMs"
  | "loggingTimeoutMs"
>;

export interface CloudLoggingOverrides {
  /** A loopback peer in tests; the real endpoint otherwise. */
  readonly apiEndpoint?: string;
  readonly port?: number;
  /** grpc ChannelCredentials, e.g. `grpc.credentials.createInsecure()` for the test peer. */
  readonly sslCreds?: unknown;
  readonly retry?: Partial<CloudLoggingRetry>;
  readonly readsPerMinute?: number;
  readonly logger?: Pick<Logger, "debug" | "info" | "warn">;
  /** For tests: the pacer, the backoff's sleep and its jitter. */
  readonly pacer?: RequestPacer;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly receiveTurnEvery?: number;
}

/**
 * Has protobufjs (one instance, shared by google-gax and @grpc/proto-loader) decode int64
 * fields as numbers rather than long.js `Long` objects. The client asks for int64 as strings
 * (google-gax loads its protos with `longs: String`), so every Timestamp's and Duration's
 * `seconds` and every HttpRequest size was decoded into a `Long` and then printed through
 * `Long.prototype.toString`: the library's costliest conversion, a fifth of the
 * young-generation garbage of a read. As numbers they print through `String(n)`: the same
 * decimal text for every value below 2^53 (seconds until the year 285,000,000; sizes up to
 * 8 PiB). Nothing in this process needs a `Long`: the bucket is reached over JSON, GitHub over
 * REST. Returns whether it changed the setting.
 */
export function decodeInt64AsNumbers(): boolean {
  if (protobuf.util.Long === null) return false;
  protobuf.util.Long = null as unknown as typeof protobuf.util.Long;
  protobuf.configure();
  return true;
}

export function createCloudLoggingSource(config: CloudLoggingConfig, overrides: CloudLoggingOverrides = {}): CloudLoggingSource {
  const projectId = config.project;
  if (!projectId) throw new UpstreamError("cloud-logging", "configure", false, "no project configured (LOG_GARDENER_PROJECT)");
  decodeInt64AsNumbers();
  const logging = new Logging({
    projectId,
    // google-gax hands grpc-node.* options to the channel.
    "grpc-node.flow_control_window": LOGGING_FLOW_CONTROL_WINDOW,
    ...(overrides.apiEndpoint !== undefined
      ? {
          apiEndpoint: overrides.apiEndpoint,
          port: overrides.port,
          sslCreds: overrides.sslCreds,
          // Without it the client asks the metadata server which universe it is in.
          universeDomain: "googleapis.com",
        }
      : {}),
  } as ConstructorParameters<typeof Logging>[0]);
  // The quota is per project: the tasks of one execution share it.
  const readsPerMinute = overrides.readsPerMinute ?? readsPerMinuteOfTask(config.loggingReadsPerMinute, config.taskCount);
  return new CloudLoggingSource({
    logging,
    projectId,
    pageSize: config.loggingPageSize,
    readsPerMinute,
    retry: {
      retries: config.loggingRetries,
      initialDelayMs: config.loggingRetryDelayMs,
      maxDelayMs: config.loggingRetryMaxDelayMs,
      timeoutMs: config.loggingTimeoutMs,
      ...overrides.retry,
    },
    includeStderr: config.includeStderr,
    extraFilter: config.extraFilter,
    excludeLogIds: config.excludeLogs,
    logger: overrides.logger,
    pacer: overrides.pacer,
    sleep: overrides.sleep,
    random: overrides.random,
    receiveTurnEvery: overrides.receiveTurnEvery,
  });
}
