import { locateStackTrace, parseStackTrace } from "../../../src/core/ingest/stacktrace";

interface Case {
  readonly name: string;
  readonly text: string;
  readonly type: string;
  readonly message: string;
  readonly frames: readonly string[];
}

const CASES: readonly Case[] = [
  {
    name: "Python traceback, innermost frame first",
    text: [
      "Traceback (most recent call last):",
      '  File "/app/worker.py", line 41, in <module>',
      "    main()",
      '  File "/app/jobs/process.py", line 112, in process',
      '    total = sum(item["amount"] for item in batch)',
      "KeyError: 'amount'",
    ].join("\n"),
    type: "KeyError",
    message: "'amount'",
    frames: ["process (process.py)", "<module> (worker.py)"],
  },
  {
    name: "Python chained exceptions: the last one wins",
    text: [
      "Traceback (most recent call last):",
      '  File "/app/db.py", line 10, in connect',
      "ConnectionRefusedError: [Errno 111] Connection refused",
      "",
      "During handling of the above exception, another exception occurred:",
      "",
      "Traceback (most recent call last):",
      '  File "/app/api.py", line 55, in handler',
      "    db.connect()",
      "app.errors.DatabaseUnavailable: primary is down",
    ].join("\n"),
    type: "app.errors.DatabaseUnavailable",
    message: "primary is down",
    frames: ["handler (api.py)"],
  },
  {
    name: "Java with Caused by and ... more",
    text: [
      'Exception in thread "main" java.lang.IllegalStateException: Connection pool exhausted (max=20)',
      "\tat com.acme.db.Pool.acquire(Pool.java:214)",
      "\tat com.acme.db.Repository.findById(Repository.java:77)",
      "\tat com.acme.api.UserHandler.handle(UserHandler.java:45)",
      "\tat io.undertow.server.Connectors.executeRootHandler(Connectors.java:387)",
      "Caused by: java.util.concurrent.TimeoutException: waited 30000 ms",
    ].join("\n"),
    type: "java.lang.IllegalStateException",
    message: "Connection pool exhausted (max=20)",
    frames: [
      "com.acme.db.Pool.acquire (Pool.java)",
      "com.acme.db.Repository.findById (Repository.java)",
      "com.acme.api.UserHandler.handle (UserHandler.java)",
    ],
  },
  {
    name: "Java without thread prefix, Native Method frame",
    text: "java.lang.NullPointerException\n\tat sun.reflect.NativeMethodAccessorImpl.invoke0(Native Method)\n\tat com.acme.Main.run(Main.java:9)",
    type: "java.lang.NullPointerException",
    message: "",
    frames: ["sun.reflect.NativeMethodAccessorImpl.invoke0 (Native Method)", "com.acme.Main.run (Main.java)"],
  },
  {
    name: "Node with async frames and node:internal skipped",
    text: [
      "TypeError: Cannot read properties of undefined (reading 'currency')",
      "    at priceOrder (/app/dist/orders/pricing.js:88:31)",
      "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
      "    at async OrdersService.create (file:///app/dist/orders/service.mjs:142:22)",
      "    at /app/dist/server.js:12:7",
    ].join("\n"),
    type: "TypeError",
    message: "Cannot read properties of undefined (reading 'currency')",
    frames: ["priceOrder (pricing.js)", "OrdersService.create (service.mjs)", "<anonymous> (server.js)"],
  },
  {
    name: "Node async frame of Promise.all: the element's index is not part of the frame",
    text: [
      "TypeError: Cannot read properties of undefined (reading 'tenantId')",
      "    at signPayload (/app/dist/signing/sign.js:41:38)",
      "    at async Promise.all (index 7)",
      "    at async Outbox.flush (/app/dist/outbox/outbox.js:87:5)",
    ].join("\n"),
    type: "TypeError",
    message: "Cannot read properties of undefined (reading 'tenantId')",
    frames: ["signPayload (sign.js)", "Promise.all", "Outbox.flush (outbox.js)"],
  },
  {
    name: "Node error with a code",
    text: "Error [ERR_STREAM_PREMATURE_CLOSE]: Premature close\n    at onclose (node:events:12:3)\n    at Gunzip.emit (/app/node_modules/minipass/index.js:10:5)",
    type: "Error",
    message: "Premature close",
    frames: ["onclose (node:events)", "Gunzip.emit (index.js)"],
  },
  {
    name: "Go panic, runtime frames skipped, arguments dropped",
    text: [
      "panic: runtime error: index out of range [5] with length 3",
      "",
      "goroutine 1 [running]:",
      "runtime.gopanic({0x4b4f20, 0xc000014090})",
      "\t/usr/local/go/src/runtime/panic.go:770 +0x132",
      "main.lookup(...)",
      "\t/src/main.go:12",
      "main.main()",
      "\t/src/main.go:20 +0x1d",
      "exit status 2",
    ].join("\n"),
    type: "panic: runtime error",
    message: "index out of range [5] with length 3",
    frames: ["main.lookup (main.go)", "main.main (main.go)"],
  },
  {
    name: "Go custom panic",
    text: "panic: config: missing DATABASE_URL\n\ngoroutine 1 [running]:\nmain.mustConfig()\n\t/src/config.go:31 +0x85\nmain.main()\n\t/src/main.go:9 +0x25",
    type: "panic",
    message: "config: missing DATABASE_URL",
    frames: ["main.mustConfig (config.go)", "main.main (main.go)"],
  },
  {
    name: "Go frames without a panic (zap's stacktrace field)",
    text: "main.(*Worker).run\n\t/src/worker.go:40\nmain.main\n\t/src/main.go:12",
    type: "error",
    message: "",
    frames: ["main.(*Worker).run (worker.go)", "main.main (main.go)"],
  },
];

