// A loopback peer for the part of the Cloud Storage JSON API that @google-cloud/storage uses
// for worklogs and state. It keeps objects in memory and behaves like GCS where the adapter
// depends on it:
//
//   POST /upload/storage/v1/b/B/o?uploadType=multipart    one request: JSON metadata + media
//   POST /upload/storage/v1/b/B/o?uploadType=resumable    opens a session (Location header)
//   PUT  <session>                                        Content-Range chunks, 308 + Range,
//                                                         `bytes */*` status checks
//   GET  /storage/v1/b/B/o/NAME[?alt=media][&generation=] metadata or the bytes (x-goog-hash)
//   GET  /storage/v1/b/B/o?prefix&delimiter&pageToken&maxResults
//   DELETE /storage/v1/b/B/o/NAME
//
// Writes and deletes honour ifGenerationMatch (0 = must not exist) and ifGenerationNotMatch,
// answering 412 in GCS's error shape; a missing object is a 404 in the same shape. Each write
// gets a new, larger generation and carries md5Hash and crc32c (base64, big-endian) computed
// here, independently of the client, which validates uploads and downloads against them.
// `injectErrors(n, status)` makes the next n requests fail before they touch any state, as a
// GCS front end does on a 503.
import { createHash, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface GcsObjectRecord {
  readonly bucket: string;
  readonly name: string;
  readonly body: Buffer;
  readonly generation: string;
  readonly metageneration: string;
  readonly contentType: string;
  readonly metadata: Record<string, string>;
  readonly md5Hash: string;
  readonly crc32c: string;
  readonly timeCreated: string;
  readonly updated: string;
}

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as received. */
  readonly url: string;
  readonly status: number;
}

export interface GcsServerOptions {
  /** Buckets that exist; others answer 404. Default: every bucket exists. */
  readonly buckets?: readonly string[];
  readonly faults?: {
    /** Fail this many requests first (those `match` accepts), with this status. */
    readonly errors?: { readonly count: number; readonly status: number; readonly match?: (method: string, url: URL) => boolean };
  };
}

export interface GcsServer {
  /** http://127.0.0.1:PORT, for `apiEndpoint`. */
  readonly url: string;
  /** Live objects, keyed "bucket/name". Inspect, or seed with `seed()`. */
  readonly objects: Map<string, GcsObjectRecord>;
  /** Every request answered, in order. */
  readonly requests: RecordedRequest[];
  /** The next `count` requests that `match` accepts (all, by default) answer `status`. */
  injectErrors(count: number, status: number, match?: (method: string, url: URL) => boolean): void;
  /** Writes an object directly, as another writer would. Returns its generation. */
  seed(bucket: string, name: string, body: string, options?: { contentType?: string; metadata?: Record<string, string> }): string;
  close(): Promise<void>;
}

interface UploadSession {
  readonly bucket: string;
  readonly name: string;
  readonly contentType: string;
  readonly metadata: Record<string, string>;
  readonly preconditions: URLSearchParams;
  chunks: Buffer[];
  received: number;
  done?: GcsObjectRecord;
}

class GcsHttpError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startGcsServer(options: GcsServerOptions = {}): Promise<GcsServer> {
  const objects = new Map<string, GcsObjectRecord>();
  const sessions = new Map<string, UploadSession>();
  const requests: RecordedRequest[] = [];
  const faults: { count: number; status: number; match: (method: string, url: URL) => boolean }[] = [];
  if (options.faults?.errors) {
    const e = options.faults.errors;
    faults.push({ count: e.count, status: e.status, match: e.match ?? (() => true) });
  }
  let lastGeneration = 0n;
  let baseUrl = "";

  const nextGeneration = (): string => {
    const now = BigInt(Date.now()) * 1000n;
    lastGeneration = now > lastGeneration ? now : lastGeneration + 1n;
    return String(lastGeneration);
  };

  const checkBucket = (bucket: string): void => {
    if (options.buckets && !options.buckets.includes(bucket))
      throw new GcsHttpError(404, "notFound", "The specified bucket does not exist.");
  };

