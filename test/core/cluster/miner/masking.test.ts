import fc from "fast-check";
import { compileMasks, maskMessage } from "../../../../src/core/cluster/miner/masking";
import { shapeKey } from "../../../../src/core/cluster/miner/shape-key";
import { headLine, MAX_CHARS, MAX_TOKENS } from "../../../../src/core/cluster/miner/tokenize";

const masked = (message: string, masks: { name: string; pattern: string }[] = []): string =>
  maskMessage(message, compileMasks(masks)).tokens.join(" ");

describe("maskMessage: one case per variable kind", () => {
  const cases: [kind: string, input: string, template: string, params: string[]][] = [
    ["integer", "retry 3 of 10", "retry <*> of <*>", ["3", "10"]],
    [
      "12-hour clock time",
      "[Nest] 1 - 11/28/2026, 10:04:12 PM, ERROR x",
      "[Nest] <*> - <*>, <*>, ERROR x",
      ["1", "11/28/2026", "10:04:12 PM"],
    ],
    ["AM as a word, no time before it", "AM radio 7 on", "AM radio <*> on", ["7"]],
    ["negative and float", "delta -12 ratio 0.25", "delta <*> ratio <*>", ["-12", "0.25"]],
    ["hex with 0x", "machine check 0x00002000", "machine check <*>", ["0x00002000"]],
    ["hex without digits", "mask ffffffff set", "mask <*> set", ["ffffffff"]],
    ["hex id", "request 54fadb412c4e40cdbaed9335e4c35a9e done", "request <*> done", ["54fadb412c4e40cdbaed9335e4c35a9e"]],
    ["id with prefix", "Deleting block blk_-6952295868487656571", "Deleting block <*>", ["blk_-6952295868487656571"]],
    ["dotted id", "generating core.4900", "generating core.<*>", ["4900"]],
    ["IPv4", "connection from 10.0.0.12", "connection from <*>", ["10.0.0.12"]],
    ["IP with port", "dest: /10.251.43.115:50010", "dest: <*>", ["/10.251.43.115:50010"]],
    ["host with port", "open proxy.example.com:5070 now", "open <*> now", ["proxy.example.com:5070"]],
    ["host name", "rhost=node.example.org user=alice", "rhost=<*> user=alice", ["node.example.org"]],
    ["path", "Deleting file /var/lib/data/f1.bin", "Deleting file <*>", ["/var/lib/data/f1.bin"]],
    ["relative path", "loading ./conf/app.yaml", "loading <*>", ["./conf/app.yaml"]],
    ["windows path", "open C:\\Users\\me\\a.txt failed", "open <*> failed", ["C:\\Users\\me\\a.txt"]],
    ["URL", "GET https://api.example.com/v1/items?id=3 failed", "GET <*> failed", ["https://api.example.com/v1/items?id=3"]],
    ["email", "mail to ops@example.com bounced", "mail to <*> bounced", ["ops@example.com"]],
    [
      "UUID",
      "[instance: 17288ea8-cbf4-4f0e-94fe-853fd2735f29] started",
      "[instance: <*>] started",
      ["17288ea8-cbf4-4f0e-94fe-853fd2735f29"],
    ],
    ["duration", "took 350ms", "took <*>", ["350ms"]],
    ["duration with unit word", "renew lease for 113 seconds.", "renew lease for <*>.", ["113 seconds"]],
    ["size with restatement", "x close, 403 bytes (0.39 KB) sent", "x close, <*> sent", ["403 bytes (0.39 KB)"]],
    ["size", "allocated 64MB", "allocated <*>", ["64MB"]],
    ["size closing a bracket", "(size 12.0 KB, free 1.2 GB)", "(size <*>, free <*>)", ["12.0 KB", "1.2 GB"]],
    ["ISO timestamp", "at 2025-09-15T01:02:03.123Z ok", "at <*> ok", ["2025-09-15T01:02:03.123Z"]],
    ["time of day", "at 12:16:49 ok", "at <*> ok", ["12:16:49"]],
    ["syslog timestamp", "connection at Sat Jul  9 12:16:49 2005", "connection at <*>", ["Sat Jul 9 12:16:49 2005"]],
    ["key=value with digits", "vis=0x8 mask=1 oldVal=40000500", "vis=<*> mask=<*> oldVal=<*>", ["0x8", "1", "40000500"]],
    ["key=value list", "num=1,flags=0x1,total=3", "num=<*>,flags=<*>,total=<*>", ["1", "0x1", "3"]],
    ["key=value word left alone", "state=RUNNING", "state=RUNNING", []],
    [
      "key=value qualified name",
      "name=com.android.phone, cmp=com.example/.Main",
      "name=<*>, cmp=<*>",
      ["com.android.phone", "com.example/.Main"],
    ],
    ["key=value quoted", 'tag="RILJ_ACK_WL", name=x', 'tag="<*>", name=x', ["RILJ_ACK_WL"]],
    [
      "key=value in a call",
      "setLightsOn(true) bounds=Rect(0, 0 - 1080, 1920)",
      "setLightsOn(<*>) bounds=Rect(<*>, <*> - <*>, <*>)",
      ["true", "0", "0", "1080", "1920"],
    ],
    ["literals", "enabled false, value null", "enabled <*>, value <*>", ["false", "null"]],
    ["words stay", "ERROR IN CONTACTING RM.", "ERROR IN CONTACTING RM.", []],
  ];
  it.each(cases)("%s", (_kind, input, template, params) => {
    const m = maskMessage(input);
    expect(m.tokens.join(" ")).toBe(template);
    expect(m.params).toEqual(params);
  });
});

