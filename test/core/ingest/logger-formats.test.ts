import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import {
  describeJsonContent,
  errorObject,
  loggerLevel,
  parseLoggerLevel,
  payloadShape,
  payloadText,
  readLoggerFields,
  renderMessageTemplate,
} from "../../../src/core/ingest/logger-formats";

function payloads(name: string): Record<string, unknown>[] {
  const entries = JSON.parse(readFileSync(join(__dirname, "../../fixtures/entries/loggers", `${name}.json`), "utf8")) as {
    jsonPayload: Record<string, unknown>;
  }[];
  return entries.map((e) => e.jsonPayload);
}

describe("readLoggerFields: one case per logger shape", () => {
  it("pino: msg, err.{type, message, stack}", () => {
    const [first] = payloads("pino");
    const f = readLoggerFields(first!);
    expect(f.message).toBe("unhandled error in POST /api/orders");
    expect(f.exception).toMatchObject({ type: "TypeError", message: "Cannot read properties of undefined (reading 'currency')" });
    expect(f.stackTexts[0]).toMatch(/^TypeError: Cannot read/);
  });

  it("pino: err without a stack is a typed exception with no trace", () => {
    const f = readLoggerFields(payloads("pino")[3]!);
    expect(f.exception).toEqual({ type: "StripeCardError", message: "Your card was declined.", stack: undefined, frames: undefined });
    expect(f.stackTexts).toEqual([]);
  });

  it("bunyan: err.name is the type", () => {
    expect(readLoggerFields(payloads("bunyan")[0]!).exception?.type).toBe("TypeError");
  });

  it("winston: message and a top-level stack", () => {
    const f = readLoggerFields(payloads("winston")[0]!);
    expect(f.message).toMatch(/^unhandled error in POST/);
    expect(f.stackTexts).toHaveLength(1);
  });

  it("zap: msg, error string as error text, stacktrace", () => {
    const f = readLoggerFields(payloads("zap")[0]!);
    expect(f.message).toBe("failed to load thumbnail");
    expect(f.errorText).toBe("storage: object doesn't exist");
    expect(f.stackTexts[0]).toMatch(/handleThumb/);
  });

  it("slog: msg and err", () => {
    const f = readLoggerFields(payloads("slog")[0]!);
    expect(f.message).toBe("upstream call failed");
    expect(f.errorText).toBe("dial tcp: lookup inventory.internal on 169.254.169.254:53: no such host");
    expect(f.exception).toBeUndefined();
  });

  it("logstash-logback-encoder: message and stack_trace", () => {
    const f = readLoggerFields(payloads("logstash-logback")[0]!);
    expect(f.message).toBe("Failed to post journal entry 8812");
    expect(f.stackTexts[0]).toMatch(/^java.lang.IllegalStateException: Journal is closed/);
  });

  it("Serilog: @mt rendered with the properties, @x as the trace; @m when rendered", () => {
    const [first, , rendered] = payloads("serilog");
    const f = readLoggerFields(first!);
    expect(f.message).toBe("Failed to charge invoice INV-2041 after 1532.4 ms");
    expect(f.stackTexts[0]).toMatch(/^System.TimeoutException/);
    expect(readLoggerFields(rendered!).message).toBe('Failed to charge invoice "INV-2050" after 1620.0 ms');
  });

  it("python-json-logger: message and exc_info", () => {
    const f = readLoggerFields(payloads("python-json-logger")[0]!);
    expect(f.message).toBe("Failed to score batch");
    expect(f.stackTexts[0]).toMatch(/^Traceback/);
  });

  it("structlog: event and exception text; dict_tracebacks as data frames", () => {
    const [text, , dict] = payloads("structlog");
    expect(readLoggerFields(text!).message).toBe("Failed to score batch");
    expect(readLoggerFields(text!).stackTexts[0]).toMatch(/^Traceback/);
    expect(readLoggerFields(dict!).exception).toEqual({
      type: "ValueError",
      message: "feature vector has 96 columns, expected 128",
      stack: undefined,
      frames: ["predict (model.py)", "score_batch (scoring.py)"],
    });
  });

  it("google-cloud-logging: the traceback is in the message", () => {
    const f = readLoggerFields(payloads("google-cloud-logging")[0]!);
    expect(f.stackTexts[0]).toBe(f.message);
  });

  it("Error Reporting ReportedErrorEvent: context.reportLocation as file:function", () => {
    const events = payloads("error-reporting");
    expect(readLoggerFields(events[2]!).reportLocation).toBe("payments/refunds.py:reconcile");
    expect(readLoggerFields(events[0]!).reportLocation).toBeUndefined();
  });

  it("a nested {type, value} error object with no message", () => {
    const f = readLoggerFields(payloads("nested-error")[0]!);
    expect(f.message).toBeUndefined();
    expect(f.exception).toMatchObject({
      type: "ModuleNotFoundError",
      message: "No module named 'netra_backend.app.agents.supervisor_ssot'",
    });
  });
});

