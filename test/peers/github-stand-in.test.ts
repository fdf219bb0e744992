// The GitHub stand-in driven by the real Octokit stack the job uses (App auth, rest endpoints,
// paginate, retry and throttling plugins). Each test asserts on the stand-in's end state, and
// every response it sent must match GitHub's OpenAPI description.
import crypto from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { App } from "@octokit/app";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import { startGitHubStandIn, type GitHubStandIn } from "./github-stand-in";
import { operationValidator, toJsonSchema } from "./github/openapi-validator";

interface Calls {
  secondary: number;
  primary: number;
}

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function octokitClass(baseUrl: string, calls: Calls) {
  return Octokit.plugin(throttling, retry).defaults({
    baseUrl,
    log: quiet,
    throttle: {
      // Retry-after seconds become milliseconds, so the tests don't wait.
      retryAfterBaseValue: 1,
      fallbackSecondaryRateRetryAfter: 1,
      onSecondaryRateLimit: () => {
        calls.secondary++;
        return true;
      },
      onRateLimit: () => {
        calls.primary++;
        return false;
      },
    },
    retry: { retryAfterBaseValue: 1 },
  });
}

function signJwt(privateKeyPem: string, claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const input = `${part({ alg: "RS256", typ: "JWT" })}.${part(claims)}`;
  const signature = crypto.sign("RSA-SHA256", Buffer.from(input), privateKeyPem).toString("base64url");
  return `${input}.${signature}`;
}

async function statusOf(
  promise: Promise<unknown>,
): Promise<{ status: number; message: string; data: unknown; headers: Record<string, unknown> }> {
  try {
    await promise;
  } catch (e) {
    const err = e as { status: number; message: string; response?: { data: unknown; headers: Record<string, unknown> } };
    return { status: err.status, message: err.message, data: err.response?.data, headers: err.response?.headers ?? {} };
  }
  throw new Error("expected the request to fail");
}

