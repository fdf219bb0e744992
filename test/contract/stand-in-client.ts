// The product's GitHub client pointed at a GitHub stand-in, as the contract tests and the
// reliability harness build it: the stand-in's app, key, repository and URL, a quiet logger
// unless one is given, and whatever else a test sets.
import { createGitHubClient, type GitHubClient, type GitHubClientOptions, type LogSink } from "../../src/adapters/github-app";
import type { GitHubStandIn } from "../peers/github-stand-in";

export const silentSink: LogSink = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export function standInClient(
  standIn: GitHubStandIn,
  options: Partial<Omit<GitHubClientOptions, "appId" | "privateKey" | "repo" | "apiUrl">> = {},
): Promise<GitHubClient> {
  return createGitHubClient({
    appId: standIn.appId,
    privateKey: standIn.privateKeyPem,
    repo: `${standIn.owner}/${standIn.repo}`,
    apiUrl: standIn.url,
    logger: silentSink,
    ...options,
  });
}
