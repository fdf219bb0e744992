/**
 * The object store over a local folder (the default `./worklogs`). Same contract as the GCS
 * bucket, so the pipeline and `log-gardener worklogs` do not care which one they got:
 *
 * - A key is a file under the folder (`<root>/<service>/2025/09/15/0100Z.md`), so people can
 *   open worklogs with any editor. `locate(key)` returns that path.
 * - Writes are atomic: the body goes to a hidden temp file in the same folder and is renamed
 *   over the key.
 * - Each file has a hidden sidecar `.<name>.meta.json` with its generation, content type,
 *   custom metadata and a SHA-256 of the body. Generations grow (microseconds since the epoch,
 *   bumped past the previous one), so `ifGeneration` compare-and-swap works like GCS: "0" means
 *   create only, a generation means replace only that version.
 * - Conditional writes and deletes of one key are serialized across processes by a hidden
 *   `.<name>.lock` file created with O_EXCL; a lock older than STALE_LOCK_MS is from a crashed
 *   writer and is broken.
 * - Hidden names (a segment starting with ".") are ours, so `list()` skips them and `put()`
 *   refuses keys that would collide with them.
 */
import { createHash, randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PreconditionFailedError, UpstreamError } from "../errors";
import type { ObjectBody, ObjectStore, PutOptions, StoredHead, StoredObject } from "../ports";

const SERVICE = "local-folder";
/** A key lock older than this was left by a crashed writer. Writes take milliseconds. */
const STALE_LOCK_MS = 30_000;
/** Characters of a chunked body gathered into one write. */
const WRITE_BATCH_CHARS = 16 * 1024;
/** How long a writer waits for another writer of the same key before giving up. */
const LOCK_WAIT_MS = 10_000;

/** What `.<name>.meta.json` holds. Version it: older folders must stay readable. */
interface MetaFile {
  readonly v: 1;
  readonly generation: string;
  readonly contentType: string;
  readonly metadata: Record<string, string>;
  readonly sha256: string;
  readonly updated: string;
  /** The body file as written (after its rename): `head` trusts the meta only while it still matches. Absent in older folders. */
  readonly file?: FileIdentity;
}

/** What tells one version of a body file from another without reading it. */
interface FileIdentity {
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface LocalObjectStoreOptions {
  /** The folder, as the user gave it (`./worklogs`). Created on first write. */
  readonly root: string;
  /** The clock, for generations and `updated`. */
  readonly now?: () => number;
}

export class LocalObjectStore implements ObjectStore {
  private readonly root: string;
  private readonly now: () => number;

  constructor(options: LocalObjectStoreOptions) {
    this.root = options.root;
    this.now = options.now ?? Date.now;
  }

  describe(): string {
    return this.root;
  }

  locate(key: string): string {
    return path.join(this.root, ...checkKey(key).split("/"));
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const file = this.locate(key);
    // A writer renames the body and then its meta file; a reader in between sees a body that
    // does not match the meta's hash and reads again.
    for (let attempt = 0; ; attempt++) {
      let body: string;
      try {
        body = await fs.readFile(file, "utf8");
      } catch (error) {
        if (isCode(error, "ENOENT") || isCode(error, "EISDIR")) return undefined;
        throw upstream("get", key, error);
      }
      const meta = await this.readMeta(file, key);
      if (meta && meta.sha256 === sha256(body)) {
        return { body, generation: meta.generation, metadata: { ...meta.metadata }, updated: meta.updated };
      }
      if (!meta || attempt >= 5) {
        // A file put there by hand (or a torn write we keep losing to): version it by its
        // modification time so a compare-and-swap against it still means something.
        const stat = await fs.stat(file).catch(() => undefined);
        if (!stat) return undefined;
        return { body, generation: fileGeneration(stat.mtimeMs), metadata: {}, updated: stat.mtime.toISOString() };
      }
      await sleep(2 * (attempt + 1));
    }
  }

