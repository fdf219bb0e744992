/**
 * The object store in a Cloud Storage bucket (`--out gs://BUCKET/PREFIX`), through
 * @google-cloud/storage. Same contract as the local folder:
 *
 * - Key `svc/2025/09/15/0100Z.md` is object `PREFIX/svc/2025/09/15/0100Z.md`.
 * - Every write the job makes carries `ifGenerationMatch` (0 = create only, or the generation
 *   it read), so a lost race is a 412, mapped to PreconditionFailedError, never a silent
 *   overwrite. Preconditioned writes are also what the client's default idempotency strategy
 *   (RetryConditional) retries on 408/429/5xx; we only bound the retries.
 * - `get` reads the metadata, then the bytes of exactly that generation, so the body and the
 *   generation handed back for a later compare-and-swap always belong together.
 * - The client validates uploads and downloads against the CRC32C the service reports.
 * - A retried write whose first attempt landed (its response lost) fails its own precondition:
 *   the caller sees PreconditionFailedError and finds its own bytes when it reads again. The
 *   worklog writer and the run lock both check for that.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { IdempotencyStrategy, Storage, type Bucket, type StorageOptions } from "@google-cloud/storage";
import { ConfigError, PreconditionFailedError, UpstreamError } from "../errors";
import type { ObjectBody, ObjectStore, PutOptions, StoredHead, StoredObject } from "../ports";

const SERVICE = "gcs";
/** Statuses worth trying again later: the client has already retried them a few times. */
const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
/** The client's upload retries cannot wait less than this between attempts. */
const MIN_RETRY_DELAY_MS = 1000;
const RETRYABLE_NETWORK = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ENOTFOUND"]);

export interface GcsRetryOptions {
  /** Retries per request after the first attempt. Default 5. */
  readonly maxRetries?: number;
  /** Give up retrying a request after this long. Default 120 s. */
  readonly totalTimeoutMs?: number;
  /** Longest wait between two attempts. Default 16 s; at least 1 s (see buildStorageOptions). */
  readonly maxDelayMs?: number;
  /** Growth of the wait between attempts. Default 2. */
  readonly delayMultiplier?: number;
}

export interface GcsObjectStoreOptions {
  readonly storage: Storage;
  readonly bucket: string;
  /** Object name prefix without slashes at either end; "" for the bucket root. */
  readonly prefix?: string;
  /** Bodies larger than this go up as a resumable upload. Default 8 MiB. */
  readonly resumableThresholdBytes?: number;
  /** Objects per list page. Default 1000 (the API's maximum). */
  readonly listPageSize?: number;
  /** Tries of one download (see `get`), and the first pause between them. Default 4, 250 ms. */
  readonly downloadAttempts?: number;
  readonly downloadPauseMs?: number;
  /**
   * Longest one upload may take. The client sends multipart uploads with no timeout of its own,
   * so the store bounds them: past it the write fails as retryable (a late landing is harmless,
   * every write is preconditioned). Default 60 s.
   */
  readonly writeTimeoutMs?: number;
}

export class GcsObjectStore implements ObjectStore {
  private readonly bucket: Bucket;
  private readonly bucketName: string;
  private readonly prefix: string;
  private readonly resumableThreshold: number;
  private readonly pageSize: number;
  private readonly downloadAttempts: number;
  private readonly downloadPauseMs: number;
  private readonly writeTimeoutMs: number;

  constructor(options: GcsObjectStoreOptions) {
    this.bucketName = options.bucket;
    this.bucket = options.storage.bucket(options.bucket);
    this.prefix = options.prefix?.replace(/^\/+|\/+$/g, "") ?? "";
    this.resumableThreshold = options.resumableThresholdBytes ?? 8 * 1024 * 1024;
    this.pageSize = options.listPageSize ?? 1000;
    this.downloadAttempts = Math.max(1, options.downloadAttempts ?? 4);
    this.downloadPauseMs = options.downloadPauseMs ?? 250;
    this.writeTimeoutMs = options.writeTimeoutMs ?? 60_000;
  }

  describe(): string {
    return `gs://${this.bucketName}${this.prefix ? `/${this.prefix}` : ""}`;
  }

  /**
   * The authenticated browser URL (https://storage.cloud.google.com/BUCKET/OBJECT): what a person
   * clicks in an issue or a daily index opens the object with their Google account. GitHub does
   * not open gs:// links.
   */
  locate(key: string): string {
    const object = this.objectName(key).split("/").map(encodeURIComponent).join("/");
    return `https://storage.cloud.google.com/${encodeURIComponent(this.bucketName)}/${object}`;
  }

