// What the GitHub stand-in remembers: one repository's issues, comments and labels, the tokens it
// issued, every request it served and every OpenAPI violation it saw. Tests read it directly
// to assert on outcomes. The render* functions turn it into GitHub's JSON shapes, with every
// field the OpenAPI description requires.

export type IssueState = "open" | "closed";
export type StateReason = "completed" | "not_planned" | "duplicate" | "reopened";
export type LockReason = "off-topic" | "too heated" | "resolved" | "spam";

export interface StoredUser {
  login: string;
  id: number;
  type: "User" | "Bot";
}

export interface StoredLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface StoredIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: IssueState;
  state_reason: StateReason | null;
  /** Label names, in the order they were added. */
  labels: string[];
  locked: boolean;
  active_lock_reason: LockReason | null;
  user: StoredUser;
  closed_by: StoredUser | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface StoredComment {
  id: number;
  issue_number: number;
  body: string;
  user: StoredUser;
  created_at: string;
  updated_at: string;
}

export interface RequestRecord {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** "app" (JWT), "installation" (token) or "none". */
  auth: "app" | "installation" | "none";
  body: unknown;
  status: number;
  /**
   * Set when a fault answered instead of (or after) the normal handler ("secondary-rate-limit",
   * "search-rate-limit", "bad-gateway-after-write", "timeout-after-write"), or to
   * "not-implemented: <operationId>" for a GitHub endpoint the stand-in does not serve.
   */
  fault?: string;
}

export interface Violation {
  kind: "request" | "response";
  method: string;
  path: string;
  operationId: string;
  status?: number;
  problems: string[];
}

export interface InstallationToken {
  token: string;
  expiresAt: Date;
}

export interface GitHubStandInState {
  issues: StoredIssue[];
  comments: StoredComment[];
  labels: StoredLabel[];
  tokens: InstallationToken[];
  requests: RequestRecord[];
  violations: Violation[];
}

export function createState(): GitHubStandInState {
  return { issues: [], comments: [], labels: [], tokens: [], requests: [], violations: [] };
}

/** The URLs and identities every rendered object mentions. */
export interface RenderContext {
  /** The stand-in's own base URL: API urls point at it, as GitHub's point at api.github.com. */
  apiUrl: string;
  owner: string;
  repo: string;
  ownerId: number;
  repoId: number;
  appId: number;
  appSlug: string;
}

const HTML = "https://github.com";

/** GitHub's timestamps: ISO 8601 in UTC, whole seconds. */
export function gitHubTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function nodeId(prefix: string, id: number): string {
  return `${prefix}_${Buffer.from(`stand-in:${id}`).toString("base64url")}`;
}

export function renderUser(ctx: RenderContext, user: StoredUser): Record<string, unknown> {
  const api = `${ctx.apiUrl}/users/${encodeURIComponent(user.login)}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(user.type === "Bot" ? "BOT" : "U", user.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: "",
    url: api,
    html_url: user.type === "Bot" ? `${HTML}/apps/${ctx.appSlug}` : `${HTML}/${user.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type,
    user_view_type: "public",
    site_admin: false,
  };
}

function repoApi(ctx: RenderContext): string {
  return `${ctx.apiUrl}/repos/${ctx.owner}/${ctx.repo}`;
}

export function renderLabel(ctx: RenderContext, label: StoredLabel): Record<string, unknown> {
  return {
    id: label.id,
    node_id: nodeId("LA", label.id),
    url: `${repoApi(ctx)}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: false,
    description: label.description,
  };
}

function reactions(url: string): Record<string, unknown> {
  return { url: `${url}/reactions`, total_count: 0, "+1": 0, "-1": 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 };
}

function authorAssociation(user: StoredUser): string {
  return user.type === "Bot" ? "NONE" : "OWNER";
}

export function renderIssue(ctx: RenderContext, state: GitHubStandInState, issue: StoredIssue): Record<string, unknown> {
  const url = `${repoApi(ctx)}/issues/${issue.number}`;
  const labels = issue.labels
    .map((name) => state.labels.find((l) => l.name === name))
    .filter((l): l is StoredLabel => l !== undefined)
    .map((l) => renderLabel(ctx, l));
  return {
    url,
    repository_url: repoApi(ctx),
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${HTML}/${ctx.owner}/${ctx.repo}/issues/${issue.number}`,
    id: issue.id,
    node_id: nodeId("I", issue.id),
    number: issue.number,
    title: issue.title,
    user: renderUser(ctx, issue.user),
    labels,
    state: issue.state,
    locked: issue.locked,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: state.comments.filter((c) => c.issue_number === issue.number).length,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at,
    closed_by: issue.closed_by ? renderUser(ctx, issue.closed_by) : null,
    author_association: authorAssociation(issue.user),
    type: null,
    active_lock_reason: issue.active_lock_reason,
    sub_issues_summary: { total: 0, completed: 0, percent_completed: 0 },
    issue_dependencies_summary: { blocked_by: 0, total_blocked_by: 0, blocking: 0, total_blocking: 0 },
    body: issue.body,
    reactions: reactions(url),
    timeline_url: `${url}/timeline`,
    performed_via_github_app: null,
    state_reason: issue.state_reason,
  };
}

export function renderComment(ctx: RenderContext, comment: StoredComment): Record<string, unknown> {
  const url = `${repoApi(ctx)}/issues/comments/${comment.id}`;
  return {
    url,
    html_url: `${HTML}/${ctx.owner}/${ctx.repo}/issues/${comment.issue_number}#issuecomment-${comment.id}`,
    issue_url: `${repoApi(ctx)}/issues/${comment.issue_number}`,
    id: comment.id,
    node_id: nodeId("IC", comment.id),
    user: renderUser(ctx, comment.user),
    created_at: comment.created_at,
    updated_at: comment.updated_at,
    body: comment.body,
    author_association: authorAssociation(comment.user),
    reactions: reactions(url),
    performed_via_github_app: null,
  };
}
