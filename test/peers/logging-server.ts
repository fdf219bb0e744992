/**
 * A loopback Cloud Logging peer: `google.logging.v2.LoggingServiceV2/ListLogEntries` over real
 * gRPC, served from the protos that ship in the installed client packages. The real
 * `@google-cloud/logging` client talks to it unchanged (apiEndpoint 127.0.0.1, insecure
 * credentials).
 *
 * It behaves like the service where the job depends on it: entries go out in the API's own
 * shape (Struct payloads, Timestamp and Duration messages, enum severities), the filter is
 * applied (the clauses src/core/ingest/logging-filter.ts generates, parsed back here, `sample()`
 * included: see `sampleSelects`), results are
 * ordered by `orderBy`, `pageSize` is honoured (default 50, at most 1000) and pages are chained
 * with opaque tokens bound to the query. Faults (RESOURCE_EXHAUSTED, UNAVAILABLE, …) can be
 * injected on chosen requests. Every request received is recorded.
 *
 * Entries are given in Cloud Logging's JSON shape (what `gcloud logging read --format=json`
 * prints), either as an array or as a generator `{ count, at(i) }` already sorted by timestamp,
 * so a million entries need not sit in memory.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { loadGrpcService } from "./grpc-service";

// ---------------------------------------------------------------------------------------------
// Shapes

/** A LogEntry in Cloud Logging's JSON shape (camelCase, payloads as plain values). */
export interface LogEntryJson {
  readonly insertId?: string;
  readonly logName?: string;
  readonly timestamp: string;
  readonly receiveTimestamp?: string;
  readonly severity?: string;
  readonly resource?: { readonly type: string; readonly labels?: Readonly<Record<string, string>> };
  readonly labels?: Readonly<Record<string, string>>;
  readonly jsonPayload?: Readonly<Record<string, unknown>>;
  readonly textPayload?: string;
  readonly httpRequest?: Readonly<Record<string, unknown>>;
  readonly trace?: string;
  readonly spanId?: string;
  readonly traceSampled?: boolean;
  readonly sourceLocation?: { readonly file?: string; readonly line?: string; readonly function?: string };
}

/**
 * Entries sorted by timestamp ascending, produced on demand. The peer is done with an entry
 * before it asks for the next, so a generator may reuse its objects.
 */
export interface EntryGenerator {
  readonly count: number;
  at(index: number): LogEntryJson;
}

export type FaultCode = "RESOURCE_EXHAUSTED" | "UNAVAILABLE" | "DEADLINE_EXCEEDED" | "PERMISSION_DENIED" | "INVALID_ARGUMENT" | "INTERNAL";

export interface Fault {
  readonly code: FaultCode;
  /** How many consecutive requests fail (default 1). */
  readonly times?: number;
  /** Requests served normally before this fault starts (default 0). */
  readonly afterRequests?: number;
  readonly message?: string;
}

export interface ReceivedRequest {
  readonly resourceNames: readonly string[];
  readonly filter: string;
  readonly orderBy: string;
  readonly pageSize: number;
  readonly pageToken: string;
  /** The status sent back instead of a page, if any. */
  readonly status?: FaultCode;
  /** Entries in the page sent back. */
  readonly returned: number;
}

export interface LoggingServerOptions {
  readonly entries: readonly LogEntryJson[] | EntryGenerator;
  readonly faults?: readonly Fault[];
  /** Keep every request in `requests` (default true; the bench turns it off). */
  readonly recordRequests?: boolean;
  /**
   * Keep each page's encoded response, keyed by its query and token, and serve a page asked
   * again from memory (default false). With `prime`, a benchmark takes the peer's own work
   * (generating, filtering, encoding) out of what it measures, as the real service's is.
   */
  readonly cacheResponses?: boolean;
}

/** A ListLogEntries request as the peer reads it. */
export interface ListRequest {
  readonly resourceNames: readonly string[];
  readonly filter: string;
  readonly orderBy: string;
  readonly pageSize: number;
  readonly pageToken: string;
}

