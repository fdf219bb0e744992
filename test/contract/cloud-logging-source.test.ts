/**
 * The Cloud Logging source against a real gRPC peer: the real @google-cloud/logging client
 * talks to test/peers/logging-server.ts on loopback, which applies the filter it receives,
 * pages with tokens and injects faults. Assertions are on what was read and reported, and on
 * what the peer received.
 */
import * as grpc from "@grpc/grpc-js";
import fc from "fast-check";
import { formatDuration, formatTimestamp, toRawEntry } from "../../src/adapters/cloud-logging/entry-mapping";
import { RequestPacer, readsPerMinuteOfTask } from "../../src/adapters/cloud-logging/pacer";
import { CloudLoggingSource } from "../../src/adapters/cloud-logging/source";
import {
  createCloudLoggingSource,
  LOGGING_FLOW_CONTROL_WINDOW,
  type CloudLoggingConfig,
  type CloudLoggingOverrides,
} from "../../src/compose-cloud-logging";
import { buildLoggingFilter } from "../../src/core/ingest/logging-filter";
import type { Severity } from "../../src/core/severity";
import { UpstreamError } from "../../src/errors";
import type { LogQuery, SourceReport } from "../../src/ports";
import { startLoggingServer, type LogEntryJson, type LoggingServer, type LoggingServerOptions } from "../peers/logging-server";
import { CAPTURED_SDK_ENTRIES, EXPECTED_RAW_ENTRIES } from "./fixtures/sdk-entries";

const PROJECT = "demo-proj";
const WINDOW = { start: Date.parse("2025-09-15T01:00:00Z"), end: Date.parse("2025-09-15T02:00:00Z") };

const CONFIG: CloudLoggingConfig = {
  project: PROJECT,
  taskCount: 1,
  includeStderr: false,
  loggerLevels: false,
  extraFilter: undefined,
  excludeLogs: ["log-gardener"],
  loggingPageSize: 1000,
  loggingReadsPerMinute: 60,
  loggingRetries: 3,
  loggingRetryDelayMs: 2000,
  loggingRetryMaxDelayMs: 30_000,
  loggingTimeoutMs: 10_000,
};

/** `count` entries of one service spread evenly over the window, in the JSON shape. */
function entriesOf(service: string, count: number, severity = "ERROR", from = WINDOW.start, to = WINDOW.end): LogEntryJson[] {
  const step = (to - from) / count;
  return Array.from({ length: count }, (_, i) => ({
    insertId: `${service}-${i}`,
    logName: `projects/${PROJECT}/logs/run.googleapis.com%2Fstdout`,
    timestamp: new Date(Math.floor(from + i * step)).toISOString(),
    severity,
    resource: { type: "cloud_run_revision", labels: { service_name: service, revision_name: `${service}-00001-abc` } },
    jsonPayload: { message: `failed to load order ${i}`, n: i },
  }));
}

function query(services: string[], maxEntriesPerService = 200_000, minSeverity: Severity = "WARNING"): LogQuery {
  return { window: WINDOW, services, minSeverity, maxEntriesPerService };
}

async function readAll(source: CloudLoggingSource, q: LogQuery): Promise<{ entries: Record<string, unknown>[]; report: SourceReport }> {
  const report: SourceReport = { truncations: [], notes: [] };
  const entries: Record<string, unknown>[] = [];
  for await (const entry of source.listEntries(q, report)) entries.push(entry as Record<string, unknown>);
  return { entries, report };
}

let server: LoggingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(
  options: LoggingServerOptions,
  config: Partial<CloudLoggingConfig> = {},
  overrides: CloudLoggingOverrides = {},
): Promise<{ source: CloudLoggingSource; server: LoggingServer }> {
  server = await startLoggingServer(options);
  const source = createCloudLoggingSource(
    { ...CONFIG, ...config },
    {
      apiEndpoint: "127.0.0.1",
      port: server.port,
      sslCreds: grpc.credentials.createInsecure(),
      retry: { initialDelayMs: 1, maxDelayMs: 5 },
      readsPerMinute: 0,
      ...overrides,
    },
  );
  return { source, server };
}

