/**
 * Everything one worklog says, for one service and one window. The pipeline fills it in as the
 * stages run; core/worklog.ts renders it as markdown and core/sidecar.ts as JSON. Plain data
 * only (no functions, no class instances), so it can be built in tests and compared as-is.
 */
import type { Severity } from "../severity";
import type { ClusterChange, QuietProblem, WindowReport } from "../history/history";
import type { PrioritizedCluster, SkipReason, SkippedEntry, SourceTruncation, TimeWindow, WorklogSampling } from "../types";

export interface WorklogStats {
  /** Raw entries the source returned for this service. */
  readonly read: number;
  readonly duplicates: number;
  readonly outsideWindow: number;
  readonly belowSeverity: number;
  readonly otherServices: number;
  /** Entries that went into clusters. */
  readonly clustered: number;
  /** Malformed entries counted instead of clustered, by reason. */
  readonly skipped: Readonly<Partial<Record<SkipReason, number>>>;
}

/** What happened (or, in a dry run, would happen) to a cluster's GitHub issue. */
export interface WorklogIssue {
  /** "open" | "update" | "comment" | "reopen" | "skip" | … as planned by core/issue-plan.ts. */
  readonly action: string;
  readonly number?: number;
  readonly url?: string;
  /** Set when the action failed; the worklog says so and the run exits non-zero. */
  readonly error?: string;
  readonly dryRun: boolean;
}

/**
 * An issue closed (or, in a dry run, to be closed) as a duplicate because the miner merged its
 * cluster into this one: the survivor absorbs it (core/triage/issue-plan.ts, close-duplicate).
 */
export interface WorklogMerge {
  /** The duplicate, and the fingerprint it tracked. */
  readonly duplicate: { readonly number: number; readonly url?: string; readonly fingerprint: string };
  /** The issue that absorbed it (it tracks this cluster from now on). */
  readonly survivor: { readonly number: number; readonly url?: string };
  /** False on a rerun that found it closed already (only its comment was checked). */
  readonly closes: boolean;
  /** Set when closing failed; the run exits non-zero and the next run retries. */
  readonly error?: string;
  readonly dryRun: boolean;
}

export interface RelatedIssue {
  readonly number: number;
  readonly url: string;
  readonly title: string;
}

/** Which steps this run actually did; the worklog's checklist ticks exactly these. */
export interface WorklogStatus {
  readonly collected: boolean;
  readonly clustered: boolean;
  readonly issuesPlanned: boolean;
  readonly issuesPublished: boolean;
  readonly dryRun: boolean;
  readonly relatedResearched: boolean;
  readonly relatedLinked: boolean;
}

/** What changed in this window, measured against the service's problem history (docs/history.md). */
export interface WorklogHistory {
  /**
   * loaded: the stored history; started: there was none and no sidecars either; rebuilt: from
   * recent sidecars; refused: written by a newer version (left untouched, not saved over);
   * unavailable: could not be read or rebuilt.
   */
  readonly status: "loaded" | "started" | "rebuilt" | "refused" | "unavailable";
  /** Why, for rebuilt / refused / unavailable. */
  readonly detail?: string;
  /** By cluster fingerprint. */
  readonly changes: Readonly<Record<string, ClusterChange>>;
  readonly quiet: readonly QuietProblem[];
  /** Revisions first seen in the service during this window. */
  readonly deployed: readonly { readonly value: string; readonly firstSeen: number }[];
  /** Each revision the service logged in this window, with its earliest entry. */
  readonly revisions: readonly { readonly value: string; readonly firstSeen: number }[];
  readonly report: WindowReport;
  /** LOG_GARDENER_RETURN_AFTER, for the wording. */
  readonly returnAfterMs: number;
}

/** How much of a worklog is written out; the sidecar always has every cluster. */
export interface WorklogLayout {
  /** Full sections for the most urgent this many clusters. */
  readonly sections: number;
  /** A table row for each of the next this many; the rest are only in the sidecar. */
  readonly rows: number;
}

/**
 * 50 sections keep an hour's worklog a few hundred kilobytes at most (a section is a sample of
 * up to 6,000 characters and its facts); 300 rows of about 200 characters add some 60 kB, a
 * list someone can still scan or search. Past that, nobody reads a cluster in a worklog.
 */
export const DEFAULT_WORKLOG_LAYOUT: WorklogLayout = { sections: 50, rows: 300 };

export interface WorklogModel {
  readonly service: string;
  readonly window: TimeWindow;
  /** Epoch ms when the run wrote this worklog (passed in, never read from the clock here). */
  readonly generatedAt: number;
  /** "Last 1 hour". */
  readonly focusArea: string;
  /** The log source's own description: "file samples/export.json", "cloud-logging project x". */
  readonly source: string;
  /** CLOUD_RUN_EXECUTION, when running as a Cloud Run Job. */
  readonly executionId?: string;
  readonly minSeverity: Severity;
  /** Most urgent first (prioritizeAll's order); the worklog numbers them in this order. */
  readonly clusters: readonly PrioritizedCluster[];
  readonly stats: WorklogStats;
  /** A few samples per reason. */
  readonly skippedSamples: readonly SkippedEntry[];
  readonly truncations: readonly SourceTruncation[];
  /** How the window was sampled; absent when sampling is off. With `estimated`, cluster counts are estimates. */
  readonly sampling?: WorklogSampling;
  /** By cluster fingerprint. */
  readonly issues: Readonly<Record<string, WorklogIssue>>;
  /** Issues closed as duplicates of this cluster's issue, by cluster fingerprint. */
  readonly merges?: Readonly<Record<string, readonly WorklogMerge[]>>;
  /** Open issues that look related, by cluster fingerprint. */
  readonly related?: Readonly<Record<string, readonly RelatedIssue[]>>;
  readonly status: WorklogStatus;
  /** Caps hit, retries, warnings (such as "miner state lost, fingerprints restarted"). */
  readonly notes: readonly string[];
  /** Sections and rows written out (default DEFAULT_WORKLOG_LAYOUT). */
  readonly layout?: WorklogLayout;
  /** Logs Explorer link for each cluster, by fingerprint, precomputed by the pipeline. */
  readonly logsExplorerUrls?: Readonly<Record<string, string>>;
  /** Absent when the run kept no history (then the worklog has no "What changed"). */
  readonly history?: WorklogHistory;
}