describe("maskMessage: input limits", () => {
  it("uses the first non-blank line of a multi-line message", () => {
    expect(masked("\n  \nTimeout after 30s\n    at handler (/app/x.js:10:5)")).toBe("Timeout after <*>");
  });
  it("caps huge messages in characters and tokens", () => {
    const huge = Array.from({ length: 5000 }, (_, i) => `w${i % 7 === 0 ? i : "x"}`).join(" ");
    const m = maskMessage(huge);
    expect(m.tokens.length).toBeLessThanOrEqual(MAX_TOKENS);
    expect(headLine(huge).length).toBeLessThanOrEqual(2048);
  });
  it("handles empty and blank messages", () => {
    expect(maskMessage("").tokens).toEqual([]);
    expect(maskMessage(" \n\t").tokens).toEqual([]);
  });
});

describe("user masks", () => {
  it("masks what the pattern matches, keeping the value in order", () => {
    const m = maskMessage("order ORD-ABC-XYZ for acme failed", compileMasks([{ name: "order", pattern: "ORD-[A-Z]+-[A-Z]+" }]));
    expect(m.tokens.join(" ")).toBe("order <*> for acme failed");
    expect(m.params).toEqual(["ORD-ABC-XYZ"]);
  });
  it("names the mask when its pattern is invalid", () => {
    expect(() => compileMasks([{ name: "broken", pattern: "(" }])).toThrow(/mask broken/);
  });
});

describe("shapeKey", () => {
  it("is equal for lines that differ only in their values", () => {
    expect(shapeKey("PacketResponder 1 for block blk_38865049064139660 terminating")).toBe(
      shapeKey("PacketResponder 2 for block blk_-6670958622368987959 terminating"),
    );
  });
  it("reads the head line as masking does, capped the same way", () => {
    const long = "x".repeat(MAX_CHARS - 2) + " 12345 tail";
    expect(shapeKey(`\n \n${long}\nsecond`)).toBe(shapeKey(headLine(long)));
    expect(maskMessage(long).tokens).toEqual(maskMessage(`${long.slice(0, MAX_CHARS)}`).tokens);
  });

  it("tells apart lines whose constant words differ", () => {
    expect(shapeKey("session opened for user root")).not.toBe(shapeKey("session closed for user root"));
  });
  it("never gives one key to lines that mask differently", () => {
    const alphabet = fc.constantFrom(...'ab0129 .:/-_=(),xZJul@"\n\t\f'.split(""));
    const line = fc.array(alphabet, { maxLength: 40 }).map((cs) => cs.join(""));
    fc.assert(
      fc.property(line, line, (a, b) => {
        if (shapeKey(a) === shapeKey(b)) {
          expect(maskMessage(a).tokens).toEqual(maskMessage(b).tokens);
        }
      }),
      { numRuns: 3000 },
    );
    // and the same for a line against itself with its digits changed
    fc.assert(
      fc.property(line, fc.integer({ min: 0, max: 9 }), (a, d) => {
        const b = a.replace(/\d/g, String(d));
        if (shapeKey(a) === shapeKey(b)) expect(maskMessage(a).tokens).toEqual(maskMessage(b).tokens);
      }),
      { numRuns: 3000 },
    );
  });
});