describe("toRawEntry", () => {
  test("maps the SDK's Entry to Cloud Logging's JSON shape", () => {
    expect(CAPTURED_SDK_ENTRIES.map((e) => toRawEntry(e))).toEqual(EXPECTED_RAW_ENTRIES);
  });

  test("keeps the response's own Timestamp at full precision when given", () => {
    const entry = CAPTURED_SDK_ENTRIES[0]!;
    expect(toRawEntry(entry, { seconds: "1757898000", nanos: 123456789 }).timestamp).toBe("2025-09-15T01:00:00.123456789Z");
    expect(toRawEntry(entry, { seconds: "1757898000", nanos: 120000000 }).timestamp).toBe("2025-09-15T01:00:00.120Z");
    expect(toRawEntry(entry, { seconds: "1757898000", nanos: 0 }).timestamp).toBe("2025-09-15T01:00:00Z");
  });
});

describe("formatTimestamp and formatDuration", () => {
  test("fractions as protobuf's JSON mapping writes them: none, 3, 6 or 9 digits, zeros kept", () => {
    const at = (seconds: string | number, nanos: number) => formatTimestamp({ seconds, nanos });
    expect(at("1757898000", 0)).toBe("2025-09-15T01:00:00Z");
    expect(at("1757898000", 5_000_000)).toBe("2025-09-15T01:00:00.005Z");
    expect(at("1757898000", 120_000_000)).toBe("2025-09-15T01:00:00.120Z");
    expect(at("1757898000", 5_000)).toBe("2025-09-15T01:00:00.000005Z");
    expect(at(1757898001, 123_456_000)).toBe("2025-09-15T01:00:01.123456Z");
    expect(at("1757898000", 5)).toBe("2025-09-15T01:00:00.000000005Z");
    expect(at("1757898000", 999_999_999)).toBe("2025-09-15T01:00:00.999999999Z");
    expect(at("1757898000", 1_000_000_000)).toBeUndefined();
    expect(at("x", 0)).toBeUndefined();
    expect(formatDuration({ seconds: "0", nanos: 12_000_000 })).toBe("0.012s");
    expect(formatDuration({ seconds: "3", nanos: 0 })).toBe("3s");
    expect(formatDuration({ seconds: "1", nanos: 7 })).toBe("1.000000007s");
  });

  test("any nanos: the fraction is the nanos printed in 9 digits, less its trailing groups of three zeros", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999 }), fc.constantFrom(1, 1_000, 1_000_000), (n, unit) => {
        const nanos = n - (n % unit);
        const digits = String(nanos)
          .padStart(9, "0")
          .replace(/(?:000)+$/, "");
        expect(formatTimestamp({ seconds: "1757898000", nanos })).toBe(`2025-09-15T01:00:00${digits ? `.${digits}` : ""}Z`);
        expect(formatDuration({ seconds: "2", nanos })).toBe(`2${digits ? `.${digits}` : ""}s`);
      }),
      { numRuns: 3000, seed: 7 },
    );
  });
});

