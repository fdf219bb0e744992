import type { Severity } from "./severity";

/** A half-open time window [start, end), both as epoch milliseconds. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

export type EntryKind = "request" | "application" | "stacktrace";

/**
 * One log entry after normalization and redaction: everything the clusterer needs, nothing
 * else. `sample` is a redacted, size-bounded copy of the original entry for worklog samples.
 */
export interface NormalizedEntry {
  readonly key: string; // insertId + logName + timestamp: what makes two deliveries one entry
  /** hash52(key), what de-duplication keeps. */
  readonly keyHash: number;
  readonly timestamp: number; // epoch ms
  readonly timestampText: string; // as the entry carried it
  readonly severity: Severity;
  readonly service: string;
  readonly revision?: string;
  readonly instanceId?: string;
  readonly trace?: string;
  readonly kind: EntryKind;
  /** The human message: the payload's message, the exception line, or "METHOD URL STATUS". */
  readonly message: string;
  /** Where it came from: module.function, context or logger name, or sourceLocation file:function (no line, so it stays stable across deploys). */
  readonly source?: string;
  readonly http?: {
    readonly method: string;
    readonly url: string;
    readonly route: string; // path with ids masked, no query
    readonly status: number;
    readonly latencyMs?: number;
  };
  readonly exception?: {
    readonly type: string;
    readonly frames: readonly string[]; // top frames, normalized (no line numbers)
  };
  /** Audit logs (protoPayload): method name and status code. */
  readonly audit?: { readonly methodName: string; readonly statusCode?: number };
  /**
   * For a payload with no message of its own: its field names and the shapes of their values
   * (`error:{type:s,value:s},location:s`). Such entries cluster on it and their message, so two
   * different payloads never merge.
   */
  readonly shape?: string;
  /** The Error Reporting group Cloud Logging gave the entry (`errorGroups[0].id`), with the entry's project. */
  readonly errorGroup?: ErrorGroupRef;
  readonly sample: unknown;
  /**
   * For a request log, its own path; for an application line, the request paths its payload or
   * message names (at most 4): to pair the two for one request (core/cluster/request-join.ts).
   * Read from the entry as it came, not redacted; memory only.
   */
  readonly requestPaths?: readonly string[];
}

/** An Error Reporting group: https://console.cloud.google.com/errors/detail/ID?project=PROJECT. */
export interface ErrorGroupRef {
  readonly id: string;
  readonly project?: string;
}

/** Why an entry was counted instead of clustered: the worklog's and the sidecar's keys. */
export const SKIP_REASONS = [
  "not-an-object",
  "invalid-entry",
  "missing-timestamp",
  "bad-timestamp",
  "null-payload",
  "message-too-large",
  "unparseable-line",
] as const;

export type SkipReason = (typeof SKIP_REASONS)[number];

/** A malformed entry that was counted instead of clustered. */
export interface SkippedEntry {
  readonly reason: SkipReason;
  readonly detail: string;
  readonly sample: string; // redacted, truncated
}

export interface VariableValues {
  readonly name: string; // "user", "id", "ip", "<*>1"…
  readonly top: readonly { readonly value: string; readonly count: number }[];
  readonly distinct: number; // distinct values seen (capped)
}