  /**
   * The meta file's generation, without reading the body, while the body file is the one the meta
   * file describes (same inode, size and modification time). Otherwise (a write in progress, a
   * crashed writer, a file edited by hand, a folder written before meta files said so) the body
   * is read and checked against the meta's hash, as `get` does.
   */
  async head(key: string): Promise<StoredHead | undefined> {
    const file = this.locate(key);
    const stat = await fs.stat(file).catch((error: unknown) => {
      if (isCode(error, "ENOENT") || isCode(error, "ENOTDIR")) return undefined;
      throw upstream("get", key, error);
    });
    if (!stat?.isFile()) return undefined;
    const meta = await this.readMeta(file, key);
    if (meta?.file && sameIdentity(meta.file, identity(stat))) {
      return { generation: meta.generation, metadata: { ...meta.metadata }, updated: meta.updated };
    }
    const whole = await this.get(key);
    return (
      whole && {
        generation: whole.generation,
        metadata: whole.metadata,
        ...(whole.updated !== undefined ? { updated: whole.updated } : {}),
      }
    );
  }

  async put(key: string, body: ObjectBody, options: PutOptions): Promise<string> {
    const file = this.locate(key);
    await fs.mkdir(path.dirname(file), { recursive: true }).catch((error: unknown) => {
      throw upstream("put", key, error);
    });
    return this.withKeyLock(file, key, async () => {
      const current = (await this.head(key))?.generation;
      if (options.ifGeneration !== undefined && (current ?? "0") !== options.ifGeneration) {
        throw new PreconditionFailedError(key);
      }
      const generation = nextGeneration(current, this.now());
      try {
        const written = await writeAtomically(file, body);
        const meta: MetaFile = {
          v: 1,
          generation,
          contentType: options.contentType,
          metadata: { ...options.metadata },
          sha256: written.sha256,
          updated: new Date(this.now()).toISOString(),
          file: identity(await fs.stat(file)),
        };
        await writeAtomically(metaPath(file), `${JSON.stringify(meta, null, 2)}\n`);
      } catch (error) {
        throw upstream("put", key, error);
      }
      return generation;
    });
  }

  async list(prefix: string): Promise<string[]> {
    // Walk from the deepest folder the prefix names, then filter by the full prefix, as GCS
    // matches prefixes on the whole name, not on folders.
    const slash = prefix.lastIndexOf("/");
    const base = slash >= 0 ? prefix.slice(0, slash) : "";
    const keys: string[] = [];
    const walk = async (dirKey: string): Promise<void> => {
      const dir = dirKey === "" ? this.root : path.join(this.root, ...dirKey.split("/"));
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isCode(error, "ENOENT") || isCode(error, "ENOTDIR")) return;
        throw upstream("list", prefix, error);
      }
      for (const entry of entries) {
        if (entry.name.startsWith(".")) continue;
        const key = dirKey === "" ? entry.name : `${dirKey}/${entry.name}`;
        if (entry.isDirectory()) {
          if (key.startsWith(prefix) || prefix.startsWith(`${key}/`)) await walk(key);
        } else if (entry.isFile() && key.startsWith(prefix)) {
          keys.push(key);
        }
      }
    };
    await walk(base);
    return keys.sort(compareKeys);
  }

  async delete(key: string, options: { ifGeneration?: string } = {}): Promise<void> {
    const file = this.locate(key);
    const folder = await fs.stat(path.dirname(file)).catch(() => undefined);
    if (!folder?.isDirectory()) {
      if (options.ifGeneration !== undefined) throw new PreconditionFailedError(key);
      return;
    }
    await this.withKeyLock(file, key, async () => {
      const current = (await this.head(key))?.generation;
      if (options.ifGeneration !== undefined && current !== options.ifGeneration) {
        throw new PreconditionFailedError(key);
      }
      try {
        await fs.rm(file, { force: true });
        await fs.rm(metaPath(file), { force: true });
      } catch (error) {
        throw upstream("delete", key, error);
      }
    });
  }

  private async readMeta(file: string, key: string): Promise<MetaFile | undefined> {
    let text: string;
    try {
      text = await fs.readFile(metaPath(file), "utf8");
    } catch (error) {
      if (isCode(error, "ENOENT")) return undefined;
      throw upstream("get", key, error);
    }
    try {
      const parsed = JSON.parse(text) as Partial<MetaFile>;
      if (parsed.v !== 1 || typeof parsed.generation !== "string" || typeof parsed.sha256 !== "string") return undefined;
      return {
        v: 1,
        generation: parsed.generation,
        contentType: typeof parsed.contentType === "string" ? parsed.contentType : "application/octet-stream",
        metadata: stringRecord(parsed.metadata),
        sha256: parsed.sha256,
        updated: typeof parsed.updated === "string" ? parsed.updated : "",
        ...(isIdentity(parsed.file) ? { file: parsed.file } : {}),
      };
    } catch {
      return undefined; // torn or hand-edited: treated like a file without meta
    }
  }

  private async withKeyLock<T>(file: string, key: string, body: () => Promise<T>): Promise<T> {
    const lock = lockPath(file);
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await fs.open(lock, "wx");
        await handle.close();
        break;
      } catch (error) {
        if (!isCode(error, "EEXIST")) throw upstream("lock", key, error);
      }
      const stat = await fs.stat(lock).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs > STALE_LOCK_MS) {
        await fs.rm(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new UpstreamError(SERVICE, "lock", true, `${key}: another writer holds ${lock}`);
      }
      await sleep(Math.min(50, 2 + attempt * 3));
    }
    try {
      return await body();
    } finally {
      await fs.rm(lock, { force: true });
    }
  }
}

