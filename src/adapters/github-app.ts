/**
 * The GitHub App client: `@octokit/app` given an Octokit class with the REST methods and
 * pagination (`@octokit/rest`), the throttling and retry plugins and a per-attempt timeout,
 * pointed at `apiUrl` (api.github.com, GitHub Enterprise Server's /api/v3, or a loopback
 * stand-in in tests). Without that class, `App` would use a bare `@octokit/core`.
 *
 * Retries: plugin-retry retries 5xx and network failures, POSTs included, so callers that
 * create things pass `request: { retries: 0 }` and check before trying again (see
 * github-issue-tracker.ts). Throttling: plugin-throttling spaces writes (1 s, 3 s for writes
 * that notify, 2 s between searches) and retries after primary and secondary rate limits, up to
 * `maxRateLimitRetries` times and only if the wait is at most `maxRateLimitWaitSeconds`.
 */
import { App } from "@octokit/app";
import { retry } from "@octokit/plugin-retry";
import { throttling, type ThrottlingOptions } from "@octokit/plugin-throttling";
import type { Octokit as CoreOctokit, OctokitOptions } from "@octokit/core";
import { Octokit } from "@octokit/rest";
import { UpstreamError } from "../errors";

/** The slice of a pino logger this adapter uses (object first, message second). */
export interface LogSink {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface GitHubClientOptions {
  readonly appId: number;
  /** PEM; read from the key file by the composition root. */
  readonly privateKey: string;
  /** "owner/name" */
  readonly repo: string;
  readonly apiUrl: string;
  /** Looked up with GET /repos/{owner}/{repo}/installation when absent. */
  readonly installationId?: number;
  readonly logger: LogSink;
  /** Deadline of one request attempt (default 30 s). */
  readonly timeoutMs?: number;
  readonly retry?: {
    /** Retries of failed idempotent requests (default 3). */
    readonly retries?: number;
    /** Milliseconds per unit of backoff; tests turn it down to 1 (default 1000). */
    readonly retryAfterBaseValue?: number;
  };
  readonly throttle?: {
    /** Milliseconds per second of `retry-after`; tests turn it down to 1 (default 1000). */
    readonly retryAfterBaseValue?: number;
    /** Seconds to wait after a secondary rate limit without `retry-after` (default 60). */
    readonly fallbackSecondaryRateRetryAfter?: number;
    /** Retries after a rate limit (default 2). */
    readonly maxRateLimitRetries?: number;
    /** Give up rather than wait longer than this for a rate limit to reset (default 120 s). */
    readonly maxRateLimitWaitSeconds?: number;
    /**
     * Space writes and searches as GitHub asks (default true). Tests against the loopback
     * stand-in turn it off so a run of writes does not take minutes.
     */
    readonly pacing?: boolean;
  };
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Octokit logs message first, with optional details; our logger takes the object first. Details
 * keep only plain fields, never request headers.
 */
export function octokitLog(logger: LogSink): {
  debug: (m: string, i?: unknown) => void;
  info: (m: string, i?: unknown) => void;
  warn: (m: string, i?: unknown) => void;
  error: (m: string, i?: unknown) => void;
} {
  const details = (info: unknown): object => {
    if (info instanceof Error) return { err: { name: info.name, message: info.message } };
    if (!info || typeof info !== "object") return {};
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(info)) {
      if (k === "headers" || k === "request" || k === "response") continue;
      if (v === null || ["string", "number", "boolean"].includes(typeof v)) out[k] = v;
    }
    return { octokit: out };
  };
  const text = (m: unknown) => (typeof m === "string" ? m : String(m));
  return {
    debug: (m, i) => logger.debug(details(i), text(m)),
    info: (m, i) => logger.info(details(i), text(m)),
    warn: (m, i) => logger.warn(details(i), text(m)),
    error: (m, i) => logger.error(details(i), text(m)),
  };
}

/**
 * Gives every request attempt its own deadline. Registered before the retry and throttling
 * plugins, so it wraps each attempt rather than the whole retried request. before-after-hook
 * binds the options when the request starts, so the signal is set on them, not passed anew;
 * `request` is replaced rather than mutated because it may be the shared defaults object.
 */
function requestTimeout(octokit: CoreOctokit, options: OctokitOptions & { requestTimeoutMs?: number }): Record<string, never> {
  const ms = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  octokit.hook.wrap("request", (request, opts) => {
    // The caller's own signal, remembered on the first attempt (later ones see our deadline).
    const req = (opts.request ?? {}) as { signal?: AbortSignal | null; callerSignal?: AbortSignal | null };
    const own = "callerSignal" in req ? req.callerSignal : req.signal;
    const deadline = AbortSignal.timeout(ms);
    const signal = own ? AbortSignal.any([own, deadline]) : deadline;
    opts.request = { ...opts.request, signal, callerSignal: own ?? null } as typeof opts.request;
    return request(opts);
  });
  return {};
}

type Group = NonNullable<Extract<ThrottlingOptions, { onRateLimit: unknown }>["write"]>;

/** A Bottleneck group look-alike that runs jobs at once: no pacing (tests only). */
const unpaced = {
  key: () => ({
    schedule: (...args: unknown[]) => {
      const fnAt = typeof args[0] === "function" ? 0 : 1;
      const fn = args[fnAt] as (...a: unknown[]) => unknown;
      return Promise.resolve().then(() => fn(...args.slice(fnAt + 1)));
    },
  }),
} as unknown as Group;

/** The Octokit class handed to `App`: REST methods, paginate, timeout, throttling, retry. */
export function buildOctokitClass(options: Omit<GitHubClientOptions, "appId" | "privateKey" | "repo" | "installationId">) {
  const t = options.throttle ?? {};
  const maxRetries = t.maxRateLimitRetries ?? 2;
  const maxWait = t.maxRateLimitWaitSeconds ?? 120;
  const log = octokitLog(options.logger);
  // Typed as returning void by the plugin, which still reads the boolean: true means retry.
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number): void => {
      const wait = retryCount < maxRetries && retryAfter <= maxWait;
      options.logger.warn(
        { retryAfter, retryCount, method: request.method, url: request.url, retrying: wait },
        `GitHub ${kind} rate limit`,
      );
      return wait as unknown as void;
    };
  const MyOctokit = Octokit.plugin(requestTimeout, throttling, retry).defaults({
    baseUrl: options.apiUrl.replace(/\/+$/, ""),
    userAgent: "log-gardener",
    log,
    requestTimeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    throttle: {
      onRateLimit: onLimit("primary"),
      onSecondaryRateLimit: onLimit("secondary"),
      ...(t.retryAfterBaseValue !== undefined ? { retryAfterBaseValue: t.retryAfterBaseValue } : {}),
      ...(t.fallbackSecondaryRateRetryAfter !== undefined ? { fallbackSecondaryRateRetryAfter: t.fallbackSecondaryRateRetryAfter } : {}),
      ...(t.pacing === false ? { write: unpaced, notifications: unpaced, search: unpaced } : {}),
    },
    retry: {
      ...(options.retry?.retries !== undefined ? { retries: options.retry.retries } : {}),
      ...(options.retry?.retryAfterBaseValue !== undefined ? { retryAfterBaseValue: options.retry.retryAfterBaseValue } : {}),
    },
  });
  return MyOctokit;
}

