/**
 * Configuration: the only module that reads process.env.
 *
 * Every setting is declared once in SETTINGS with its environment variable, its flag, its
 * default and what it means. The configuration table in docs/configuration.md, the zod schema
 * and the Terraform drift test are all read from this table, so adding a setting here documents
 * it.
 * Flags win over environment variables. Every problem is reported at once, each naming the
 * variable or flag and what it wanted; secrets are never echoed.
 */
import { z } from "zod";
import { SEVERITIES, type Severity } from "./core/severity";
import { ConfigError } from "./errors";
import { DEFAULT_TRIAGE_POLICY, type TriagePolicy } from "./core/triage/issue-plan";
import { checkRedactPattern } from "./core/redact/redact";
import type { WorklogLayout } from "./core/report/worklog-model";

const minerMasksSchema = z.array(
  z.object({
    name: z.string().regex(/^[A-Za-z][\w-]*$/),
    pattern: z.string().refine((p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    }),
  }),
);

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface SettingSpec {
  /** Environment variable (the job on Cloud Run is configured only through these). */
  readonly env: string;
  /** Command-line flag, without the leading dashes. */
  readonly flag?: string;
  /** Flag takes no value (`--dry-run`); its env var takes true/false/1/0. */
  readonly boolean?: boolean;
  readonly default?: string;
  readonly description: string;
  /** Never echo the value in errors or logs. */
  readonly secret?: boolean;
  /** Set by the platform (Cloud Run), not by users or Terraform. */
  readonly platform?: boolean;
  /**
   * The deployed job cannot do its work without it, so infra/ must set it on the Cloud Run job
   * (test/ship/terraform-drift.test.ts fails otherwise).
   */
  readonly requiredInProduction?: boolean;
}