export interface LoggingServer {
  readonly port: number;
  readonly requests: ReceivedRequest[];
  /** Requests received so far, including failed ones. */
  requestCount(): number;
  /**
   * Walks every page of a query as the client will ask for them (first page, then each
   * token), filling the response cache (`cacheResponses`); returns the pages and entries.
   * Not recorded as requests.
   */
  prime(request: Omit<ListRequest, "pageToken">): { pages: number; entries: number };
  /** Pages served from the response cache, and pages that had to be built (cache on). */
  cacheStats(): { hits: number; misses: number };
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Protos: where the installed packages really ship them.

export function loggingProtoDirs(): string[] {
  // @google-cloud/logging@12 takes its protos from @google-cloud/logging-api (build/protos);
  // the google/api, google/protobuf and google/rpc imports come from google-gax (build/protos).
  const loggingApi = path.resolve(path.dirname(require.resolve("@google-cloud/logging-api")), "../protos");
  const gax = path.resolve(path.dirname(require.resolve("google-gax")), "../protos");
  return [loggingApi, gax];
}

function loadLoggingService(): grpc.ServiceDefinition {
  return loadGrpcService("google/logging/v2/logging.proto", loggingProtoDirs(), "google.logging.v2.LoggingServiceV2");
}

// ---------------------------------------------------------------------------------------------
// JSON shape -> API shape (what the proto serializer takes)

type ApiValue =
  | { nullValue: "NULL_VALUE" }
  | { numberValue: number }
  | { stringValue: string }
  | { boolValue: boolean }
  | { structValue: { fields: Record<string, ApiValue> } }
  | { listValue: { values: ApiValue[] } };

function toApiValue(value: unknown): ApiValue {
  if (value === null || value === undefined) return { nullValue: "NULL_VALUE" };
  if (typeof value === "number") return { numberValue: value };
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  if (Array.isArray(value)) return { listValue: { values: value.map(toApiValue) } };
  if (typeof value === "object") return { structValue: toApiStruct(value as Record<string, unknown>) };
  return { stringValue: String(value) };
}

function toApiStruct(object: Readonly<Record<string, unknown>>): { fields: Record<string, ApiValue> } {
  const fields: Record<string, ApiValue> = {};
  for (const [k, v] of Object.entries(object)) fields[k] = toApiValue(v);
  return { fields };
}

function toApiTimestamp(iso: string): { seconds: string; nanos: number } {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(iso);
  if (!m) throw new Error(`peer: bad timestamp ${iso}`);
  const seconds = Math.floor(Date.parse(`${m[1]}${m[3]}`) / 1000);
  const nanos = Number((m[2] ?? "").padEnd(9, "0"));
  return { seconds: String(seconds), nanos };
}

function toApiDuration(text: unknown): { seconds: string; nanos: number } | undefined {
  if (typeof text !== "string") return undefined;
  const m = /^(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
  if (!m) return undefined;
  return { seconds: m[1]!, nanos: Number((m[2] ?? "").padEnd(9, "0")) };
}

/** The LogEntry message as the proto serializer takes it. Exported for the contract tests. */
export function toApiEntry(entry: LogEntryJson): Record<string, unknown> {
  const api: Record<string, unknown> = {
    insertId: entry.insertId,
    logName: entry.logName,
    timestamp: toApiTimestamp(entry.timestamp),
    severity: entry.severity ?? "DEFAULT",
    resource: entry.resource ? { type: entry.resource.type, labels: entry.resource.labels ?? {} } : undefined,
    labels: entry.labels,
    trace: entry.trace,
    spanId: entry.spanId,
    traceSampled: entry.traceSampled,
    sourceLocation: entry.sourceLocation,
  };
  if (entry.receiveTimestamp) api.receiveTimestamp = toApiTimestamp(entry.receiveTimestamp);
  if (entry.jsonPayload) api.jsonPayload = toApiStruct(entry.jsonPayload);
  else if (entry.textPayload !== undefined) api.textPayload = entry.textPayload;
  if (entry.httpRequest) {
    const { latency, ...rest } = entry.httpRequest;
    api.httpRequest = { ...rest, latency: toApiDuration(latency) };
  }
  return api;
}

// ---------------------------------------------------------------------------------------------
// The filter: a small parser of the Logging query language, enough for the clauses the job
// generates and the Logs Explorer links it builds (comparisons, AND/OR/NOT, parentheses,
// log_id()). `:` is the has operator: a case-insensitive substring test on a string or number
// field; on a struct or list, true when any value inside it has the substring; `FIELD:*` tests
// that the field is present.

type Expr =
  | { kind: "and" | "or"; left: Expr; right: Expr }
  | { kind: "not"; expr: Expr }
  | { kind: "cmp"; path: string; op: string; value: string }
  | { kind: "logId"; id: string }
  | { kind: "sample"; path: string; fraction: number };

const TOKEN =
  /\s*(?:("(?:[^"\\]|\\.)*")|(>=|<=|!=|=|<|>|:)|(\()|(\))|(,)|(-)|(\*)|([A-Za-z_][A-Za-z0-9_]*(?:\.(?:[A-Za-z0-9_]+|"(?:[^"\\]|\\.)*"))*)|([0-9][0-9A-Za-z.:+-]*))/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) throw new Error(`unparseable filter at ${at}: ${text.slice(at, at + 30)}`);
    tokens.push(m[0].trim());
    at = TOKEN.lastIndex;
  }
  return tokens;
}

