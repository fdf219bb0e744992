/**
 * The issue tracker half of the composition root: GitHub when an App is configured and this
 * is not a dry run, otherwise the dry run that prints the plan as JSON lines on stdout.
 */
import { readFile } from "node:fs/promises";
import type { Writable } from "node:stream";
import type { Logger } from "pino";
import { DryRunIssueTracker } from "./adapters/dry-run-issue-tracker";
import { createGitHubClient } from "./adapters/github-app";
import { GitHubIssueTracker } from "./adapters/github-issue-tracker";
import type { Config } from "./config";
import { ConfigError } from "./errors";
import type { IssueTracker } from "./ports";

export interface TrackerDeps {
  readonly stdout: Writable;
  readonly logger: Logger;
  readonly redact: (text: string) => string;
  readonly override?: IssueTracker;
}

export async function createTracker(config: Config, deps: TrackerDeps): Promise<{ tracker: IssueTracker; dryRun: boolean }> {
  if (deps.override) return { tracker: deps.override, dryRun: config.dryRun ?? false };
  const github = config.github;
  if (!github || config.dryRun === true) return { tracker: new DryRunIssueTracker({ out: deps.stdout }), dryRun: true };
  let privateKey = github.privateKey;
  if (github.privateKeyFile) {
    try {
      privateKey = await readFile(github.privateKeyFile, "utf8");
    } catch (err) {
      throw new ConfigError(
        [
          `LOG_GARDENER_GITHUB_PRIVATE_KEY_FILE (--github-private-key-file): cannot read ${github.privateKeyFile}: ${(err as Error).message}`,
        ],
        { cause: err },
      );
    }
  }
  const log = deps.logger.child({ stage: "github" });
  const client = await createGitHubClient({
    appId: github.appId,
    privateKey: privateKey ?? "",
    repo: `${github.owner}/${github.repo}`,
    apiUrl: github.apiUrl,
    ...(github.installationId !== undefined ? { installationId: github.installationId } : {}),
    timeoutMs: github.timeoutMs,
    logger: log,
  });
  return {
    tracker: new GitHubIssueTracker({
      octokit: client.octokit,
      owner: client.owner,
      repo: client.repo,
      logger: log,
      redact: deps.redact,
      relatedSearch: config.relatedSearch,
      maxSearchesPerRun: config.relatedSearchLimit,
    }),
    dryRun: false,
  };
}
