import { ServiceClusterer, type MessageTemplater } from "../../../src/core/cluster/cluster";
import { buildFingerprint } from "../../../src/core/cluster/fingerprint";
import {
  JOIN_SLACK_MS,
  LearnedJoins,
  MAX_LEARNED_JOINS,
  MAX_PENDING,
  RequestJoiner,
  joinTarget,
} from "../../../src/core/cluster/request-join";
import { pathOf, requestPaths } from "../../../src/core/ingest/request-path";
import { maskRoute } from "../../../src/core/ingest/route";
import { hash52 } from "../../../src/core/hash";
import { DEFAULT_CLUSTER_OPTIONS } from "../../../src/core/cluster/cluster";
import { TemplateMiner } from "../../../src/core/cluster/miner/template-miner";
import { prioritizeAll } from "../../../src/core/cluster/priority";
import { normalizeEntry } from "../../../src/core/ingest/normalize";
import { buildRedactor } from "../../../src/core/redact/redact";
import { renderWorklog } from "../../../src/core/report/worklog";
import { seedModel } from "../fixtures/seed-worklog-model";
import type { NormalizedEntry } from "../../../src/core/types";

describe("requestPaths", () => {
  test("finds the path wherever the framework put it, without knowing field names", () => {
    // tracing's spans, pino-http's req.url, slog's path, a promoted httpRequest
    expect(requestPaths([undefined, { spans: [{ uri: "/v1/fleets/a/pings", method: "POST" }] }], "failed to persist ping batch")).toEqual([
      "/v1/fleets/a/pings",
    ]);
    expect(requestPaths([undefined, { req: { url: "/v1/me/shift?x=1", method: "GET" } }], "request errored")).toEqual(["/v1/me/shift"]);
    expect(requestPaths(["https://box.example/e/x/seats/?q=1", {}], "Internal Server Error")).toEqual(["/e/x/seats/"]);
    // the message's first line: Django's "Internal Server Error: /e/x/seats/"; a traceback's file paths below it are not read
    expect(requestPaths([undefined, undefined], "Internal Server Error: /e/x/seats/\nTraceback:\n  File /app/views.py")).toEqual([
      "/e/x/seats/",
    ]);
  });

  test("skips stacks and messages inside the payload, and names nothing when there is no path", () => {
    expect(requestPaths([undefined, { stack: "at /app/x.js:1", message: "/not/this" }], "plain words")).toBeUndefined();
    expect(requestPaths([undefined, { count: 3, ok: true, host: "//cdn" }], "")).toBeUndefined();
  });

  test("is bounded: at most four paths, however many the payload holds", () => {
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, `/p/${i}`]));
    expect(requestPaths([undefined, many], "")).toHaveLength(4);
    expect(pathOf(`/${"a".repeat(100_000)}`)!.length).toBeLessThanOrEqual(2048);
    expect(pathOf("https://h")).toBe("/");
    expect(pathOf("relative/path")).toBeUndefined();
  });
});

