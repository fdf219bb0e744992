/**
 * What the job needs from the outside world. Each port has a real adapter (Cloud Logging,
 * GCS, GitHub) and a local one (file export, local folder, dry run); see src/adapters/.
 */
import type { Severity } from "./core/severity";
import type { PrioritizedCluster, QuotaUse, SamplingPlan, SourceTruncation, TimeWindow } from "./core/types";
import type { ExistingIssue, IssueAction, IssueActionResult, RelatedIssue } from "./core/triage/issue-plan";

export type { ExistingIssue, IssueActionResult, SourceTruncation };

// ---------------------------------------------------------------------------------------------
// Log source

export interface LogQuery {
  readonly window: TimeWindow;
  /** Cloud Run service names; empty means every service the source has. */
  readonly services: readonly string[];
  readonly minSeverity: Severity;
  /** Stop reading a service after this many entries and report the truncation. */
  readonly maxEntriesPerService: number;
  /**
   * Per service (or "*" for a read of every service), the share of the matching entries to
   * return, by Cloud Logging's `sample(insertId, f)`; absent or 1 = all. Sources that cannot
   * sample server side ignore it (the run samples).
   */
  readonly sampleFractions?: Readonly<Record<string, number>>;
}

export interface SourceReport {
  readonly truncations: SourceTruncation[];
  /** Human-readable notes about the read (pages, retries), for the worklog. */
  readonly notes: string[];
  /** How each service's read was sampled (set by the sampling source). */
  sampling?: Map<string, SamplingPlan>;
  /** Page requests that returned a page (Cloud Logging). */
  pagesRead?: number;
  quotaUsed?: QuotaUse;
}

export interface LogSource {
  /** "file ./samples/export.json", "cloud-logging project my-proj", … */
  describe(): string;
  /**
   * Streams raw entries (Cloud Logging LogEntry in its JSON form: camelCase, payloads as plain
   * objects). Values are untrusted: normalization validates them. The source may pre-filter
   * by the query (Cloud Logging does, server side); the pipeline filters again and counts.
   * Anything cut short is recorded in `report`.
   */
  listEntries(query: LogQuery, report: SourceReport): AsyncIterable<unknown>;
}

// ---------------------------------------------------------------------------------------------
// Object store: worklogs, sidecars, miner state, locks. Local folder or GCS bucket.

/** What a store knows of an object without reading its bytes. */
export interface StoredHead {
  /** Opaque version; pass it back as `ifGeneration` to compare-and-swap. */
  readonly generation: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly updated?: string;
}

export interface StoredObject extends StoredHead {
  readonly body: string;
}

/**
 * An object's bytes as text: one string, or chunks. Chunks may be iterated more than once (a
 * store may hash, write and compare them), each time giving the same text, so a sidecar of
 * thousands of clusters can be printed cluster by cluster as it is written and never become a
 * single string of tens of megabytes.
 */
export type ObjectBody = string | Iterable<string>;

export interface PutOptions {
  readonly contentType: string;
  readonly metadata?: Readonly<Record<string, string>>;
  /**
   * Precondition: "0" = create only (fail if it exists); a generation = replace only that
   * version. Omitted = unconditional. A failed precondition throws PreconditionFailedError.
   */
  readonly ifGeneration?: string;
}

export interface ObjectStore {
  /** "./worklogs" or "gs://bucket/prefix". */
  describe(): string;
  /** Where a key lives, for links in worklogs, daily indexes and issues: a local path, or the browser URL of a Cloud Storage object. */
  locate(key: string): string;
  get(key: string): Promise<StoredObject | undefined>;
  /**
   * The generation and metadata of the object as `get` would return them, without its bytes:
   * what a compare-and-swap or a daily index needs of a worklog of several megabytes.
   */
  head(key: string): Promise<StoredHead | undefined>;
  /** Returns the new generation. */
  put(key: string, body: ObjectBody, options: PutOptions): Promise<string>;
  /** Keys under a prefix, sorted ascending. */
  list(prefix: string): Promise<string[]>;
  delete(key: string, options?: { ifGeneration?: string }): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Issue tracker (GitHub, or a dry run that prints the plan)

/**
 * Carries out a triage plan. The plan itself is decided by core/issue-plan.ts (pure); the
 * tracker only lists what exists and applies actions. The dry-run tracker prints them.
 */
export interface IssueTracker {
  describe(): string;
  /** Every issue carrying the managed label, open and closed. */
  listManagedIssues(): Promise<ExistingIssue[]>;
  /** Carries out the actions in order; a failed action is a result with ok: false, never a throw. */
  apply(actions: readonly IssueAction[]): Promise<IssueActionResult[]>;
  /**
   * Open issues the job does not manage that mention a new problem's module/function or a
   * phrase of its template (see buildRelatedTerms). One search request per call; call it only
   * for new problems. Returns [] when searching is off or fails.
   */
  searchRelated?(cluster: PrioritizedCluster): Promise<RelatedIssue[]>;
}