export const SETTINGS = {
  input: {
    env: "LOG_GARDENER_INPUT",
    flag: "input",
    description:
      "Read log entries from this file (a `gcloud logging read --format=json` array, or JSON lines) or `-` for stdin instead of Cloud Logging. With neither this nor a project, the bundled sample export is used.",
  },
  project: {
    env: "LOG_GARDENER_PROJECT",
    flag: "project",
    description: "Google Cloud project whose Cloud Logging is read. Falls back to GOOGLE_CLOUD_PROJECT.",
    requiredInProduction: true,
  },
  googleCloudProject: {
    env: "GOOGLE_CLOUD_PROJECT",
    description: "Standard Google Cloud project variable; used when LOG_GARDENER_PROJECT is unset.",
    platform: true,
  },
  services: {
    env: "LOG_GARDENER_SERVICES",
    flag: "services",
    description: "Comma-separated Cloud Run service names (resource.labels.service_name). Empty: every service in the input.",
    requiredInProduction: true,
  },
  minSeverity: {
    env: "LOG_GARDENER_MIN_SEVERITY",
    flag: "min-severity",
    default: "WARNING",
    description: `Lowest severity clustered: one of ${SEVERITIES.join(", ")}.`,
  },
  window: { env: "LOG_GARDENER_WINDOW", flag: "window", default: "1h", description: "Length of the window read, e.g. 1h, 30m, 2h." },
  windowEnd: {
    env: "LOG_GARDENER_WINDOW_END",
    flag: "window-end",
    description: "End of the window (ISO 8601, exclusive). Default: the start of the current hour (the last full hour is read).",
  },
  out: {
    env: "LOG_GARDENER_OUT",
    flag: "out",
    default: "./worklogs",
    description: "Where worklogs and state go: a local folder, or gs://BUCKET/PREFIX.",
    requiredInProduction: true,
  },
  gcsApiEndpoint: {
    env: "LOG_GARDENER_GCS_ENDPOINT",
    description:
      "Cloud Storage JSON API endpoint for a gs:// --out, such as http://127.0.0.1:PORT for a test peer or an emulator. Unset: Cloud Storage itself.",
  },
  maxEntries: {
    env: "LOG_GARDENER_MAX_ENTRIES",
    flag: "max-entries",
    default: "200000",
    description: "Most entries read per service per window; past it reading stops and the worklog says the window was truncated.",
  },
  includeStderr: {
    env: "LOG_GARDENER_INCLUDE_STDERR",
    flag: "include-stderr",
    boolean: true,
    default: "false",
    description:
      "Also read severity DEFAULT lines of Cloud Run's stderr log: unstructured output such as uncaught stack traces, which Cloud Run does not give a severity.",
  },
  loggerLevels: {
    env: "LOG_GARDENER_LOGGER_LEVELS",
    flag: "logger-levels",
    boolean: true,
    default: "true",
    description:
      "Also read severity DEFAULT entries whose JSON payload carries a logger level at or above the minimum severity (pino/bunyan numbers, level, levelname, Serilog's @l): loggers that write a level but no severity field get DEFAULT from Cloud Run.",
  },
  extraFilter: {
    env: "LOG_GARDENER_FILTER",
    flag: "filter",
    description:
      'An extra Cloud Logging query clause ANDed with the job\'s own, e.g. `NOT jsonPayload.message:"healthz"`. The whole filter must stay under 20,000 characters.',
  },
  excludeLogs: {
    env: "LOG_GARDENER_EXCLUDE_LOGS",
    flag: "exclude-logs",
    default: "log-gardener",
    description:
      'Comma-separated log ids never read (`NOT log_id("…")`): the job\'s own logs. The job runs as a Cloud Run Job, whose logs the `cloud_run_revision` clause already leaves out.',
  },
  backfill: {
    env: "LOG_GARDENER_BACKFILL",
    flag: "backfill",
    default: "0",
    description: "Also read up to this many earlier windows whose worklog is missing (the scheduler skipped a run), oldest first. 0: off.",
  },
  loggingPageSize: {
    env: "LOG_GARDENER_LOGGING_PAGE_SIZE",
    default: "1000",
    description: "Entries per Cloud Logging page request (entries.list pageSize), 1 to 1000.",
  },
  loggingReadsPerMinute: {
    env: "LOG_GARDENER_LOGGING_READS_PER_MINUTE",
    default: "60",
    description:
      "Cloud Logging page requests per minute for the whole execution (the entries.list quota is 60 per minute per project), shared evenly by its tasks. 0: unpaced.",
  },
  loggingRetries: {
    env: "LOG_GARDENER_LOGGING_RETRIES",
    default: "6",
    description:
      "Retries of one Cloud Logging page request on RESOURCE_EXHAUSTED, UNAVAILABLE or DEADLINE_EXCEEDED, with exponential backoff and full jitter; then the run fails.",
  },
  loggingRetryDelay: {
    env: "LOG_GARDENER_LOGGING_RETRY_DELAY",
    default: "2s",
    description:
      "Backoff before the first retry; it doubles per retry up to LOG_GARDENER_LOGGING_RETRY_MAX_DELAY, and each sleep is a random part of it.",
  },
  loggingRetryMaxDelay: {
    env: "LOG_GARDENER_LOGGING_RETRY_MAX_DELAY",
    default: "30s",
    description: "Longest backoff between Cloud Logging retries.",
  },
  loggingTimeout: {
    env: "LOG_GARDENER_LOGGING_TIMEOUT",
    default: "60s",
    description: "Deadline of one Cloud Logging page request attempt.",
  },
  sampling: {
    env: "LOG_GARDENER_SAMPLING",
    flag: "sampling",
    boolean: true,
    default: "true",
    description:
      "When a service's window holds more entries than LOG_GARDENER_MAX_ENTRIES, read an even, deterministic sample of the whole window instead of stopping at the cap; counts become estimates (marked ≈). From Cloud Logging the fraction comes from Cloud Monitoring's totals; from files and stdin an adaptive hash threshold keeps the cap. See docs/sampling.md. false (--no-sampling): stop at the cap.",
  },
  readBudget: {
    env: "LOG_GARDENER_READ_BUDGET",
    flag: "read-budget",
    default: "50%",
    description:
      "Share of the project's Cloud Logging entries.list quota (60 requests a minute) one run may use, as a percentage (50%) or a fraction (0.5), spread evenly over the execution's tasks. Sets the page pacing and, with the deadline, the pages each service may read, which bounds the sampling fraction.",
  },
  monitoringTimeout: {
    env: "LOG_GARDENER_MONITORING_TIMEOUT",
    default: "30s",
    description: "Deadline of one Cloud Monitoring ListTimeSeries attempt (the window's entry totals, for sampling).",
  },
  monitoringRetries: {
    env: "LOG_GARDENER_MONITORING_RETRIES",
    default: "3",
    description:
      "Retries of a Cloud Monitoring request that failed with DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED or UNAVAILABLE; after them the run samples while reading instead, and says so.",
  },
  githubAppId: {
    env: "LOG_GARDENER_GITHUB_APP_ID",
    flag: "github-app-id",
    description:
      "GitHub App id. With a private key and a repository it turns on publishing issues; with none of the three the job is a dry run.",
    requiredInProduction: true,
  },
  githubPrivateKeyFile: {
    env: "LOG_GARDENER_GITHUB_PRIVATE_KEY_FILE",
    flag: "github-private-key-file",
    description:
      "Path of the GitHub App's private key (PEM), e.g. where Cloud Run mounts the Secret Manager secret. Read when the job starts.",
    requiredInProduction: true,
  },
  githubPrivateKey: {
    env: "LOG_GARDENER_GITHUB_PRIVATE_KEY",
    description: "The GitHub App's private key (PEM) itself, instead of a file.",
    secret: true,
  },
  githubRepo: {
    env: "LOG_GARDENER_GITHUB_REPO",
    flag: "github-repo",
    description: "Repository issues are published to, as owner/name. The App must be installed on it.",
    requiredInProduction: true,
  },
  githubApiUrl: {
    env: "LOG_GARDENER_GITHUB_API_URL",
    flag: "github-api-url",
    default: "https://api.github.com",
    description: "GitHub REST API base URL: https://HOST/api/v3 for GitHub Enterprise Server, a loopback URL in tests.",
  },
  githubInstallationId: {
    env: "LOG_GARDENER_GITHUB_INSTALLATION_ID",
    flag: "github-installation-id",
    description: "The App's installation id on the repository. Default: looked up with GET /repos/{owner}/{repo}/installation.",
  },
  githubTimeout: { env: "LOG_GARDENER_GITHUB_TIMEOUT", default: "30s", description: "Deadline of one GitHub request attempt." },
  maxNewIssues: {
    env: "LOG_GARDENER_MAX_NEW_ISSUES",
    flag: "max-new-issues",
    default: "10",
    description:
      "Most new issues opened per run, most urgent first. The rest are listed in the worklog and in one digest issue, and get their own issues in later runs if they recur.",
  },
  escalationFactor: {
    env: "LOG_GARDENER_ESCALATION_FACTOR",
    default: "3",
    description:
      "The factor of the escalation limit computed from each problem's own hourly history (docs/history.md): an open issue gets a comment when an hour reaches that limit; otherwise its body is updated quietly. Without a usable history, the comment comes when the hourly rate reaches this multiple of the rate when the issue last notified.",
  },
  commentPeriod: {
    env: "LOG_GARDENER_COMMENT_PERIOD",
    default: "24h",
    description: "At most one comment per issue in this period, however fast the problem escalates.",
  },
  reopenWithin: {
    env: "LOG_GARDENER_REOPEN_WITHIN",
    default: "30d",
    description:
      "An issue closed as completed less than this long ago is reopened (label `regression`) when its problem recurs; closed longer ago, or locked, a new issue linking it is opened.",
  },
  returnAfter: {
    env: "LOG_GARDENER_RETURN_AFTER",
    flag: "return-after",
    default: "6h",
    description:
      "A problem absent at least this long and then seen again is `returned` (docs/history.md); on a closed issue that is the regression reopen.",
  },
  historySpan: {
    env: "LOG_GARDENER_HISTORY_SPAN",
    flag: "history-span",
    default: "14d",
    description:
      "Hourly counts kept per problem in each service's history (_state/<service>/history.json), the span the escalation limit is computed from; at most 30d.",
  },
  issueHistory: {
    env: "LOG_GARDENER_ISSUE_HISTORY",
    default: "7d",
    description: "Hourly counts kept in each issue's marker and drawn in its chart.",
  },
  similarityThreshold: {
    env: "LOG_GARDENER_SIMILARITY_THRESHOLD",
    default: "0.85",
    description:
      "Word-overlap similarity (0 to 1) at which an issue of the same service is re-matched to a problem whose fingerprint it does not carry (after a fingerprint change or lost state). Above 1 turns it off.",
  },
  variantHold: {
    env: "LOG_GARDENER_VARIANT_HOLD",
    flag: "variant-hold",
    default: "3h",
    description:
      'How long a new problem whose template is a word or two apart from another problem (of the run, or an open issue) waits for its own issue, from when it was first seen: if the miner merges the two meanwhile (a variable that showed only two values at first), it never opens a second issue (docs/triage.md, "Variants"). 0: open at once.',
  },
  relatedSearch: {
    env: "LOG_GARDENER_RELATED_SEARCH",
    boolean: true,
    default: "true",
    description:
      "For each new problem, search open issues the job does not manage for its module/function or a phrase of its template, and link them (one search request per new problem).",
  },
  relatedSearchLimit: {
    env: "LOG_GARDENER_RELATED_SEARCH_LIMIT",
    default: "20",
    description:
      "Most search requests per run for related issues, shared by all new problems (GitHub's search API allows 30 a minute). 0: no search, as LOG_GARDENER_RELATED_SEARCH=false.",
  },
  worklogSections: {
    env: "LOG_GARDENER_WORKLOG_SECTIONS",
    flag: "worklog-sections",
    default: "50",
    description:
      "The worklog has a full section (facts, sample, description) for this many of the most urgent clusters, and What Changed lists at most this many problems of each kind. The JSON sidecar always has every cluster.",
  },
  worklogRows: {
    env: "LOG_GARDENER_WORKLOG_ROWS",
    flag: "worklog-rows",
    default: "300",
    description:
      "After the full sections, the worklog has one table row for each of this many further clusters; any beyond those are only in the JSON sidecar, and the worklog says how many.",
  },
  dryRun: {
    env: "LOG_GARDENER_DRY_RUN",
    flag: "dry-run",
    boolean: true,
    description: "Print the GitHub actions as JSON lines instead of taking them. On when no GitHub App is configured.",
  },
  logLevel: {
    env: "LOG_GARDENER_LOG_LEVEL",
    flag: "log-level",
    default: "info",
    description: "The job's own log level: debug, info, warn, error.",
  },
  logFormat: {
    env: "LOG_GARDENER_LOG_FORMAT",
    flag: "log-format",
    default: "auto",
    description:
      "The job's own log lines: `json` (Cloud Logging's structured records), `pretty` (one short line per record, for a person), or `auto`: pretty when stderr is a terminal, JSON otherwise (Cloud Run, pipes, files).",
  },
  noColor: {
    env: "NO_COLOR",
    description: "Set to anything but empty: no colours in pretty log lines or the run's closing table (https://no-color.org).",
  },
  maxMessageBytes: {
    env: "LOG_GARDENER_MAX_MESSAGE_BYTES",
    default: "65536",
    description:
      "Entries whose message is longer than this many bytes are not clustered; they are counted as malformed (message-too-large) and sampled, cut short, in the worklog.",
  },
  redactPatterns: {
    env: "LOG_GARDENER_REDACT_PATTERNS",
    flag: "redact-pattern",
    description:
      "Extra redaction patterns (JavaScript regular expressions), separated by newlines in the variable; the flag may be repeated. Every match is replaced by [REDACTED:custom] before anything is written or sent.",
  },
  redactIps: {
    env: "LOG_GARDENER_REDACT_IPS",
    flag: "redact-ips",
    boolean: true,
    default: "false",
    description: "Also redact IPv4 and IPv6 addresses.",
  },
  minerMasks: {
    env: "LOG_GARDENER_TEMPLATE_MASKS",
    description:
      'Extra template-miner masks as JSON: [{"name": "order", "pattern": "ORD-\\\\d+"}]. Matches become variables, so messages that differ only there share a cluster.',
  },
  lockTtl: {
    env: "LOG_GARDENER_LOCK_TTL",
    default: "50m",
    description:
      "How long a run lock (one per service and window) holds before a later run may take it over, so a crashed run never blocks the next hour.",
  },
  deadline: {
    env: "LOG_GARDENER_DEADLINE",
    flag: "deadline",
    default: "50m",
    description:
      "The whole run's time budget; keep it below the Cloud Run task timeout. Reading stops early enough (a quarter of the budget, at most 5 minutes, is kept for publishing) and the worklog says the window was cut short.",
  },
  taskIndex: {
    env: "CLOUD_RUN_TASK_INDEX",
    default: "0",
    description: "Index of this task in a Cloud Run job execution; services are sharded across tasks.",
    platform: true,
  },
  taskCount: { env: "CLOUD_RUN_TASK_COUNT", default: "1", description: "Number of tasks in the execution.", platform: true },
  executionId: { env: "CLOUD_RUN_EXECUTION", description: "Cloud Run job execution id, recorded in worklogs and logs.", platform: true },
  taskAttempt: { env: "CLOUD_RUN_TASK_ATTEMPT", default: "0", description: "Retry attempt of this task.", platform: true },
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof SETTINGS;

const durationPattern = /^(\d+)(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseDuration(text: string): number | undefined {
  const m = durationPattern.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

const duration = z
  .string()
  .refine((s) => (parseDuration(s) ?? 0) > 0, "a duration like 1h, 30m or 90s")
  .transform((s) => parseDuration(s)!);
const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", ""], "true or false")
  .transform((s) => s === "true" || s === "1" || s === "yes");
const intAtLeast = (min: number) => z.coerce.number("a whole number").int("a whole number").min(min, `a whole number >= ${min}`);
const list = z
  .string()
  .optional()
  .transform((s) =>
    (s ?? "")
      .split(",")
      .map((x) => x.trim())
      .filter((x) => x.length > 0),
  );
const isoInstant = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d\d-\d\dT/.test(s), "an ISO 8601 time such as 2025-09-15T02:00:00Z")
  .transform((s) => Date.parse(s));

const schema = z.object({
  input: z.string().min(1).optional(),
  project: z
    .string()
    .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "a Google Cloud project id")
    .optional(),
  googleCloudProject: z.string().optional(),
  services: list,
  minSeverity: z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(SEVERITIES, `one of ${SEVERITIES.join(", ")}`)),
  window: duration,
  windowEnd: isoInstant.optional(),
  out: z.string().min(1),
  gcsApiEndpoint: z
    .url({ protocol: /^https?$/, error: "an http(s) URL" })
    .transform((s) => s.replace(/\/+$/, ""))
    .optional(),
  maxEntries: intAtLeast(1),
  includeStderr: bool,
  loggerLevels: bool,
  extraFilter: z.string().optional(),
  excludeLogs: list,
  backfill: intAtLeast(0),
  loggingPageSize: intAtLeast(1).max(1000, "a whole number from 1 to 1000"),
  loggingReadsPerMinute: intAtLeast(0),
  loggingRetries: intAtLeast(0),
  loggingRetryDelay: duration,
  loggingRetryMaxDelay: duration,
  loggingTimeout: duration,
  sampling: bool,
  readBudget: z
    .string()
    .transform((s) => {
      const t = s.trim();
      const m = /^(\d+(?:\.\d+)?)\s*%$/.exec(t);
      return m ? Number(m[1]) / 100 : /^\d*\.?\d+$/.test(t) ? Number(t) : Number.NaN;
    })
    .pipe(z.number().gt(0, "a share above 0%, such as 50% or 0.5").max(1, "a share of at most 100% (1)")),
  monitoringTimeout: duration,
  monitoringRetries: intAtLeast(0),
  githubAppId: z.string().regex(/^\d+$/, "a numeric GitHub App id").optional(),
  githubPrivateKeyFile: z.string().min(1).optional(),
  githubPrivateKey: z.string().optional(),
  githubRepo: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/, "owner/name")
    .optional(),
  githubApiUrl: z.url({ protocol: /^https?$/, error: "an http(s) URL" }).transform((s) => s.replace(/\/+$/, "")),
  githubInstallationId: z.string().regex(/^\d+$/, "a numeric installation id").optional(),
  githubTimeout: duration,
  maxNewIssues: intAtLeast(0),
  escalationFactor: z.coerce.number("a number").min(1, "a number >= 1"),
  commentPeriod: duration,
  reopenWithin: duration,
  returnAfter: duration,
  historySpan: duration.refine((ms) => ms >= 3_600_000 && ms <= 30 * 86_400_000, "between 1h and 30d"),
  issueHistory: duration.refine((ms) => ms >= 3_600_000 && ms <= 30 * 86_400_000, "between 1h and 30d"),
  similarityThreshold: z.coerce.number("a number").min(0, "a number from 0 to 1, or above 1 for off"),
  variantHold: z
    .string()
    .refine((s) => s.trim() === "0" || parseDuration(s) !== undefined, "a duration like 3h or 90m, or 0 for no hold")
    .transform((s) => (s.trim() === "0" ? 0 : parseDuration(s)!)),
  relatedSearch: bool,
  relatedSearchLimit: intAtLeast(0),
  worklogSections: intAtLeast(0),
  worklogRows: intAtLeast(0),
  dryRun: bool.optional(),
  logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"], "debug, info, warn or error"),
  logFormat: z.enum(["json", "pretty", "auto"], "json, pretty or auto"),
  noColor: z
    .string()
    .optional()
    .transform((s) => s !== undefined && s !== ""),
  maxMessageBytes: intAtLeast(1024),
  redactPatterns: z.string().optional(),
  redactIps: bool,
  minerMasks: z.string().optional(),
  lockTtl: duration,
  deadline: duration,
  taskIndex: intAtLeast(0),
  taskCount: intAtLeast(1),
  executionId: z.string().optional(),
  taskAttempt: intAtLeast(0),
});