describe("GitHub stand-in", () => {
  let standIn: GitHubStandIn;
  let calls: Calls;
  let MyOctokit: ReturnType<typeof octokitClass>;
  let installation: InstanceType<ReturnType<typeof octokitClass>>;
  let owner: string;
  let repo: string;
  const logged: string[] = [];

  beforeAll(async () => {
    standIn = await startGitHubStandIn({ log: (line) => logged.push(line) });
    ({ owner, repo } = standIn);
    calls = { secondary: 0, primary: 0 };
    MyOctokit = octokitClass(standIn.url, calls);
    const app = new App({ appId: standIn.appId, privateKey: standIn.privateKeyPem, Octokit: MyOctokit });
    installation = (await app.getInstallationOctokit(standIn.installationId)) as unknown as InstanceType<typeof MyOctokit>;
  });

  afterEach(() => {
    standIn.faults.clear();
    standIn.assertNoViolations();
  });

  afterAll(async () => {
    await standIn.close();
  });

  describe("App authentication", () => {
    it("accepts the app's JWT and finds the installation for the repository", async () => {
      const app = new App({ appId: standIn.appId, privateKey: standIn.privateKeyPem, Octokit: MyOctokit });
      const { data } = await app.octokit.request("GET /repos/{owner}/{repo}/installation", { owner, repo });
      expect(data.id).toBe(standIn.installationId);
      const { data: self } = await app.octokit.request("GET /app");
      expect(self?.id).toBe(standIn.appId);
    });

    it("rejects a JWT signed with another key", async () => {
      const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
      const other = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
      const app = new App({ appId: standIn.appId, privateKey: other, Octokit: MyOctokit });
      const failure = await statusOf(app.octokit.request("GET /app"));
      expect(failure.status).toBe(401);
      expect(failure.message).toMatch(/JSON web token could not be decoded/);
    });

    it("rejects an expired JWT, one valid for more than 10 minutes, and one for another app", async () => {
      const now = Math.floor(Date.now() / 1000);
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ iss: standIn.appId, iat: now - 700, exp: now - 100 }, /'exp'.*future time/],
        [{ iss: String(standIn.appId), iat: now - 30, exp: now + 3600 }, /too far in the future/],
        [{ iss: standIn.appId + 1, iat: now - 30, exp: now + 540 }, /could not be decoded/],
      ];
      for (const [claims, message] of cases) {
        const octokit = new MyOctokit({ auth: signJwt(standIn.privateKeyPem, claims) });
        const failure = await statusOf(
          octokit.request("POST /app/installations/{installation_id}/access_tokens", { installation_id: standIn.installationId }),
        );
        expect([failure.status, failure.message]).toEqual([401, expect.stringMatching(message)]);
      }
      const ok = new MyOctokit({ auth: signJwt(standIn.privateKeyPem, { iss: String(standIn.appId), iat: now - 60, exp: now + 540 }) });
      const { status, data } = await ok.request("POST /app/installations/{installation_id}/access_tokens", {
        installation_id: standIn.installationId,
      });
      expect(status).toBe(201);
      expect(Date.parse(data.expires_at)).toBeGreaterThan(Date.now() + 50 * 60 * 1000);
    });

    it("sends its own clock in Date, so @octokit/auth-app corrects a JWT for clock skew", async () => {
      const ahead = await startGitHubStandIn({ now: () => new Date(Date.now() + 15 * 60 * 1000) });
      try {
        const warnings: string[] = [];
        const log = { ...quiet, warn: (m: string) => warnings.push(m) };
        const app = new App({
          appId: ahead.appId,
          privateKey: ahead.privateKeyPem,
          Octokit: octokitClass(ahead.url, { secondary: 0, primary: 0 }),
          log,
        });
        const octokit = await app.getInstallationOctokit(ahead.installationId);
        const { status } = await octokit.request("GET /repos/{owner}/{repo}/issues", { owner: ahead.owner, repo: ahead.repo });
        expect(status).toBe(200);
        expect(ahead.state.requests.filter((r) => r.path.endsWith("/access_tokens")).map((r) => r.status)).toEqual([401, 201]);
        expect(warnings.join("\n")).toMatch(/different by 9\d\d seconds/);
        ahead.assertNoViolations();
      } finally {
        await ahead.close();
      }
    });

    it("requires an installation token on repository endpoints", async () => {
      const anonymous = new MyOctokit();
      expect((await statusOf(anonymous.rest.issues.listForRepo({ owner, repo }))).status).toBe(401);
      const forged = new MyOctokit({ auth: "ghs_notatokenthestandinissued000000000" });
      const failure = await statusOf(forged.rest.issues.listForRepo({ owner, repo }));
      expect([failure.status, failure.message]).toEqual([401, expect.stringMatching(/Bad credentials/)]);
      const jwt = new MyOctokit({
        auth: signJwt(standIn.privateKeyPem, {
          iss: standIn.appId,
          iat: Math.floor(Date.now() / 1000) - 30,
          exp: Math.floor(Date.now() / 1000) + 500,
        }),
      });
      expect((await statusOf(jwt.rest.issues.listForRepo({ owner, repo }))).status).toBe(401);
    });
  });

  describe("issues", () => {
    it("opens an issue, creating its labels, and answers with GitHub's headers", async () => {
      const response = await installation.rest.issues.create({
        owner,
        repo,
        title: "TypeError in checkout",
        body: "first seen",
        labels: ["log-gardener", "fp:abc123"],
      });
      expect(response.status).toBe(201);
      expect(response.headers.location).toBe(response.data.url);
      for (const header of [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "x-ratelimit-used",
        "x-ratelimit-resource",
        "x-github-request-id",
      ]) {
        expect(response.headers[header]).toBeDefined();
      }
      const stored = standIn.state.issues.find((i) => i.number === response.data.number);
      expect(stored).toMatchObject({
        title: "TypeError in checkout",
        body: "first seen",
        state: "open",
        labels: ["log-gardener", "fp:abc123"],
      });
      expect(standIn.state.labels.map((l) => l.name)).toEqual(expect.arrayContaining(["log-gardener", "fp:abc123"]));
      expect(stored?.user.type).toBe("Bot");
    });

    it("lists by label and state across three pages with Link headers", async () => {
      for (let i = 0; i < 7; i++) standIn.actAsHuman.openIssue({ title: `paged ${i}`, labels: ["paged", "log-gardener"] });
      standIn.actAsHuman.openIssue({ title: "paged but unlabelled", labels: ["log-gardener"] });
      const closed = standIn.actAsHuman.openIssue({ title: "paged and closed", labels: ["paged"] });
      standIn.actAsHuman.closeIssue(closed, "completed");

      const first = await installation.rest.issues.listForRepo({ owner, repo, labels: "paged,log-gardener", state: "open", per_page: 3 });
      expect(first.data.map((i) => i.title)).toEqual(["paged 6", "paged 5", "paged 4"]);
      expect(first.headers.link).toMatch(/page=2>; rel="next"/);
      expect(first.headers.link).toMatch(/page=3>; rel="last"/);

      const before = standIn.state.requests.length;
      const all = await installation.paginate(installation.rest.issues.listForRepo, {
        owner,
        repo,
        labels: "PAGED,log-gardener",
        state: "open",
        per_page: 3,
        direction: "asc",
      });
      expect(all.map((i) => i.title)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `paged ${i}`));
      expect(standIn.state.requests.slice(before).map((r) => r.query.page ?? "1")).toEqual(["1", "2", "3"]);

      const closedOnes = await installation.paginate(installation.rest.issues.listForRepo, {
        owner,
        repo,
        labels: "paged",
        state: "closed",
      });
      expect(closedOnes.map((i) => [i.number, i.state, i.state_reason])).toEqual([[closed, "closed", "completed"]]);
      const everything = await installation.paginate(installation.rest.issues.listForRepo, { owner, repo, labels: "paged", state: "all" });
      expect(everything).toHaveLength(8);
    });

    it("filters by since and sorts by updated, on the stand-in's clock", async () => {
      let clock = Date.parse("2026-11-28T10:00:00Z");
      const timed = await startGitHubStandIn({ now: () => new Date(clock) });
      try {
        const app = new App({
          appId: timed.appId,
          privateKey: timed.privateKeyPem,
          Octokit: octokitClass(timed.url, { secondary: 0, primary: 0 }),
          log: quiet,
        });
        const octokit = (await app.getInstallationOctokit(timed.installationId)) as unknown as InstanceType<typeof MyOctokit>;
        const a = timed.actAsHuman.openIssue({ title: "A" });
        clock += 60 * 60 * 1000;
        timed.actAsHuman.openIssue({ title: "B" });
        clock += 60 * 60 * 1000;
        timed.actAsHuman.comment(a, "A again");
        const params = { owner: timed.owner, repo: timed.repo, state: "all" as const };
        const titles = async (extra: Record<string, string>) =>
          (await octokit.rest.issues.listForRepo({ ...params, ...extra })).data.map((i) => i.title);
        expect(await titles({ since: "2026-11-28T11:30:00Z" })).toEqual(["A"]);
        expect(await titles({ sort: "updated", direction: "desc" })).toEqual(["A", "B"]);
        expect(await titles({ sort: "created", direction: "desc" })).toEqual(["B", "A"]);
        expect(await titles({ sort: "comments", direction: "desc" })).toEqual(["A", "B"]);
        const { data } = await octokit.rest.issues.get({ owner: timed.owner, repo: timed.repo, issue_number: a });
        expect([data.created_at, data.updated_at]).toEqual(["2026-11-28T10:00:00Z", "2026-11-28T12:00:00Z"]);
        timed.assertNoViolations();
      } finally {
        await timed.close();
      }
    });

    it("comments, closes with a reason, and sees a person reopen and relabel", async () => {
      const { data: issue } = await installation.rest.issues.create({
        owner,
        repo,
        title: "Timeout calling payments",
        labels: ["log-gardener"],
      });
      await installation.rest.issues.createComment({ owner, repo, issue_number: issue.number, body: "Seen again in window 2026-11-28T18" });
      const { data: closed } = await installation.rest.issues.update({
        owner,
        repo,
        issue_number: issue.number,
        state: "closed",
        state_reason: "not_planned",
      });
      expect([closed.state, closed.state_reason, closed.comments]).toEqual(["closed", "not_planned", 1]);
      expect(closed.closed_at).not.toBeNull();

      standIn.actAsHuman.reopen(issue.number);
      standIn.actAsHuman.addLabel(issue.number, "needs-triage");
      standIn.actAsHuman.comment(issue.number, "still happening");
      const { data: now } = await installation.rest.issues.get({ owner, repo, issue_number: issue.number });
      expect([now.state, now.state_reason, now.closed_at, now.comments]).toEqual(["open", "reopened", null, 2]);
      expect(now.labels.map((l) => (typeof l === "string" ? l : l.name))).toEqual(["log-gardener", "needs-triage"]);
      const comments = await installation.paginate(installation.rest.issues.listComments, { owner, repo, issue_number: issue.number });
      expect(comments.map((c) => [c.body, c.user?.type])).toEqual([
        ["Seen again in window 2026-11-28T18", "Bot"],
        ["still happening", "User"],
      ]);

      await installation.rest.issues.removeLabel({ owner, repo, issue_number: issue.number, name: "needs-triage" });
      await installation.rest.issues.addLabels({ owner, repo, issue_number: issue.number, labels: ["regressed"] });
      expect(standIn.state.issues.find((i) => i.number === issue.number)?.labels).toEqual(["log-gardener", "regressed"]);
      await installation.rest.issues.setLabels({ owner, repo, issue_number: issue.number, labels: ["log-gardener", "fp:feed"] });
      expect(standIn.state.issues.find((i) => i.number === issue.number)?.labels).toEqual(["log-gardener", "fp:feed"]);
      const { data: edited } = await installation.rest.issues.updateComment({
        owner,
        repo,
        comment_id: comments[0]?.id ?? 0,
        body: "Seen again (edited)",
      });
      expect(edited.body).toBe("Seen again (edited)");
      await installation.rest.issues.lock({ owner, repo, issue_number: issue.number, lock_reason: "resolved" });
      expect(standIn.state.issues.find((i) => i.number === issue.number)).toMatchObject({ locked: true, active_lock_reason: "resolved" });
    });

    it("creates, lists and clears labels; a duplicate label is a 422", async () => {
      const { status, data: label } = await installation.rest.issues.createLabel({
        owner,
        repo,
        name: "severity:error",
        color: "d73a4a",
        description: "ERROR and worse",
      });
      expect([status, label.name, label.color, label.description]).toEqual([201, "severity:error", "d73a4a", "ERROR and worse"]);
      const duplicate = await statusOf(installation.rest.issues.createLabel({ owner, repo, name: "Severity:Error" }));
      expect(duplicate.status).toBe(422);
      expect(duplicate.data).toMatchObject({ errors: [{ resource: "Label", code: "already_exists", field: "name" }] });
      const all = await installation.paginate(installation.rest.issues.listLabelsForRepo, { owner, repo, per_page: 2 });
      expect(all.map((l) => l.name)).toEqual(standIn.state.labels.map((l) => l.name));

      const number = standIn.actAsHuman.openIssue({ title: "labelled", labels: ["a", "b"] });
      await installation.rest.issues.removeAllLabels({ owner, repo, issue_number: number });
      expect(standIn.state.issues.find((i) => i.number === number)?.labels).toEqual([]);
    });

    it("answers 404 for an issue that does not exist and for another repository", async () => {
      expect((await statusOf(installation.rest.issues.get({ owner, repo, issue_number: 9999 }))).status).toBe(404);
      expect((await statusOf(installation.rest.issues.listForRepo({ owner, repo: "elsewhere" }))).status).toBe(404);
    });

    it("answers 404 to GitHub endpoints it does not serve, and records which", async () => {
      expect((await statusOf(installation.rest.repos.get({ owner, repo }))).status).toBe(404);
      expect(standIn.state.requests.at(-1)).toMatchObject({
        path: `/repos/${owner}/${repo}`,
        status: 404,
        fault: "not-implemented: repos/get",
      });
      expect(logged.at(-1)).toMatch(/GET \/repos\/\{owner\}\/\{repo\} \(repos\/get\) is GitHub's but not implemented here/);
    });

    it("refuses a body over 65536 characters with GitHub's 422", async () => {
      const before = standIn.state.issues.length;
      const failure = await statusOf(installation.rest.issues.create({ owner, repo, title: "huge", body: "x".repeat(65537) }));
      expect(failure.status).toBe(422);
      expect(failure.data).toMatchObject({ message: "Validation Failed", errors: [{ resource: "Issue", field: "body", code: "custom" }] });
      expect(standIn.state.issues).toHaveLength(before);
      const title = await statusOf(installation.rest.issues.create({ owner, repo, title: "t".repeat(257) }));
      expect([title.status, title.data]).toEqual([422, expect.objectContaining({ errors: [expect.objectContaining({ field: "title" })] })]);

      standIn.faults.tooLongBody(10);
      const { data: issue } = await installation.rest.issues.create({ owner, repo, title: "short body", body: "0123456789" });
      const comment = await statusOf(
        installation.rest.issues.createComment({ owner, repo, issue_number: issue.number, body: "01234567890" }),
      );
      expect(comment.status).toBe(422);
    });
  });

  describe("faults", () => {
    it("502 after the write: the issue exists although the client saw a failure", async () => {
      standIn.faults.badGatewayAfterWrite("POST", /\/issues$/, 1);
      const failure = await statusOf(installation.rest.issues.create({ owner, repo, title: "written then 502", request: { retries: 0 } }));
      expect(failure.status).toBe(502);
      expect(standIn.state.issues.filter((i) => i.title === "written then 502")).toHaveLength(1);

      // A retrying client that doesn't look before it writes opens the issue twice.
      standIn.faults.badGatewayAfterWrite("POST", /\/issues$/, 1);
      const { status } = await installation.rest.issues.create({ owner, repo, title: "retried after 502" });
      expect(status).toBe(201);
      expect(standIn.state.issues.filter((i) => i.title === "retried after 502")).toHaveLength(2);
    });

    it("timeout after the write: the edit landed although the client gave up", async () => {
      const number = standIn.actAsHuman.openIssue({ title: "slow edits", body: "before" });
      standIn.faults.timeoutAfterWrite("PATCH", /\/issues\/\d+$/, 1, 10_000);
      // The signal's clock starts before plugin-throttling's one-second spacing of writes.
      const failure = await statusOf(
        installation.rest.issues.update({
          owner,
          repo,
          issue_number: number,
          body: "after",
          request: { retries: 0, signal: AbortSignal.timeout(2000) },
        }),
      );
      expect(failure.status).toBe(500);
      expect(standIn.state.issues.find((i) => i.number === number)?.body).toBe("after");
      expect(standIn.state.requests.at(-1)).toMatchObject({ method: "PATCH", fault: "timeout-after-write" });
    });

    it("secondary rate limit: plugin-throttling waits retry-after and retries", async () => {
      calls.secondary = 0;
      standIn.faults.secondaryRateLimit(2, 1);
      const { status } = await installation.rest.issues.listForRepo({ owner, repo });
      expect(status).toBe(200);
      expect(calls.secondary).toBe(2);
      const limited = standIn.state.requests.filter((r) => r.fault === "secondary-rate-limit");
      expect(limited.map((r) => r.status)).toEqual([403, 403]);
    });
  });

  describe("search", () => {
    it("finds issues by repo, state and words in title or body", async () => {
      standIn.actAsHuman.openIssue({ title: "ECONNRESET from redis", body: "fingerprint deadbeef" });
      const closed = standIn.actAsHuman.openIssue({ title: "ECONNRESET from postgres", body: "fingerprint cafe" });
      standIn.actAsHuman.closeIssue(closed, "completed");
      const { data } = await installation.rest.search.issuesAndPullRequests({ q: `repo:${owner}/${repo} is:issue is:open econnreset` });
      expect(data.items.map((i) => i.title)).toEqual(["ECONNRESET from redis"]);
      const { data: byBody } = await installation.rest.search.issuesAndPullRequests({
        q: `"fingerprint cafe" repo:${owner}/${repo} in:body`,
      });
      expect(byBody.items.map((i) => i.number)).toEqual([closed]);
      const { data: other } = await installation.rest.search.issuesAndPullRequests({ q: `repo:someone/else econnreset` });
      expect(other.total_count).toBe(0);
    });

    it("has its own rate limit: 403 with retry-after and x-ratelimit headers when exceeded", async () => {
      const limited = await startGitHubStandIn({ searchRateLimitPerMinute: 2 });
      try {
        const counts: Calls = { secondary: 0, primary: 0 };
        const app = new App({ appId: limited.appId, privateKey: limited.privateKeyPem, Octokit: octokitClass(limited.url, counts) });
        const octokit = (await app.getInstallationOctokit(limited.installationId)) as unknown as InstanceType<typeof MyOctokit>;
        const q = `repo:${limited.owner}/${limited.repo} anything`;
        await octokit.rest.search.issuesAndPullRequests({ q });
        const second = await octokit.rest.search.issuesAndPullRequests({ q });
        expect(second.headers["x-ratelimit-remaining"]).toBe("0");
        const failure = await statusOf(octokit.rest.search.issuesAndPullRequests({ q }));
        expect(failure.status).toBe(403);
        expect(failure.headers).toMatchObject({ "x-ratelimit-remaining": "0", "x-ratelimit-resource": "search" });
        expect(Number(failure.headers["retry-after"])).toBeGreaterThan(0);
        expect(counts.primary).toBe(1);
        expect((await octokit.rest.issues.listForRepo({ owner: limited.owner, repo: limited.repo })).status).toBe(200);
        limited.assertNoViolations();
      } finally {
        await limited.close();
      }
    });
  });

  describe("OpenAPI checks", () => {
    it("answers 400 to a request GitHub's description forbids and records the violation", async () => {
      const failure = await statusOf(installation.request("GET /repos/{owner}/{repo}/issues", { owner, repo, state: "bogus" as "open" }));
      expect(failure.status).toBe(400);
      expect(failure.message).toMatch(/query parameter "state"/);
      expect(standIn.state.violations).toEqual([
        expect.objectContaining({
          kind: "request",
          operationId: "issues/list-for-repo",
          problems: [expect.stringMatching(/"state".*"bogus"/)],
        }),
      ]);
      const bad = await statusOf(
        installation.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner, repo, issue_number: 1 } as {
          owner: string;
          repo: string;
          issue_number: number;
          body: string;
        }),
      );
      expect(bad.status).toBe(400);
      expect(standIn.state.violations[1]?.problems).toEqual(["request body is required"]);
      standIn.state.violations.length = 0;
    });

    it("catches a response that strays from GitHub's schema", () => {
      const number = standIn.actAsHuman.openIssue({ title: "rendered", labels: ["x"] });
      const issue = standIn.renderIssue(number);
      const get = operationValidator("GET", "/repos/{owner}/{repo}/issues/{issue_number}");
      expect(get.checkResponse(200, issue)).toEqual([]);
      expect(get.checkResponse(200, { ...issue, state_reason: "bogus" })).toEqual([
        expect.stringMatching(/state_reason must be equal to one of the allowed values/),
      ]);
      const { closed_at: _, ...withoutClosedAt } = issue;
      expect(get.checkResponse(200, withoutClosedAt)).toEqual([expect.stringMatching(/must have required property 'closed_at'/)]);
      expect(get.checkResponse(200, { ...issue, user: null, milestone: null, body: null })).toEqual([]);
    });

    it("turns OpenAPI 3.0 nullable into JSON-schema unions", () => {
      expect(toJsonSchema({ type: "string", enum: ["a"], nullable: true, example: "a" })).toEqual({
        type: ["string", "null"],
        enum: ["a", null],
      });
      expect(toJsonSchema({ nullable: true, anyOf: [{ $ref: "#/components/schemas/x" }] })).toEqual({
        anyOf: [{ anyOf: [{ $ref: expect.stringMatching(/\/components\/schemas\/x$/) }] }, { type: "null" }],
      });
      expect(toJsonSchema({ type: "object", properties: { nullable: { type: "boolean" } } })).toEqual({
        type: "object",
        properties: { nullable: { type: "boolean" } },
      });
    });
  });

  describe("reset", () => {
    it("empties the repository between tests; the installation token keeps working", async () => {
      standIn.actAsHuman.openIssue({ title: "before reset" });
      standIn.reset();
      expect(standIn.state.issues).toEqual([]);
      const { data } = await installation.rest.issues.listForRepo({ owner, repo, state: "all" });
      expect(data).toEqual([]);
      expect(standIn.actAsHuman.openIssue({ title: "after reset" })).toBe(1);
    });
  });
});
