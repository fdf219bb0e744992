// A loopback stand-in for the GitHub REST API, as much of it as this job uses: App JWT and
// installation-token auth, one repository's issues, comments and labels, label/state filters,
// Link pagination, search with its own rate limit, and faults on demand. Every request and
// response is checked against GitHub's OpenAPI description; what doesn't match lands in
// `state.violations` (bad requests are also answered 400), so tests can assert it stays empty.
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { checkAppJwt, credentialOf, issueInstallationToken, looksLikeJwt } from "./github/auth";
import { findOperation, operationValidator } from "./github/openapi-validator";
import { MAX_BODY_LENGTH, NotFound, StandInRepository, ValidationFailed } from "./github/repository";
import { DOCS, ROUTES, matchRoute, notFound, type Route, type RouteDeps, type RouteResult } from "./github/routes";
import type { GitHubStandInState, LockReason, RequestRecord, StoredUser } from "./github/state";
import { createState, renderIssue } from "./github/state";

export type { GitHubStandInState, RequestRecord, Violation } from "./github/state";

export interface GitHubStandInOptions {
  /** Port to listen on (loopback only); 0, the default, picks a free one. */
  port?: number;
  owner?: string;
  repo?: string;
  appId?: number;
  installationId?: number;
  /** Check requests and responses against GitHub's OpenAPI description (default true). */
  validate?: boolean;
  /** Search requests allowed per minute before a 403 (GitHub: 30). */
  searchRateLimitPerMinute?: number;
  /** The stand-in's clock, for timestamps and token expiry (default: the real one). */
  now?: () => Date;
  /** Called once per request served, e.g. to log it. */
  onRequest?: (record: RequestRecord) => void;
  /** Where the stand-in reports its own trouble (violations, unserved endpoints, crashes); default stderr. */
  log?: (line: string) => void;
}

export interface RequestMatch {
  method?: string;
  path?: RegExp;
}

export interface GitHubStandInFaults {
  /** The next `times` installation requests (matching `match`) get GitHub's secondary rate limit: 403 with `retry-after`. */
  secondaryRateLimit(times: number, retryAfterSeconds?: number, match?: RequestMatch): void;
  /** The next `times` matching writes are carried out, then answered 502. */
  badGatewayAfterWrite(method: string, pathRegex: RegExp, times?: number): void;
  /** The next `times` matching writes are carried out, then left unanswered; the connection is dropped after `holdMs`. */
  timeoutAfterWrite(method: string, pathRegex: RegExp, times?: number, holdMs?: number): void;
  /** Lowers (or restores) the longest issue or comment body accepted before GitHub's 422. */
  tooLongBody(limit?: number): void;
  /** Drops every armed fault and restores the body limit. */
  clear(): void;
}

/** What people on github.com do to the repository, between runs of the job. */
export interface GitHubStandInHuman {
  openIssue(input: { title: string; body?: string; labels?: string[] }): number;
  closeIssue(number: number, reason?: "completed" | "not_planned"): void;
  reopen(number: number): void;
  lock(number: number, reason?: LockReason): void;
  unlock(number: number): void;
  addLabel(number: number, name: string): void;
  removeLabel(number: number, name: string): void;
  comment(number: number, body: string): number;
  editBody(number: number, body: string): void;
}

export interface GitHubStandIn {
  /** Base URL for Octokit's `baseUrl`, e.g. http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  appId: number;
  privateKeyPem: string;
  /** The private key written to a temporary file (removed on close). */
  privateKeyFile: string;
  installationId: number;
  owner: string;
  repo: string;
  state: GitHubStandInState;
  faults: GitHubStandInFaults;
  actAsHuman: GitHubStandInHuman;
  /** Issue `number` rendered exactly as GET /repos/{owner}/{repo}/issues/{number} would. */
  renderIssue(number: number): Record<string, unknown>;
  /** Throws listing every recorded OpenAPI violation; use in afterEach. */
  assertNoViolations(): void;
  /** Empties the repository (issues, comments, labels), the request log and the violations, and clears faults; issued tokens stay valid. */
  reset(): void;
  close(): Promise<void>;
}

interface WriteFault {
  method: string;
  pathRegex: RegExp;
  times: number;
  kind: "bad-gateway-after-write" | "timeout-after-write";
  holdMs: number;
}