describe("CloudLoggingSource over gRPC", () => {
  test("sends the filter built for the query, ascending, 1000 a page, on the configured project", async () => {
    const { source, server } = await serve({ entries: entriesOf("api", 3) });
    await readAll(source, query(["api"]));
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      resourceNames: [`projects/${PROJECT}`],
      orderBy: "timestamp asc",
      pageSize: 1000,
      pageToken: "",
      filter: buildLoggingFilter({ window: WINDOW, service: "api", minSeverity: "WARNING", excludeLogIds: ["log-gardener"] }),
    });
    expect(server.requests[0]!.filter).toContain('timestamp>="2025-09-15T01:00:00.000Z" AND timestamp<"2025-09-15T02:00:00.000Z"');
  });

  test("reads exactly the window, the severity and the service asked for", async () => {
    const inside = entriesOf("api", 4, "WARNING");
    const entries = [
      ...inside,
      { ...inside[0]!, insertId: "before", timestamp: "2025-09-15T00:59:59.999Z" },
      { ...inside[0]!, insertId: "at-end", timestamp: "2025-09-15T02:00:00.000Z" },
      { ...inside[0]!, insertId: "info", severity: "INFO" },
      { ...inside[0]!, insertId: "other-service", resource: { type: "cloud_run_revision", labels: { service_name: "web" } } },
      { ...inside[0]!, insertId: "own-log", logName: `projects/${PROJECT}/logs/log-gardener` },
      { ...inside[0]!, insertId: "a-job", resource: { type: "cloud_run_job", labels: { job_name: "api" } } },
    ];
    const { source } = await serve({ entries });
    const { entries: read } = await readAll(source, query(["api"]));
    expect(read.map((e) => e.insertId)).toEqual(inside.map((e) => e.insertId));
  });

  test("entries arrive in Cloud Logging's JSON shape, round-tripped through the API's Struct payloads", async () => {
    const entries: LogEntryJson[] = [
      {
        insertId: "r1",
        logName: `projects/${PROJECT}/logs/run.googleapis.com%2Frequests`,
        timestamp: "2025-09-15T01:10:00.123456789Z",
        receiveTimestamp: "2025-09-15T01:10:01.500Z",
        severity: "ERROR",
        resource: { type: "cloud_run_revision", labels: { service_name: "api", revision_name: "api-00001-abc" } },
        labels: { instanceId: "00f4" },
        httpRequest: {
          requestMethod: "POST",
          requestUrl: "https://api/orders/9",
          status: 503,
          latency: "1.500s",
          responseSize: "42",
          userAgent: "ua",
        },
        trace: `projects/${PROJECT}/traces/abc`,
        spanId: "0001",
        traceSampled: true,
      },
      {
        insertId: "j1",
        logName: `projects/${PROJECT}/logs/run.googleapis.com%2Fstdout`,
        timestamp: "2025-09-15T01:20:00.250Z",
        severity: "CRITICAL",
        resource: { type: "cloud_run_revision", labels: { service_name: "api" } },
        jsonPayload: {
          message: "boom",
          count: 3,
          ratio: 0.5,
          ok: false,
          none: null,
          list: [1, "two", { three: 3 }],
          nested: { deep: { deeper: "x" } },
        },
        sourceLocation: { file: "app.py", line: "42", function: "handler" },
      },
      {
        insertId: "t1",
        logName: `projects/${PROJECT}/logs/run.googleapis.com%2Fstderr`,
        timestamp: "2025-09-15T01:30:00Z",
        severity: "WARNING",
        resource: { type: "cloud_run_revision", labels: { service_name: "api" } },
        textPayload: 'Traceback (most recent call last):\n  File "app.py", line 42',
      },
    ];
    const { source } = await serve({ entries });
    const { entries: read } = await readAll(source, query(["api"]));
    expect(read).toEqual(entries);
  });

  test("the gRPC channel is opened with the source's flow-control window, not HTTP/2's default", async () => {
    const { source } = await serve({ entries: entriesOf("api", 3) });
    expect((await readAll(source, query(["api"]))).entries).toHaveLength(3);
    // The channel the client actually used: google-gax hands grpc-node.* options to it. Its
    // options are visible only on grpc-js's internal channel.
    const logging = (source as unknown as { options: { logging: { loggingService: { loggingServiceV2Stub: Promise<grpc.Client> } } } })
      .options.logging;
    const channel = (await logging.loggingService.loggingServiceV2Stub).getChannel() as unknown as {
      internalChannel: { options: Record<string, unknown> };
    };
    expect(channel.internalChannel.options["grpc-node.flow_control_window"]).toBe(LOGGING_FLOW_CONTROL_WINDOW);
  });

  test("pages through several pages with tokens, in timestamp order", async () => {
    const entries = entriesOf("api", 2345);
    const { source, server } = await serve({ entries }, { loggingPageSize: 500 });
    const { entries: read, report } = await readAll(source, query(["api"]));
    expect(read.map((e) => e.insertId)).toEqual(entries.map((e) => e.insertId));
    expect(server.requests.map((r) => r.returned)).toEqual([500, 500, 500, 500, 345]);
    expect(server.requests.map((r) => r.pageSize)).toEqual([500, 500, 500, 500, 500]);
    expect(server.requests[0]!.pageToken).toBe("");
    expect(new Set(server.requests.slice(1).map((r) => r.pageToken)).size).toBe(4);
    expect(report).toEqual({ truncations: [], notes: ["api: read 2345 entries from Cloud Logging in 5 pages"], pagesRead: 5 });
  });

  test("a sample fraction goes into the filter, and the peer returns about that share, the same entries every time", async () => {
    const { source, server } = await serve({ entries: entriesOf("api", 5000) });
    const q = { ...query(["api"]), sampleFractions: { api: 0.1 } };
    const first = await readAll(source, q);
    const second = await readAll(source, q);
    expect(server.requests[0]!.filter).toBe(
      buildLoggingFilter({ window: WINDOW, service: "api", minSeverity: "WARNING", excludeLogIds: ["log-gardener"], sampleFraction: 0.1 }),
    );
    expect(first.entries.length).toBeGreaterThan(400);
    expect(first.entries.length).toBeLessThan(600);
    expect(second.entries.map((e) => e.insertId)).toEqual(first.entries.map((e) => e.insertId));
    expect(first.report.pagesRead).toBe(1);
  });

  test("the peer's response cache (bench:source): primed pages are served from memory, the read is the same", async () => {
    const entries = [...entriesOf("api", 1200), ...entriesOf("web", 300)];
    const fresh = await serve({ entries }, { loggingPageSize: 500 });
    const uncached = await readAll(fresh.source, query(["api"]));
    await fresh.server.close();

    const { source, server: cached } = await serve({ entries, cacheResponses: true }, { loggingPageSize: 500 });
    const filter = buildLoggingFilter({
      window: WINDOW,
      service: "api",
      minSeverity: "WARNING",
      includeStderr: false,
      excludeLogIds: ["log-gardener"],
      extraFilter: undefined,
    });
    expect(cached.prime({ resourceNames: [`projects/${PROJECT}`], filter, orderBy: "timestamp asc", pageSize: 500 })).toEqual({
      pages: 3,
      entries: 1200,
    });
    expect(cached.requests).toHaveLength(0);
    const read = await readAll(source, query(["api"]));
    expect(read).toEqual(uncached);
    expect(cached.cacheStats()).toEqual({ hits: 3, misses: 3 });
    expect(cached.requests.map((r) => r.returned)).toEqual([500, 500, 200]);
    // A query not primed is built on request, then cached too.
    await readAll(source, query(["web"]));
    expect(cached.cacheStats()).toEqual({ hits: 3, misses: 4 });
  });

  test("several services: one paged query each", async () => {
    const { source, server } = await serve(
      { entries: [...entriesOf("api", 30), ...entriesOf("web", 20), ...entriesOf("auth", 5)] },
      { loggingPageSize: 25 },
    );
    const { entries: read } = await readAll(source, query(["api", "web"]));
    expect(read.filter((e) => String(e.insertId).startsWith("api-"))).toHaveLength(30);
    expect(read.filter((e) => String(e.insertId).startsWith("web-"))).toHaveLength(20);
    expect(read).toHaveLength(50);
    expect(server.requests.map((r) => /service_name="(\w+)"/.exec(r.filter)?.[1])).toEqual(["api", "api", "web"]);
  });

  test("no services named: one query for every service", async () => {
    const { source, server } = await serve({ entries: [...entriesOf("api", 3), ...entriesOf("web", 2)] });
    const { entries: read } = await readAll(source, query([]));
    expect(read).toHaveLength(5);
    expect(server.requests[0]!.filter).not.toContain("service_name");
  });

  test("stderr stack traces without a severity are read only when asked for", async () => {
    const stderr: LogEntryJson = {
      insertId: "trace",
      logName: `projects/${PROJECT}/logs/run.googleapis.com%2Fstderr`,
      timestamp: "2025-09-15T01:30:00Z",
      resource: { type: "cloud_run_revision", labels: { service_name: "api" } },
      textPayload: "Traceback (most recent call last):",
    };
    const stdoutDefault = { ...stderr, insertId: "plain", logName: `projects/${PROJECT}/logs/run.googleapis.com%2Fstdout` };
    const { source } = await serve({ entries: [stderr, stdoutDefault] }, { includeStderr: true });
    expect((await readAll(source, query(["api"]))).entries.map((e) => e.insertId)).toEqual(["trace"]);
    await server!.close();
    const without = await serve({ entries: [stderr, stdoutDefault] }, { includeStderr: false });
    expect((await readAll(without.source, query(["api"]))).entries).toEqual([]);
  });

  test("entries a logger levelled without a severity are read when the level reaches the minimum", async () => {
    const base = {
      logName: `projects/${PROJECT}/logs/run.googleapis.com%2Fstdout`,
      timestamp: "2025-09-15T01:30:00Z",
      resource: { type: "cloud_run_revision", labels: { service_name: "api" } },
    };
    const entries: LogEntryJson[] = [
      { ...base, insertId: "pino-error", jsonPayload: { level: 50, msg: "payment failed" } },
      { ...base, insertId: "pino-info", jsonPayload: { level: 30, msg: "request done" } },
      { ...base, insertId: "zap-warn", jsonPayload: { level: "warn", msg: "slow query" } },
      { ...base, insertId: "python-error", jsonPayload: { levelname: "ERROR", message: "job failed" } },
      { ...base, insertId: "python-info", jsonPayload: { levelname: "INFO", message: "job done" } },
      { ...base, insertId: "serilog-error", jsonPayload: { "@l": "Error", "@mt": "Charge {Id} failed" } },
      { ...base, insertId: "severity-info", severity: "INFO", jsonPayload: { level: "error", msg: "says error, is INFO" } },
    ];
    const { source } = await serve({ entries }, { loggerLevels: true });
    const read = (await readAll(source, query(["api"]))).entries.map((e) => e.insertId).sort();
    expect(read).toEqual(["pino-error", "python-error", "serilog-error", "zap-warn"]);
    await server!.close();
    const without = await serve({ entries }, { loggerLevels: false });
    expect((await readAll(without.source, query(["api"]))).entries).toEqual([]);
  });

  test("a user clause narrows the read", async () => {
    const entries = entriesOf("api", 10);
    const { source } = await serve({ entries }, { extraFilter: 'NOT jsonPayload.message:"order 3"' });
    const { entries: read } = await readAll(source, query(["api"]));
    expect(read.map((e) => e.insertId)).toEqual(entries.filter((_, i) => i !== 3).map((e) => e.insertId));
  });

  test("RESOURCE_EXHAUSTED and UNAVAILABLE are retried with backoff, and the read completes", async () => {
    const entries = entriesOf("api", 250);
    const { source, server } = await serve(
      {
        entries,
        faults: [
          { code: "RESOURCE_EXHAUSTED", times: 2, afterRequests: 1 },
          { code: "UNAVAILABLE", times: 1, afterRequests: 3 },
          { code: "DEADLINE_EXCEEDED", times: 1, afterRequests: 5 },
        ],
      },
      { loggingPageSize: 100 },
    );
    const { entries: read, report } = await readAll(source, query(["api"]));
    expect(read.map((e) => e.insertId)).toEqual(entries.map((e) => e.insertId));
    expect(server.requests.map((r) => r.status ?? r.returned)).toEqual([
      100,
      "RESOURCE_EXHAUSTED",
      "RESOURCE_EXHAUSTED",
      "UNAVAILABLE",
      100,
      "DEADLINE_EXCEEDED",
      50,
    ]);
    // A retry asks again for the same page.
    expect(server.requests[1]!.pageToken).toBe(server.requests[4]!.pageToken);
    // The worklog says what was retried.
    expect(report.notes).toEqual([
      "api: read 250 entries from Cloud Logging in 3 pages, after 4 retried requests (RESOURCE_EXHAUSTED 2, UNAVAILABLE 1, DEADLINE_EXCEEDED 1)",
    ]);
  });

  test("every attempt waits for the pacer, retries included; backoff grows to its cap with full jitter; each retry is logged", async () => {
    class CountingPacer extends RequestPacer {
      calls = 0;
      override acquire(): Promise<number> {
        this.calls++;
        return Promise.resolve(0);
      }
    }
    const pacer = new CountingPacer(60);
    const sleeps: number[] = [];
    const warnings: unknown[] = [];
    const logger = { debug: () => undefined, info: () => undefined, warn: (fields: unknown) => void warnings.push(fields) };
    const { source, server } = await serve(
      { entries: entriesOf("api", 150), faults: [{ code: "UNAVAILABLE", times: 4, afterRequests: 1 }] },
      { loggingPageSize: 100, loggingRetries: 5 },
      {
        pacer,
        retry: { initialDelayMs: 100, maxDelayMs: 300 },
        random: () => 0.5,
        sleep: (ms) => {
          sleeps.push(ms);
          return Promise.resolve();
        },
        logger: logger as never,
      },
    );
    const { entries: read } = await readAll(source, query(["api"]));
    expect(read).toHaveLength(150);
    expect(server.requests).toHaveLength(6);
    expect(pacer.calls).toBe(6);
    expect(sleeps).toEqual([50, 100, 150, 150]);
    expect(warnings).toEqual([1, 2, 3, 4].map((attempt, i) => ({ service: "api", code: "UNAVAILABLE", attempt, retryInMs: sleeps[i] })));
  });

  test("retries are bounded: past them the read fails clearly, as a retryable upstream error", async () => {
    const { source, server } = await serve(
      { entries: entriesOf("api", 150), faults: [{ code: "RESOURCE_EXHAUSTED", times: 100, afterRequests: 1 }] },
      { loggingPageSize: 100, loggingRetries: 3 },
    );
    const error = await readAll(source, query(["api"])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ service: "cloud-logging", operation: "entries.list", retryable: true });
    expect((error as Error).message).toMatch(/gave up after 4 attempts/);
    expect((error as Error).message).toMatch(/RESOURCE_EXHAUSTED/);
    expect((error as Error).message).toMatch(/after 100 entries of api \(up to 2025-09-15T01:3/);
    expect(server.requests).toHaveLength(1 + 4);
  });

  test("other errors are not retried", async () => {
    const { source, server } = await serve({
      entries: entriesOf("api", 5),
      faults: [{ code: "PERMISSION_DENIED", message: "logging.logEntries.list denied" }],
    });
    const error = await readAll(source, query(["api"])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ retryable: false });
    expect((error as Error).message).toMatch(/PERMISSION_DENIED for api: .*logging.logEntries.list denied/);
    expect(server.requests).toHaveLength(1);
  });

  test("the cap stops the read, records the truncation, and asks for no page it will not read", async () => {
    const entries = entriesOf("api", 2500);
    const { source, server } = await serve({ entries: [...entries, ...entriesOf("web", 10)] }, { loggingPageSize: 500 });
    const { entries: read, report } = await readAll(source, query(["api", "web"], 1200));
    expect(read.filter((e) => String(e.insertId).startsWith("api-"))).toHaveLength(1200);
    expect(read.filter((e) => String(e.insertId).startsWith("web-"))).toHaveLength(10);
    expect(report.truncations).toEqual([
      {
        service: "api",
        read: 1200,
        upTo: entries[1199]!.timestamp,
        reason: "the cap of 1200 entries per service (LOG_GARDENER_MAX_ENTRIES) was reached",
      },
    ]);
    expect(server.requests.map((r) => r.returned)).toEqual([500, 500, 500, 10]);
  });

  test("with every service in one query, the cap is the query's and each service read is told", async () => {
    const { source } = await serve({ entries: [...entriesOf("api", 300), ...entriesOf("web", 100)] }, { loggingPageSize: 100 });
    const { entries: read, report } = await readAll(source, query([], 200));
    expect(read).toHaveLength(200);
    const upTo = String(read[199]!.timestamp);
    const reason = "the cap of 200 entries for the query over every service (LOG_GARDENER_MAX_ENTRIES) was reached";
    expect(report.truncations).toEqual([
      { service: "api", read: read.filter((e) => String(e.insertId).startsWith("api-")).length, upTo, reason },
      { service: "web", read: read.filter((e) => String(e.insertId).startsWith("web-")).length, upTo, reason },
    ]);
  });

  test("a cap that falls on a page boundary still reports the truncation", async () => {
    const { source, server } = await serve({ entries: entriesOf("api", 1500) }, { loggingPageSize: 500 });
    const { entries: read, report } = await readAll(source, query(["api"], 1000));
    expect(read).toHaveLength(1000);
    expect(report.truncations).toMatchObject([{ service: "api", read: 1000 }]);
    expect(server.requests).toHaveLength(2);
  });

  test("reading exactly the cap with nothing left is not a truncation", async () => {
    const { source } = await serve({ entries: entriesOf("api", 700) }, { loggingPageSize: 1000 });
    const { report } = await readAll(source, query(["api"], 700));
    expect(report.truncations).toEqual([]);
  });

  test("a consumer that stops early ends the read: at most one page fetched ahead", async () => {
    const { source, server } = await serve({ entries: entriesOf("api", 3000) }, { loggingPageSize: 1000 });
    const report: SourceReport = { truncations: [], notes: [] };
    let n = 0;
    for await (const _ of source.listEntries(query(["api"]), report)) if (++n === 10) break;
    expect(n).toBe(10);
    await new Promise((r) => setTimeout(r, 50));
    expect(server.requests.length).toBeLessThanOrEqual(2);
  });

  test("the next page is requested while the current one is consumed", async () => {
    const { source, server } = await serve({ entries: entriesOf("api", 1200) }, { loggingPageSize: 600 });
    let n = 0;
    let seen = 0;
    for await (const _ of source.listEntries(query(["api"]), { truncations: [], notes: [] })) {
      // A consumer that lets the event loop run now and then, as the pipeline's awaits do.
      if (++n % 100 === 0) await new Promise((r) => setImmediate(r));
      if (n === 600) seen = server.requestCount();
    }
    expect(n).toBe(1200);
    expect(seen).toBe(2);
  });

  test("an entry that cannot be mapped fails the read, after the entries before it", async () => {
    // A stand-in for the client: 20 entries a page, one that throws when read at index 14.
    const broken = {
      get metadata(): object {
        throw new Error("unreadable entry");
      },
    };
    const good = (i: number) => ({ metadata: { insertId: `e${i}`, timestamp: new Date(WINDOW.start + i), severity: "ERROR" }, data: "x" });
    const logging = {
      getEntries: async (request: { pageToken?: string }) => {
        const entries = Array.from({ length: 20 }, (_, i) => (request.pageToken === undefined && i === 14 ? broken : good(i)));
        if (request.pageToken !== undefined) await new Promise((r) => setTimeout(r, 200));
        return [entries, null, { nextPageToken: request.pageToken === undefined ? "p2" : "" }];
      },
    } as unknown as ConstructorParameters<typeof CloudLoggingSource>[0]["logging"];
    const source = new CloudLoggingSource({
      logging,
      projectId: PROJECT,
      retry: { retries: 0, initialDelayMs: 1, maxDelayMs: 1, timeoutMs: 1000 },
      readsPerMinute: 0,
    });
    const seen: string[] = [];
    const read = (async () => {
      for await (const entry of source.listEntries(query(["api"]), { truncations: [], notes: [] }))
        seen.push((entry as { insertId: string }).insertId);
    })();
    await expect(read).rejects.toThrow("unreadable entry");
    expect(seen).toHaveLength(14);
  });

  test("the factory needs a project", () => {
    expect(() => createCloudLoggingSource({ ...CONFIG, project: undefined })).toThrow(/no project configured/);
  });
});

