/**
 * The issue tracker of a dry run: prints the plan, one JSON line per action, and takes none of
 * it. Used with --dry-run and whenever no GitHub App is configured.
 */
import type { Writable } from "node:stream";
import type { IssueAction } from "../core/triage/issue-plan";
import type { RelatedIssue } from "../core/triage/issue-body";
import type { ExistingIssue, IssueActionResult, IssueTracker } from "../ports";

export interface DryRunIssueTrackerOptions {
  /** Where the JSON lines go (the CLI passes stdout). */
  readonly out: Writable;
  /** What listManagedIssues returns (default none: every problem plans as new). */
  readonly existing?: readonly ExistingIssue[];
  /** Print whole titles, bodies and comments instead of their sizes. */
  readonly full?: boolean;
}

/** One action as printed: what would be sent, bodies summarized unless `full`. */
export function renderPlannedAction(a: IssueAction, full = false): Record<string, unknown> {
  const text = (s: string) => (full ? s : `${s.length} chars`);
  const line: Record<string, unknown> = {
    dryRun: true,
    action: a.kind,
    fingerprint: a.fingerprint,
    service: a.service,
    window: a.windowId,
  };
  if ("issueNumber" in a && a.issueNumber !== undefined) line.issue = a.issueNumber;
  if ("url" in a && a.url !== undefined) line.url = a.url;
  if ("reason" in a) line.reason = a.reason;
  if ("matchedBy" in a) line.matchedBy = a.matchedBy;
  if ("title" in a) line.title = a.title;
  if ("labels" in a) line.labels = a.labels;
  if ("addLabels" in a && a.addLabels.length > 0) line.addLabels = a.addLabels;
  if ("body" in a) line.body = text(a.body);
  if ("comment" in a) line.comment = text(a.comment);
  if (a.kind === "open-successor") line.predecessor = a.predecessor.number;
  if (a.kind === "close-duplicate") {
    line.survivor = a.survivor.number;
    line.duplicateFingerprint = a.duplicateFingerprint;
    line.close = a.close;
  }
  if (a.kind === "open" && a.related.length > 0) line.related = a.related.map((r) => r.number);
  if (a.kind === "digest") {
    line.reopen = a.reopen;
    line.fingerprints = a.fingerprints.length;
  }
  return line;
}

export class DryRunIssueTracker implements IssueTracker {
  constructor(private readonly options: DryRunIssueTrackerOptions) {}

  describe(): string {
    return "dry run (GitHub actions printed as JSON lines)";
  }

  async listManagedIssues(): Promise<ExistingIssue[]> {
    return [...(this.options.existing ?? [])];
  }

  async searchRelated(): Promise<RelatedIssue[]> {
    return [];
  }

  async apply(actions: readonly IssueAction[]): Promise<IssueActionResult[]> {
    const results: IssueActionResult[] = [];
    for (const a of actions) {
      this.options.out.write(`${JSON.stringify(renderPlannedAction(a, this.options.full))}\n`);
      results.push({
        fingerprint: a.fingerprint,
        action: a.kind,
        ok: true,
        ...("reason" in a ? { detail: a.reason } : {}),
        ...("issueNumber" in a && a.issueNumber !== undefined ? { issueNumber: a.issueNumber } : {}),
        ...("url" in a && a.url !== undefined ? { url: a.url } : {}),
      });
    }
    return results;
  }
}
