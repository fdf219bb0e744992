// The stand-in's one repository: the changes GitHub makes when an issue is opened, edited,
// closed, reopened, labelled, locked or commented on. The routes (the app) and `actAsHuman`
// (people on github.com) both go through here, so they see and leave the same state.
import type { GitHubStandInState, LockReason, StateReason, StoredComment, StoredIssue, StoredLabel, StoredUser } from "./state";
import { gitHubTime } from "./state";

/** GitHub's limit on issue and comment bodies, in characters. */
export const MAX_BODY_LENGTH = 65536;
/** GitHub's limit on issue titles, in characters. */
export const MAX_TITLE_LENGTH = 256;

export class ValidationFailed extends Error {
  constructor(
    readonly resource: string,
    readonly field: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ValidationFailed";
  }
}

export class NotFound extends Error {
  constructor(message = "Not Found") {
    super(message);
    this.name = "NotFound";
  }
}

export interface IssueChanges {
  title?: string;
  body?: string | null;
  state?: "open" | "closed";
  state_reason?: StateReason | null;
  labels?: string[];
}

const DEFAULT_LABEL_COLOR = "ededed";

export class StandInRepository {
  private nextId = 1;

  constructor(
    readonly state: GitHubStandInState,
    private readonly now: () => Date,
    /** Longest body accepted; the `tooLongBody` fault lowers it. */
    public maxBodyLength = MAX_BODY_LENGTH,
  ) {}

  private id(): number {
    return 1_000_000 + this.nextId++;
  }

  private time(): string {
    return gitHubTime(this.now());
  }

  private checkBody(resource: string, body: string | null | undefined): void {
    if (body != null && body.length > this.maxBodyLength) {
      throw new ValidationFailed(resource, "body", "custom", `body is too long (maximum is ${this.maxBodyLength} characters)`);
    }
  }

  private checkTitle(title: string): void {
    if (title.trim() === "") throw new ValidationFailed("Issue", "title", "missing_field", "");
    if (title.length > MAX_TITLE_LENGTH) {
      throw new ValidationFailed("Issue", "title", "custom", `title is too long (maximum is ${MAX_TITLE_LENGTH} characters)`);
    }
  }

  findLabel(name: string): StoredLabel | undefined {
    const wanted = name.toLowerCase();
    return this.state.labels.find((l) => l.name.toLowerCase() === wanted);
  }

  createLabel(name: string, color = DEFAULT_LABEL_COLOR, description: string | null = null): StoredLabel {
    if (this.findLabel(name)) throw new ValidationFailed("Label", "name", "already_exists", "");
    if (name.trim() === "") throw new ValidationFailed("Label", "name", "missing_field", "");
    const label = { id: this.id(), name, color: color.replace(/^#/, ""), description };
    this.state.labels.push(label);
    return label;
  }

  /** Label names as stored (existing spelling wins), creating the missing ones as GitHub does. */
  private ensureLabels(names: string[]): string[] {
    const out: string[] = [];
    for (const name of names) {
      const label = this.findLabel(name) ?? this.createLabel(name);
      if (!out.includes(label.name)) out.push(label.name);
    }
    return out;
  }

  issue(number: number): StoredIssue {
    const issue = this.state.issues.find((i) => i.number === number);
    if (!issue) throw new NotFound();
    return issue;
  }

  openIssue(user: StoredUser, input: { title: string; body?: string | null; labels?: string[] }): StoredIssue {
    this.checkTitle(input.title);
    this.checkBody("Issue", input.body);
    const time = this.time();
    const issue: StoredIssue = {
      id: this.id(),
      number: this.state.issues.length + 1,
      title: input.title,
      body: input.body ?? null,
      state: "open",
      state_reason: null,
      labels: this.ensureLabels(input.labels ?? []),
      locked: false,
      active_lock_reason: null,
      user,
      closed_by: null,
      created_at: time,
      updated_at: time,
      closed_at: null,
    };
    this.state.issues.push(issue);
    return issue;
  }

  updateIssue(user: StoredUser, number: number, changes: IssueChanges): StoredIssue {
    const issue = this.issue(number);
    this.checkBody("Issue", changes.body);
    if (changes.title !== undefined) this.checkTitle(changes.title);
    if (changes.title !== undefined) issue.title = changes.title;
    if (changes.body !== undefined) issue.body = changes.body;
    if (changes.labels !== undefined) issue.labels = this.ensureLabels(changes.labels);
    const time = this.time();
    if (changes.state === "closed") {
      if (issue.state === "open") {
        issue.state = "closed";
        issue.closed_at = time;
        issue.closed_by = user;
        issue.state_reason = changes.state_reason ?? "completed";
      } else if (changes.state_reason) {
        issue.state_reason = changes.state_reason;
      }
    } else if (changes.state === "open" && issue.state === "closed") {
      issue.state = "open";
      issue.closed_at = null;
      issue.closed_by = null;
      issue.state_reason = "reopened";
    }
    issue.updated_at = time;
    return issue;
  }

  addLabels(number: number, names: string[]): StoredIssue {
    const issue = this.issue(number);
    for (const name of this.ensureLabels(names)) if (!issue.labels.includes(name)) issue.labels.push(name);
    issue.updated_at = this.time();
    return issue;
  }

  removeLabel(number: number, name: string): StoredIssue {
    const issue = this.issue(number);
    const label = this.findLabel(name);
    if (!label || !issue.labels.includes(label.name)) throw new NotFound("Label does not exist");
    issue.labels = issue.labels.filter((n) => n !== label.name);
    issue.updated_at = this.time();
    return issue;
  }

  removeAllLabels(number: number): StoredIssue {
    const issue = this.issue(number);
    issue.labels = [];
    issue.updated_at = this.time();
    return issue;
  }

  lock(number: number, reason: LockReason | null): StoredIssue {
    const issue = this.issue(number);
    issue.locked = true;
    issue.active_lock_reason = reason;
    issue.updated_at = this.time();
    return issue;
  }

  unlock(number: number): StoredIssue {
    const issue = this.issue(number);
    issue.locked = false;
    issue.active_lock_reason = null;
    issue.updated_at = this.time();
    return issue;
  }

  comment(user: StoredUser, number: number, body: string): StoredComment {
    const issue = this.issue(number);
    if (body.trim() === "") throw new ValidationFailed("IssueComment", "body", "missing_field", "");
    this.checkBody("IssueComment", body);
    const time = this.time();
    const comment = { id: this.id(), issue_number: number, body, user, created_at: time, updated_at: time };
    this.state.comments.push(comment);
    issue.updated_at = time;
    return comment;
  }

  editComment(id: number, body: string): StoredComment {
    const comment = this.state.comments.find((c) => c.id === id);
    if (!comment) throw new NotFound();
    if (body.trim() === "") throw new ValidationFailed("IssueComment", "body", "missing_field", "");
    this.checkBody("IssueComment", body);
    comment.body = body;
    comment.updated_at = this.time();
    return comment;
  }
}
