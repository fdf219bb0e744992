import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { checkInputFile, FileLogSource, splitJsonRecords } from "../../src/adapters/file-log-source";
import { ConfigError } from "../../src/errors";
import { UnparseableRecord } from "../../src/core/types";
import type { SourceReport } from "../../src/ports";

async function collect(text: string | string[], max = 1024 * 1024): Promise<(string | UnparseableRecord)[]> {
  const chunks = Array.isArray(text) ? text : [text];
  const out: (string | UnparseableRecord)[] = [];
  for await (const r of splitJsonRecords(Readable.from(chunks.map((c) => Buffer.from(c))), max)) out.push(r);
  return out;
}

describe("splitJsonRecords", () => {
  test("a pretty-printed JSON array, split across chunks anywhere", async () => {
    const text = JSON.stringify([{ a: "x,}]" }, { b: [1, { c: '"}' }] }], null, 2);
    for (let cut = 1; cut < text.length; cut += 7) {
      const records = await collect([text.slice(0, cut), text.slice(cut)]);
      expect(records.map((r) => JSON.parse(r as string))).toEqual([{ a: "x,}]" }, { b: [1, { c: '"}' }] }]);
    }
  });

  test("JSON lines, with a broken line counted and the next one kept", async () => {
    const records = await collect('{"a":1}\n{"b": \n{"c":3}\n');
    expect(records[0]).toBe('{"a":1}');
    expect(records[1]).toBeInstanceOf(UnparseableRecord);
    expect(records[2]).toBe('{"c":3}');
  });

  test("scalars in the array come through as records for normalization to reject", async () => {
    const records = await collect('[{"a":1}, "not an entry", 42, null]');
    expect(records).toEqual(['{"a":1}', '"not an entry"', "42", "null"]);
  });

  test("a record over the size cap is skipped whole, not buffered", async () => {
    const big = JSON.stringify({ m: "x".repeat(5000) });
    const records = await collect(`[${big}, {"ok":true}]`, 1000);
    expect(records[0]).toBeInstanceOf(UnparseableRecord);
    expect((records[0] as UnparseableRecord).error).toMatch(/larger than 1000 bytes/);
    expect(records[1]).toBe('{"ok":true}');
  });

  test("input that ends inside a record is reported", async () => {
    const records = await collect('[{"a":1}, {"b":');
    expect(records[1]).toBeInstanceOf(UnparseableRecord);
  });
});

describe("FileLogSource", () => {
  const entries = (service: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({ timestamp: `2025-09-15T01:0${i}:00Z`, resource: { labels: { service_name: service } } }));

  test("caps entries per service and records the truncation with the last timestamp read", async () => {
    const stdin = Readable.from([JSON.stringify([...entries("a", 5), ...entries("b", 2)])]);
    const source = new FileLogSource({ path: "-", stdin });
    const report: SourceReport = { truncations: [], notes: [] };
    const out: unknown[] = [];
    for await (const e of source.listEntries(
      { window: { start: 0, end: 1 }, services: [], minSeverity: "WARNING", maxEntriesPerService: 3 },
      report,
    ))
      out.push(e);
    expect(out).toHaveLength(5);
    expect(report.truncations).toEqual([
      { service: "a", read: 3, upTo: "2025-09-15T01:02:00Z", reason: "max entries per service (3) reached" },
    ]);
  });
});

describe("checkInputFile", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "lg-input-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("a readable file and stdin pass; a missing file or a folder is a ConfigError naming the path", () => {
    const file = path.join(dir, "export.json");
    writeFileSync(file, "[]");
    expect(() => checkInputFile(file)).not.toThrow();
    expect(() => checkInputFile("-")).not.toThrow();
    expect(() => checkInputFile(path.join(dir, "nope.json"))).toThrow(ConfigError);
    expect(() => checkInputFile(path.join(dir, "nope.json"))).toThrow(
      `LOG_GARDENER_INPUT (--input): cannot read ${JSON.stringify(path.join(dir, "nope.json"))}: no such file`,
    );
    expect(() => checkInputFile(dir)).toThrow("is a directory, not a file");
  });

  // Root reads any file whatever its mode, so the permission case only runs as another user.
  (process.getuid?.() === 0 ? test.skip : test)("a file without read permission is a ConfigError", () => {
    const file = path.join(dir, "locked.json");
    writeFileSync(file, "[]");
    chmodSync(file, 0o000);
    expect(() => checkInputFile(file)).toThrow("permission denied");
  });
});