describe("RequestPacer", () => {
  test("the tasks of an execution share the project's quota", () => {
    expect([readsPerMinuteOfTask(60, 1), readsPerMinuteOfTask(60, 4), readsPerMinuteOfTask(60, 100), readsPerMinuteOfTask(0, 4)]).toEqual([
      60, 15, 1, 0,
    ]);
  });

  test("at most N request starts in any sliding minute", async () => {
    let now = 0;
    const slept: number[] = [];
    const pacer = new RequestPacer(
      3,
      () => now,
      async (ms) => {
        slept.push(ms);
        now += ms;
      },
    );
    const starts: number[] = [];
    for (let i = 0; i < 7; i++) {
      await pacer.acquire();
      starts.push(now);
      now += 1000;
    }
    expect(starts).toEqual([0, 1000, 2000, 60_000, 61_000, 62_000, 120_000]);
    for (let i = 3; i < starts.length; i++) expect(starts[i]! - starts[i - 3]!).toBeGreaterThanOrEqual(60_000);
  });

  test("0 means unpaced", async () => {
    const pacer = new RequestPacer(
      0,
      () => 0,
      () => Promise.reject(new Error("slept")),
    );
    for (let i = 0; i < 100; i++) expect(await pacer.acquire()).toBe(0);
  });
});