describe("RequestJoiner", () => {
  test("pairs an app line with the request log of the same instance, path and time, in either order", () => {
    const j = new RequestJoiner<string>();
    j.request("R", "i1", "/a/1", 1_000, 500);
    j.app("A", "i1", ["/a/1"], 1_400); // inside the request
    j.app("B", "i2", ["/a/1"], 1_400); // another instance
    j.app("C", "i1", ["/a/2"], 1_400); // another path
    j.app("D", "i1", ["/a/1"], 1_000 + 500 + JOIN_SLACK_MS + 1); // long after it ended
    j.app("E", "i1", ["/b/1"], 5_000); // before its request log arrives
    j.request("R", "i1", "/b/1", 4_900, 300);
    expect(j.pairs).toEqual(
      new Map([
        [
          "R",
          new Map([
            ["A", 1],
            ["E", 1],
          ]),
        ],
      ]),
    );
  });

  test("keeps at most MAX_PENDING entries of each kind", () => {
    const j = new RequestJoiner<string>();
    for (let i = 0; i < MAX_PENDING + 10; i++) j.request("R", "i", `/r/${i}`, i, 0);
    j.app("A", "i", ["/r/0"], 0); // the oldest was dropped
    j.app("A", "i", [`/r/${MAX_PENDING + 9}`], MAX_PENDING + 9);
    expect(j.pairs.get("R")?.get("A")).toBe(1);
  });

  test("joinTarget: the app cluster most paired with, with enough pairs and share; none otherwise", () => {
    expect(
      joinTarget(
        10,
        new Map([
          ["A", 3],
          ["B", 1],
        ]),
      ),
    ).toBe("A");
    // one endpoint's requests split between two app messages: two causes, the request logs join neither
    const split = new Map([
      ["A", 4],
      ["B", 3],
    ]);
    expect(joinTarget(10, split)).toBeUndefined();
    expect(joinTarget(10, new Map([["A", 2]]))).toBeUndefined(); // a fifth of the requests
    expect(joinTarget(1, new Map([["A", 1]]))).toBeUndefined(); // one pair is no evidence
    expect(joinTarget(4, new Map<string, number>())).toBeUndefined();
  });

  test("learned joins round-trip through their state; a broken one says where; they are bounded", () => {
    const joins = new LearnedJoins();
    joins.learn("lg1-r", "lg1-a");
    const back = LearnedJoins.fromState(JSON.parse(JSON.stringify(joins.toState())));
    expect(back.warning).toBeUndefined();
    expect(back.joins.get("lg1-r")).toBe("lg1-a");
    expect(LearnedJoins.fromState([["only one"]]).warning).toMatch(/^invalid join state at joins\.0/);
    const full = new LearnedJoins();
    for (let i = 0; i < MAX_LEARNED_JOINS + 5; i++) full.learn(`r${i}`, "a");
    expect(full.toState()).toHaveLength(MAX_LEARNED_JOINS);
  });
});

