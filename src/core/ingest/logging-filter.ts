/**
 * The Cloud Logging filter for one read: built here and nowhere else, and tested as text.
 *
 * Clauses, joined with AND:
 *   resource.type="cloud_run_revision"            Cloud Run services only. The job itself runs
 *                                                 as a Cloud Run Job (resource cloud_run_job),
 *                                                 so its own logs never match this clause.
 *   resource.labels.service_name="svc"            when a service is named
 *   timestamp>="…" AND timestamp<"…"               always: without a timestamp clause the client
 *                                                 library silently appends "the last 24 hours"
 *   severity>=WARNING                             or, with stderr included,
 *   (severity>=WARNING OR (severity=DEFAULT AND log_id("run.googleapis.com/stderr")))
 *                                                 Cloud Run gives plain stderr lines (unstructured
 *                                                 stack traces) severity DEFAULT
 *   NOT log_id("log-gardener")                    each excluded log (the job's own)
 *   (extra)                                       the user's clause, parenthesized
 *   sample(insertId, 0.0123)                      when sampling: the share of the matching
 *                                                 entries Cloud Logging returns, chosen by a
 *                                                 hash of each entry's insertId (see
 *                                                 core/ingest/sampling.ts, docs/sampling.md)
 *
 * The test peer (test/peers/logging-server.ts) parses exactly these clauses back; change both.
 */
import { ConfigError } from "../../errors";
import { severityRank, type Severity } from "../severity";
import type { TimeWindow } from "../types";
import { formatFraction, SAMPLE_FIELD } from "./sampling";

/** Cloud Logging rejects longer filters. */
export const MAX_FILTER_LENGTH = 20_000;

export const CLOUD_RUN_STDERR_LOG_ID = "run.googleapis.com/stderr";

export interface LoggingFilterOptions {
  readonly window: TimeWindow;
  /** One Cloud Run service, or undefined for every service. */
  readonly service?: string;
  readonly minSeverity: Severity;
  /** Also match severity DEFAULT lines on Cloud Run's stderr log (unstructured stack traces). */
  readonly includeStderr?: boolean;
  /**
   * Also match severity DEFAULT entries whose JSON payload carries the logger's own level at or
   * above `minSeverity` (pino/bunyan numbers, `level`, `levelname`, Serilog's `@l`): a logger that
   * writes `level` but no `severity` gets DEFAULT from Cloud Run. A superset: the pipeline reads
   * the level again (core/ingest/entry-severity.ts) and drops what is below the minimum.
   */
  readonly loggerLevels?: boolean;
  /** Log ids never read, such as the job's own ("log-gardener"). */
  readonly excludeLogIds?: readonly string[];
  /** A user-supplied clause in the Logging query language, ANDed with the rest. */
  readonly extraFilter?: string;
  /** Return only this share of the matching entries (0 < f < 1), by `sample(insertId, f)`; 1 or absent reads all. */
  readonly sampleFraction?: number;
}

/** A quoted string in the Logging query language. */
export function quoteFilterString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function instant(ms: number): string {
  return quoteFilterString(new Date(ms).toISOString());
}

/** Logger level words (matched as case-insensitive substrings) and pino/bunyan numbers, by the least severity they mean. */
const LOGGER_LEVEL_WORDS: readonly (readonly [string, Severity])[] = [
  ["warn", "WARNING"],
  ["error", "ERROR"],
  ["fatal", "CRITICAL"],
  ["crit", "CRITICAL"],
  ["panic", "CRITICAL"],
  ["alert", "ALERT"],
  ["emerg", "EMERGENCY"],
];
const LOGGER_LEVEL_NUMBERS: readonly (readonly [number, Severity])[] = [
  [40, "WARNING"],
  [50, "ERROR"],
  [60, "CRITICAL"],
];
const LOGGER_LEVEL_FIELDS = ["jsonPayload.level", "jsonPayload.levelname", 'jsonPayload."@l"'] as const;

/** `(jsonPayload.level=50 OR jsonPayload.level:"error" OR …)` for the levels at or above `min`, or undefined when none is. */
export function loggerLevelClause(min: Severity): string | undefined {
  const rank = severityRank(min);
  const terms: string[] = [];
  for (const [n, sev] of LOGGER_LEVEL_NUMBERS) if (severityRank(sev) >= rank) terms.push(`jsonPayload.level=${n}`);
  for (const field of LOGGER_LEVEL_FIELDS) {
    for (const [word, sev] of LOGGER_LEVEL_WORDS) if (severityRank(sev) >= rank) terms.push(`${field}:${quoteFilterString(word)}`);
  }
  return terms.length === 0 ? undefined : `(${terms.join(" OR ")})`;
}

export function buildLoggingFilter(options: LoggingFilterOptions): string {
  const { window } = options;
  if (!(Number.isFinite(window.start) && Number.isFinite(window.end) && window.start < window.end)) {
    throw new ConfigError([`log window: expected start before end (got ${window.start} .. ${window.end})`]);
  }
  const clauses = [`resource.type="cloud_run_revision"`];
  if (options.service !== undefined) clauses.push(`resource.labels.service_name=${quoteFilterString(options.service)}`);
  clauses.push(`timestamp>=${instant(window.start)}`, `timestamp<${instant(window.end)}`);
  const severity = options.minSeverity === "DEFAULT" ? undefined : `severity>=${options.minSeverity}`;
  if (severity !== undefined) {
    const alternatives = [severity];
    const levels = options.loggerLevels ? loggerLevelClause(options.minSeverity) : undefined;
    if (levels !== undefined) alternatives.push(`(severity=DEFAULT AND ${levels})`);
    if (options.includeStderr) alternatives.push(`(severity=DEFAULT AND log_id(${quoteFilterString(CLOUD_RUN_STDERR_LOG_ID)}))`);
    clauses.push(alternatives.length === 1 ? severity : `(${alternatives.join(" OR ")})`);
  }
  for (const logId of options.excludeLogIds ?? []) clauses.push(`NOT log_id(${quoteFilterString(logId)})`);
  const extra = options.extraFilter?.trim();
  if (extra) clauses.push(`(${extra})`);
  const fraction = options.sampleFraction;
  if (fraction !== undefined && !(fraction >= 1)) {
    if (!(fraction > 0)) throw new ConfigError([`sample fraction: expected a number in (0, 1] (got ${fraction})`]);
    clauses.push(`sample(${SAMPLE_FIELD}, ${formatFraction(fraction)})`);
  }
  const filter = clauses.join(" AND ");
  if (filter.length > MAX_FILTER_LENGTH) {
    throw new ConfigError([
      `Cloud Logging filter: expected at most ${MAX_FILTER_LENGTH} characters (got ${filter.length}); shorten LOG_GARDENER_FILTER (--filter) or LOG_GARDENER_EXCLUDE_LOGS`,
    ]);
  }
  return filter;
}