function unquote(token: string): string {
  return token.startsWith('"') ? (JSON.parse(token) as string) : token;
}

export function parseFilter(text: string): Expr | undefined {
  const tokens = tokenize(text);
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const take = (): string => {
    const t = tokens[i++];
    if (t === undefined) throw new Error("filter ends early");
    return t;
  };
  const expect = (t: string): void => {
    const got = take();
    if (got !== t) throw new Error(`expected ${t}, got ${got}`);
  };
  const startsTerm = (t: string | undefined): boolean => t !== undefined && t !== ")" && t !== "," && t !== "OR" && t !== "AND";

  function orExpr(): Expr {
    let left = andExpr();
    while (peek() === "OR") {
      take();
      left = { kind: "or", left, right: andExpr() };
    }
    return left;
  }
  function andExpr(): Expr {
    let left = unary();
    for (;;) {
      if (peek() === "AND") take();
      else if (!startsTerm(peek())) break; // juxtaposition is AND too
      left = { kind: "and", left, right: unary() };
    }
    return left;
  }
  function unary(): Expr {
    const t = peek();
    if (t === "NOT" || t === "-") {
      take();
      return { kind: "not", expr: unary() };
    }
    if (t === "(") {
      take();
      const e = orExpr();
      expect(")");
      return e;
    }
    const name = take();
    if (name === "log_id" && peek() === "(") {
      take();
      const id = unquote(take());
      expect(")");
      return { kind: "logId", id };
    }
    if (name === "sample" && peek() === "(") {
      take();
      const field = take();
      expect(",");
      const text = take();
      expect(")");
      const fraction = Number(text);
      // The documented range: greater than 0.0 and no greater than 1.0.
      if (!(fraction > 0 && fraction <= 1)) throw new Error(`sample(): the fraction must be greater than 0 and at most 1 (got ${text})`);
      return { kind: "sample", path: field, fraction };
    }
    const op = take();
    if (!/^(>=|<=|!=|=|<|>|:)$/.test(op)) throw new Error(`expected a comparison after ${name}, got ${op}`);
    return { kind: "cmp", path: name, op, value: unquote(take()) };
  }
  if (tokens.length === 0) return undefined;
  const expr = orExpr();
  if (i !== tokens.length) throw new Error(`unexpected ${tokens[i]}`);
  return expr;
}

const SEVERITY_RANK: Record<string, number> = {
  DEFAULT: 0,
  DEBUG: 100,
  INFO: 200,
  NOTICE: 300,
  WARNING: 400,
  ERROR: 500,
  CRITICAL: 600,
  ALERT: 700,
  EMERGENCY: 800,
};