describe("ServiceClusterer joining request logs", () => {
  const WINDOW = { start: Date.parse("2026-11-25T10:00:00Z"), end: Date.parse("2026-11-25T11:00:00Z") };
  const templater: MessageTemplater = {
    add: (message) => ({ clusterId: `t-${message.length}`, template: message, params: [] }),
    templateOf: () => undefined,
  };
  const base = (key: string, at: number): Pick<NormalizedEntry, "key" | "keyHash" | "timestamp" | "timestampText" | "service"> => ({
    key,
    keyHash: hash52(key),
    timestamp: WINDOW.start + at,
    timestampText: new Date(WINDOW.start + at).toISOString(),
    service: "telemetry-ingest",
  });
  const request = (i: number, fleet: string, at: number): NormalizedEntry => {
    const url = `https://ingest.example/v1/fleets/${fleet}/pings`;
    return {
      ...base(`r${i}`, at),
      severity: "ERROR",
      instanceId: `inst-${i % 3}`,
      kind: "request",
      message: `POST ${url} 503`,
      sample: { insertId: `r${i}` },
      http: { method: "POST", url, route: maskRoute(url), status: 503, latencyMs: 30_000 },
      requestPaths: [`/v1/fleets/${fleet}/pings`],
    };
  };
  const app = (i: number, fleet: string | undefined, at: number): NormalizedEntry => ({
    ...base(`a${i}`, at),
    severity: "ERROR",
    instanceId: `inst-${i % 3}`,
    kind: "application",
    source: "telemetry_ingest::store::pings",
    message: "failed to persist ping batch",
    sample: { insertId: `a${i}` },
    ...(fleet ? { requestPaths: [`/v1/fleets/${fleet}/pings`] } : {}),
  });
  const clusterer = (joins?: LearnedJoins) =>
    new ServiceClusterer(
      "telemetry-ingest",
      templater,
      { window: WINDOW, bucketMinutes: 5, maxSamples: 3, maxTraceIds: 5, maxTopValues: 5, maxDistinctValues: 200, maxClusters: 100 },
      undefined,
      joins,
    );
  const fleets = ["a1", "b2", "c3", "d4"];
  const requestFingerprint = (fleet: string) =>
    buildFingerprint(["telemetry-ingest", "request", "POST", `/v1/fleets/${fleet}/pings`, "503"]);

  test("request logs that pair with one app cluster's lines are folded into it: its fingerprint, both counts, the routes listed", () => {
    const joins = new LearnedJoins();
    const c = clusterer(joins);
    for (let i = 0; i < 8; i++) {
      const fleet = fleets[i % 4]!;
      c.add(request(i, fleet, i * 60_000));
      // half the app lines name the path (a framework that puts it in a span), half do not
      c.add(app(i, i % 2 === 0 ? fleet : undefined, i * 60_000 + 30_000));
    }
    c.add(request(100, "zz", 50 * 60_000)); // a failing request with no app line
    const out = c.clusters();
    const joined = out.find((x) => x.kind === "application")!;
    expect(joined.count).toBe(8 + 2 + 2);
    expect(joined.joinedRequests).toEqual([
      { method: "POST", route: "/v1/fleets/a1/pings", status: 503, count: 2 },
      { method: "POST", route: "/v1/fleets/c3/pings", status: 503, count: 2 },
    ]);
    expect(joined.mergedFrom).toEqual([requestFingerprint("a1"), requestFingerprint("c3")]);
    // samples stay the app's own
    expect(joined.samples.every((s) => String((s as { insertId: string }).insertId).startsWith("a"))).toBe(true);
    // the routes whose requests never paired (b2, d4: their app lines named no path; zz: none) stay apart
    expect(
      out
        .filter((x) => x.kind === "request")
        .map((x) => x.http?.route)
        .sort(),
    ).toEqual(["b2", "d4", "zz"].map((f) => `/v1/fleets/${f}/pings`));
    // learned for later hours
    expect(joins.get(requestFingerprint("a1"))).toBe(joined.fingerprint);
    // reading out again gives the same counts (the fold works on copies)
    expect(c.clusters().find((x) => x.kind === "application")!.count).toBe(12);
  });

  test("without pairs (no path, another instance, outside the request), request logs stay their own clusters", () => {
    const c = clusterer(new LearnedJoins());
    for (let i = 0; i < 6; i++) {
      c.add(request(i, "a1", i * 60_000));
      c.add({ ...app(i, "a1", i * 60_000 + 40_000), instanceId: "elsewhere" });
    }
    const out = c.clusters();
    expect(out.map((x) => x.kind).sort()).toEqual(["application", "request"]);
    expect(out.find((x) => x.kind === "application")!.joinedRequests).toBeUndefined();
  });

  test("a later hour uses the learned join: folded without pairs, or, with no app line that hour, reported under the app's fingerprint", () => {
    const joins = new LearnedJoins();
    const first = clusterer(joins);
    for (let i = 0; i < 4; i++) {
      first.add(request(i, "a1", i * 60_000));
      first.add(app(i, "a1", i * 60_000 + 1_000));
    }
    const appFingerprint = first.clusters().find((x) => x.kind === "application")!.fingerprint;
    // the next hour: app lines that name no path
    const second = clusterer(joins);
    for (let i = 0; i < 3; i++) {
      second.add(request(i, "a1", i * 60_000));
      second.add(app(i, undefined, i * 60_000 + 1_000));
    }
    expect(second.clusters()).toMatchObject([{ fingerprint: appFingerprint, count: 6, joinedRequests: [{ count: 3 }] }]);
    // an hour with request logs only
    const third = clusterer(joins);
    third.add(request(1, "a1", 60_000));
    third.add(request(2, "a1", 120_000));
    expect(third.clusters()).toMatchObject([
      { fingerprint: appFingerprint, kind: "request", count: 2, mergedFrom: [requestFingerprint("a1")] },
    ]);
  });
});