export interface Config {
  readonly input?: string;
  readonly project?: string;
  readonly services: readonly string[];
  readonly minSeverity: Severity;
  readonly windowMs: number;
  readonly windowEnd?: number;
  readonly out: string;
  /** Cloud Storage endpoint override (tests, emulators); undefined = Cloud Storage. */
  readonly gcsApiEndpoint?: string;
  readonly maxEntries: number;
  /** Cloud Logging reads (src/adapters/cloud-logging/, src/core/ingest/logging-filter.ts). */
  readonly includeStderr: boolean;
  readonly loggerLevels: boolean;
  readonly extraFilter?: string;
  readonly excludeLogs: readonly string[];
  /** Earlier windows with a missing worklog read in the same run (src/core/schedule/backfill.ts). */
  readonly backfill: number;
  readonly loggingPageSize: number;
  readonly loggingReadsPerMinute: number;
  readonly loggingRetries: number;
  readonly loggingRetryDelayMs: number;
  readonly loggingRetryMaxDelayMs: number;
  readonly loggingTimeoutMs: number;
  /** Sample windows over the cap instead of stopping there (docs/sampling.md). */
  readonly sampling: boolean;
  /** Share of the project's entries.list quota one run may use, 0 < share <= 1. */
  readonly readBudget: number;
  readonly monitoringTimeoutMs: number;
  readonly monitoringRetries: number;
  /** Publishing issues as a GitHub App (src/adapters/github-app.ts); undefined: not configured. */
  readonly github?: GitHubAppConfig;
  /** The triage policy (src/core/triage/issue-plan.ts). */
  readonly triage: TriagePolicy;
  /** The problem history (src/core/history): what counts as returned, and the span kept. */
  readonly history: { readonly returnAfterMs: number; readonly spanHours: number };
  readonly relatedSearch: boolean;
  /** Search requests per run for related issues (src/adapters/github-issue-tracker.ts). */
  readonly relatedSearchLimit: number;
  /** Full sections and table rows in the worklog (src/core/report/worklog.ts). */
  readonly worklogLayout: WorklogLayout;
  /** undefined: decided by the composition root (dry run unless GitHub is configured). */
  readonly dryRun?: boolean;
  readonly logLevel: string;
  /** The job's own log lines (src/adapters/logger.ts resolveLogFormat). */
  readonly logFormat: "json" | "pretty" | "auto";
  /** NO_COLOR is set: no ANSI colours anywhere. */
  readonly noColor: boolean;
  readonly maxMessageBytes: number;
  readonly redactPatterns: readonly string[];
  readonly redactIps: boolean;
  readonly minerMasks: readonly { name: string; pattern: string }[];
  readonly lockTtlMs: number;
  readonly deadlineMs: number;
  readonly taskIndex: number;
  readonly taskCount: number;
  readonly executionId?: string;
  readonly taskAttempt: number;
}

