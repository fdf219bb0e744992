import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { DEFAULT_MAX_MESSAGE_BYTES, normalizeEntry, type NormalizeOptions } from "../../../src/core/ingest/normalize";
import { sanitizeText } from "../../../src/core/ingest/sanitize";
import { parseTimestamp } from "../../../src/core/ingest/timestamp";
import { traceId } from "../../../src/core/ingest/trace-id";
import { hash52 } from "../../../src/core/hash";
import { buildRedactor } from "../../../src/core/redact/redact";
import type { NormalizedEntry, SkipReason } from "../../../src/core/types";

const OPTIONS: NormalizeOptions = { maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES, redact: buildRedactor() };

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(__dirname, "../../fixtures/entries", `${name}.json`), "utf8")) as Record<string, unknown>;
}

function normalized(raw: unknown, options: NormalizeOptions = OPTIONS): NormalizedEntry {
  const result = normalizeEntry(raw, options);
  if (!result.ok) throw new Error(`skipped: ${result.skipped.reason} ${result.skipped.detail}`);
  return result.entry;
}

/** A minimal valid entry to vary one field at a time. */
function base(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    insertId: "abc123",
    logName: "projects/p/logs/run.googleapis.com%2Fstdout",
    timestamp: "2025-09-15T01:00:00Z",
    resource: { type: "cloud_run_revision", labels: { service_name: "api" } },
    textPayload: "hello",
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------
// One case per payload kind, from the fixtures.

const PAYLOAD_CASES: readonly [string, Partial<NormalizedEntry>][] = [
  [
    "json-seed-ssot-warning",
    {
      kind: "application",
      severity: "WARNING",
      service: "netra-backend-staging",
      revision: "netra-backend-staging-00612-xkq",
      trace: "4bf92f3577b34da6a3ce929d0e0e4736",
      message: "SSOT validation issues (non-blocking): ['Multiple manager instances for user demo-user-001 - potential duplication']",
      source: "netra_backend.app.websocket_core.ssot_validation_enhancer.validate_manager_creation",
      timestamp: Date.UTC(2025, 8, 15, 2, 0, 51, 852),
    },
  ],
  [
    "json-pino-msg",
    {
      kind: "application",
      severity: "ERROR",
      instanceId: "00f4b2c9a1",
      message: "invoice sync failed for customer cus_8812 after 3 attempts: upstream returned 503",
      source: "billing.invoice-sync",
    },
  ],
  [
    "json-error-object-node-stack",
    {
      kind: "stacktrace",
      message: "unhandled error in POST /api/orders: TypeError: Cannot read properties of undefined (reading 'currency')",
      exception: {
        type: "TypeError",
        frames: ["priceOrder (pricing.js)", "OrdersService.create (service.js)", "OrdersController.post (controller.js)"],
      },
      source: "dist/orders/controller.js:OrdersController.post",
    },
  ],
  ["json-no-message", { kind: "application", message: "cache_miss" }], // structlog's `event` is a message
  [
    "json-python-logging-exception",
    {
      kind: "stacktrace",
      message: 'Failed to create index on threads: asyncpg.exceptions.UndefinedTableError: relation "threads" does not exist',
      exception: {
        type: "asyncpg.exceptions.UndefinedTableError",
        frames: ["execute (connection.py)", "execute (engine.py)", "create_indexes (index_optimizer_core.py)"],
      },
      source: "netra_backend.app.db.index_optimizer_core.create_indexes",
    },
  ],
  [
    "json-function-sourcelocation",
    {
      kind: "application",
      severity: "NOTICE",
      service: "quota-check",
      source: "src/quota/check.ts:checkQuota",
      message: "quota check took too long",
    },
  ],
  [
    "text-python-traceback",
    {
      kind: "stacktrace",
      service: "nightly-rollup",
      message: "KeyError: 'amount'",
      exception: { type: "KeyError", frames: ["<genexpr> (process.py)", "process (process.py)", "main (worker.py)"] },
    },
  ],
  [
    "text-java-exception",
    {
      kind: "stacktrace",
      severity: "ERROR",
      message: "java.lang.IllegalStateException: Connection pool exhausted (max=20)",
      timestamp: Date.UTC(2025, 8, 15, 1, 44, 59, 999),
    },
  ],
  ["text-node-error", { kind: "stacktrace", message: "Error: connect ECONNREFUSED 10.8.0.3:6379" }],
  [
    "text-go-panic",
    {
      kind: "stacktrace",
      message: "panic: runtime error: invalid memory address or nil pointer dereference",
      exception: {
        type: "panic: runtime error",
        frames: [
          "github.com/acme/thumbs/internal/resize.(*Resizer).Fit (resize.go)",
          "github.com/acme/thumbs/internal/server.(*Server).handleThumb (thumb.go)",
          "net/http.HandlerFunc.ServeHTTP (server.go)",
        ],
      },
    },
  ],
  [
    "json-go-zap-stacktrace",
    {
      kind: "stacktrace",
      severity: "ERROR",
      source: "thumbs.server",
      message: "failed to load thumbnail: storage: object doesn't exist",
      exception: {
        type: "error",
        frames: [
          "github.com/acme/thumbs/internal/server.(*Server).handleThumb (thumb.go)",
          "net/http.HandlerFunc.ServeHTTP (server.go)",
          "net/http.(*ServeMux).ServeHTTP (server.go)",
        ],
      },
    },
  ],
  ["text-plain", { kind: "application", severity: "DEFAULT", message: "Container called exit(1).", instanceId: "00bf4bf02d6b6e1e" }],
  [
    "request-405-seed",
    {
      kind: "request",
      message: "POST /ws/beacon 405",
      trace: "0af7651916cd43dd8448eb211c80319c",
      http: { method: "POST", url: "https://api.staging.netrasystems.ai/ws/beacon", route: "/ws/beacon", status: 405, latencyMs: 4.153 },
    },
  ],
  [
    "request-500-ids",
    {
      kind: "request",
      message: "GET /users/{id}/orders/{uuid}/items 500",
      timestamp: Date.UTC(2025, 8, 14, 23, 41, 0, 0),
      http: {
        method: "GET",
        url: "https://orders-api-x7k2p3q-ue.a.run.app/users/12345/orders/0f8fad5b-d9cb-469f-a165-70867728950e/items?page=2&access_token=[REDACTED:google-oauth-token]",
        route: "/users/{id}/orders/{uuid}/items",
        status: 500,
        latencyMs: 1250,
      },
    },
  ],
  [
    "audit-permission-denied",
    {
      kind: "application",
      message: "audit google.cloud.run.v1.Services.ReplaceService status 7 (PERMISSION_DENIED)",
      audit: { methodName: "google.cloud.run.v1.Services.ReplaceService", statusCode: 7 },
      source: "run.googleapis.com",
      service: "orders-api",
    },
  ],
];

describe("normalizeEntry: payload kinds", () => {
  test.each(PAYLOAD_CASES)("%s", (name, expected) => {
    const entry = normalized(fixture(name));
    expect(entry).toMatchObject(expected);
    const raw = fixture(name);
    expect(entry.key).toBe(`${String(raw.insertId)}|${String(raw.logName)}|${String(raw.timestamp)}`);
    expect(entry.keyHash).toBe(hash52(entry.key));
    expect(entry.timestampText).toBe(raw.timestamp);
  });

  test("the sample keeps severity, timestamp, payload, labels and resource labels, redacted", () => {
    const sample = normalized(fixture("audit-permission-denied")).sample as Record<string, unknown>;
    expect(sample).toMatchObject({
      severity: "ERROR",
      timestamp: "2025-09-15T01:22:33.445566Z",
      protoPayload: {
        methodName: "google.cloud.run.v1.Services.ReplaceService",
        authenticationInfo: { principalEmail: "[REDACTED:email]" },
      },
      resource: { labels: { service_name: "orders-api" } },
    });
    const seed = normalized(fixture("json-seed-ssot-warning")).sample as Record<string, unknown>;
    expect(seed).toMatchObject({
      severity: "WARNING",
      jsonPayload: { labels: { function: "validate_manager_creation" } },
      labels: { instanceId: expect.any(String) },
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe("normalizeEntry: fields", () => {
  test.each([
    ["WARNING", "WARNING"],
    ["warning", "WARNING"],
    ["WARN", "WARNING"],
    [400, "WARNING"],
    [500, "ERROR"],
    [550, "ERROR"],
    ["600", "CRITICAL"],
    [undefined, "DEFAULT"],
    [null, "DEFAULT"],
    ["bogus", "DEFAULT"],
  ] as const)("severity %p → %s", (severity, expected) => {
    expect(normalized(base({ severity })).severity).toBe(expected);
  });

  test.each([
    [undefined, { severity: "ERROR" }, "ERROR"],
    ["DEFAULT", { level: "warn" }, "WARNING"],
    [undefined, { levelname: "CRITICAL" }, "CRITICAL"],
    [undefined, { level: 50 }, "ERROR"], // pino's numbers
    [undefined, { level: 35 }, "INFO"],
    [undefined, { level: 500 }, "DEFAULT"], // not a pino level, and `level` is no LogSeverity number
    [undefined, { "@l": "Error" }, "ERROR"],
    [undefined, { level: "dpanic" }, "CRITICAL"],
    [undefined, { level: "ERROR+2" }, "ERROR"],
    ["INFO", { level: "error" }, "INFO"], // the entry's own severity wins
  ])("severity %p with payload %p → %s", (severity, payload, expected) => {
    expect(normalized(base({ severity, textPayload: undefined, jsonPayload: { message: "x", ...payload } })).severity).toBe(expected);
  });

  test.each([
    [{ service_name: "api", revision_name: "api-00001-abc" }, "api", "api-00001-abc"],
    [{ job_name: "nightly" }, "nightly", undefined],
    [{ function_name: "fn" }, "fn", undefined],
    [{}, "unknown", undefined],
  ])("service from resource labels %p", (labels, service, revision) => {
    const entry = normalized(base({ resource: { type: "x", labels } }));
    expect(entry.service).toBe(service);
    expect(entry.revision).toBe(revision);
  });

  test.each([
    [{ message: "m" }, "m"],
    [{ msg: "m" }, "m"],
    [{ error: { message: "m" } }, "m"],
    [{ err: { message: "m", type: "E" } }, "E: m"],
    [{ msg: "call failed", err: "dial tcp: no such host" }, "call failed: dial tcp: no such host"],
    [{ msg: "call failed: timeout", err: "timeout" }, "call failed: timeout"],
    [{ "@mt": "Order {Id} failed", Id: 7 }, "Order 7 failed"],
    [{ event: "login failed" }, "login failed"],
    [{ error: "m" }, "m"],
    [{ exception: "m" }, "m"],
    [{ message: "", msg: "second" }, "second"],
    [{ message: 42 }, "42"],
    [{ message: { nested: true }, event: "login" }, "login"],
    [{ "logging.googleapis.com/trace": "t" }, "(no message)"],
    [{ retries: 3, latency_ms: 812 }, "retries=3 latency_ms=812"],
  ])("jsonPayload message from %p", (jsonPayload, message) => {
    expect(normalized(base({ textPayload: undefined, jsonPayload })).message).toBe(message);
  });

  test.each([
    [{ retries: 3, latency_ms: 812 }, "latency_ms:n,retries:n"],
    [{ error: { type: "ConfigError", value: "no DSN" }, location: "startup" }, "error:{type:s,value:s},location:s"],
    [{ message: "m", retries: 3 }, undefined],
    [{ error: "dial tcp: timeout" }, undefined],
  ])("payload shape of %p", (jsonPayload, shape) => {
    expect(normalized(base({ textPayload: undefined, jsonPayload })).shape).toBe(shape);
  });

  test("errorGroups[].id with the logName's project, read leniently", () => {
    expect(normalized(base({ errorGroups: [{ id: "CNuL5uKMxYXkVg" }] })).errorGroup).toEqual({ id: "CNuL5uKMxYXkVg", project: "p" });
    expect(normalized(base({ errorGroups: "nope" })).errorGroup).toBeUndefined();
    expect(normalized(base({ errorGroups: [{ id: 5 }, null] })).errorGroup).toBeUndefined();
  });

  test.each([
    [{ labels: { module: "app.db", function: "connect" } }, "app.db.connect"],
    [{ context: { name: "app.routes" } }, "app.routes"],
    [{ logger: "worker" }, "worker"],
    [{ logger_name: "worker.jobs" }, "worker.jobs"],
    [{ "logging.googleapis.com/sourceLocation": { file: "main.py", line: "12", function: "run" } }, "main.py:run"],
  ])("source from %p", (extra, source) => {
    expect(normalized(base({ textPayload: undefined, jsonPayload: { message: "m", ...extra } })).source).toBe(source);
  });

  test("an application log carrying httpRequest stays application and keeps http", () => {
    const entry = normalized(
      base({
        textPayload: undefined,
        jsonPayload: { message: "upstream timeout" },
        httpRequest: { requestMethod: "get", requestUrl: "/a/1", status: "504" },
      }),
    );
    expect(entry).toMatchObject({
      kind: "application",
      message: "upstream timeout",
      http: { method: "GET", route: "/a/{id}", status: 504 },
    });
  });

  test("latency as a Duration object", () => {
    const entry = normalized(
      base({
        textPayload: undefined,
        httpRequest: { requestMethod: "GET", requestUrl: "/", status: 200, latency: { seconds: "2", nanos: 500000000 } },
      }),
    );
    expect(entry.http?.latencyMs).toBe(2500);
  });

  test("request without method or status", () => {
    expect(normalized(base({ textPayload: undefined, httpRequest: { requestUrl: "/x" } })).message).toBe("- /x 0");
  });

  test("audit log without status reads OK", () => {
    const entry = normalized(base({ textPayload: undefined, protoPayload: { methodName: "google.iam.admin.v1.CreateServiceAccountKey" } }));
    expect(entry.message).toBe("audit google.iam.admin.v1.CreateServiceAccountKey status 0 (OK)");
  });

  test("a trace id without the projects/ prefix is kept as is", () => {
    expect(normalized(base({ trace: "abc" })).trace).toBe("abc");
  });

  test("traceId takes the id out of projects/P/traces/ID", () => {
    expect(traceId("projects/p/traces/0af7651916cd43dd8448eb211c80319c")).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(traceId("projects//traces/abc")).toBe("projects//traces/abc");
    expect(traceId("projects/p/spans/abc")).toBe("projects/p/spans/abc");
    expect(traceId("x/projects/p/traces/abc")).toBe("x/projects/p/traces/abc");
  });

  test("an entry without insertId gets a content hash in its key", () => {
    const a = normalized(base({ insertId: undefined }));
    const b = normalized(base({ insertId: undefined }));
    const c = normalized(base({ insertId: undefined, textPayload: "other" }));
    expect(a.key).toBe(b.key);
    expect(a.key).not.toBe(c.key);
    expect([a.keyHash, c.keyHash]).toEqual([hash52(a.key), hash52(c.key)]);
  });

  test("messages are redacted and bounded", () => {
    const entry = normalized(base({ textPayload: `login failed for ada@example.com with password=hunter2 ${"x".repeat(5000)}` }));
    expect(entry.message).toContain("[REDACTED:email]");
    expect(entry.message).toContain("password=[REDACTED:password]");
    expect(entry.message).not.toContain("hunter2");
    expect(entry.message.length).toBeLessThan(2100);
  });

  test("ANSI colors are dropped", () => {
    expect(normalized(base({ textPayload: "\u001b[31mERROR\u001b[0m db down" })).message).toBe("ERROR db down");
  });

  test("control characters and lone surrogates are replaced", () => {
    expect(normalized(base({ textPayload: "a\u0000b\ud800c\r\nd" })).message).toBe("a\ufffdb\ufffdc\nd");
  });

  test("sanitizeText returns a text with nothing to change as it is, and otherwise the same as the full rewrite", () => {
    // The full rewrite, as the function does it when its first scan finds something.
    const rewrite = (text: string) =>
      text
        .replace(/\r\n?/g, "\n")
        // eslint-disable-next-line no-control-regex -- as in the function under test
        .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "")
        .replace(
          // eslint-disable-next-line no-control-regex -- as in the function under test
          /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
          "\ufffd",
        );
    const unit = fc.oneof(
      fc.constantFrom("\r", "\n", "\r\n", "\t", "\u001b[31m", "\u0000", "\u007f", "\ud800", "\udc00", "\ud83d\ude00", "é"),
      fc.string({ minLength: 0, maxLength: 3, unit: "binary" }),
    );
    fc.assert(
      fc.property(
        fc.array(unit, { maxLength: 12 }).map((parts) => parts.join("")),
        (text) => {
          expect(sanitizeText(text)).toBe(rewrite(text));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

const MALFORMED: readonly [string, unknown, SkipReason][] = [
  ["a string", "not json", "not-an-object"],
  ["null", null, "not-an-object"],
  ["an array", [1, 2], "not-an-object"],
  ["a number", 42, "not-an-object"],
  ["no timestamp", base({ timestamp: undefined }), "missing-timestamp"],
  ["empty timestamp", base({ timestamp: "" }), "missing-timestamp"],
  ["numeric timestamp", base({ timestamp: 1757898000000 }), "bad-timestamp"],
  ["garbage timestamp", base({ timestamp: "yesterday" }), "bad-timestamp"],
  ["impossible date", base({ timestamp: "2025-02-30T00:00:00Z" }), "bad-timestamp"],
  ["no time zone", base({ timestamp: "2025-09-15T01:00:00" }), "bad-timestamp"],
  ["null jsonPayload", base({ textPayload: undefined, jsonPayload: null }), "null-payload"],
  ["null textPayload", base({ textPayload: null }), "null-payload"],
  ["wrong type: textPayload", base({ textPayload: 12 }), "invalid-entry"],
  ["wrong type: resource labels", base({ resource: { labels: { service_name: 1 } } }), "invalid-entry"],
  ["wrong type: httpRequest.status", base({ httpRequest: { status: "teapot" } }), "invalid-entry"],
  ["jsonPayload is an array", base({ textPayload: undefined, jsonPayload: ["a"] }), "invalid-entry"],
  ["message too large", base({ textPayload: "é".repeat(40_000) }), "message-too-large"],
];

describe("normalizeEntry: malformed entries are skipped, not thrown", () => {
  test.each(MALFORMED)("%s → %s", (_name, raw, reason) => {
    const result = normalizeEntry(raw, OPTIONS);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.skipped.reason).toBe(reason);
    expect(result.skipped.detail).not.toBe("");
    expect(result.skipped.sample.length).toBeLessThanOrEqual(500);
  });

  test("the skipped sample is redacted", () => {
    const result = normalizeEntry(
      base({ timestamp: "nope", textPayload: "token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 leaked" }),
      OPTIONS,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.skipped.sample).toContain("[REDACTED:github-token]");
      expect(result.skipped.sample).not.toContain("ghp_aBcD");
    }
  });

  test("a throwing redactor becomes a skip", () => {
    const result = normalizeEntry(base(), {
      ...OPTIONS,
      redact: () => {
        throw new Error("boom");
      },
    });
    expect(result).toMatchObject({ ok: false, skipped: { reason: "invalid-entry" } });
  });

  test("a null payload next to an httpRequest is a request log", () => {
    expect(normalized(base({ textPayload: null, httpRequest: { requestMethod: "GET", requestUrl: "/", status: 200 } })).kind).toBe(
      "request",
    );
  });

  test("very deep payloads", () => {
    let deep: Record<string, unknown> = { message: "bottom" };
    for (let i = 0; i < 5000; i++) deep = { child: deep };
    const result = normalizeEntry(base({ textPayload: undefined, jsonPayload: { message: "top", deep } }), OPTIONS);
    expect(result.ok).toBe(true);
  });

  test("a __proto__ key does not pollute", () => {
    const raw = JSON.parse('{"timestamp":"2025-09-15T01:00:00Z","jsonPayload":{"message":"m","__proto__":{"polluted":true}}}') as unknown;
    const entry = normalized(raw);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf((entry.sample as { jsonPayload: object }).jsonPayload)).toBe(Object.prototype);
  });

  test("never throws on arbitrary JSON, and bounds what it returns", () => {
    const anyEntry = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          timestamp: fc.oneof(fc.constant("2025-09-15T01:00:00Z"), fc.string()),
          jsonPayload: fc.jsonValue(),
          textPayload: fc.string({ unit: "binary" }),
          severity: fc.jsonValue(),
        },
        { requiredKeys: ["timestamp"] },
      ),
      fc.record({
        timestamp: fc.constant("2025-09-15T01:00:00.123456789+05:30"),
        jsonPayload: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 8 })),
      }),
    );
    fc.assert(
      fc.property(anyEntry, (raw) => {
        const result = normalizeEntry(raw, OPTIONS);
        if (result.ok) {
          expect(JSON.stringify(result.entry.sample).length).toBeLessThan(5000);
          expect(result.entry.message.length).toBeLessThan(2100);
        } else {
          expect(result.skipped.sample.length).toBeLessThanOrEqual(500);
        }
      }),
      { numRuns: 500, seed: 20250915 },
    );
  });
});

describe("sample bounds", () => {
  test("long strings are cut with a note, depth and size are bounded", () => {
    let deep: Record<string, unknown> = { leaf: "x" };
    for (let i = 0; i < 10; i++) deep = { level: deep };
    const entry = normalized(
      base({
        textPayload: undefined,
        jsonPayload: { message: "m", blob: "y ".repeat(3000), deep, list: Array.from({ length: 100 }, (_, i) => i) },
      }),
    );
    const text = JSON.stringify(entry.sample);
    expect(text).toMatch(/…\[cut \d+ chars\]/);
    expect(text).toContain("[depth limit]");
    expect(text.length).toBeLessThanOrEqual(4400);
  });

  test("escape-heavy strings count at their JSON size", () => {
    const nasty = '\u0001"\\'.repeat(2000);
    const entry = normalized(
      base({ textPayload: undefined, jsonPayload: { message: "m", a: nasty, b: nasty, c: nasty, d: { e: nasty, f: [nasty, nasty] } } }),
    );
    expect(JSON.stringify(entry.sample).length).toBeLessThanOrEqual(4400);
  });
});

describe("redacted stack traces", () => {
  const trace = `Error: token rejected\n    at login (/app/src/auth/ada@example.com.js:10:5)\n    at main (/app/src/index.js:3:1)`;

  test("a trace's type and frames are redacted", () => {
    expect(normalized(base({ insertId: "a", textPayload: trace })).exception).toEqual({
      type: "Error",
      frames: ["login ([REDACTED:email])", "main (index.js)"],
    });
  });

  test("each entry's trace goes through the redactor it was normalized with", () => {
    const first = normalized(base({ textPayload: trace }));
    let calls = 0;
    const counting = (text: string) => (calls++, `<${text}>`);
    const second = normalized(base({ textPayload: trace }), { ...OPTIONS, redact: counting });
    expect(second.exception).toEqual({ type: "<Error>", frames: ["<login (ada@example.com.js)>", "<main (index.js)>"] });
    expect(second.exception).not.toBe(first.exception);
    expect(calls).toBeGreaterThanOrEqual(3);
  });
});

describe("stack traces without a severity", () => {
  test("a DEFAULT-severity stderr stack trace counts as ERROR; a plain DEFAULT line stays DEFAULT", () => {
    const redact = (t: string) => t;
    const base = {
      timestamp: "2025-09-15T01:00:00Z",
      insertId: "x",
      logName: "projects/p/logs/run.googleapis.com%2Fstderr",
      resource: { type: "cloud_run_revision", labels: { service_name: "svc" } },
    };
    const trace = normalizeEntry(
      { ...base, textPayload: 'Traceback (most recent call last):\n  File "/app/a.py", line 1, in f\n    g()\nValueError: bad' },
      { maxMessageBytes: 65536, redact },
    );
    const plain = normalizeEntry({ ...base, textPayload: "listening on :8080" }, { maxMessageBytes: 65536, redact });
    expect(trace.ok && trace.entry.severity).toBe("ERROR");
    expect(plain.ok && plain.entry.severity).toBe("DEFAULT");
  });
});

describe("parseTimestamp", () => {
  test("reads RFC 3339 to epoch milliseconds and refuses what is not", () => {
    expect(parseTimestamp("2025-09-15T01:02:03Z")).toBe(Date.parse("2025-09-15T01:02:03Z"));
    expect(parseTimestamp("2025-09-15T01:02:03.123456789Z")).toBe(Date.parse("2025-09-15T01:02:03.123Z"));
    expect(parseTimestamp("2025-09-15T01:02:03.5Z")).toBe(Date.parse("2025-09-15T01:02:03.500Z"));
    expect(parseTimestamp("2025-09-15T03:02:03+02:00")).toBe(Date.parse("2025-09-15T01:02:03Z"));
    for (const bad of [
      "2025-09-15T01:02:03.Z",
      "2025-09-15T01:02:03.12a4Z",
      "2025-02-30T01:02:03Z",
      "2025-09-15T01:02:03.1234567890Z",
      "2025-09-15T01:02:03",
    ]) {
      expect(parseTimestamp(bad)).toBeUndefined();
    }
  });
});