export type GitHubOctokit = InstanceType<ReturnType<typeof buildOctokitClass>>;

export interface GitHubClient {
  readonly octokit: GitHubOctokit;
  readonly owner: string;
  readonly repo: string;
  readonly installationId: number;
}

function statusOf(err: unknown): number | undefined {
  const s = (err as { status?: unknown }).status;
  return typeof s === "number" ? s : undefined;
}

/** Authenticates as the App, finds its installation on the repository and returns its client. */
export async function createGitHubClient(options: GitHubClientOptions): Promise<GitHubClient> {
  const [owner, repo] = options.repo.split("/");
  if (!owner || !repo)
    throw new UpstreamError("github", "configure", false, `repository must be owner/name, got ${JSON.stringify(options.repo)}`);
  const MyOctokit = buildOctokitClass(options);
  const app = new App({ appId: options.appId, privateKey: options.privateKey, Octokit: MyOctokit, log: octokitLog(options.logger) });
  let installationId = options.installationId;
  if (installationId === undefined) {
    try {
      const { data } = await app.octokit.request("GET /repos/{owner}/{repo}/installation", { owner, repo });
      installationId = data.id;
    } catch (err) {
      const status = statusOf(err);
      const why =
        status === 404
          ? `the App ${options.appId} is not installed on ${owner}/${repo}`
          : status === 401
            ? `GitHub rejected the App's JWT (check the app id and private key)`
            : (err as Error).message;
      throw new UpstreamError("github", "find installation", status === undefined || status >= 500, why, { cause: err });
    }
  }
  let octokit: GitHubOctokit;
  try {
    octokit = (await app.getInstallationOctokit(installationId)) as unknown as GitHubOctokit;
  } catch (err) {
    throw new UpstreamError("github", "authenticate installation", false, (err as Error).message, { cause: err });
  }
  options.logger.info({ owner, repo, installationId, apiUrl: options.apiUrl }, "GitHub App authenticated");
  return { octokit, owner, repo, installationId };
}