function pathSegments(path: string): string[] {
  const segments: string[] = [];
  const re = /([A-Za-z_][A-Za-z0-9_]*)|"((?:[^"\\]|\\.)*)"/g;
  for (const m of path.matchAll(re)) segments.push(m[1] ?? (JSON.parse(`"${m[2]}"`) as string));
  return segments;
}

function compare(op: string, a: number | string, b: number | string): boolean {
  switch (op) {
    case "=":
      return a === b;
    case "!=":
      return a !== b;
    case ">=":
      return a >= b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case "<":
      return a < b;
    default:
      return String(a).toLowerCase().includes(String(b).toLowerCase());
  }
}

export type EntryPredicate = (entry: LogEntryJson) => boolean;

function compareWith(op: string): (a: number | string, b: number | string) => boolean {
  return (a, b) => compare(op, a, b);
}

/** Turns a parsed filter into a predicate, once per request: paths split, bounds parsed. */
export function compileFilter(expr: Expr | undefined): EntryPredicate {
  if (!expr) return () => true;
  switch (expr.kind) {
    case "and": {
      const [l, r] = [compileFilter(expr.left), compileFilter(expr.right)];
      return (e) => l(e) && r(e);
    }
    case "or": {
      const [l, r] = [compileFilter(expr.left), compileFilter(expr.right)];
      return (e) => l(e) || r(e);
    }
    case "not": {
      const inner = compileFilter(expr.expr);
      return (e) => !inner(e);
    }
    case "logId": {
      const suffix = `/logs/${encodeURIComponent(expr.id)}`;
      return (e) => (e.logName ?? "").endsWith(suffix);
    }
    case "sample": {
      const segments = pathSegments(expr.path);
      return (e) => {
        let value: unknown = e;
        for (const segment of segments) {
          if (value === null || typeof value !== "object") return false;
          value = (value as Record<string, unknown>)[segment];
        }
        return sampleSelects(value, expr.fraction);
      };
    }
    case "cmp": {
      const cmp = compareWith(expr.op);
      if (expr.path === "severity") {
        const rank = SEVERITY_RANK[expr.value.toUpperCase()];
        if (rank === undefined) throw new Error(`unknown severity ${expr.value}`);
        return (e) => cmp(SEVERITY_RANK[e.severity ?? "DEFAULT"] ?? 0, rank);
      }
      const segments = pathSegments(expr.path);
      const get = (e: LogEntryJson): unknown => {
        let value: unknown = e;
        for (const segment of segments) {
          if (value === null || typeof value !== "object") return undefined;
          value = (value as Record<string, unknown>)[segment];
        }
        return value;
      };
      if (expr.path === "timestamp" || expr.path === "receiveTimestamp") {
        const bound = Date.parse(expr.value);
        if (Number.isNaN(bound)) throw new Error(`bad timestamp ${expr.value}`);
        return (e) => {
          const value = get(e);
          return typeof value === "string" && cmp(Date.parse(value), bound);
        };
      }
      if (expr.op === ":") {
        if (expr.value === "*") return (e) => get(e) !== undefined && get(e) !== null;
        const needle = expr.value.toLowerCase();
        return (e) => hasSubstring(get(e), needle, 0);
      }
      const number = expr.value !== "" && !Number.isNaN(Number(expr.value)) ? Number(expr.value) : undefined;
      return (e) => {
        const value = get(e);
        if (value === undefined || value === null || typeof value === "object") return expr.op === "!=";
        if (typeof value === "number" && number !== undefined) return cmp(value, number);
        return cmp(String(value), expr.value);
      };
    }
  }
}

/** The has operator on one value: a string or number containing `needle` (lowercased), or a struct or list holding one. */
function hasSubstring(value: unknown, needle: string, depth: number): boolean {
  if (typeof value === "string") return value.toLowerCase().includes(needle);
  if (typeof value === "number" || typeof value === "boolean") return String(value).toLowerCase().includes(needle);
  if (value === null || typeof value !== "object" || depth > 16) return false;
  return Object.values(value).some((v) => hasSubstring(v, needle, depth + 1));
}

