/**
 * What the reliability tests share: a whole run of the job as the CLI does it
 * (`runRunCommand` with the real logger, config and composition root), fed from memory, writing
 * to a temporary folder or a peer, and everything that left the process captured: files,
 * stdout (the dry-run plan), stderr (the job's own logs), and whatever the peers stored.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { GitHubIssueTracker } from "../../src/adapters/github-issue-tracker";
import { createLogger, type Logger } from "../../src/adapters/logger";
import { describeError, EXIT_FAILURE } from "../../src/cli";
import { runRunCommand } from "../../src/commands/run";
import type { ComposeOverrides } from "../../src/compose";
import type { FlagValues } from "../../src/config";
import { ConfigError } from "../../src/errors";
import { parseIssueMarker } from "../../src/core/triage/issue-marker";
import type { IssueTracker, LogQuery, LogSource, SourceReport } from "../../src/ports";
import { startGitHubStandIn, type GitHubStandIn } from "../peers/github-stand-in";
import { standInClient } from "../contract/stand-in-client";

/** The hour every reliability run reads: [17:00, 18:00) on the day of the clock below. */
export const WINDOW_START = Date.parse("2026-11-28T17:00:00Z");
export const WINDOW_END = Date.parse("2026-11-28T18:00:00Z");
/** The run's own clock starts here: five minutes past the window. */
export const RUN_START = WINDOW_END + 5 * 60_000;

// ---------------------------------------------------------------------------------------------
// Entries

export interface EntryInput {
  readonly service?: string;
  readonly at?: number;
  readonly severity?: string;
  readonly insertId: string;
  readonly textPayload?: string;
  readonly jsonPayload?: Record<string, unknown>;
  readonly httpRequest?: Record<string, unknown>;
  readonly labels?: Record<string, string>;
  readonly trace?: string;
}

/** A Cloud Run request or application log entry, in Cloud Logging's JSON shape. */
export function logEntry(e: EntryInput): Record<string, unknown> {
  return {
    insertId: e.insertId,
    logName: "projects/shop-prod/logs/run.googleapis.com%2Fstdout",
    timestamp: new Date(e.at ?? WINDOW_START + 60_000).toISOString(),
    severity: e.severity ?? "ERROR",
    resource: {
      type: "cloud_run_revision",
      labels: {
        service_name: e.service ?? "checkout-api",
        revision_name: `${e.service ?? "checkout-api"}-00042-abc`,
        location: "europe-west1",
      },
    },
    ...(e.textPayload !== undefined ? { textPayload: e.textPayload } : {}),
    ...(e.jsonPayload !== undefined ? { jsonPayload: e.jsonPayload } : {}),
    ...(e.httpRequest !== undefined ? { httpRequest: e.httpRequest } : {}),
    ...(e.labels !== undefined ? { labels: e.labels } : {}),
    ...(e.trace !== undefined ? { trace: e.trace } : {}),
  };
}

/**
 * A log source over entries in memory. `beforeEach(i)` runs before entry i is yielded (to move
 * an injected clock, or to fail); the count of entries handed out is kept.
 */
export class MemorySource implements LogSource {
  yielded = 0;
  constructor(
    private readonly entries: readonly unknown[],
    private readonly hooks: { beforeEach?: (index: number) => void | Promise<void>; label?: string } = {},
  ) {}

  describe(): string {
    return this.hooks.label ?? `memory (${this.entries.length} entries)`;
  }

  async *listEntries(_query: LogQuery, _report: SourceReport): AsyncIterable<unknown> {
    for (let i = 0; i < this.entries.length; i++) {
      await this.hooks.beforeEach?.(i);
      this.yielded++;
      yield this.entries[i];
    }
  }
}

