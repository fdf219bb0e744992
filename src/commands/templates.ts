/**
 * `log-gardener templates [FILE|-] [--format lines|entries]`: one message per input line in,
 * one `{"cluster": "<id>", "template": "<template>"}` line out, in the same order. The template
 * is the cluster's template as the miner knows it when that line is read.
 *
 * `--format entries` reads Cloud Logging LogEntry JSON instead, one per line or as a JSON
 * array, and uses each entry's message. An entry without a message is reported on stderr,
 * gets `{"cluster": null, "template": null, "error": "..."}`, and the run goes on.
 * Input is streamed: memory follows the number of templates, not the size of the input.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { TemplateMiner } from "../core/cluster/miner/template-miner";

export interface TemplatesIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

const USAGE = "usage: log-gardener templates [FILE|-] [--format lines|entries]\n";
const FLUSH_CHARS = 64 * 1024;
const MAX_REPORTED = 20;

export async function runTemplatesCommand(argv: string[], io: TemplatesIo): Promise<number> {
  let format: string;
  let file: string;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { format: { type: "string", default: "lines" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    format = values.format ?? "lines";
    if (format !== "lines" && format !== "entries") throw new Error(`--format must be lines or entries, not ${JSON.stringify(format)}`);
    if (positionals.length > 1) throw new Error(`one input at most, got ${positionals.length}`);
    file = positionals[0] ?? "-";
  } catch (error) {
    io.stderr.write(`log-gardener templates: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }

  const input = file === "-" ? io.stdin : createReadStream(file);
  const out = new BufferedWriter(io.stdout);
  // A reader that goes away (`| head`) ends the run quietly.
  let outputError: Error | undefined;
  const onOutputError = (error: NodeJS.ErrnoException): void => {
    outputError = error;
    out.close();
  };
  io.stdout.on("error", onOutputError);
  const miner = new TemplateMiner();
  let bad = 0;
  const reportBad = (where: string, problem: string): Promise<void> | undefined => {
    bad++;
    if (bad <= MAX_REPORTED) io.stderr.write(`log-gardener templates: ${where}: ${problem}\n`);
    return out.write(`${JSON.stringify({ cluster: null, template: null, error: problem })}\n`);
  };
  const emit = (message: string): Promise<void> | undefined => {
    const match = miner.add(message);
    return out.write(`${JSON.stringify({ cluster: match.clusterId, template: match.template })}\n`);
  };

  try {
    if (format === "lines") {
      const lines = createInterface({ input, crlfDelay: Infinity });
      for await (const line of lines) {
        if (out.closed) break;
        await emit(line);
      }
      lines.close();
    } else {
      let n = 0;
      for await (const item of readJsonItems(input)) {
        if (out.closed) break;
        n++;
        const where = `entry ${n}`;
        let entry: unknown;
        try {
          entry = JSON.parse(item);
        } catch (error) {
          await reportBad(where, `not JSON (${(error as Error).message})`);
          continue;
        }
        const message = messageOf(entry);
        if (message === undefined) await reportBad(where, "no message (jsonPayload.message, msg, error.message or textPayload)");
        else await emit(message);
      }
    }
  } catch (error) {
    await out.flush();
    io.stdout.off("error", onOutputError);
    io.stderr.write(`log-gardener templates: cannot read ${file === "-" ? "standard input" : file}: ${(error as Error).message}\n`);
    return 1;
  }
  await out.flush();
  if (file !== "-") (input as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  io.stdout.off("error", onOutputError);
  if (outputError && (outputError as NodeJS.ErrnoException).code !== "EPIPE") {
    io.stderr.write(`log-gardener templates: cannot write: ${outputError.message}\n`);
    return 1;
  }
  if (bad > 0) io.stderr.write(`log-gardener templates: ${bad} entr${bad === 1 ? "y" : "ies"} without a usable message\n`);
  return 0;
}

/** The human message of a LogEntry (small and local; the pipeline uses core/normalize.ts). */
export function messageOf(entry: unknown): string | undefined {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return undefined;
  const e = entry as Record<string, unknown>;
  const payload = e.jsonPayload;
  if (typeof payload === "object" && payload !== null) {
    const p = payload as Record<string, unknown>;
    if (typeof p.message === "string") return p.message;
    if (typeof p.msg === "string") return p.msg;
    const err = p.error;
    if (typeof err === "object" && err !== null && typeof (err as Record<string, unknown>).message === "string") {
      return (err as Record<string, unknown>).message as string;
    }
    if (typeof err === "string") return err;
  }
  if (typeof e.textPayload === "string") return e.textPayload;
  if (typeof e.message === "string") return e.message;
  return undefined;
}

/**
 * The JSON texts in a stream of JSON lines, or of one JSON array (items split as they arrive,
 * without holding the whole array).
 */
export async function* readJsonItems(input: NodeJS.ReadableStream): AsyncGenerator<string> {
  let mode: "unknown" | "lines" | "array" = "unknown";
  let pending = ""; // lines mode: the unfinished line; array mode: the current item
  // Array scanner state
  let depth = 0;
  let inString = false;
  let escaped = false;
  let ended = false;
  for await (const chunk of input) {
    let text = typeof chunk === "string" ? chunk : (chunk as Buffer).toString("utf8");
    if (mode === "unknown") {
      const start = text.search(/\S/);
      if (start < 0) continue;
      mode = text[start] === "[" ? "array" : "lines";
      if (mode === "array") text = text.slice(start + 1);
    }
    if (mode === "lines") {
      pending += text;
      let nl = pending.indexOf("\n");
      while (nl >= 0) {
        const line = pending.slice(0, nl).trim();
        if (line.length > 0) yield line;
        pending = pending.slice(nl + 1);
        nl = pending.indexOf("\n");
      }
      continue;
    }
    if (ended) continue;
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (c === "\\") escaped = true;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === "{" || c === "[") depth++;
      else if (c === "}" || c === "]") {
        if (depth === 0) {
          // the closing bracket of the array
          const item = (pending + text.slice(from, i)).trim();
          if (item.length > 0) yield item;
          pending = "";
          ended = true;
          break;
        }
        depth--;
      } else if (c === "," && depth === 0) {
        const item = (pending + text.slice(from, i)).trim();
        pending = "";
        from = i + 1;
        yield item;
      }
    }
    if (!ended) pending += text.slice(from);
  }
  if (mode === "lines" && pending.trim().length > 0) yield pending.trim();
  if (mode === "array" && !ended && pending.trim().length > 0) yield pending.trim(); // unterminated: let JSON.parse report it
}

/** Collects output and writes it in large pieces, waiting when the stream asks to. */
class BufferedWriter {
  private buffer = "";
  private waiting: (() => void) | undefined;
  closed = false;

  constructor(private readonly stream: NodeJS.WritableStream) {}

  write(text: string): Promise<void> | undefined {
    if (this.closed) return undefined;
    this.buffer += text;
    return this.buffer.length >= FLUSH_CHARS ? this.flush() : undefined;
  }

  flush(): Promise<void> {
    const text = this.buffer;
    this.buffer = "";
    if (this.closed || text.length === 0 || this.stream.write(text)) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.stream.once("drain", () => this.release());
    });
  }

  /** The stream failed: stop writing and let a waiting flush go on. */
  close(): void {
    this.closed = true;
    this.buffer = "";
    this.release();
  }

  private release(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }
}
