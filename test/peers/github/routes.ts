// The GitHub REST endpoints this job uses, with GitHub's paths, status codes and shapes. Each
// route names its OpenAPI path template, so the server can check the traffic against it.
import type { RenderContext, StoredIssue, StoredUser, StateReason, LockReason, GitHubStandInState } from "./state";
import { gitHubTime, renderComment, renderIssue, renderLabel, renderUser } from "./state";
import type { StandInRepository } from "./repository";
import type { InstallationToken } from "./state";

export interface RouteRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** The request's own URL (path and query), for Link headers. */
  url: URL;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteDeps {
  repository: StandInRepository;
  state: GitHubStandInState;
  render: RenderContext;
  installationId: number;
  bot: StoredUser;
  owner: StoredUser;
  now: () => Date;
  issueToken: () => InstallationToken;
}

export interface Route {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** The path template as written in GitHub's OpenAPI description. */
  template: string;
  /** "app": App JWT; "installation": installation token. */
  auth: "app" | "installation";
  /** Rate-limit bucket GitHub counts the request in. */
  resource: "core" | "search";
  handle(deps: RouteDeps, request: RouteRequest): RouteResult;
}

export const DOCS = "https://docs.github.com/rest";

export function notFound(message = "Not Found"): RouteResult {
  return { status: 404, body: { message, documentation_url: DOCS, status: "404" } };
}

function labelNames(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .map((l: unknown) => (typeof l === "string" ? l : l && typeof l === "object" ? (l as { name?: unknown }).name : undefined))
    .filter((n): n is string => typeof n === "string");
}

function issueNumber(request: RouteRequest): number {
  return Number(request.params.issue_number);
}

function isOurRepo(deps: RouteDeps, request: RouteRequest): boolean {
  return (
    request.params.owner?.toLowerCase() === deps.render.owner.toLowerCase() &&
    request.params.repo?.toLowerCase() === deps.render.repo.toLowerCase()
  );
}

