import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { messageOf, runTemplatesCommand } from "../../src/commands/templates";

async function run(argv: string[], input: string | string[]): Promise<{ code: number; out: string[]; err: string }> {
  const stdin = Readable.from(typeof input === "string" ? [input] : input);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d: Buffer) => (out += d.toString()));
  stderr.on("data", (d: Buffer) => (err += d.toString()));
  const code = await runTemplatesCommand(argv, { stdin, stdout, stderr });
  return { code, out: out.split("\n").filter((l) => l.length > 0), err };
}

describe("log-gardener templates", () => {
  it("prints one JSON line per input line, in order", async () => {
    const { code, out } = await run(
      [],
      "Received block blk_1 of size 10 from /10.0.0.1\nReceived block blk_2 of size 20 from /10.0.0.2\ndisk full\n",
    );
    expect(code).toBe(0);
    const rows = out.map((l) => JSON.parse(l) as { cluster: string; template: string });
    expect(rows).toHaveLength(3);
    expect(rows[1]).toEqual({ cluster: rows[0]!.cluster, template: "Received block <*> of size <*> from <*>" });
    expect(rows[2]!.template).toBe("disk full");
    expect(rows[2]!.cluster).not.toBe(rows[0]!.cluster);
  });

  it("reads a file given by name", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "templates-"));
    const file = path.join(dir, "in.txt");
    writeFileSync(file, "a 1\na 2\n");
    const { code, out } = await run([file], "");
    expect(code).toBe(0);
    expect(out.map((l) => JSON.parse(l).template)).toEqual(["a <*>", "a <*>"]);
  });

  it("reads LogEntry JSON lines with --format entries, reporting bad ones and going on", async () => {
    const entries = [
      JSON.stringify({ jsonPayload: { message: "user 42 not found" } }),
      "{not json",
      JSON.stringify({ textPayload: "user 43 not found" }),
      JSON.stringify({ jsonPayload: { other: 1 } }),
      JSON.stringify({ jsonPayload: { error: { message: "timeout after 30s" } } }),
    ].join("\n");
    const { code, out, err } = await run(["--format", "entries"], entries);
    expect(code).toBe(0);
    const rows = out.map((l) => JSON.parse(l));
    expect(rows.map((r) => r.template)).toEqual(["user <*> not found", null, "user <*> not found", null, "timeout after <*>"]);
    expect(err).toMatch(/entry 2: not JSON/);
    expect(err).toMatch(/entry 4: no message/);
    expect(err).toMatch(/2 entries without a usable message/);
  });

  it("reads a JSON array of entries split across chunks", async () => {
    const text = JSON.stringify(
      [{ jsonPayload: { msg: "a [1], {b}" } }, { textPayload: 'quote " and ] inside 7' }, { jsonPayload: { msg: "a [2], {b}" } }],
      null,
      2,
    );
    const chunks = text.match(/[\s\S]{1,7}/g)!;
    const { code, out } = await run(["--format", "entries", "-"], chunks);
    expect(code).toBe(0);
    const rows = out.map((l) => JSON.parse(l));
    expect(rows).toHaveLength(3);
    expect(rows[0].cluster).toBe(rows[2].cluster);
    expect(rows[1].template).toBe('quote " and ] inside <*>');
  });

  it("rejects bad arguments with exit code 2 and fails on an unreadable file", async () => {
    expect((await run(["--format", "xml"], "")).code).toBe(2);
    expect((await run(["a", "b"], "")).code).toBe(2);
    const missing = await run([path.join(tmpdir(), "no-such-file-for-templates")], "");
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/cannot read/);
  });

  it("takes the message from the usual LogEntry fields", () => {
    expect(messageOf({ jsonPayload: { message: "m" } })).toBe("m");
    expect(messageOf({ jsonPayload: { msg: "m2" } })).toBe("m2");
    expect(messageOf({ jsonPayload: { error: { message: "m3" } } })).toBe("m3");
    expect(messageOf({ textPayload: "m4" })).toBe("m4");
    expect(messageOf({ protoPayload: {} })).toBeUndefined();
    expect(messageOf(null)).toBeUndefined();
  });
});

describe("log-gardener templates output", () => {
  it("ends quietly with exit code 0 when the reader goes away", async () => {
    const { Writable } = await import("node:stream");
    const stdout = new Writable({
      write(_chunk, _enc, cb): void {
        cb(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
      },
    });
    const stderr = new PassThrough();
    const lines = Array.from({ length: 20000 }, (_, i) => `event ${i} happened`).join("\n");
    const code = await runTemplatesCommand([], { stdin: Readable.from([lines]), stdout, stderr });
    expect(code).toBe(0);
  });
});
