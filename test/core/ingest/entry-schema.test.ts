import fc from "fast-check";
import { isCommonLogEntry, logEntrySchema } from "../../../src/core/ingest/entry-schema";

const value = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined));
const field = <T>(arb: fc.Arbitrary<T>) =>
  fc.option(
    fc.oneof({ arbitrary: arb, weight: 12 }, { arbitrary: value, weight: 1 }, { arbitrary: fc.dictionary(fc.string(), value), weight: 1 }),
    { nil: undefined },
  );

/** LogEntry-like records: mostly right-typed fields, now and then a wrong one. */
const entryLike = fc.record(
  {
    timestamp: fc.oneof({ arbitrary: fc.constant("2025-09-15T01:00:00Z"), weight: 8 }, { arbitrary: value, weight: 1 }),
    insertId: field(fc.string()),
    logName: field(fc.string()),
    severity: field(fc.oneof(fc.constantFrom("ERROR", "WARNING"), fc.constantFrom(400, 500))),
    labels: field(fc.dictionary(fc.string(), fc.string())),
    resource: field(
      fc.record({ type: fc.string(), labels: fc.dictionary(fc.string(), fc.oneof(fc.string(), value)) }, { requiredKeys: [] }),
    ),
    jsonPayload: field(fc.dictionary(fc.string(), fc.jsonValue())),
    textPayload: field(fc.string()),
    httpRequest: field(
      fc.record(
        {
          requestMethod: fc.oneof(fc.string(), fc.string(), value),
          responseSize: fc.oneof(fc.integer().map(String), fc.string(), value),
          status: fc.oneof(fc.integer(), fc.integer(), fc.string(), value),
          latency: fc.oneof(fc.constant("0.12s"), fc.constant("3s"), fc.string(), value),
          requestUrl: fc.string(),
        },
        { requiredKeys: [] },
      ),
    ),
    trace: field(fc.string()),
    traceSampled: field(fc.boolean()),
    sourceLocation: field(
      fc.record(
        {
          file: fc.oneof(fc.string(), fc.string(), value),
          line: fc.oneof(fc.integer().map(String), fc.integer(), fc.string(), fc.double(), value),
          function: fc.oneof(fc.string(), fc.string(), value),
        },
        { requiredKeys: [] },
      ),
    ),
    protoPayload: fc.option(fc.dictionary(fc.string(), value), { nil: undefined, freq: 2 }),
  },
  { requiredKeys: ["timestamp"] },
);

describe("isCommonLogEntry", () => {
  test("whatever the fast path accepts, the schema accepts", () => {
    let accepted = 0;
    fc.assert(
      fc.property(entryLike, (r) => {
        const record = JSON.parse(JSON.stringify(r)) as Record<string, unknown>;
        if (isCommonLogEntry(record)) {
          accepted++;
          expect(logEntrySchema.safeParse(record).success).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(20); // the property is not vacuous
  });

  test("the usual Cloud Run entry takes the fast path; odd ones do not", () => {
    const ok = {
      timestamp: "2025-09-15T01:00:00Z",
      insertId: "a",
      severity: "ERROR",
      resource: { type: "cloud_run_revision", labels: { service_name: "s" } },
      jsonPayload: { message: "m" },
    };
    expect(isCommonLogEntry(ok)).toBe(true);
    expect(isCommonLogEntry({ ...ok, httpRequest: { status: 500, responseSize: "1234", latency: "0.012s" } })).toBe(true);
    expect(isCommonLogEntry({ ...ok, httpRequest: { status: "500" } })).toBe(true);
    expect(isCommonLogEntry({ ...ok, httpRequest: { status: "5xx" } })).toBe(false);
    expect(isCommonLogEntry({ ...ok, httpRequest: { responseSize: Number.POSITIVE_INFINITY } })).toBe(false);
    expect(isCommonLogEntry({ ...ok, labels: { n: 1 } })).toBe(false);
    expect(isCommonLogEntry({ ...ok, jsonPayload: [] })).toBe(false);
    expect(isCommonLogEntry({ ...ok, protoPayload: {} })).toBe(false);
    expect(isCommonLogEntry({ ...ok, sourceLocation: { file: "src/db.ts", line: "42", function: "query" } })).toBe(true);
    expect(isCommonLogEntry({ ...ok, sourceLocation: { file: "src/db.ts", line: 42 } })).toBe(true);
    expect(isCommonLogEntry({ ...ok, sourceLocation: { line: "forty-two" } })).toBe(false);
    expect(isCommonLogEntry({ ...ok, sourceLocation: { file: 7 } })).toBe(false);
  });
});