  const checkPreconditions = (bucket: string, name: string, query: URLSearchParams): void => {
    const current = objects.get(`${bucket}/${name}`);
    const match = query.get("ifGenerationMatch");
    if (match !== null && (current?.generation ?? "0") !== match) {
      throw new GcsHttpError(412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
    }
    const notMatch = query.get("ifGenerationNotMatch");
    if (notMatch !== null && (current?.generation ?? "0") === notMatch) {
      throw new GcsHttpError(412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
    }
  };

  const store = (bucket: string, name: string, body: Buffer, contentType: string, metadata: Record<string, string>): GcsObjectRecord => {
    const now = new Date().toISOString();
    const record: GcsObjectRecord = {
      bucket,
      name,
      body,
      generation: nextGeneration(),
      metageneration: "1",
      contentType,
      metadata: { ...metadata },
      md5Hash: createHash("md5").update(body).digest("base64"),
      crc32c: crc32cBase64(body),
      timeCreated: now, // a new generation is a new object
      updated: now,
    };
    objects.set(`${bucket}/${name}`, record);
    return record;
  };

  const resource = (o: GcsObjectRecord): Record<string, unknown> => ({
    kind: "storage#object",
    id: `${o.bucket}/${o.name}/${o.generation}`,
    selfLink: `${baseUrl}/storage/v1/b/${o.bucket}/o/${encodeURIComponent(o.name)}`,
    mediaLink: `${baseUrl}/download/storage/v1/b/${o.bucket}/o/${encodeURIComponent(o.name)}?generation=${o.generation}&alt=media`,
    name: o.name,
    bucket: o.bucket,
    generation: o.generation,
    metageneration: o.metageneration,
    contentType: o.contentType,
    storageClass: "STANDARD",
    size: String(o.body.length),
    md5Hash: o.md5Hash,
    crc32c: o.crc32c,
    etag: createHash("md5").update(`${o.name}:${o.generation}`).digest("base64"),
    timeCreated: o.timeCreated,
    updated: o.updated,
    ...(Object.keys(o.metadata).length > 0 ? { metadata: o.metadata } : {}),
  });

  const takeFault = (method: string, url: URL): number | undefined => {
    for (const f of faults) {
      if (f.count > 0 && f.match(method, url)) {
        f.count--;
        return f.status;
      }
    }
    return undefined;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<number> => {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const body = await readBody(req);
    const injected = takeFault(method, url);
    if (injected !== undefined)
      return sendError(res, new GcsHttpError(injected, injected === 429 ? "rateLimitExceeded" : "backendError", `injected ${injected}`));

    let m: RegExpExecArray | null;
    if ((m = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname))) {
      const bucket = decodeURIComponent(m[1]!);
      checkBucket(bucket);
      const uploadType = url.searchParams.get("uploadType");
      if (method === "POST" && uploadType === "multipart") {
        const { metadata, media, mediaType } = parseMultipart(req.headers["content-type"] ?? "", body);
        const name = url.searchParams.get("name") ?? (typeof metadata.name === "string" ? metadata.name : undefined);
        if (!name) throw new GcsHttpError(400, "required", "Required parameter: name");
        checkPreconditions(bucket, name, url.searchParams);
        const contentType = typeof metadata.contentType === "string" ? metadata.contentType : (mediaType ?? "application/octet-stream");
        const record = store(bucket, name, media, contentType, stringRecord(metadata.metadata));
        return sendJson(res, 200, resource(record));
      }
      if (method === "POST" && uploadType === "resumable") {
        const metadata = body.length > 0 ? (JSON.parse(body.toString("utf8")) as Record<string, unknown>) : {};
        const name = url.searchParams.get("name") ?? (typeof metadata.name === "string" ? metadata.name : undefined);
        if (!name) throw new GcsHttpError(400, "required", "Required parameter: name");
        checkPreconditions(bucket, name, url.searchParams);
        const id = randomUUID();
        const contentType =
          headerOf(req, "x-upload-content-type") ??
          (typeof metadata.contentType === "string" ? metadata.contentType : "application/octet-stream");
        sessions.set(id, {
          bucket,
          name,
          contentType,
          metadata: stringRecord(metadata.metadata),
          preconditions: new URLSearchParams(url.searchParams),
          chunks: [],
          received: 0,
        });
        res.setHeader(
          "Location",
          `${baseUrl}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable&name=${encodeURIComponent(name)}&upload_id=${id}`,
        );
        res.setHeader("X-GUploader-UploadID", id);
        return sendJson(res, 200, {});
      }
      if (method === "PUT" && url.searchParams.has("upload_id")) {
        const session = sessions.get(url.searchParams.get("upload_id")!);
        if (!session) throw new GcsHttpError(404, "notFound", "No such upload session.");
        return putChunk(req, res, session, body);
      }
      throw new GcsHttpError(400, "invalid", `unsupported upload: ${method} uploadType=${uploadType}`);
    }

    if ((m = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname)) && method === "GET") {
      const bucket = decodeURIComponent(m[1]!);
      checkBucket(bucket);
      return sendJson(res, 200, listObjects(bucket, url.searchParams));
    }

    if ((m = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(url.pathname))) {
      const bucket = decodeURIComponent(m[1]!);
      const name = decodeURIComponent(m[2]!);
      checkBucket(bucket);
      const current = objects.get(`${bucket}/${name}`);
      const wanted = url.searchParams.get("generation");
      if (!current || (wanted !== null && wanted !== current.generation)) {
        throw new GcsHttpError(404, "notFound", `No such object: ${bucket}/${name}`);
      }
      if (method === "GET" && url.searchParams.get("alt") === "media") {
        res.statusCode = 200;
        res.setHeader("Content-Type", current.contentType);
        res.setHeader("Content-Length", current.body.length);
        res.setHeader("x-goog-hash", `crc32c=${current.crc32c},md5=${current.md5Hash}`);
        res.setHeader("x-goog-generation", current.generation);
        res.setHeader("x-goog-metageneration", current.metageneration);
        res.setHeader("x-goog-stored-content-encoding", "identity");
        res.setHeader("x-goog-stored-content-length", current.body.length);
        for (const [k, v] of Object.entries(current.metadata)) res.setHeader(`x-goog-meta-${k}`, encodeURIComponent(v));
        res.end(current.body);
        return 200;
      }
      if (method === "GET") {
        checkMetaPreconditions(current, url.searchParams);
        return sendJson(res, 200, resource(current));
      }
      if (method === "DELETE") {
        checkPreconditions(bucket, name, url.searchParams);
        objects.delete(`${bucket}/${name}`);
        res.statusCode = 204;
        res.end();
        return 204;
      }
    }
    throw new GcsHttpError(404, "notFound", `Not Found: ${method} ${url.pathname}`);
  };

  const checkMetaPreconditions = (current: GcsObjectRecord, query: URLSearchParams): void => {
    const match = query.get("ifGenerationMatch");
    if (match !== null && match !== current.generation)
      throw new GcsHttpError(412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
  };

  const putChunk = (req: http.IncomingMessage, res: http.ServerResponse, session: UploadSession, chunk: Buffer): number => {
    if (session.done) return sendJson(res, 200, resource(session.done));
    const range = headerOf(req, "content-range") ?? "";
    // "bytes */*" or "bytes */TOTAL": a status check, or the end of an upload with no more data.
    let m = /^bytes \*\/(\*|\d+)$/.exec(range);
    if (m) {
      if (m[1] !== "*" && Number(m[1]) === session.received) return finish(req, res, session);
      if (session.received > 0) res.setHeader("Range", `bytes=0-${session.received - 1}`);
      res.statusCode = 308;
      res.end();
      return 308;
    }
    // "bytes FIRST-LAST/TOTAL", "bytes FIRST-*/TOTAL" (the client's single-request form), TOTAL may be "*".
    m = /^bytes (\d+)-(\d+|\*)\/(\*|\d+)$/.exec(range);
    if (!m) throw new GcsHttpError(400, "invalid", `bad Content-Range: ${JSON.stringify(range)}`);
    const first = Number(m[1]);
    if (first > session.received) throw new GcsHttpError(400, "invalid", `chunk starts at ${first}, have ${session.received}`);
    // A resent chunk overlaps what we have: keep only the new bytes.
    const fresh = chunk.subarray(session.received - first);
    session.chunks.push(fresh);
    session.received += fresh.length;
    const total = m[3] === "*" ? undefined : Number(m[3]);
    const lastChunk = m[2] === "*" || total !== undefined;
    if (lastChunk && (total === undefined || total === session.received)) return finish(req, res, session);
    res.setHeader("Range", `bytes=0-${session.received - 1}`);
    res.statusCode = 308;
    res.end();
    return 308;
  };

  const finish = (req: http.IncomingMessage, res: http.ServerResponse, session: UploadSession): number => {
    const body = Buffer.concat(session.chunks);
    // The client may send its own hashes of the whole object; GCS refuses a mismatch.
    const hash = headerOf(req, "x-goog-hash");
    if (hash) {
      for (const pair of hash.split(",")) {
        const [kind, value] = [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)];
        const ours = kind === "crc32c" ? crc32cBase64(body) : kind === "md5" ? createHash("md5").update(body).digest("base64") : undefined;
        if (ours !== undefined && ours !== value) throw new GcsHttpError(400, "invalid", `Provided ${kind} does not match the data.`);
      }
    }
    checkPreconditions(session.bucket, session.name, session.preconditions);
    session.done = store(session.bucket, session.name, body, session.contentType, session.metadata);
    return sendJson(res, 200, resource(session.done));
  };

  const listObjects = (bucket: string, query: URLSearchParams): Record<string, unknown> => {
    const prefix = query.get("prefix") ?? "";
    const delimiter = query.get("delimiter") ?? "";
    const maxResults = Math.max(1, Math.min(1000, Number(query.get("maxResults") ?? "1000") || 1000));
    const after = query.get("pageToken") ? Buffer.from(query.get("pageToken")!, "base64url").toString("utf8") : undefined;
    const names = [...objects.values()].filter((o) => o.bucket === bucket && o.name.startsWith(prefix)).map((o) => o.name);
    // Items and prefixes share one ordered sequence, so a page boundary can fall anywhere.
    const entries = new Map<string, "item" | "prefix">();
    for (const name of names) {
      const rest = name.slice(prefix.length);
      const cut = delimiter ? rest.indexOf(delimiter) : -1;
      if (cut >= 0) entries.set(prefix + rest.slice(0, cut + delimiter.length), "prefix");
      else entries.set(name, "item");
    }
    const ordered = [...entries.keys()].sort(compareBytes).filter((k) => after === undefined || compareBytes(k, after) > 0);
    const page = ordered.slice(0, maxResults);
    const items = page.filter((k) => entries.get(k) === "item").map((k) => resource(objects.get(`${bucket}/${k}`)!));
    const prefixes = page.filter((k) => entries.get(k) === "prefix");
    return {
      kind: "storage#objects",
      ...(ordered.length > page.length ? { nextPageToken: Buffer.from(page[page.length - 1]!, "utf8").toString("base64url") } : {}),
      ...(prefixes.length > 0 ? { prefixes } : {}),
      ...(items.length > 0 ? { items } : {}),
    };
  };

  const server = http.createServer((req, res) => {
    handle(req, res)
      .catch((error: unknown) => {
        if (error instanceof GcsHttpError) return sendError(res, error);
        return sendError(res, new GcsHttpError(500, "backendError", error instanceof Error ? error.message : String(error)));
      })
      .then((status) => requests.push({ method: req.method ?? "", url: req.url ?? "", status }))
      .catch(() => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    objects,
    requests,
    injectErrors(count, status, match = () => true) {
      faults.push({ count, status, match });
    },
    seed(bucket, name, body, seedOptions = {}) {
      return store(
        bucket,
        name,
        Buffer.from(body, "utf8"),
        seedOptions.contentType ?? "application/octet-stream",
        seedOptions.metadata ?? {},
      ).generation;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function headerOf(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): number {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=UTF-8");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
  return status;
}

function sendError(res: http.ServerResponse, error: GcsHttpError): number {
  if (res.headersSent) {
    res.destroy();
    return error.status;
  }
  return sendJson(res, error.status, {
    error: { code: error.status, message: error.message, errors: [{ message: error.message, domain: "global", reason: error.reason }] },
  });
}

/** multipart/related: the JSON resource, then the media. */
function parseMultipart(contentType: string, body: Buffer): { metadata: Record<string, unknown>; media: Buffer; mediaType?: string } {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) throw new GcsHttpError(400, "invalid", "multipart upload without a boundary");
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    parts.push(body.subarray(start, next));
    at = next;
  }
  if (parts.length !== 2) throw new GcsHttpError(400, "invalid", `multipart upload with ${parts.length} parts`);
  const split = (part: Buffer): { headers: string; content: Buffer } => {
    const sep = part.indexOf("\r\n\r\n");
    const headers = part.subarray(0, sep).toString("utf8");
    let content = part.subarray(sep + 4);
    if (content.subarray(content.length - 2).toString() === "\r\n") content = content.subarray(0, content.length - 2);
    return { headers, content };
  };
  const meta = split(parts[0]!);
  const media = split(parts[1]!);
  const mediaType = /content-type:\s*([^\r\n]+)/i.exec(media.headers)?.[1]?.trim();
  return {
    metadata: JSON.parse(meta.content.toString("utf8")) as Record<string, unknown>,
    media: media.content,
    ...(mediaType ? { mediaType } : {}),
  };
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = String(v);
  return out;
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

// CRC32C (Castagnoli), as GCS reports it: the 32-bit value, big-endian, base64.
const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32cBase64(data: Buffer): string {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out.toString("base64");
}
