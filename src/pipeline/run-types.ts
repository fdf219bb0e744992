/** The options, dependencies and summary of one run of the job (src/pipeline/run-job.ts). */
import type { Logger } from "pino";
import type { ClusterOptions } from "../core/cluster/cluster";
import type { MinerOptions } from "../core/cluster/miner/template-miner";
import type { Severity } from "../core/severity";
import type { SkippedEntry, TimeWindow } from "../core/types";
import type { TriagePolicy } from "../core/triage/issue-plan";
import type { HistoryOptions } from "../core/history/history";
import type { WorklogLayout } from "../core/report/worklog-model";
import type { IssueActionResult, IssueTracker, LogSource, ObjectStore } from "../ports";

export interface RunJobOptions {
  readonly window: TimeWindow;
  readonly focusArea: string;
  readonly services: readonly string[];
  readonly minSeverity: Severity;
  readonly maxEntriesPerService: number;
  /**
   * Sample instead of stopping at the cap (docs/sampling.md): each service keeps at most
   * maxEntriesPerService entries by an adaptive hash threshold while reading, on top of any
   * sample the source took (the sampling source's plan in the report), and counts become
   * estimates.
   */
  readonly sampling?: boolean;
  readonly maxMessageBytes: number;
  readonly dryRun: boolean;
  readonly project?: string;
  readonly executionId?: string;
  readonly redact: (text: string) => string;
  readonly miner?: MinerOptions;
  readonly cluster?: Partial<Omit<ClusterOptions, "window">>;
  readonly triage: TriagePolicy;
  /**
   * The problem history kept beside the miner state (src/pipeline/history-store.ts): what
   * changed in the window, for the worklog and triage. Absent: no history is read or kept.
   */
  readonly history?: HistoryOptions;
  /** Full sections and table rows in each worklog (default DEFAULT_WORKLOG_LAYOUT). */
  readonly worklogLayout?: WorklogLayout;
  readonly lockTtlMs: number;
  /** Who holds the run lock: the execution id and task, or host and pid. */
  readonly owner: string;
  /**
   * Epoch ms by which the run must be done. Reading stops at deadline − publishReserveMs so
   * what was read is still published; the worklog says the window was cut short.
   */
  readonly deadline?: number;
  readonly publishReserveMs?: number;
  /** Samples of skipped entries kept per reason. */
  readonly skippedSamplesPerReason?: number;
}

export interface RunJobDeps {
  readonly source: LogSource;
  readonly store: ObjectStore;
  readonly tracker: IssueTracker;
  readonly logger: Logger;
  readonly now: () => number;
  /** Called every few thousand entries with the count read so far (progress on a terminal). */
  readonly onProgress?: (read: number) => void;
}

export interface ServiceSummary {
  readonly service: string;
  readonly clusters: number;
  readonly worklog?: string;
  readonly skippedByLock?: string;
  readonly issues: readonly IssueActionResult[];
}

export interface RunSummary {
  readonly window: TimeWindow;
  /** Every record the source yielded is in exactly one of the counts below. */
  readonly read: number;
  readonly clustered: number;
  readonly skipped: number;
  readonly duplicates: number;
  readonly outsideWindow: number;
  readonly belowSeverity: number;
  readonly otherServices: number;
  /**
   * Records with no service, counted here and in no worklog (part of `skipped`): records that are
   * not log entries at all (a string, an unparseable line), and entries without a service label
   * while only chosen services were read.
   */
  readonly unattributed: number;
  /** A few of them (redacted, cut short), for the person running the job. */
  readonly unattributedSamples?: readonly SkippedEntry[];
  readonly truncated: boolean;
  readonly services: readonly ServiceSummary[];
  readonly actions: Readonly<Record<string, number>>;
  readonly failures: readonly string[];
  readonly durationMs: number;
}