const JSON_TYPE = "application/json; charset=utf-8";
const CORE_LIMIT = 5000;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function matches(match: RequestMatch, method: string, urlPath: string): boolean {
  return (match.method === undefined || match.method.toUpperCase() === method) && (match.path === undefined || match.path.test(urlPath));
}

export async function startGitHubStandIn(options: GitHubStandInOptions = {}): Promise<GitHubStandIn> {
  const owner = options.owner ?? "acme";
  const repo = options.repo ?? "services";
  const appId = options.appId ?? 424242;
  const installationId = options.installationId ?? 31337;
  const validate = options.validate ?? true;
  const searchLimit = options.searchRateLimitPerMinute ?? 30;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  // Load GitHub's description and compile the operations now, so the first request isn't slow.
  if (validate) for (const route of ROUTES) operationValidator(route.method, route.template).prepare();

  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), "github-stand-in-"));
  const privateKeyFile = path.join(keyDir, "app-private-key.pem");
  fs.writeFileSync(privateKeyFile, privateKeyPem, { mode: 0o600 });

  const state = createState();
  const repository = new StandInRepository(state, now);
  const appSlug = "log-gardener-stand-in";
  const bot: StoredUser = { login: `${appSlug}[bot]`, id: 41000000 + (appId % 1000000), type: "Bot" };
  const human: StoredUser = { login: owner, id: 583231, type: "User" };

  let secondary: { times: number; retryAfterSeconds: number; match: RequestMatch } | undefined;
  let writeFaults: WriteFault[] = [];
  const searchTimes: number[] = [];
  let coreWindowStart = now().getTime();
  let coreUsed = 0;
  const held = new Set<http.ServerResponse>();

  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("github stand-in: no TCP address");
  const url = `http://127.0.0.1:${address.port}`;
  const render = { apiUrl: url, owner, repo, ownerId: human.id, repoId: 7700001, appId, appSlug };

  const deps: RouteDeps = {
    repository,
    state,
    render,
    installationId,
    bot,
    owner: human,
    now,
    issueToken: () => issueInstallationToken(state, now()),
  };

  const rateHeaders = (resource: Route["resource"] | "core"): Record<string, string> => {
    const t = now().getTime();
    if (resource === "search") {
      while (searchTimes.length > 0 && (searchTimes[0] ?? 0) <= t - 60_000) searchTimes.shift();
      const reset = Math.ceil(((searchTimes[0] ?? t) + 60_000) / 1000);
      return {
        "x-ratelimit-limit": String(searchLimit),
        "x-ratelimit-remaining": String(Math.max(searchLimit - searchTimes.length, 0)),
        "x-ratelimit-reset": String(reset),
        "x-ratelimit-used": String(Math.min(searchTimes.length, searchLimit)),
        "x-ratelimit-resource": "search",
      };
    }
    if (t - coreWindowStart >= 3_600_000) {
      coreWindowStart = t;
      coreUsed = 0;
    }
    return {
      "x-ratelimit-limit": String(CORE_LIMIT),
      "x-ratelimit-remaining": String(Math.max(CORE_LIMIT - coreUsed, 0)),
      "x-ratelimit-reset": String(Math.ceil((coreWindowStart + 3_600_000) / 1000)),
      "x-ratelimit-used": String(coreUsed),
      "x-ratelimit-resource": "core",
    };
  };

  const send = (res: http.ServerResponse, result: RouteResult, extraHeaders: Record<string, string>): void => {
    const headers: Record<string, string> = {
      "x-github-request-id": crypto
        .randomBytes(8)
        .toString("hex")
        .toUpperCase()
        .replace(/(.{4})(?=.)/g, "$1:"),
      "x-github-api-version-selected": "2022-11-28",
      "x-github-media-type": "github.v3; format=json",
      // From the stand-in's clock: @octokit/auth-app reads it to correct JWTs for clock skew.
      date: now().toUTCString(),
      ...extraHeaders,
      ...result.headers,
    };
    if (result.status === 204 || result.body === undefined) {
      res.writeHead(result.status, headers).end();
      return;
    }
    const text = JSON.stringify(result.body);
    res.writeHead(result.status, { ...headers, "content-type": JSON_TYPE, "content-length": String(Buffer.byteLength(text)) }).end(text);
  };

  const error = (status: number, message: string, extra: Record<string, unknown> = {}): RouteResult => ({
    status,
    body: { message, documentation_url: DOCS, status: String(status), ...extra },
  });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const method = (req.method ?? "GET").toUpperCase();
    const requestUrl = new URL(req.url ?? "/", url);
    const urlPath = requestUrl.pathname;
    const rawBody = await readBody(req);
    const record: RequestRecord = {
      method,
      path: urlPath,
      query: Object.fromEntries(requestUrl.searchParams),
      auth: "none",
      body: undefined,
      status: 0,
    };
    const finish = (result: RouteResult, resource: Route["resource"] | "core", extra: Record<string, string> = {}): void => {
      record.status = result.status;
      state.requests.push(record);
      options.onRequest?.(record);
      send(res, result, { ...rateHeaders(resource), ...extra });
    };

    let body: unknown;
    if (rawBody.trim() !== "") {
      try {
        body = JSON.parse(rawBody);
      } catch {
        finish(error(400, "Problems parsing JSON"), "core");
        return;
      }
    }
    record.body = body;

    const match = matchRoute(method, urlPath);
    if (!match) {
      // GitHub would know this one; say so, so a missing route isn't mistaken for a missing issue.
      const known = validate ? findOperation(method, urlPath) : undefined;
      if (known) {
        record.fault = `not-implemented: ${known.operationId}`;
        log(`github stand-in: ${method} ${known.template} (${known.operationId}) is GitHub's but not implemented here; answering 404`);
      }
      finish(notFound(), "core");
      return;
    }
    const { route, params } = match;

    // Authentication, as GitHub does it: a JWT for /app endpoints, an installation token elsewhere.
    const credential = credentialOf(req.headers.authorization);
    if (credential === undefined) {
      finish(error(401, "Requires authentication"), route.resource);
      return;
    }
    if (route.auth === "app") {
      const verdict = looksLikeJwt(credential)
        ? checkAppJwt(credential, publicKey, appId, Math.floor(now().getTime() / 1000))
        : ({ ok: false, message: "A JSON web token could not be decoded" } as const);
      if (!verdict.ok) {
        finish(error(401, verdict.message), route.resource);
        return;
      }
      record.auth = "app";
    } else {
      const token = state.tokens.find((t) => t.token === credential);
      if (!token || token.expiresAt.getTime() <= now().getTime()) {
        finish(error(401, "Bad credentials"), route.resource);
        return;
      }
      record.auth = "installation";
    }
    if (route.resource === "core") coreUsed++;

    if (route.auth === "installation" && secondary && secondary.times > 0 && matches(secondary.match, method, urlPath)) {
      secondary.times--;
      record.fault = "secondary-rate-limit";
      finish(
        error(
          403,
          "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
        ),
        route.resource,
        { "retry-after": String(secondary.retryAfterSeconds) },
      );
      return;
    }

    const validator = validate ? operationValidator(method, route.template) : undefined;
    if (validator) {
      const problems = validator.checkRequest({ pathParams: params, query: requestUrl.searchParams, body });
      if (problems.length > 0) {
        state.violations.push({ kind: "request", method, path: urlPath, operationId: validator.operationId, problems });
        finish(error(400, `Invalid request.\n\n${problems.join("\n")}`), route.resource);
        return;
      }
    }

    if (route.resource === "search") {
      const t = now().getTime();
      while (searchTimes.length > 0 && (searchTimes[0] ?? 0) <= t - 60_000) searchTimes.shift();
      if (searchTimes.length >= searchLimit) {
        const retryAfter = Math.max(Math.ceil(((searchTimes[0] ?? t) + 60_000 - t) / 1000), 1);
        record.fault = "search-rate-limit";
        finish(error(403, `API rate limit exceeded for installation ID ${installationId}.`), "search", {
          "retry-after": String(retryAfter),
        });
        return;
      }
      searchTimes.push(t);
    }

    let result: RouteResult;
    try {
      result = route.handle(deps, { params, query: requestUrl.searchParams, body, url: requestUrl });
    } catch (e) {
      if (e instanceof ValidationFailed) {
        result = {
          status: 422,
          body: {
            message: "Validation Failed",
            errors: [{ resource: e.resource, code: e.code, field: e.field, ...(e.message ? { message: e.message } : {}) }],
            documentation_url: DOCS,
            status: "422",
          },
        };
      } else if (e instanceof NotFound) {
        result = notFound(e.message);
      } else {
        throw e;
      }
    }

    if (validator) {
      const problems = validator.checkResponse(result.status, result.body);
      if (problems.length > 0) {
        state.violations.push({
          kind: "response",
          method,
          path: urlPath,
          operationId: validator.operationId,
          status: result.status,
          problems,
        });
        log(`github stand-in: response violates OpenAPI (${validator.operationId}): ${problems.join("; ")}`);
      }
    }

    const wrote = method !== "GET" && result.status < 300;
    const fault = wrote ? writeFaults.find((f) => f.times > 0 && f.method === method && f.pathRegex.test(urlPath)) : undefined;
    if (fault) {
      fault.times--;
      record.fault = fault.kind;
      if (fault.kind === "bad-gateway-after-write") {
        finish({ status: 502, body: { message: "Server Error" } }, route.resource);
        return;
      }
      record.status = 0;
      state.requests.push(record);
      options.onRequest?.(record);
      held.add(res);
      const timer = setTimeout(() => {
        held.delete(res);
        res.socket?.destroy();
      }, fault.holdMs);
      timer.unref();
      res.on("close", () => {
        clearTimeout(timer);
        held.delete(res);
      });
      return;
    }
    finish(result, route.resource);
  };

  server.on("request", (req, res) => {
    handle(req, res).catch((e: unknown) => {
      // A crash is a bug in the stand-in: record it where tests look.
      const problem = e instanceof Error ? (e.stack ?? e.message) : String(e);
      state.violations.push({
        kind: "response",
        method: req.method ?? "",
        path: req.url ?? "",
        operationId: "",
        status: 500,
        problems: [`stand-in crashed: ${problem}`],
      });
      log(`github stand-in: ${problem}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": JSON_TYPE }).end(JSON.stringify({ message: "Server Error" }));
    });
  });

  const human$ = {
    openIssue: (input: { title: string; body?: string; labels?: string[] }) => repository.openIssue(human, input).number,
    closeIssue: (number: number, reason: "completed" | "not_planned" = "completed") => {
      repository.updateIssue(human, number, { state: "closed", state_reason: reason });
    },
    reopen: (number: number) => {
      repository.updateIssue(human, number, { state: "open" });
    },
    lock: (number: number, reason: LockReason = "resolved") => {
      repository.lock(number, reason);
    },
    unlock: (number: number) => {
      repository.unlock(number);
    },
    addLabel: (number: number, name: string) => {
      repository.addLabels(number, [name]);
    },
    removeLabel: (number: number, name: string) => {
      repository.removeLabel(number, name);
    },
    comment: (number: number, body: string) => repository.comment(human, number, body).id,
    editBody: (number: number, body: string) => {
      repository.updateIssue(human, number, { body });
    },
  };

  const faults: GitHubStandInFaults = {
    secondaryRateLimit: (times, retryAfterSeconds = 1, match = {}) => {
      secondary = { times, retryAfterSeconds, match };
    },
    badGatewayAfterWrite: (m, pathRegex, times = 1) => {
      writeFaults.push({ method: m.toUpperCase(), pathRegex, times, kind: "bad-gateway-after-write", holdMs: 0 });
    },
    timeoutAfterWrite: (m, pathRegex, times = 1, holdMs = 30_000) => {
      writeFaults.push({ method: m.toUpperCase(), pathRegex, times, kind: "timeout-after-write", holdMs });
    },
    tooLongBody: (limit = MAX_BODY_LENGTH) => {
      repository.maxBodyLength = limit;
    },
    clear: () => {
      secondary = undefined;
      writeFaults = [];
      repository.maxBodyLength = MAX_BODY_LENGTH;
    },
  };

  return {
    url,
    appId,
    privateKeyPem,
    privateKeyFile,
    installationId,
    owner,
    repo,
    state,
    faults,
    actAsHuman: human$,
    renderIssue: (number) => renderIssue(render, state, repository.issue(number)),
    assertNoViolations: () => {
      if (state.violations.length > 0) {
        throw new Error(`GitHub stand-in saw OpenAPI violations:\n${JSON.stringify(state.violations, null, 2)}`);
      }
    },
    reset: () => {
      faults.clear();
      for (const list of [state.issues, state.comments, state.labels, state.requests, state.violations]) list.length = 0;
      searchTimes.length = 0;
    },
    close: async () => {
      for (const res of held) res.socket?.destroy();
      held.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      fs.rmSync(keyDir, { recursive: true, force: true });
    },
  };
}
