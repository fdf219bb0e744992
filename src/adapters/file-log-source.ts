/**
 * Reads a Cloud Logging export from a file or stdin: the JSON array `gcloud logging read
 * --format=json` prints, or JSON lines. Streams: one entry in memory at a time, whatever the
 * file size. A record that is not valid JSON is yielded as an UnparseableRecord, so the
 * pipeline counts it instead of the run failing.
 */
import { closeSync, createReadStream, fstatSync, openSync } from "node:fs";
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { UnparseableRecord } from "../core/types";
import type { LogQuery, LogSource, SourceReport } from "../ports";
import { serviceOfEntry } from "../core/ingest/normalize";
import { ConfigError } from "../errors";

/**
 * Fails with a ConfigError (exit 2) naming the path when `--input` is not a file this process
 * can read: missing, a directory, or without read permission. Checked when the job is wired, so
 * a mistyped path is a configuration error before anything is read or written, not a failed run.
 */
export function checkInputFile(path: string, setting = "LOG_GARDENER_INPUT (--input)"): void {
  if (path === "-") return;
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    if (fstatSync(fd).isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EACCES" || code === "EPERM"
          ? "permission denied"
          : code === "EISDIR"
            ? "is a directory, not a file"
            : (err as Error).message;
    throw new ConfigError([`${setting}: cannot read ${JSON.stringify(path)}: ${why}`], { cause: err });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export interface FileLogSourceOptions {
  /** A path, or "-" for stdin. */
  readonly path: string;
  readonly label?: string;
  readonly stdin?: Readable;
  /** Records larger than this are skipped whole (counted), never buffered further. */
  readonly maxRecordBytes?: number;
}

export class FileLogSource implements LogSource {
  constructor(private readonly options: FileLogSourceOptions) {}

  describe(): string {
    return this.options.label ?? (this.options.path === "-" ? "stdin" : `file ${this.options.path}`);
  }

  async *listEntries(query: LogQuery, report: SourceReport): AsyncIterable<unknown> {
    const stream = this.options.path === "-" ? (this.options.stdin ?? process.stdin) : createReadStream(this.options.path);
    const perService = new Map<string, number>();
    const lastRead = new Map<string, unknown>();
    const wanted = new Set(query.services);
    for await (const record of splitJsonRecords(stream, this.options.maxRecordBytes ?? 8 * 1024 * 1024)) {
      if (record instanceof UnparseableRecord) {
        yield record;
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(record);
      } catch (err) {
        yield new UnparseableRecord(record, (err as Error).message);
        continue;
      }
      const service = serviceOfEntry(value);
      if (service !== undefined && (wanted.size === 0 || wanted.has(service))) {
        const n = (perService.get(service) ?? 0) + 1;
        perService.set(service, n);
        if (n > query.maxEntriesPerService) {
          noteTruncation(report, service, n - 1, lastRead.get(service));
          continue;
        }
        lastRead.set(service, value);
      }
      yield value;
    }
  }
}

function noteTruncation(report: SourceReport, service: string, read: number, lastRead: unknown): void {
  // The cap is per service: later entries of this service are not yielded, and the first
  // time it is hit the truncation is recorded with the last timestamp read.
  if (report.truncations.some((t) => t.service === service)) return;
  const ts = (lastRead as { timestamp?: unknown } | undefined)?.timestamp;
  report.truncations.push({
    service,
    read,
    upTo: typeof ts === "string" ? ts : "unknown",
    reason: `max entries per service (${read}) reached`,
  });
}

/**
 * Splits a stream holding either a JSON array of objects or JSON lines into the text of each
 * top-level record, tracking strings and nesting so it never holds more than one record.
 */
export async function* splitJsonRecords(
  stream: AsyncIterable<Buffer | string>,
  maxRecordBytes: number,
): AsyncGenerator<string | UnparseableRecord> {
  const decoder = new StringDecoder("utf8");
  let mode: "unknown" | "array" | "lines" = "unknown";
  let depth = 0; // nesting inside the current record
  let inString = false;
  let escaped = false;
  let parts: string[] = [];
  let size = 0;
  let oversized = false;
  let inRecord = false;
  let scalar = false; // a top-level value that is not an object or array (e.g. a number)

  const flush = function* (): Generator<string | UnparseableRecord> {
    if (!inRecord) return;
    if (oversized) yield new UnparseableRecord(parts.join("").slice(0, 4000), `record larger than ${maxRecordBytes} bytes`);
    else {
      const text = parts.join("").trim();
      if (text.length > 0) yield text;
    }
    parts = [];
    size = 0;
    oversized = false;
    inRecord = false;
    scalar = false;
  };

  const append = (s: string) => {
    if (oversized) return;
    size += s.length;
    if (size > maxRecordBytes) {
      oversized = true;
      parts = [parts.join("").slice(0, 4000)];
      return;
    }
    parts.push(s);
  };

  for await (const chunk of stream) {
    const text = typeof chunk === "string" ? chunk : decoder.write(chunk);
    let start = inRecord ? 0 : -1; // start of the run of record text in this chunk
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (mode === "unknown") {
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff) continue;
        mode = c === 0x5b /* [ */ ? "array" : "lines";
        if (mode === "array") continue;
      }
      if (inRecord) {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 0x5c) escaped = true;
          else if (c === 0x22) inString = false;
          continue;
        }
        if (scalar) {
          // A bare scalar ends at a separator.
          if (c === 0x2c || c === 0x0a || c === 0x5d) {
            append(text.slice(start, i));
            start = -1;
            yield* flush();
            if (c === 0x5d && mode === "array") mode = "unknown";
          }
          continue;
        }
        if (c === 0x22) inString = true;
        else if (c === 0x7b || c === 0x5b) depth++;
        else if (c === 0x7d || c === 0x5d) {
          depth--;
          if (depth === 0) {
            append(text.slice(start, i + 1));
            start = -1;
            yield* flush();
          }
        } else if (c === 0x0a && mode === "lines" && depth > 0) {
          // A JSON line that never closed: give it up at the end of the line.
          append(text.slice(start, i));
          start = -1;
          oversized = false;
          const broken = parts.join("");
          parts = [];
          size = 0;
          inRecord = false;
          depth = 0;
          inString = false;
          yield new UnparseableRecord(broken.slice(0, 4000), "unterminated JSON record");
        }
        continue;
      }
      // Between records.
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x2c) continue;
      if (c === 0x5d && mode === "array") {
        mode = "unknown"; // a second array may follow (concatenated exports)
        continue;
      }
      inRecord = true;
      start = i;
      if (c === 0x7b || c === 0x5b) depth = 1;
      else if (c === 0x22) {
        // A top-level string: a scalar record ending at the next separator.
        inString = true;
        depth = 0;
        scalar = true;
      } else scalar = true;
    }
    if (inRecord && start >= 0) append(text.slice(start));
  }
  const rest = decoder.end();
  if (rest) parts.push(rest);
  if (inRecord) {
    if (depth > 0 && !scalar) {
      yield new UnparseableRecord(parts.join("").slice(0, 4000), "input ended inside a JSON record");
      return;
    }
    yield* flush();
  }
}
