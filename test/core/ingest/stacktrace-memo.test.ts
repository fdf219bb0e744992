import fc from "fast-check";
import { redactedException } from "../../../src/core/ingest/message";
import { locateStackTrace } from "../../../src/core/ingest/stacktrace";
import { StackTraceMemo } from "../../../src/core/ingest/stacktrace-memo";

const TEXTS = [
  "Error: boom\n    at run (/app/a.js:10:5)\n    at main (/app/index.js:3:1)",
  'Traceback (most recent call last):\n  File "/app/pay.py", line 9, in charge\nValueError: card declined for ada@example.com',
  "panic: runtime error: index out of range\n\ngoroutine 1 [running]:\nmain.handler(0x1)\n\t/app/main.go:42 +0x1d",
  "Failed to charge order 42:\njava.lang.IllegalStateException: closed\n\tat com.shop.Pay.charge(Pay.java:77)",
  "two lines\nbut no trace",
  "one line",
  `Error: long\n${"    at f (/app/x.js:1:1)\n".repeat(400)}`,
];
const redact = (text: string) => text.replace(/[\w.]+@[\w.]+/g, "[REDACTED:email]");

describe("StackTraceMemo", () => {
  test("gives what locateStackTrace and redactedException give, whatever the order and however many texts push older ones out", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom(...TEXTS),
            fc.integer({ min: 0, max: 40 }).map((i) => `Error: e${i}\n    at f (/app/x${i}.js:1:1)`),
          ),
          { maxLength: 60 },
        ),
        (texts) => {
          const memo = new StackTraceMemo(8, 2000);
          for (const text of texts) {
            const plain = locateStackTrace(text);
            const memoized = memo.locate(text);
            expect(memoized).toEqual(plain);
            if (plain && memoized) expect(memo.exception(memoized, redact)).toEqual(redactedException(plain, redact));
          }
        },
      ),
      { numRuns: 300, seed: 18 },
    );
  });

  test("a trace seen before is the same object, frozen, and its redaction follows the redactor asked for", () => {
    const memo = new StackTraceMemo();
    const a = memo.locate(TEXTS[1]!)!;
    expect(memo.locate(TEXTS[1]!)).toBe(a);
    expect(() => (a.frames as string[]).push("x")).toThrow(TypeError);
    expect(memo.exception(a, redact)).toBe(memo.exception(a, redact));
    expect(memo.exception(a, (t) => `<${t}>`)).toEqual({ type: "<ValueError>", frames: ["<charge (pay.py)>"] });
  });
});