/** The App's key is read from `privateKeyFile` by the composition root, not here. */
export interface GitHubAppConfig {
  readonly appId: number;
  readonly privateKeyFile?: string;
  readonly privateKey?: string;
  readonly owner: string;
  readonly repo: string;
  readonly apiUrl: string;
  readonly installationId?: number;
  readonly timeoutMs: number;
}

/** The process environment, for the entry point to pass in (nothing else reads it). */
export function processEnv(): NodeJS.ProcessEnv {
  return process.env;
}

/** Values given on the command line, by setting name (already mapped from flags). */
export type FlagValues = Partial<Record<SettingName, string>>;

function label(name: SettingName): string {
  const spec: SettingSpec = SETTINGS[name];
  return spec.flag ? `${spec.env} (--${spec.flag})` : spec.env;
}

/**
 * Reads configuration from flags (winning) and the environment. Throws ConfigError listing
 * every problem.
 */
export function loadConfig(flags: FlagValues = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, string | undefined> = {};
  for (const [name, spec] of Object.entries(SETTINGS) as [SettingName, SettingSpec][]) {
    const value = flags[name] ?? env[spec.env] ?? spec.default;
    raw[name] = value === undefined ? undefined : value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]) as SettingName;
      const spec: SettingSpec | undefined = SETTINGS[name];
      const got = spec?.secret || raw[name] === undefined ? "" : ` (got ${JSON.stringify(raw[name])})`;
      return `${spec ? label(name) : name}: expected ${issue.message}${got}`;
    });
    throw new ConfigError(problems);
  }
  const c = parsed.data;
  const problems: string[] = [];
  if (c.taskIndex >= c.taskCount)
    problems.push(`${label("taskIndex")}: expected a value below CLOUD_RUN_TASK_COUNT (${c.taskCount}) (got ${c.taskIndex})`);
  const redactPatterns = (c.redactPatterns ?? "")
    .split("\n")
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  redactPatterns.forEach((p, i) => {
    const why = checkRedactPattern(p);
    if (why) problems.push(`${label("redactPatterns")}: pattern ${i + 1} is not usable: ${why}`);
  });
  let minerMasks: { name: string; pattern: string }[] = [];
  if (c.minerMasks) {
    const parsedMasks = minerMasksSchema.safeParse(safeJson(c.minerMasks));
    if (!parsedMasks.success)
      problems.push(`${label("minerMasks")}: expected a JSON array of {"name", "pattern"} objects with valid regular expressions`);
    else minerMasks = parsedMasks.data;
  }
  const github = githubConfig(c, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    input: c.input,
    project: c.project ?? (c.googleCloudProject || undefined),
    services: c.services,
    minSeverity: c.minSeverity,
    windowMs: c.window,
    windowEnd: c.windowEnd,
    out: c.out,
    gcsApiEndpoint: c.gcsApiEndpoint,
    maxEntries: c.maxEntries,
    includeStderr: c.includeStderr,
    loggerLevels: c.loggerLevels,
    extraFilter: c.extraFilter?.trim() || undefined,
    excludeLogs: c.excludeLogs,
    backfill: c.backfill,
    loggingPageSize: c.loggingPageSize,
    loggingReadsPerMinute: c.loggingReadsPerMinute,
    loggingRetries: c.loggingRetries,
    loggingRetryDelayMs: c.loggingRetryDelay,
    loggingRetryMaxDelayMs: c.loggingRetryMaxDelay,
    loggingTimeoutMs: c.loggingTimeout,
    sampling: c.sampling,
    readBudget: c.readBudget,
    monitoringTimeoutMs: c.monitoringTimeout,
    monitoringRetries: c.monitoringRetries,
    github,
    triage: {
      maxNewIssuesPerRun: c.maxNewIssues,
      escalationFactor: c.escalationFactor,
      commentPeriodHours: c.commentPeriod / 3_600_000,
      reopenWithinDays: c.reopenWithin / 86_400_000,
      historyDays: c.issueHistory / 86_400_000,
      similarityThreshold: c.similarityThreshold,
      variantHoldHours: c.variantHold / 3_600_000,
      bodyCap: DEFAULT_TRIAGE_POLICY.bodyCap,
    },
    history: { returnAfterMs: c.returnAfter, spanHours: Math.round(c.historySpan / 3_600_000) },
    relatedSearch: c.relatedSearch,
    relatedSearchLimit: c.relatedSearchLimit,
    worklogLayout: { sections: c.worklogSections, rows: c.worklogRows },
    dryRun: c.dryRun,
    logLevel: c.logLevel,
    logFormat: c.logFormat,
    noColor: c.noColor,
    maxMessageBytes: c.maxMessageBytes,
    redactPatterns: redactPatterns,
    redactIps: c.redactIps,
    minerMasks: minerMasks,
    lockTtlMs: c.lockTtl,
    deadlineMs: c.deadline,
    taskIndex: c.taskIndex,
    taskCount: c.taskCount,
    executionId: c.executionId,
    taskAttempt: c.taskAttempt,
  };
}