describe("NormalizedEntry.requestPaths", () => {
  test("a request log's path and an app line's are read from the entries as they came: redaction does not tell them apart", () => {
    const redact = buildRedactor();
    const resource = { type: "cloud_run_revision", labels: { service_name: "api" } };
    const normalize = (raw: unknown): NormalizedEntry => {
      const r = normalizeEntry(raw, { maxMessageBytes: 64 * 1024, redact });
      if (!r.ok) throw new Error(r.skipped.detail);
      return r.entry;
    };
    const url = "https://api.example/v1/users/ada.lovelace@example.com/invoices?page=2";
    const request = normalize({
      insertId: "r",
      timestamp: "2026-11-25T10:00:00Z",
      resource,
      logName: "projects/p/logs/run.googleapis.com%2Frequests",
      httpRequest: { requestMethod: "GET", requestUrl: url, status: 500 },
    });
    const app = normalize({
      insertId: "a",
      timestamp: "2026-11-25T10:00:01Z",
      severity: "ERROR",
      resource,
      jsonPayload: { message: "invoice list failed", req: { url: "/v1/users/ada.lovelace@example.com/invoices?page=2" } },
    });
    // the redacted URL no longer holds the address, the join key does (and stays in memory)
    expect(request.http?.url).not.toContain("ada.lovelace@example.com");
    expect(request.requestPaths).toEqual(["/v1/users/ada.lovelace@example.com/invoices"]);
    expect(app.requestPaths).toEqual(request.requestPaths);
  });
});

describe("from LogEntries to the worklog", () => {
  test("a pino-http error line and Cloud Run's request log of the same requests are one cluster, and the worklog says so", () => {
    const WINDOW = { start: Date.parse("2026-11-25T10:00:00Z"), end: Date.parse("2026-11-25T11:00:00Z") };
    const resource = { type: "cloud_run_revision", labels: { service_name: "driver-gateway", revision_name: "driver-gateway-00012-abc" } };
    const raws: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const start = WINDOW.start + i * 600_000;
      const labels = { instanceId: `00${"ab".repeat(47)}` };
      raws.push({
        insertId: `req-${i}`,
        timestamp: new Date(start).toISOString(),
        severity: "ERROR",
        logName: "projects/p/logs/run.googleapis.com%2Frequests",
        resource,
        labels,
        httpRequest: {
          requestMethod: "GET",
          requestUrl: `https://driver.example/v1/depots/${i}/stops?page=2`,
          status: 500,
          latency: "5.01s",
        },
      });
      raws.push({
        insertId: `app-${i}`,
        timestamp: new Date(start + 5_005).toISOString(),
        severity: "ERROR",
        logName: "projects/p/logs/run.googleapis.com%2Fstdout",
        resource,
        labels,
        jsonPayload: {
          message: "request errored",
          req: { method: "GET", url: `/v1/depots/${i}/stops?page=2` },
          err: { type: "Error", message: "timeout exceeded when trying to connect" },
        },
      });
    }
    const redact = buildRedactor();
    const c = new ServiceClusterer("driver-gateway", new TemplateMiner(), { ...DEFAULT_CLUSTER_OPTIONS, window: WINDOW });
    for (const raw of raws) {
      const r = normalizeEntry(raw, { maxMessageBytes: 64 * 1024, redact });
      if (!r.ok) throw new Error(r.skipped.detail);
      c.add(r.entry);
    }
    const clusters = c.clusters();
    expect(clusters).toHaveLength(1);
    expect(clusters[0]).toMatchObject({ kind: "application", count: 10, joinedRequests: [{ route: "/v1/depots/{id}/stops", count: 5 }] });
    const md = renderWorklog({ ...seedModel(), service: "driver-gateway", clusters: prioritizeAll(clusters), issues: {} });
    expect(md).toContain(
      "**Request Logs:** `GET /v1/depots/{id}/stops` → 500 Internal Server Error (5), of the same requests, counted here",
    );
  });
});