/**
 * `sample(FIELD, FRACTION)` as Cloud Logging documents it: about FRACTION of the entries that
 * have a value for FIELD (a string or number), decided by that value, so the same entry is in
 * or out on every query; entries without a value are never selected. Cloud Logging does not
 * document its hash: the peer uses SHA-256 of the value, which the job does not share, so no
 * test passes because both sides hash alike.
 */
export function sampleSelects(value: unknown, fraction: number): boolean {
  if (typeof value !== "string" && typeof value !== "number") return false;
  if (value === "") return false;
  if (fraction >= 1) return true;
  const digest = createHash("sha256").update(String(value)).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48 < fraction;
}

export function matches(expr: Expr | undefined, entry: LogEntryJson): boolean {
  return compileFilter(expr)(entry);
}

// ---------------------------------------------------------------------------------------------
// The server

interface PageToken {
  readonly q: string; // the query the token belongs to
  readonly pos: number; // next position to scan, in the requested order
}

function queryKey(req: { filter: string; orderBy: string; resourceNames: readonly string[] }): string {
  return JSON.stringify([req.filter, req.orderBy, req.resourceNames]);
}

function statusError(code: FaultCode, message: string): grpc.ServiceError {
  const error = new Error(message) as grpc.ServiceError;
  error.code = grpc.status[code];
  error.details = message;
  error.metadata = new grpc.Metadata();
  return error;
}