/** One page of `items` as GitHub serves it: the slice plus a `Link` header with prev/next/last/first. */
export function paginate<T>(deps: RouteDeps, request: RouteRequest, items: T[]): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Math.max(Number(request.query.get("per_page") ?? 30) || 30, 1), 100);
  const page = Math.max(Number(request.query.get("page") ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const link = (n: number, rel: string): string => {
    const u = new URL(`${deps.render.apiUrl}${request.url.pathname}${request.url.search}`);
    u.searchParams.set("page", String(n));
    return `<${u.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(Math.min(page - 1, last), "prev"));
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"));
  return {
    page: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length > 0 ? { link: links.join(", ") } : {},
  };
}

function sortIssues(issues: StoredIssue[], sort: string, direction: string, deps: RouteDeps): StoredIssue[] {
  const commentCount = (i: StoredIssue) => deps.state.comments.filter((c) => c.issue_number === i.number).length;
  const key = (i: StoredIssue): string | number =>
    sort === "updated" ? i.updated_at : sort === "comments" ? commentCount(i) : i.created_at;
  const sign = direction === "asc" ? 1 : -1;
  return [...issues].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const byKey = ka < kb ? -1 : ka > kb ? 1 : 0;
    return sign * (byKey !== 0 ? byKey : a.number - b.number);
  });
}

function listIssues(deps: RouteDeps, request: RouteRequest): RouteResult {
  if (!isOurRepo(deps, request)) return notFound();
  const q = request.query;
  const state = q.get("state") ?? "open";
  const wanted = (q.get("labels") ?? "")
    .split(",")
    .map((l) => l.trim().toLowerCase())
    .filter((l) => l !== "");
  const since = q.get("since");
  const matching = deps.state.issues.filter(
    (i) =>
      (state === "all" || i.state === state) &&
      wanted.every((w) => i.labels.some((l) => l.toLowerCase() === w)) &&
      (since === null || Date.parse(i.updated_at) >= Date.parse(since)),
  );
  const sorted = sortIssues(matching, q.get("sort") ?? "created", q.get("direction") ?? "desc", deps);
  const { page, headers } = paginate(deps, request, sorted);
  return { status: 200, body: page.map((i) => renderIssue(deps.render, deps.state, i)), headers };
}

/** Splits a search query into words and `key:value` qualifiers, honouring double quotes. */
export function parseSearchQuery(q: string): { words: string[]; qualifiers: Array<[string, string]> } {
  const words: string[] = [];
  const qualifiers: Array<[string, string]> = [];
  for (const match of q.matchAll(/(?:(-?[a-z_]+):)?(?:"([^"]*)"|(\S+))/gi)) {
    const value = match[2] ?? match[3] ?? "";
    if (match[1]) qualifiers.push([match[1].toLowerCase(), value]);
    else words.push(value.toLowerCase());
  }
  return { words, qualifiers };
}

function searchIssues(deps: RouteDeps, request: RouteRequest): RouteResult {
  const { words, qualifiers } = parseSearchQuery(request.query.get("q") ?? "");
  const ourRepo = `${deps.render.owner}/${deps.render.repo}`.toLowerCase();
  let inFields: Array<"title" | "body"> = ["title", "body"];
  const filters: Array<(i: StoredIssue) => boolean> = [];
  for (const [key, value] of qualifiers) {
    const v = value.toLowerCase();
    if (key === "repo") filters.push(() => v === ourRepo);
    else if (key === "is" || key === "type" || key === "state") {
      if (v === "pr" || v === "pull-request") filters.push(() => false);
      else if (v === "open" || v === "closed") filters.push((i) => i.state === v);
    } else if (key === "label") filters.push((i) => i.labels.some((l) => l.toLowerCase() === v));
    else if (key === "-label") filters.push((i) => !i.labels.some((l) => l.toLowerCase() === v));
    else if (key === "in") inFields = v.split(",").filter((f): f is "title" | "body" => f === "title" || f === "body");
  }
  const matches = deps.state.issues.filter(
    (i) => filters.every((f) => f(i)) && words.every((w) => inFields.some((f) => (i[f] ?? "").toLowerCase().includes(w))),
  );
  const sort = request.query.get("sort");
  const sorted = sortIssues(matches, sort ?? "created", sort ? (request.query.get("order") ?? "desc") : "desc", deps);
  const { page, headers } = paginate(deps, request, sorted);
  return {
    status: 200,
    headers,
    body: {
      total_count: matches.length,
      incomplete_results: false,
      search_type: "lexical",
      items: page.map((i) => ({ ...renderIssue(deps.render, deps.state, i), score: 1 })),
    },
  };
}

function withIssue(deps: RouteDeps, request: RouteRequest, then: (number: number) => RouteResult): RouteResult {
  if (!isOurRepo(deps, request)) return notFound();
  const number = issueNumber(request);
  if (!Number.isInteger(number) || !deps.state.issues.some((i) => i.number === number)) return notFound();
  return then(number);
}

function issueResult(deps: RouteDeps, issue: StoredIssue, status = 200): RouteResult {
  const body = renderIssue(deps.render, deps.state, issue);
  return status === 201 ? { status, body, headers: { location: String(body.url) } } : { status, body };
}

function labelsOf(deps: RouteDeps, issue: StoredIssue): unknown[] {
  return issue.labels
    .map((name) => deps.repository.findLabel(name))
    .filter((l) => l !== undefined)
    .map((l) => renderLabel(deps.render, l));
}

function installation(deps: RouteDeps): Record<string, unknown> {
  const created = "2026-01-01T00:00:00Z";
  return {
    id: deps.installationId,
    account: renderUser(deps.render, deps.owner),
    repository_selection: "selected",
    access_tokens_url: `${deps.render.apiUrl}/app/installations/${deps.installationId}/access_tokens`,
    repositories_url: `${deps.render.apiUrl}/installation/repositories`,
    html_url: `https://github.com/settings/installations/${deps.installationId}`,
    app_id: deps.render.appId,
    app_slug: deps.render.appSlug,
    target_id: deps.owner.id,
    target_type: "User",
    permissions: { issues: "write", metadata: "read" },
    events: [],
    created_at: created,
    updated_at: created,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

type Body = Record<string, unknown>;
const bodyOf = (request: RouteRequest): Body =>
  request.body && typeof request.body === "object" && !Array.isArray(request.body) ? (request.body as Body) : {};

export const ROUTES: Route[] = [
  {
    method: "GET",
    template: "/app",
    auth: "app",
    resource: "core",
    handle: (deps) => ({
      status: 200,
      body: {
        id: deps.render.appId,
        slug: deps.render.appSlug,
        node_id: `A_stand-in-${deps.render.appId}`,
        client_id: `Iv1.standin${deps.render.appId}`,
        owner: renderUser(deps.render, deps.owner),
        name: deps.render.appSlug,
        description: "GitHub stand-in app",
        external_url: "https://github.com",
        html_url: `https://github.com/apps/${deps.render.appSlug}`,
        created_at: "2026-01-01T00:00:00Z",
        updated_at: "2026-01-01T00:00:00Z",
        permissions: { issues: "write", metadata: "read" },
        events: [],
        installations_count: 1,
      },
    }),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/installation",
    auth: "app",
    resource: "core",
    handle: (deps, request) => (isOurRepo(deps, request) ? { status: 200, body: installation(deps) } : notFound()),
  },
  {
    method: "POST",
    template: "/app/installations/{installation_id}/access_tokens",
    auth: "app",
    resource: "core",
    handle: (deps, request) => {
      if (Number(request.params.installation_id) !== deps.installationId) return notFound();
      const token = deps.issueToken();
      return {
        status: 201,
        body: {
          token: token.token,
          expires_at: gitHubTime(token.expiresAt),
          permissions: { issues: "write", metadata: "read" },
          repository_selection: "selected",
        },
      };
    },
  },
  { method: "GET", template: "/repos/{owner}/{repo}/issues", auth: "installation", resource: "core", handle: listIssues },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/issues",
    auth: "installation",
    resource: "core",
    handle: (deps, request) => {
      if (!isOurRepo(deps, request)) return notFound();
      const body = bodyOf(request);
      const issue = deps.repository.openIssue(deps.bot, {
        title: String(body.title ?? ""),
        body: typeof body.body === "string" ? body.body : null,
        labels: labelNames(body.labels),
      });
      return issueResult(deps, issue, 201);
    },
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/issues/{issue_number}",
    auth: "installation",
    resource: "core",
    handle: (deps, request) => withIssue(deps, request, (n) => issueResult(deps, deps.repository.issue(n))),
  },
  {
    method: "PATCH",
    template: "/repos/{owner}/{repo}/issues/{issue_number}",
    auth: "installation",
    resource: "core",
    handle: (deps, request) =>
      withIssue(deps, request, (n) => {
        const body = bodyOf(request);
        const issue = deps.repository.updateIssue(deps.bot, n, {
          ...(body.title != null ? { title: String(body.title) } : {}),
          ...("body" in body ? { body: typeof body.body === "string" ? body.body : null } : {}),
          ...(body.state === "open" || body.state === "closed" ? { state: body.state } : {}),
          ...(typeof body.state_reason === "string" ? { state_reason: body.state_reason as StateReason } : {}),
          ...(Array.isArray(body.labels) ? { labels: labelNames(body.labels) } : {}),
        });
        return issueResult(deps, issue);
      }),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    auth: "installation",
    resource: "core",
    handle: (deps, request) =>
      withIssue(deps, request, (n) => {
        const since = request.query.get("since");
        const comments = deps.state.comments.filter(
          (c) => c.issue_number === n && (since === null || Date.parse(c.updated_at) >= Date.parse(since)),
        );
        const { page, headers } = paginate(deps, request, comments);
        return { status: 200, body: page.map((c) => renderComment(deps.render, c)), headers };
      }),
  },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    auth: "installation",
    resource: "core",
    handle: (deps, request) =>
      withIssue(deps, request, (n) => {
        const comment = deps.repository.comment(deps.bot, n, String(bodyOf(request).body ?? ""));
        const body = renderComment(deps.render, comment);
        return { status: 201, body, headers: { location: String(body.url) } };
      }),
  },
  {
    method: "PATCH",
    template: "/repos/{owner}/{repo}/issues/comments/{comment_id}",
    auth: "installation",
    resource: "core",
    handle: (deps, request) => {
      if (!isOurRepo(deps, request)) return notFound();
      const comment = deps.repository.editComment(Number(request.params.comment_id), String(bodyOf(request).body ?? ""));
      return { status: 200, body: renderComment(deps.render, comment) };
    },
  },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    auth: "installation",
    resource: "core",
    handle: (deps, request) =>
      withIssue(deps, request, (n) => {
        const names = Array.isArray(request.body) ? labelNames(request.body) : labelNames(bodyOf(request).labels);
        return { status: 200, body: labelsOf(deps, deps.repository.addLabels(n, names)) };
      }),
  },
  {
    method: "PUT",
    template: "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    auth: "installation",
    resource: "core",
    handle: (deps, request) =>
      withIssue(deps, request, (n) => {
        const names = Array.isArray(request.body) ? labelNames(request.body) : labelNames(bodyOf(request).labels);
        return { status: 200, body: labelsOf(deps, deps.repository.updateIssue(deps.bot, n, { labels: names })) };
      }),
  },
  {
    method: "DELETE",
    template: "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    auth: "installation",
    resource: "core",
    handle: (deps, request) =>
      withIssue(deps, request, (n) => {
        deps.repository.removeAllLabels(n);
        return { status: 204 };
      }),
  },
  {
    method: "DELETE",
    template: "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
    auth: "installation",
    resource: "core",
    handle: (deps, request) =>
      withIssue(deps, request, (n) => ({
        status: 200,
        body: labelsOf(deps, deps.repository.removeLabel(n, request.params.name ?? "")),
      })),
  },
  {
    method: "PUT",
    template: "/repos/{owner}/{repo}/issues/{issue_number}/lock",
    auth: "installation",
    resource: "core",
    handle: (deps, request) =>
      withIssue(deps, request, (n) => {
        const reason = bodyOf(request).lock_reason;
        deps.repository.lock(n, typeof reason === "string" ? (reason as LockReason) : null);
        return { status: 204 };
      }),
  },
  {
    method: "DELETE",
    template: "/repos/{owner}/{repo}/issues/{issue_number}/lock",
    auth: "installation",
    resource: "core",
    handle: (deps, request) =>
      withIssue(deps, request, (n) => {
        deps.repository.unlock(n);
        return { status: 204 };
      }),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/labels",
    auth: "installation",
    resource: "core",
    handle: (deps, request) => {
      if (!isOurRepo(deps, request)) return notFound();
      const { page, headers } = paginate(deps, request, deps.state.labels);
      return { status: 200, body: page.map((l) => renderLabel(deps.render, l)), headers };
    },
  },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/labels",
    auth: "installation",
    resource: "core",
    handle: (deps, request) => {
      if (!isOurRepo(deps, request)) return notFound();
      const body = bodyOf(request);
      const label = deps.repository.createLabel(
        String(body.name ?? ""),
        typeof body.color === "string" ? body.color : undefined,
        typeof body.description === "string" ? body.description : null,
      );
      const rendered = renderLabel(deps.render, label);
      return { status: 201, body: rendered, headers: { location: String(rendered.url) } };
    },
  },
  { method: "GET", template: "/search/issues", auth: "installation", resource: "search", handle: searchIssues },
];

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

const compiled = ROUTES.map((route) => ({
  route,
  names: [...route.template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string),
  pattern: new RegExp(`^${route.template.replace(/\{\w+\}/g, "([^/]+)")}/?$`),
}));

/** The route for a method and path, or undefined (GitHub answers 404 for both unknown paths and methods). */
export function matchRoute(method: string, path: string): RouteMatch | undefined {
  for (const { route, names, pattern } of compiled) {
    if (route.method !== method.toUpperCase()) continue;
    const m = pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    names.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1] ?? "");
    });
    return { route, params };
  }
  return undefined;
}
