// The Octokit class createGitHubClient hands to App: a deadline per attempt, retries of
// idempotent requests only, and octokit's message-first logging mapped onto ours.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { buildOctokitClass, createGitHubClient, octokitLog } from "../../src/adapters/github-app";
import { startGitHubStandIn } from "../peers/github-stand-in";
import { standInClient } from "./stand-in-client";

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe("request deadlines", () => {
  let server: http.Server;
  let baseUrl: string;
  let hits = 0;
  beforeAll(async () => {
    server = http.createServer(() => {
      hits++; // never answers
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("a POST with retries off fails after one attempt at the deadline", async () => {
    const K = buildOctokitClass({ apiUrl: baseUrl, logger: silent, timeoutMs: 200, throttle: { pacing: false } });
    hits = 0;
    const started = Date.now();
    const err = await new K({ auth: "t" })
      .request("POST /repos/{owner}/{repo}/issues", { owner: "o", repo: "r", title: "t", request: { retries: 0 } })
      .catch((e: unknown) => e as { status?: number });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err.status).toBe(500);
    expect(hits).toBe(1);
  });

  it("a GET gets a fresh deadline on each retry", async () => {
    const K = buildOctokitClass({
      apiUrl: baseUrl,
      logger: silent,
      timeoutMs: 200,
      retry: { retries: 2, retryAfterBaseValue: 1 },
      throttle: { pacing: false },
    });
    hits = 0;
    await new K({ auth: "t" }).request("GET /repos/{owner}/{repo}/issues", { owner: "o", repo: "r" }).catch(() => undefined);
    expect(hits).toBe(3);
  });
});

describe("octokitLog", () => {
  it("puts the object first and drops headers", () => {
    const seen: unknown[] = [];
    const log = octokitLog({ ...silent, warn: (obj: object, msg: string) => seen.push([obj, msg]) });
    log.warn("slow down", { status: 403, headers: { authorization: "token x" }, url: "/x" });
    expect(seen).toEqual([[{ octokit: { status: 403, url: "/x" } }, "slow down"]]);
  });
});

describe("createGitHubClient", () => {
  it("finds the installation on the repository and authenticates as it", async () => {
    const standIn = await startGitHubStandIn();
    try {
      const client = await standInClient(standIn, {
        throttle: { pacing: false },
      });
      expect(client.installationId).toBe(standIn.installationId);
      const { data } = await client.octokit.rest.issues.listForRepo({ owner: client.owner, repo: client.repo });
      expect(data).toEqual([]);
      expect(standIn.state.violations).toEqual([]);
    } finally {
      await standIn.close();
    }
  });

  it("names the problem when the App is not installed", async () => {
    const standIn = await startGitHubStandIn();
    try {
      await expect(
        createGitHubClient({
          appId: standIn.appId,
          privateKey: standIn.privateKeyPem,
          repo: `${standIn.owner}/elsewhere`,
          apiUrl: standIn.url,
          logger: silent,
          throttle: { pacing: false },
        }),
      ).rejects.toThrow(/not installed on/);
    } finally {
      await standIn.close();
    }
  });
});