export async function startLoggingServer(options: LoggingServerOptions): Promise<LoggingServer> {
  const source: EntryGenerator = Array.isArray(options.entries)
    ? (() => {
        const sorted = [...(options.entries as readonly LogEntryJson[])].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
        return { count: sorted.length, at: (i: number) => sorted[i]! };
      })()
    : (options.entries as EntryGenerator);
  const faults = (options.faults ?? []).map((f) => ({ ...f, left: f.times ?? 1 }));
  const record = options.recordRequests ?? true;
  const requests: ReceivedRequest[] = [];
  let received = 0;

  type PageResult =
    | { readonly fail: FaultCode; readonly message: string }
    | { readonly entries: Record<string, unknown>[]; readonly nextPageToken: string };

  /** One page of a query, or the status to fail it with: the service's rules, no transport. */
  function page(req: ListRequest): PageResult {
    const fail = (code: FaultCode, message: string) => ({ fail: code, message });
    if (req.resourceNames.length === 0 || !req.resourceNames.every((n) => /^projects\/[a-z][a-z0-9-]+$/.test(n))) {
      return fail("INVALID_ARGUMENT", `resource_names: expected projects/PROJECT_ID (got ${JSON.stringify(req.resourceNames)})`);
    }
    if (req.pageSize < 0 || req.pageSize > 1000)
      return fail("INVALID_ARGUMENT", `page_size must be between 0 and 1000 (got ${req.pageSize})`);
    if (req.filter.length > 20_000) return fail("INVALID_ARGUMENT", "filter is longer than 20000 characters");
    const order = req.orderBy.trim().toLowerCase() || "timestamp asc";
    if (order !== "timestamp asc" && order !== "timestamp desc") {
      return fail("INVALID_ARGUMENT", `order_by: expected "timestamp asc" or "timestamp desc" (got ${JSON.stringify(req.orderBy)})`);
    }
    let accept: EntryPredicate;
    try {
      accept = compileFilter(parseFilter(req.filter));
    } catch (error) {
      return fail("INVALID_ARGUMENT", `unparseable filter: ${(error as Error).message}`);
    }
    const key = queryKey(req);
    let pos = 0;
    if (req.pageToken) {
      let token: PageToken;
      try {
        token = JSON.parse(Buffer.from(req.pageToken, "base64url").toString("utf8")) as PageToken;
      } catch {
        return fail("INVALID_ARGUMENT", "page_token: not a token this server issued");
      }
      if (token.q !== key) return fail("INVALID_ARGUMENT", "page_token: belongs to a different query");
      pos = token.pos;
    }
    const pageSize = req.pageSize || 50;
    const descending = order === "timestamp desc";
    const entries: Record<string, unknown>[] = [];
    while (pos < source.count && entries.length < pageSize) {
      const entry = source.at(descending ? source.count - 1 - pos : pos);
      pos++;
      if (accept(entry)) entries.push(toApiEntry(entry));
    }
    const nextPageToken = pos < source.count ? Buffer.from(JSON.stringify({ q: key, pos } satisfies PageToken)).toString("base64url") : "";
    return { entries, nextPageToken };
  }

  const service = loadLoggingService();
  const list = service.ListLogEntries!;
  const serialize = list.responseSerialize;
  const cache = new Map<string, { readonly bytes: Buffer; readonly entries: number; readonly nextPageToken: string }>();
  let hits = 0;
  let misses = 0;
  const cacheKey = (req: ListRequest) => `${req.pageSize}\u0000${req.pageToken}\u0000${queryKey(req)}`;

  /** The page, from the cache when it is on; the encoded response is cached, not the objects. */
  function cachedPage(req: ListRequest): PageResult | { readonly bytes: Buffer; readonly entries: number; readonly nextPageToken: string } {
    if (!options.cacheResponses) return page(req);
    const key = cacheKey(req);
    const hit = cache.get(key);
    if (hit) {
      hits++;
      return hit;
    }
    misses++;
    const result = page(req);
    if ("fail" in result) return result;
    const encoded = {
      bytes: serialize({ entries: result.entries, nextPageToken: result.nextPageToken }),
      entries: result.entries.length,
      nextPageToken: result.nextPageToken,
    };
    cache.set(key, encoded);
    return encoded;
  }

  function listLogEntries(call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, callback: grpc.sendUnaryData<unknown>): void {
    const body = call.request;
    const req: ListRequest = {
      resourceNames: (body.resourceNames as string[] | undefined) ?? [],
      filter: (body.filter as string | undefined) ?? "",
      orderBy: (body.orderBy as string | undefined) ?? "",
      pageSize: (body.pageSize as number | undefined) ?? 0,
      pageToken: (body.pageToken as string | undefined) ?? "",
    };
    const seen = received++;
    const fail = (code: FaultCode, message: string): void => {
      if (record) requests.push({ ...req, status: code, returned: 0 });
      callback(statusError(code, message));
    };

    const fault = faults.find((f) => f.left > 0 && seen >= (f.afterRequests ?? 0));
    if (fault) {
      fault.left--;
      fail(fault.code, fault.message ?? `injected ${fault.code}`);
      return;
    }
    const result = cachedPage(req);
    if ("fail" in result) {
      fail(result.fail, result.message);
      return;
    }
    if ("bytes" in result) {
      if (record) requests.push({ ...req, returned: result.entries });
      callback(null, result.bytes);
      return;
    }
    if (record) requests.push({ ...req, returned: result.entries.length });
    callback(null, { entries: result.entries, nextPageToken: result.nextPageToken });
  }

  function prime(request: Omit<ListRequest, "pageToken">): { pages: number; entries: number } {
    let pageToken = "";
    let pages = 0;
    let entries = 0;
    do {
      const result = cachedPage({ ...request, pageToken });
      if ("fail" in result) throw new Error(`peer: cannot prime ${request.filter}: ${result.fail} ${result.message}`);
      pages++;
      entries += "bytes" in result ? result.entries : result.entries.length;
      pageToken = result.nextPageToken;
    } while (pageToken);
    return { pages, entries };
  }

  const server = new grpc.Server();
  // Cached responses are already encoded: they pass the serializer as they are.
  const passBytes = (value: unknown): Buffer => (Buffer.isBuffer(value) ? value : serialize(value));
  server.addService(
    { ...service, ListLogEntries: { ...list, responseSerialize: passBytes } },
    {
      ListLogEntries: listLogEntries,
    },
  );
  const port = await new Promise<number>((resolvePort, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolvePort(bound),
    );
  });
  return {
    port,
    requests,
    requestCount: () => received,
    prime,
    cacheStats: () => ({ hits, misses }),
    close: () =>
      new Promise<void>((done) => {
        server.tryShutdown(() => done());
        setTimeout(() => server.forceShutdown(), 1000).unref();
      }),
  };
}
