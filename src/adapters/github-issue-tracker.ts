/**
 * Carries out a triage plan on GitHub. The plan (core/issue-plan.ts) already holds every title,
 * body, label and comment; this adapter only sends them, safely under retries:
 *
 *  - Managed issues are listed by their label, state all, 100 per page, paginated; never
 *    through the search API, whose index lags minutes behind.
 *  - Creating an issue or a comment is never retried blindly (a 502 after the write landed
 *    would make a duplicate): it is sent with `request.retries = 0`, and after a failure the
 *    adapter looks for the marker (the issue marker with this window's id, or the comment's
 *    window-id marker) before trying again, a bounded number of times.
 *  - Before commenting it checks the issue's comments for the window-id marker, so a rerun of
 *    the same window never posts twice.
 *  - A duplicate of a merge is commented on, then closed (state_reason "duplicate") in one
 *    PATCH with its new body; never when the update of the issue absorbing it failed.
 *  - Each action's failure is recorded in its result; apply never throws away the run.
 */
import type { IssueAction } from "../core/triage/issue-plan";
import { buildRelatedTerms, MANAGED_LABEL } from "../core/triage/issue-plan";
import type { RelatedIssue } from "../core/triage/issue-body";
import { parseIssueMarker } from "../core/triage/issue-marker";
import type { PrioritizedCluster } from "../core/types";
import { UpstreamError } from "../errors";
import type { ExistingIssue, IssueActionResult, IssueTracker } from "../ports";
import type { GitHubOctokit, LogSink } from "./github-app";

export interface GitHubIssueTrackerOptions {
  readonly octokit: GitHubOctokit;
  readonly owner: string;
  readonly repo: string;
  readonly logger: LogSink;
  /** Applied to every title, body and comment sent, outside our markers (defense in depth). */
  readonly redact?: (text: string) => string;
  /** Attempts at creating one issue or comment, each after checking it did not land (default 3). */
  readonly createAttempts?: number;
  /** Search requests per run for related issues (default 20; the API allows 30 a minute). */
  readonly maxSearchesPerRun?: number;
  /** Turn related-issue search off. */
  readonly relatedSearch?: boolean;
}

/** The fields of GitHub's issue JSON this adapter reads. */
export interface GitHubIssueJson {
  readonly number: number;
  readonly html_url: string;
  readonly title: string;
  readonly body?: string | null;
  readonly state: string;
  readonly state_reason?: string | null;
  readonly closed_at?: string | null;
  readonly locked?: boolean;
  readonly labels?: ReadonlyArray<string | { readonly name?: string | null }>;
  readonly pull_request?: unknown;
}

const STATE_REASONS = new Set(["completed", "not_planned", "duplicate", "reopened"]);

/** GitHub's issue JSON → ExistingIssue. */
export function toExistingIssue(raw: GitHubIssueJson): ExistingIssue {
  const reason = raw.state_reason && STATE_REASONS.has(raw.state_reason) ? (raw.state_reason as ExistingIssue["stateReason"]) : null;
  return {
    number: raw.number,
    url: raw.html_url,
    title: raw.title,
    body: raw.body ?? "",
    state: raw.state === "closed" ? "closed" : "open",
    stateReason: reason,
    closedAt: raw.closed_at ?? null,
    locked: raw.locked ?? false,
    labels: (raw.labels ?? []).map((l) => (typeof l === "string" ? l : (l.name ?? ""))).filter((l) => l.length > 0),
  };
}

/** GitHub's search item → RelatedIssue. */
export function toRelatedIssue(raw: GitHubIssueJson, matched: string): RelatedIssue {
  return { number: raw.number, url: raw.html_url, title: raw.title, state: raw.state === "closed" ? "closed" : "open", matched };
}

const OUR_COMMENT = /<!-- log-gardener:[\s\S]*? -->/g;