/** A clock the test moves; the run reads it through `io.now`. */
export class ManualClock {
  constructor(public ms: number = RUN_START) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

// ---------------------------------------------------------------------------------------------
// Runs

export interface RunOutcome {
  readonly code: number;
  readonly stdout: string;
  /** The job's own log lines (and the CLI's few plain lines) as written to stderr. */
  readonly stderr: string;
}

export interface RunInput {
  readonly out: string;
  readonly env?: Record<string, string>;
  readonly flags?: FlagValues;
  readonly overrides?: ComposeOverrides;
  readonly now?: () => number;
}

/** One `log-gardener run`, in process, as Cloud Run would start it. */
export async function runOnce(input: RunInput): Promise<RunOutcome> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
  stderr.on("data", (d: Buffer) => (err += d.toString("utf8")));
  const env: Record<string, string> = {
    LOG_GARDENER_OUT: input.out,
    LOG_GARDENER_WINDOW_END: new Date(WINDOW_END).toISOString(),
    LOG_GARDENER_LOG_LEVEL: "info",
    CLOUD_RUN_EXECUTION: "log-gardener-hourly-x7k2p",
    CLOUD_RUN_TASK_INDEX: "0",
    CLOUD_RUN_TASK_COUNT: "1",
    CLOUD_RUN_TASK_ATTEMPT: "0",
    ...input.env,
  };
  // What cli.ts's top-level catch does with an error that escapes the command.
  const code = await runRunCommand(
    input.flags ?? {},
    { stdin: Readable.from([]), stdout, stderr, env, now: input.now ?? (() => RUN_START) },
    input.overrides ?? {},
  ).catch((error: unknown) => {
    if (error instanceof ConfigError) throw error;
    stderr.write(`log-gardener: ${describeError(error)}\n`);
    return EXIT_FAILURE;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: out, stderr: err };
}

/** Every file under `dir` (dot files included: locks and state), by relative path. */
export async function readTree(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return files;
  }
  for (const e of entries) {
    if (!e.isFile()) continue;
    const full = path.join(e.parentPath, e.name);
    files.set(path.relative(dir, full), await readFile(full, "utf8"));
  }
  return files;
}

export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * The job's log lines on stderr that are JSON (pino: one object a line); the CLI's plain lines
 * are left out, the closing table among them, whose rows start with a service name that may
 * itself start with "{" but end with the worklog's path.
 */
export function jsonLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split("\n")
    .filter((l) => l.startsWith("{") && l.endsWith("}"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

// ---------------------------------------------------------------------------------------------
// GitHub

export interface GitHubPeer {
  readonly standIn: GitHubStandIn;
  /** Log output of the trackers built below (their own logger, as compose would give them). */
  readonly logs: string[];
  /** A fresh tracker, as a new process would build it. */
  tracker(redact?: (s: string) => string): Promise<IssueTracker>;
  close(): Promise<void>;
}

/**
 * The GitHub stand-in and real GitHubIssueTrackers on it, retries turned down to milliseconds.
 * OpenAPI checks are off unless asked for: they cost ~0.2 s a request, and the stand-in and
 * adapter tests make them.
 */
export async function startGitHub(options: { timeoutMs?: number; validate?: boolean } = {}): Promise<GitHubPeer> {
  const standIn = await startGitHubStandIn({ validate: options.validate ?? false });
  const logs: string[] = [];
  const destination = { write: (s: string) => void logs.push(s) };
  return {
    standIn,
    logs,
    async tracker(redact) {
      const logger: Logger = createLogger({ level: "info", redact, destination });
      const client = await standInClient(standIn, {
        installationId: standIn.installationId,
        logger,
        timeoutMs: options.timeoutMs ?? 2_000,
        retry: { retries: 2, retryAfterBaseValue: 1 },
        throttle: { retryAfterBaseValue: 1, fallbackSecondaryRateRetryAfter: 1, pacing: false },
      });
      return new GitHubIssueTracker({
        octokit: client.octokit,
        owner: client.owner,
        repo: client.repo,
        logger,
        redact,
        relatedSearch: false,
      });
    },
    close: () => standIn.close(),
  };
}

/**
 * Issues opened more than once for one problem, and comments posted more than once for one
 * window: the duplicates a retried or rerun job must never make. Keyed by the issue marker's
 * fingerprint and the comment marker.
 */
export function duplicatesIn(standIn: GitHubStandIn): string[] {
  const dups: string[] = [];
  const byFingerprint = new Map<string, number[]>();
  for (const issue of standIn.state.issues) {
    const m = parseIssueMarker(issue.body);
    const fp = m.ok ? m.marker.fp : `title:${issue.title}`;
    byFingerprint.set(fp, [...(byFingerprint.get(fp) ?? []), issue.number]);
  }
  for (const [fp, numbers] of byFingerprint) if (numbers.length > 1) dups.push(`issue ${fp}: #${numbers.join(", #")}`);
  const byComment = new Map<string, number>();
  for (const c of standIn.state.comments) {
    const marker = /<!-- log-gardener:comment[^>]*-->/.exec(c.body)?.[0] ?? `body:${c.body}`;
    const key = `#${c.issue_number} ${marker}`;
    byComment.set(key, (byComment.get(key) ?? 0) + 1);
  }
  for (const [key, n] of byComment) if (n > 1) dups.push(`comment ${key} ×${n}`);
  return dups;
}