  /** gs://BUCKET/OBJECT, for error messages (what gcloud storage and gsutil take). */
  private gsUrl(key: string): string {
    return `gs://${this.bucketName}/${this.objectName(key)}`;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const name = this.objectName(key);
    // Two reads: the metadata (retried by the client), then the bytes of exactly that
    // generation. If the object is replaced in between, that generation is gone (404) and we
    // read the new one. The bytes are fetched with the client's retries off: a retried
    // streaming download throws ERR_STREAM_UNABLE_TO_PIPE from inside teeny-request on
    // Node >= 22, an uncaught exception (googleapis/teeny-request#352,
    // googleapis/google-cloud-node#7603). A failed download is retried here instead, a few
    // times, with a short pause.
    for (let round = 0; ; round++) {
      const head = await this.head(key);
      if (!head) return undefined;
      const file = this.bucket.file(name, { generation: head.generation });
      file.interceptors.push({
        // The options are the client's DecorateRequestOptions; makeRequest reads maxRetries.
        request: (reqOpts) => Object.assign(reqOpts as typeof reqOpts & { uri: string }, { maxRetries: 0 }),
      });
      try {
        const [bytes] = await file.download();
        return { body: bytes.toString("utf8"), ...head };
      } catch (error) {
        const failure = toJobError(error, "get", key);
        const again = statusOf(error) === 404 || (failure instanceof UpstreamError && failure.retryable);
        if (!again || round >= this.downloadAttempts - 1) throw failure;
        await sleep(this.downloadPauseMs * 2 ** round);
      }
    }
  }

  /** The object's metadata resource alone (the client retries it): no download. */
  async head(key: string): Promise<StoredHead | undefined> {
    let meta;
    try {
      [meta] = await this.bucket.file(this.objectName(key)).getMetadata();
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw toJobError(error, "get", key);
    }
    return {
      generation: String(meta.generation),
      metadata: toStringRecord(meta.metadata),
      ...(meta.updated ? { updated: String(meta.updated) } : {}),
    };
  }

  async put(key: string, body: ObjectBody, options: PutOptions): Promise<string> {
    const file = this.bucket.file(this.objectName(key));
    const bytes = utf8Bytes(body);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new UpstreamError(SERVICE, "put", true, `${this.gsUrl(key)}: no answer within ${this.writeTimeoutMs} ms`)),
        this.writeTimeoutMs,
      );
    });
    try {
      const saving = file.save(bytes, {
        contentType: options.contentType,
        metadata: { contentType: options.contentType, ...(options.metadata ? { metadata: { ...options.metadata } } : {}) },
        resumable: bytes.length > this.resumableThreshold,
        validation: "crc32c",
        // A string: generations are microsecond timestamps, past Number's exact range.
        ...(options.ifGeneration !== undefined ? { preconditionOpts: { ifGenerationMatch: options.ifGeneration } } : {}),
      });
      saving.catch(() => undefined); // if the timeout won, a late failure is not unhandled
      await Promise.race([saving, timedOut]);
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      throw toJobError(error, "put", key);
    } finally {
      clearTimeout(timer);
    }
    const generation = file.metadata.generation;
    if (generation === undefined)
      throw new UpstreamError(SERVICE, "put", false, `${this.gsUrl(key)}: the upload response had no generation`);
    return String(generation);
  }

  async list(prefix: string): Promise<string[]> {
    const full = this.objectName(prefix, true);
    const strip = this.prefix ? this.prefix.length + 1 : 0;
    const keys: string[] = [];
    let pageToken: string | undefined;
    try {
      do {
        const [files, next] = await this.bucket.getFiles({
          prefix: full,
          autoPaginate: false,
          maxResults: this.pageSize,
          ...(pageToken ? { pageToken } : {}),
        });
        for (const f of files) keys.push(f.name.slice(strip));
        pageToken = (next as { pageToken?: string } | null | undefined)?.pageToken;
      } while (pageToken);
    } catch (error) {
      throw toJobError(error, "list", prefix);
    }
    return keys.sort(compareBytes);
  }

  async delete(key: string, options: { ifGeneration?: string } = {}): Promise<void> {
    try {
      await this.bucket
        .file(this.objectName(key))
        .delete(options.ifGeneration !== undefined ? { ifGenerationMatch: options.ifGeneration } : {});
    } catch (error) {
      const status = statusOf(error);
      if (status === 404 && options.ifGeneration === undefined) return; // already gone
      if (status === 404) throw new PreconditionFailedError(key, { cause: error });
      throw toJobError(error, "delete", key);
    }
  }

  private objectName(key: string, forPrefix = false): string {
    if (!forPrefix && (key === "" || key.startsWith("/")))
      throw new UpstreamError(SERVICE, "key", false, `not a usable object key: ${JSON.stringify(key)}`);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }
}