/** GitHub App settings: app id, a key (file or variable) and the repository, all or none. */
function githubConfig(c: z.infer<typeof schema>, problems: string[]): GitHubAppConfig | undefined {
  const key = c.githubPrivateKeyFile ?? (c.githubPrivateKey?.trim() || undefined);
  const given = { app: c.githubAppId !== undefined, key: key !== undefined, repo: c.githubRepo !== undefined };
  if (!given.app && !given.key && !given.repo) return undefined;
  const missing: string[] = [];
  if (!given.app) missing.push(label("githubAppId"));
  if (!given.key) missing.push(`${label("githubPrivateKeyFile")} or ${label("githubPrivateKey")}`);
  if (!given.repo) missing.push(label("githubRepo"));
  if (missing.length > 0) {
    problems.push(`GitHub App: set the app id, a private key and the repository together, or none of them; missing ${missing.join(", ")}`);
    return undefined;
  }
  if (c.githubPrivateKeyFile && c.githubPrivateKey?.trim()) {
    problems.push(`GitHub App: set ${label("githubPrivateKeyFile")} or ${label("githubPrivateKey")}, not both`);
    return undefined;
  }
  const [owner, repo] = c.githubRepo!.split("/") as [string, string];
  return {
    appId: Number(c.githubAppId),
    ...(c.githubPrivateKeyFile ? { privateKeyFile: c.githubPrivateKeyFile } : { privateKey: c.githubPrivateKey!.trim() }),
    owner,
    repo,
    apiUrl: c.githubApiUrl,
    ...(c.githubInstallationId ? { installationId: Number(c.githubInstallationId) } : {}),
    timeoutMs: c.githubTimeout,
  };
}