/** A group of entries that share one underlying problem. Built by core/cluster.ts. */
export interface Cluster {
  readonly fingerprint: string; // stable, versioned: "lg1-…"
  /**
   * Fingerprints that earlier runs (or earlier versions) gave this same problem before the miner
   * merged their clusters into this one, oldest first. Triage closes their issues as duplicates
   * of this cluster's issue. Absent or empty when nothing was merged.
   */
  readonly mergedFrom?: readonly string[];
  readonly service: string;
  readonly kind: EntryKind;
  readonly template: string; // message template, variables as <*> or {id}
  readonly source?: string;
  readonly severity: Severity; // the highest seen
  readonly severities: Readonly<Partial<Record<Severity, number>>>;
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly ratePerMinute: number;
  readonly revisions: readonly { readonly value: string; readonly count: number }[];
  /** Revision of the cluster's earliest entry in the window (absent when it carried none). */
  readonly firstRevision?: string;
  readonly instances: number;
  readonly variables: readonly VariableValues[];
  readonly traceIds: readonly string[];
  readonly samples: readonly unknown[]; // redacted sample entries, at most 3
  readonly timeline: readonly number[]; // occurrences per bucket across the window
  readonly bucketMinutes: number;
  readonly http?: { readonly method: string; readonly route: string; readonly status: number };
  readonly exceptionType?: string;
  /** The message of its first sample (redacted, first line): what names show for its variables. */
  readonly example?: string;
  /** The payload shape its entries share, for clusters of message-less payloads (see NormalizedEntry.shape). */
  readonly shape?: string;
  /**
   * The service's entries past its cluster cap (ClusterOptions.maxClusters), whatever their
   * template: one cluster per service, named and described as such.
   */
  readonly overflow?: true;
  /** Error Reporting groups its entries belong to, most entries first (at most a few). */
  readonly errorGroups?: readonly (ErrorGroupRef & { readonly count: number })[];
  /**
   * Cloud Run request logs of the same requests as this application cluster's lines, folded in
   * (core/cluster/request-join.ts): their route and status, and how many (part of `count`).
   */
  readonly joinedRequests?: readonly { readonly method: string; readonly route: string; readonly status: number; readonly count: number }[];
  /**
   * Present when the window was sampled: `count`, `severities`, `timeline` and `ratePerMinute`
   * are then estimates (the sampled numbers divided by `fraction`), and `sampled` is the count
   * actually seen. See core/cluster/estimates.ts.
   */
  readonly estimate?: ClusterEstimate;
}

export interface ClusterEstimate {
  /** Share of the window's entries the counts were read from, 0 < f < 1. */
  readonly fraction: number;
  /** Entries of this cluster in the sample. */
  readonly sampled: number;
  /** About 95% of the time the true count lies in [low, high]. */
  readonly low: number;
  readonly high: number;
}

export type Priority = "P1" | "P2" | "P3" | "P4" | "P5";

export interface PrioritizedCluster extends Cluster {
  readonly priority: Priority;
  readonly priorityReason: string;
  readonly mislabeled: boolean; // severity looks mislabeled (CRITICAL/ERROR reading as routine success)
}

/** A record the source could not parse as JSON; counted as skipped ("unparseable-line"). */
export class UnparseableRecord {
  constructor(
    readonly text: string,
    readonly error: string,
  ) {}
}

/** A service whose read stopped early (a cap, the deadline, an error), for the worklog. */
export interface SourceTruncation {
  readonly service: string;
  readonly read: number;
  /** Timestamp (ISO) of the last entry read before stopping. */
  readonly upTo: string;
  readonly reason: string;
}

/** How one service's read (or "*", a read of every service) was sampled; for the worklog. */
export interface SamplingPlan {
  readonly service: string;
  /** "server": Cloud Logging's sample(insertId, f) at `serverFraction`; "adaptive": the run's threshold alone. */
  readonly mode: "server" | "adaptive";
  readonly serverFraction: number;
  /** Monitoring's totals by severity for the window, when read. */
  readonly totals?: Readonly<Partial<Record<Severity, number>>>;
  readonly total?: number;
  /** Why this plan, one sentence. */
  readonly why: string;
  /** Why the totals were not used, when they were not. */
  readonly fallback?: string;
  /** Whether the job waited for Monitoring's lag, or why not. */
  readonly lagNote?: string;
}

/** Pages read and the share of the project's entries.list quota they took. */
export interface QuotaUse {
  readonly pages: number;
  readonly minutes: number;
  /** Pages over what the whole quota allows in those minutes. */
  readonly quotaShare: number;
  /** The share this task was given (LOG_GARDENER_READ_BUDGET over the tasks). */
  readonly budgetShare: number;
}

/** What a worklog says about sampling for one service. */
export interface WorklogSampling {
  /** Share of the window's entries the counts come from; 1 = every entry was read. */
  readonly fraction: number;
  readonly estimated: boolean;
  /** Entries in the final sample (clusterable entries). */
  readonly sampled: number;
  readonly plan?: SamplingPlan;
  /** The run's adaptive threshold took the fraction further down (by this factor). */
  readonly adaptiveFraction: number;
  readonly quota?: QuotaUse;
}