/** Keys are relative, "/"-separated, without empty, "." or ".." segments or hidden names. */
function checkKey(key: string): string {
  const segments = key.split("/");
  if (key === "" || segments.some((s) => s === "" || s.startsWith(".") || s.includes("\\") || s.includes("\0"))) {
    throw new UpstreamError(SERVICE, "key", false, `not a usable object key: ${JSON.stringify(key)}`);
  }
  return key;
}

function metaPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.meta.json`);
}

function lockPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.lock`);
}

/** Writes the body to a temp file beside `file`, chunk by chunk, and renames it over `file`. Returns the bytes' SHA-256. */
async function writeAtomically(file: string, content: ObjectBody): Promise<{ sha256: string }> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  const hash = createHash("sha256");
  try {
    const handle = await fs.open(temp, "w");
    try {
      // Small chunks (a template of the miner state) are gathered into writes of about 64 KiB.
      let pending: string[] = [];
      let pendingLength = 0;
      const flush = async (): Promise<void> => {
        const bytes = Buffer.from(pending.length === 1 ? pending[0]! : pending.join(""), "utf8");
        pending = [];
        pendingLength = 0;
        hash.update(bytes);
        await handle.write(bytes);
      };
      for (const chunk of typeof content === "string" ? [content] : content) {
        pending.push(chunk);
        pendingLength += chunk.length;
        if (pendingLength >= WRITE_BATCH_CHARS) await flush();
      }
      if (pending.length > 0) await flush();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  return { sha256: hash.digest("base64") };
}

/** Microseconds since the epoch, strictly after the previous generation. */
function nextGeneration(previous: string | undefined, nowMs: number): string {
  const now = BigInt(Math.trunc(nowMs)) * 1000n;
  const prev = previous !== undefined && /^\d+$/.test(previous) ? BigInt(previous) : 0n;
  return String(now > prev ? now : prev + 1n);
}

function identity(stat: { ino: number; size: number; mtimeMs: number }): FileIdentity {
  return { ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs };
}

function isIdentity(value: unknown): value is FileIdentity {
  const v = value as Partial<FileIdentity> | undefined;
  return typeof v?.ino === "number" && typeof v.size === "number" && typeof v.mtimeMs === "number";
}

function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

function fileGeneration(mtimeMs: number): string {
  return String(Math.max(1, Math.trunc(mtimeMs * 1000)));
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("base64");
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) if (typeof v === "string") out[k] = v;
  }
  return out;
}

/** Byte order of the names, like GCS (and stable for ASCII keys). */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}

function upstream(operation: string, key: string, error: unknown): UpstreamError {
  const message = error instanceof Error ? error.message : String(error);
  return new UpstreamError(SERVICE, operation, false, `${key}: ${message}`, { cause: error });
}