describe("parseStackTrace", () => {
  test.each(CASES)("$name", ({ text, type, message, frames }) => {
    expect(parseStackTrace(text)).toEqual({ type, message, frames });
  });

  test("keeps at most three frames", () => {
    const text = ["Error: deep", ...Array.from({ length: 10 }, (_, i) => `    at f${i} (/app/x${i}.js:${i}:1)`)].join("\n");
    expect(parseStackTrace(text)?.frames).toEqual(["f0 (x0.js)", "f1 (x1.js)", "f2 (x2.js)"]);
  });

  test("frames don't change when line numbers do", () => {
    const a = "Error: boom\n    at run (/app/a.js:10:5)";
    const b = "Error: boom\n    at run (/app/a.js:97:12)";
    expect(parseStackTrace(a)).toEqual(parseStackTrace(b));
  });

  test.each([
    ["single line", "Error: boom"],
    ["multi-line prose", "Starting server\nlistening on :8080"],
    ["an 'at' in prose", "retrying\n    at least once more"],
    ["empty", ""],
  ])("no trace in %s", (_name, text) => {
    expect(parseStackTrace(text)).toBeUndefined();
  });
});

describe("locateStackTrace", () => {
  test("gives the first non-blank line before the trace as its lead, trimmed and without a trailing colon", () => {
    const trace = 'Traceback (most recent call last):\r\n  File "/app/pay.py", line 9, in charge\r\nValueError: card declined';
    expect(locateStackTrace(`\r\n   \r\n  Failed to charge order 42:  \r\n${trace}`)).toMatchObject({
      type: "ValueError",
      startLine: 3,
      lead: "Failed to charge order 42",
    });
    expect(locateStackTrace(trace)?.lead).toBeUndefined();
  });
});

// The jest timeout is the guard against a hang. Lines are cut to 1,000 characters before the
// frame regexes run, frame names to 200 and messages to 500: the result is what those cuts give.
describe("parseStackTrace on hostile input", () => {
  test.each([
    // No look-alike ever closes its parenthesis: not a frame, so no trace.
    ["a long line of Node frame look-alikes", `Error: x\n    at ${" (".repeat(30000)}`, undefined],
    [
      "a long Go function line",
      `panic: x\n\ngoroutine 1 [running]:\n${"f(".repeat(30000)}\n\t/a.go:1`,
      { type: "panic", message: "x", frames: [`${"f(".repeat(100)} (a.go)`] },
    ],
    ["many short frame-like lines", `Error: x\n${"    at a (b (c (d\n".repeat(3000)}`, undefined],
    // Cut to 1,000 characters the line no longer ends in "Error: x"; it is kept as the message.
    [
      "a long exception name",
      `${"A".repeat(60000)}Error: x\n    at f (/a.js:1:1)`,
      { type: "Error", message: `${"A".repeat(500)}…`, frames: ["f (a.js)"] },
    ],
  ])("%s gives a bounded result", (_name, text, expected) => {
    expect(parseStackTrace(text)).toEqual(expected);
  });
});