export interface GcsLocation {
  readonly bucket: string;
  readonly prefix: string;
}

/** "gs://bucket/some/prefix/" → { bucket: "bucket", prefix: "some/prefix" }. */
export function parseGcsUrl(url: string): GcsLocation {
  const m = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])(?:\/(.*))?$/.exec(url.trim());
  if (!m) throw new ConfigError([`LOG_GARDENER_OUT (--out): expected gs://BUCKET or gs://BUCKET/PREFIX (got ${JSON.stringify(url)})`]);
  const prefix = (m[2] ?? "").replace(/^\/+|\/+$/g, "");
  if (prefix.split("/").some((s) => s === "." || s === "..") || prefix.includes("//")) {
    throw new ConfigError([`LOG_GARDENER_OUT (--out): the prefix in ${JSON.stringify(url)} has an empty, "." or ".." segment`]);
  }
  return { bucket: m[1]!, prefix };
}

export interface CreateGcsObjectStoreOptions {
  /** "http://127.0.0.1:PORT" for a test peer or an emulator; unset for Cloud Storage. */
  readonly apiEndpoint?: string;
  readonly projectId?: string;
  readonly retry?: GcsRetryOptions;
  readonly resumableThresholdBytes?: number;
  readonly listPageSize?: number;
  readonly downloadAttempts?: number;
  readonly downloadPauseMs?: number;
}

/** The client options: bounded retries of idempotent (preconditioned) requests. Pure. */
export function buildStorageOptions(options: CreateGcsObjectStoreOptions = {}): StorageOptions {
  const retry = options.retry ?? {};
  return {
    ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
    ...(options.projectId ? { projectId: options.projectId } : {}),
    retryOptions: {
      autoRetry: true,
      // The client treats 0 as "use the default"; a tiny total timeout is the way to say none.
      maxRetries: retry.maxRetries ?? 5,
      totalTimeout: (retry.totalTimeoutMs ?? 120_000) / 1000,
      // At least 1 s: File#save retries through async-retry, whose first wait is 1 s and which
      // throws "minTimeout is greater than maxTimeout" when the cap is below that.
      maxRetryDelay: Math.max(MIN_RETRY_DELAY_MS, retry.maxDelayMs ?? 16_000) / 1000,
      retryDelayMultiplier: retry.delayMultiplier ?? 2,
      idempotencyStrategy: IdempotencyStrategy.RetryConditional,
    },
  };
}

/** Opens `gs://BUCKET/PREFIX` with a client of its own. */
export function createGcsObjectStore(url: string, options: CreateGcsObjectStoreOptions = {}): GcsObjectStore {
  const { bucket, prefix } = parseGcsUrl(url);
  return new GcsObjectStore({
    storage: new Storage(buildStorageOptions(options)),
    bucket,
    prefix,
    ...(options.resumableThresholdBytes !== undefined ? { resumableThresholdBytes: options.resumableThresholdBytes } : {}),
    ...(options.listPageSize !== undefined ? { listPageSize: options.listPageSize } : {}),
    ...(options.downloadAttempts !== undefined ? { downloadAttempts: options.downloadAttempts } : {}),
    ...(options.downloadPauseMs !== undefined ? { downloadPauseMs: options.downloadPauseMs } : {}),
  });
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as { code?: unknown; status?: unknown; response?: { status?: unknown } };
  for (const v of [e.code, e.status, e.response?.status]) if (typeof v === "number") return v;
  return undefined;
}

function toJobError(error: unknown, operation: string, key: string): Error {
  const status = statusOf(error);
  if (status === 412) return new PreconditionFailedError(key, { cause: error });
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  const retryable = (status !== undefined && RETRYABLE_STATUS.has(status)) || (typeof code === "string" && RETRYABLE_NETWORK.has(code));
  const message = error instanceof Error ? error.message : String(error);
  return new UpstreamError(SERVICE, operation, retryable, `${key}: ${status !== undefined ? `HTTP ${status} ` : ""}${message}`, {
    cause: error,
  });
}

function toStringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = String(v);
  }
  return out;
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** The body's UTF-8 bytes in one buffer, chunk by chunk: the chunks are never joined into one string. */
function utf8Bytes(body: ObjectBody): Buffer {
  if (typeof body === "string") return Buffer.from(body, "utf8");
  let length = 0;
  for (const chunk of body) length += Buffer.byteLength(chunk, "utf8");
  const bytes = Buffer.allocUnsafe(length);
  let at = 0;
  for (const chunk of body) at += bytes.write(chunk, at, "utf8");
  return bytes;
}
