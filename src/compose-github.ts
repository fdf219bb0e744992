/**
 * The issue tracker half of the composition root: GitHub when an App is configured and this
 * is not a dry run, otherwise the dry run that prints the plan as JSON lines on stdout.
 */
import type { Writable } from "node:stream";
import type { Logger } from "pino";
import { DryRunIssueTracker } from "./adapters/dry-run-issue-tracker";
import type { Config } from "./config";
import type { IssueTracker } from "./ports";

export interface TrackerDeps {
  readonly stdout: Writable;
  readonly logger: Logger;
  readonly redact: (text: string) => string;
  readonly override?: IssueTracker;
}

export async function createTracker(config: Config, deps: TrackerDeps): Promise<{ tracker: IssueTracker; dryRun: boolean }> {
  if (deps.override) return { tracker: deps.override, dryRun: config.dryRun ?? false };
  return { tracker: new DryRunIssueTracker({ out: deps.stdout }), dryRun: true };
}
