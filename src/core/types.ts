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
  readonly sample: unknown;
}

export type SkipReason =
  | "not-an-object"
  | "invalid-entry"
  | "missing-timestamp"
  | "bad-timestamp"
  | "null-payload"
  | "message-too-large"
  | "unparseable-line";

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
  readonly instances: number;
  readonly variables: readonly VariableValues[];
  readonly traceIds: readonly string[];
  readonly samples: readonly unknown[]; // redacted sample entries, at most 3
  readonly timeline: readonly number[]; // occurrences per bucket across the window
  readonly bucketMinutes: number;
  readonly http?: { readonly method: string; readonly route: string; readonly status: number };
  readonly exceptionType?: string;
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