/** Redacts text outside our markers, which carry only redacted data and must stay parseable. */
export function redactOutside(text: string, redact: (s: string) => string): string {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(OUR_COMMENT)) {
    out += redact(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + redact(text.slice(last));
}

function statusOf(err: unknown): number | undefined {
  const s = (err as { status?: unknown }).status;
  return typeof s === "number" ? s : undefined;
}

/** Worth another attempt: the request may not have reached GitHub, or GitHub failed. */
function isRetryable(err: unknown): boolean {
  const status = statusOf(err);
  if (status === 403) return /rate limit/i.test(err instanceof Error ? err.message : ""); // a rate limit the plugin gave up on
  return status === undefined || status >= 500 || status === 408 || status === 429;
}

function describeError(err: unknown): string {
  const status = statusOf(err);
  const message = err instanceof Error ? err.message : String(err);
  return status ? `${status} ${message}` : message;
}

type Outcome = { issueNumber?: number; url?: string };

export class GitHubIssueTracker implements IssueTracker {
  private readonly owner: string;
  private readonly repo: string;
  private searchesLeft: number;

  constructor(private readonly options: GitHubIssueTrackerOptions) {
    this.owner = options.owner;
    this.repo = options.repo;
    this.searchesLeft = options.maxSearchesPerRun ?? 20;
  }

  describe(): string {
    return `GitHub issues in ${this.owner}/${this.repo}`;
  }

  async listManagedIssues(): Promise<ExistingIssue[]> {
    try {
      const raw = await this.options.octokit.paginate(this.options.octokit.rest.issues.listForRepo, {
        owner: this.owner,
        repo: this.repo,
        labels: MANAGED_LABEL,
        state: "all",
        per_page: 100,
      });
      return (raw as GitHubIssueJson[]).filter((i) => i.pull_request === undefined).map(toExistingIssue);
    } catch (err) {
      throw new UpstreamError("github", "list managed issues", isRetryable(err), describeError(err), { cause: err });
    }
  }

  async apply(actions: readonly IssueAction[]): Promise<IssueActionResult[]> {
    const results: IssueActionResult[] = [];
    /** Issues whose action failed in this apply: no duplicate is closed into one of them. */
    const failed = new Set<number>();
    for (const action of actions) {
      if (action.kind === "close-duplicate" && failed.has(action.survivor.number)) {
        const error = `not closed: the update of #${action.survivor.number}, which absorbs it, failed (the next run retries both)`;
        results.push({
          fingerprint: action.fingerprint,
          action: action.kind,
          ok: false,
          error,
          issueNumber: action.issueNumber,
          url: action.url,
        });
        continue;
      }
      try {
        const outcome = await this.applyOne(action);
        results.push({
          fingerprint: action.fingerprint,
          action: action.kind,
          ok: true,
          ...outcome,
          ...("reason" in action ? { detail: action.reason } : {}),
        });
      } catch (err) {
        const error = describeError(err);
        if ("issueNumber" in action && action.issueNumber !== undefined) failed.add(action.issueNumber);
        this.options.logger.error({ err, action: action.kind, fingerprint: action.fingerprint }, `GitHub ${action.kind} failed: ${error}`);
        results.push({
          fingerprint: action.fingerprint,
          action: action.kind,
          ok: false,
          error,
          ...("issueNumber" in action && action.issueNumber !== undefined ? { issueNumber: action.issueNumber, url: action.url } : {}),
        });
      }
    }
    return results;
  }

  async searchRelated(cluster: PrioritizedCluster): Promise<RelatedIssue[]> {
    if (this.options.relatedSearch === false) return [];
    const found = new Map<number, RelatedIssue>();
    for (const term of buildRelatedTerms(cluster)) {
      if (this.searchesLeft <= 0) break;
      this.searchesLeft--;
      const q = `repo:${this.owner}/${this.repo} is:issue is:open -label:${MANAGED_LABEL} "${term.replace(/"/g, " ")}"`;
      try {
        const { data } = await this.options.octokit.rest.search.issuesAndPullRequests({ q, per_page: 5 });
        for (const item of data.items as GitHubIssueJson[]) {
          if (item.pull_request !== undefined || found.has(item.number)) continue;
          found.set(item.number, toRelatedIssue(item, term));
        }
      } catch (err) {
        this.options.logger.warn({ err, fingerprint: cluster.fingerprint }, `searching related issues failed: ${describeError(err)}`);
        break;
      }
    }
    return [...found.values()].slice(0, 5);
  }

  // -------------------------------------------------------------------------------------------

  private text(s: string): string {
    return this.options.redact ? redactOutside(s, this.options.redact) : s;
  }

  private async applyOne(a: IssueAction): Promise<Outcome> {
    switch (a.kind) {
      case "open":
      case "open-successor":
        return this.createIssue(a.fingerprint, a.windowId, a.title, a.body, a.labels);
      case "update-body":
        await this.updateIssue(a.issueNumber, { body: a.body });
        await this.addLabels(a.issueNumber, a.addLabels);
        return { issueNumber: a.issueNumber, url: a.url };
      case "comment":
        // Comment first: if the body update then fails, the rerun finds the comment's marker.
        await this.commentOnce(a.issueNumber, a.comment, a.commentMarker);
        await this.updateIssue(a.issueNumber, { body: a.body });
        await this.addLabels(a.issueNumber, a.addLabels);
        return { issueNumber: a.issueNumber, url: a.url };
      case "reopen":
        await this.commentOnce(a.issueNumber, a.comment, a.commentMarker);
        await this.updateIssue(a.issueNumber, { body: a.body, state: "open", state_reason: "reopened" });
        await this.addLabels(a.issueNumber, a.addLabels);
        return { issueNumber: a.issueNumber, url: a.url };
      case "digest":
        if (a.issueNumber === undefined) return this.createIssue(a.fingerprint, a.windowId, a.title, a.body, a.labels);
        await this.updateIssue(a.issueNumber, {
          body: a.body,
          ...(a.reopen ? { state: "open" as const, state_reason: "reopened" as const } : {}),
        });
        return { issueNumber: a.issueNumber, url: a.url };
      case "close-duplicate":
        // The comment first: a closed duplicate carrying `into` in its marker is a finished merge.
        await this.commentOnce(a.issueNumber, a.comment, a.commentMarker);
        if (a.close) await this.updateIssue(a.issueNumber, { body: a.body, state: "closed", state_reason: "duplicate" });
        return { issueNumber: a.issueNumber, url: a.url };
      case "mute":
        return { issueNumber: a.issueNumber, url: a.url };
      case "skip":
        return { ...(a.issueNumber !== undefined ? { issueNumber: a.issueNumber, url: a.url } : {}) };
    }
  }

  /** The managed issue whose marker carries this fingerprint and was written by this window. */
  private async findCreated(fingerprint: string, windowId: string): Promise<Outcome | undefined> {
    const issues = await this.listManagedIssues();
    const mine = issues
      .filter((i) => {
        const m = parseIssueMarker(i.body);
        return m.ok && m.marker.fp === fingerprint && m.marker.seen === windowId;
      })
      .sort((x, y) => x.number - y.number)[0];
    return mine ? { issueNumber: mine.number, url: mine.url } : undefined;
  }

  private async createIssue(
    fingerprint: string,
    windowId: string,
    title: string,
    body: string,
    labels: readonly string[],
  ): Promise<Outcome> {
    const attempts = this.options.createAttempts ?? 3;
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) {
        // The failed attempt may have landed (a 502 or a timeout after the write): look first.
        const landed = await this.findCreated(fingerprint, windowId);
        if (landed) {
          this.options.logger.info(
            { fingerprint, issue: landed.issueNumber, attempt },
            "the issue was created although the request failed",
          );
          return landed;
        }
      }
      try {
        const { data } = await this.options.octokit.rest.issues.create({
          owner: this.owner,
          repo: this.repo,
          title: this.text(title),
          body: this.text(body),
          labels: [...labels],
          request: { retries: 0 },
        });
        return { issueNumber: data.number, url: data.html_url };
      } catch (err) {
        lastError = err;
        if (!isRetryable(err)) break;
        this.options.logger.warn({ fingerprint, attempt, status: statusOf(err) }, `creating an issue failed: ${describeError(err)}`);
      }
    }
    const landed = await this.findCreated(fingerprint, windowId).catch(() => undefined);
    if (landed) return landed;
    throw lastError;
  }

  private async hasComment(issueNumber: number, marker: string): Promise<boolean> {
    const comments = await this.options.octokit.paginate(this.options.octokit.rest.issues.listComments, {
      owner: this.owner,
      repo: this.repo,
      issue_number: issueNumber,
      per_page: 100,
    });
    return comments.some((c) => (c.body ?? "").includes(marker));
  }

  private async commentOnce(issueNumber: number, body: string, marker: string): Promise<void> {
    const attempts = this.options.createAttempts ?? 3;
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (await this.hasComment(issueNumber, marker)) return;
      try {
        await this.options.octokit.rest.issues.createComment({
          owner: this.owner,
          repo: this.repo,
          issue_number: issueNumber,
          body: this.text(body),
          request: { retries: 0 },
        });
        return;
      } catch (err) {
        lastError = err;
        if (!isRetryable(err)) break;
        this.options.logger.warn({ issue: issueNumber, attempt, status: statusOf(err) }, `commenting failed: ${describeError(err)}`);
      }
    }
    if (await this.hasComment(issueNumber, marker).catch(() => false)) return;
    throw lastError;
  }

  private async updateIssue(
    issueNumber: number,
    patch: { body: string; state?: "open" | "closed"; state_reason?: "reopened" | "duplicate" },
  ): Promise<void> {
    await this.options.octokit.rest.issues.update({
      owner: this.owner,
      repo: this.repo,
      issue_number: issueNumber,
      ...patch,
      body: this.text(patch.body),
    });
  }

  private async addLabels(issueNumber: number, labels: readonly string[]): Promise<void> {
    if (labels.length === 0) return;
    await this.options.octokit.rest.issues.addLabels({
      owner: this.owner,
      repo: this.repo,
      issue_number: issueNumber,
      labels: [...labels],
    });
  }
}
