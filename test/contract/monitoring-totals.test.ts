/**
 * The Monitoring totals against a real gRPC peer: the real MetricServiceClient talks to
 * test/peers/monitoring-server.ts on loopback, which aggregates raw one-minute points the way
 * ListTimeSeries does. Assertions are on the totals read and on the request the peer received.
 */
import * as grpc from "@grpc/grpc-js";
import { buildTotalsFilter, createMonitoringTotals, MonitoringTotals, type MonitoringRetry } from "../../src/adapters/monitoring-totals";
import { UpstreamError } from "../../src/errors";
import { minutePoints, startMonitoringServer, type MonitoringServer, type MonitoringServerOptions } from "../peers/monitoring-server";

const PROJECT = "demo-proj";
const WINDOW = { start: Date.parse("2025-09-15T01:00:00Z"), end: Date.parse("2025-09-15T02:00:00Z") };
const RETRY: MonitoringRetry = { retries: 2, initialDelayMs: 1, maxDelayMs: 2, timeoutMs: 5000 };

let server: MonitoringServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(options: MonitoringServerOptions) {
  server = await startMonitoringServer(options);
  const totals = createMonitoringTotals(PROJECT, RETRY, {
    apiEndpoint: "127.0.0.1",
    port: server.port,
    sslCreds: grpc.credentials.createInsecure(),
    sleep: async () => undefined,
  });
  return { server, totals };
}

const POINTS = [
  ...minutePoints("api", "ERROR", 120_000, WINDOW.start, WINDOW.end),
  ...minutePoints("api", "WARNING", 30_000, WINDOW.start, WINDOW.end),
  ...minutePoints("api", "INFO", 999_999, WINDOW.start, WINDOW.end),
  ...minutePoints("web", "ERROR", 500, WINDOW.start, WINDOW.end),
  // The hour before and after: outside the window.
  ...minutePoints("api", "ERROR", 7777, WINDOW.start - 3_600_000, WINDOW.start),
  ...minutePoints("api", "ERROR", 8888, WINDOW.end, WINDOW.end + 3_600_000),
];

describe("MonitoringTotals", () => {
  test("totals per service and severity over exactly the window, WARNING and up", async () => {
    const { server, totals } = await serve({ points: POINTS });
    const result = await totals.totals({ window: WINDOW, services: [], minSeverity: "WARNING" });
    expect(Object.fromEntries(result.byService)).toEqual({ api: { ERROR: 120_000, WARNING: 30_000 }, web: { ERROR: 500 } });
    expect(server.requests).toHaveLength(1);
    const seen = server.requests[0]!;
    expect(seen.name).toBe(`projects/${PROJECT}`);
    expect(seen.filter).toBe(buildTotalsFilter({ window: WINDOW, services: [], minSeverity: "WARNING" }));
    expect(seen.startMs).toBe(WINDOW.start);
    expect(seen.endMs).toBe(WINDOW.end);
    expect(seen.alignmentSeconds).toBe(3600);
    expect(seen.groupByFields).toEqual(["resource.label.service_name", "metric.label.severity"]);
  });

  test("named services only", async () => {
    const { totals } = await serve({ points: POINTS });
    const result = await totals.totals({ window: WINDOW, services: ["web"], minSeverity: "ERROR" });
    expect(Object.fromEntries(result.byService)).toEqual({ web: { ERROR: 500 } });
  });

  test("points not yet visible are not there: the caller has to wait for the lag", async () => {
    const { totals } = await serve({ points: POINTS, visibleUntil: WINDOW.end - 5 * 60_000 });
    const result = await totals.totals({ window: WINDOW, services: ["api"], minSeverity: "ERROR" });
    expect(result.byService.get("api")?.ERROR).toBe(110_000);
    expect(totals.visibleAt(WINDOW)).toBeGreaterThanOrEqual(WINDOW.end + 240_000);
  });

  test("UNAVAILABLE is retried and counted", async () => {
    const { server, totals } = await serve({ points: POINTS, faults: [{ code: "UNAVAILABLE", times: 2 }] });
    const result = await totals.totals({ window: WINDOW, services: ["web"], minSeverity: "ERROR" });
    expect(result.byService.get("web")?.ERROR).toBe(500);
    expect(result.retried).toEqual({ UNAVAILABLE: 2 });
    expect(server.requests).toHaveLength(3);
  });

  test("PERMISSION_DENIED is not retried, and says what failed", async () => {
    const { server, totals } = await serve({
      points: POINTS,
      faults: [{ code: "PERMISSION_DENIED", message: "monitoring.timeSeries.list denied" }],
    });
    const error = await totals.totals({ window: WINDOW, services: [], minSeverity: "ERROR" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toMatch(/PERMISSION_DENIED.*denied/);
    expect(server.requests).toHaveLength(1);
  });

  test("retries are bounded", async () => {
    const { server, totals } = await serve({ points: POINTS, faults: [{ code: "RESOURCE_EXHAUSTED", times: 10 }] });
    await expect(totals.totals({ window: WINDOW, services: [], minSeverity: "ERROR" })).rejects.toThrow(/gave up after 3 attempts/);
    expect(server.requests).toHaveLength(3);
  });
});

describe("MonitoringTotals without credentials", () => {
  it("fails the read with an UpstreamError before any request, instead of letting the client's stubs reject unhandled", async () => {
    let requests = 0;
    const totals = new MonitoringTotals({
      client: {
        listTimeSeries: (() => {
          requests++;
          throw new Error("no request may be sent without credentials");
        }) as never,
      },
      projectId: "p",
      retry: { retries: 2, initialDelayMs: 1, maxDelayMs: 1, timeoutMs: 1000 },
      credentials: () => Promise.reject(new Error("Could not load the default credentials.")),
    });
    const end = Date.UTC(2026, 11, 1, 12);
    const read = totals.totals({ window: { start: end - 3_600_000, end }, services: ["api"], minSeverity: "WARNING" });
    await expect(read).rejects.toBeInstanceOf(UpstreamError);
    await expect(read).rejects.toThrow(/no credentials: Could not load the default credentials/);
    expect(requests).toBe(0);
  });
});