describe("readLoggerFields: bad input is used as far as it makes sense", () => {
  const bad = payloads("bad-input");

  it("@x that is a number is error text; @x as an object with .NET casing is an exception", () => {
    expect(readLoggerFields(bad[0]!)).toMatchObject({ message: "Sync of acme failed", errorText: "@x=42" });
    expect(readLoggerFields(bad[1]!).exception).toMatchObject({ type: "System.IO.IOException", message: "Broken pipe" });
  });

  it("err as a number", () => {
    expect(readLoggerFields(bad[2]!)).toMatchObject({ message: "write failed", errorText: "err=32" });
  });

  it("error: {} adds nothing", () => {
    const f = readLoggerFields(bad[3]!);
    expect(f).toEqual({ message: "export failed", stackTexts: [] });
  });

  it("a 1 MB stack is read from its first 64 KiB", () => {
    const stack = `Error: too deep\n    at render (/app/render.js:1:1)\n${"    at recurse (/app/render.js:2:2)\n".repeat(30_000)}`;
    const f = readLoggerFields({ msg: "render failed", stack });
    expect(stack.length).toBeGreaterThan(1_000_000);
    expect(f.stackTexts[0]!.length).toBe(64 * 1024);
  });

  it("never throws on odd values", () => {
    for (const v of [null, 0, "", [], [null], { type: 7 }, { message: { message: "x" } }, Number.NaN]) {
      expect(() => readLoggerFields({ err: v, error: v, exception: v, "@x": v, message: v, msg: v, "@mt": v })).not.toThrow();
    }
  });

  it("a type that is a sentence or a number is no type", () => {
    expect(errorObject({ type: "something went wrong here", message: "x" })?.type).toBeUndefined();
    expect(errorObject({ type: 500, message: "x" })?.type).toBeUndefined();
  });
});

describe("renderMessageTemplate", () => {
  it("fills named, destructured, formatted and aligned holes; leaves unknown ones and escapes", () => {
    expect(renderMessageTemplate("{{literal}} {A} {@B} {C:0.0} {D,-8} {Missing}", { A: "a", B: { x: 1 }, C: 1.5, D: true })).toBe(
      '{literal} a {"x":1} 1.5 true {Missing}',
    );
  });
});

describe("loggerLevel", () => {
  it.each([
    [{ level: 60 }, "CRITICAL"],
    [{ level: 50 }, "ERROR"],
    [{ level: 40 }, "WARNING"],
    [{ level: 30 }, "INFO"],
    [{ level: 10 }, "DEBUG"],
    [{ level: "error" }, "ERROR"],
    [{ level: "warn" }, "WARNING"],
    [{ level: "dpanic" }, "CRITICAL"],
    [{ level: "fatal" }, "CRITICAL"],
    [{ level: "ERROR+2" }, "ERROR"],
    [{ level: "INFO+4" }, "WARNING"],
    [{ level: "WARN-8" }, "DEBUG"],
    [{ "@l": "Warning" }, "WARNING"],
    [{ "@l": "Fatal" }, "CRITICAL"],
    [{ "@t": "2025-09-15T01:00:00Z", "@mt": "Started" }, "INFO"],
    [{ levelname: "CRITICAL" }, "CRITICAL"],
    [{ level: "ERROR", level_value: 40000 }, "ERROR"],
    [{ level_value: 30000 }, "WARNING"],
    [{ severity: "WARNING", level: 50 }, "WARNING"],
  ])("%j → %s", (payload, expected) => {
    expect(loggerLevel(payload)).toBe(expected);
  });

  it.each([[{}], [{ level: 35.5 }], [{ level: 99 }], [{ level: "chatty" }], [{ level: null }], [{ level_value: 12345 }]])(
    "%j has none",
    (payload) => {
      expect(loggerLevel(payload)).toBeUndefined();
    },
  );

  it("a LogSeverity number under severity reads as one", () => {
    expect(parseLoggerLevel(500, "severity")).toBe("ERROR");
  });
});

describe("payloads without a message", () => {
  it("shape: sorted field names and value kinds, bookkeeping left out", () => {
    expect(payloadShape({ location: "startup", error: { value: "x", type: "T" }, severity: "ERROR", n: 1, list: [], nil: null })).toBe(
      "error:{type:s,value:s},list:a,location:s,n:n,nil:z",
    );
  });

  it("the first meaningful string, else the scalar fields as key=value", () => {
    expect(payloadText({ id: "6f1c2a4000d7c0e55ab9f01a", event: "lease_lost", partition: 7 })).toBe("lease_lost");
    expect(payloadText({ queue_depth: 1842, oldest_age_s: 913 })).toBe("queue_depth=1842 oldest_age_s=913");
    expect(payloadText({ error: {} })).toBeUndefined();
    expect(payloadText({ outer: { inner: [{ note: "disk almost full" }] } })).toBe("disk almost full");
  });
});

describe("any JSON payload", () => {
  const key = fc.constantFrom(
    "message",
    "msg",
    "@m",
    "@mt",
    "@x",
    "@l",
    "err",
    "error",
    "exception",
    "exc_info",
    "stack",
    "level",
    "event",
    "type",
    "value",
    "frames",
    "@type",
    "context",
    "x",
  );
  const value = fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: "small" },
      fc.string(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie("v"), { maxLength: 3 }),
      fc.dictionary(key, tie("v"), { maxKeys: 4 }),
    ),
  })).v;

  it("is described without throwing, with a message, a fallback or a trace, and the same shape for the same keys", () => {
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 6 }), (payload) => {
        const c = describeJsonContent(payload);
        expect(c.message !== undefined || c.fallback !== undefined || c.trace !== undefined).toBe(true);
        expect(loggerLevel(payload) === undefined || typeof loggerLevel(payload) === "string").toBe(true);
        expect(payloadShape({ ...payload })).toBe(payloadShape(payload));
      }),
      { numRuns: 300 },
    );
  });
});
