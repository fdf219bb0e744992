/**
 * The reliability figures: each reliability test records what it measured (secrets checked
 * and leaked, inputs fuzzed and crashes, faults injected, duplicates and lost entries), and
 * figures-reporter.cjs prints them as one table at the end of `npm run test:reliability`.
 *
 * Tests may run in jest workers, the reporter in the main process, so the figures go through a
 * JSON-lines file the reporter names, per run, in LOG_GARDENER_RELIABILITY_FIGURES (set before
 * any worker starts, so workers inherit it). Without the reporter, nothing is recorded.
 */
import { appendFileSync } from "node:fs";

export type FigureName =
  | "secretsInCorpus"
  | "secretsChecked"
  | "secretsLeaked"
  | "cutSecrets"
  | "cutSecretHeadsLeft"
  | "inputsFuzzed"
  | "crashes"
  | "faultsInjected"
  | "duplicates"
  | "lostEntries";

/** Adds to the named figures under a section ("leak paths", "fuzz: normalize", …). */
export function recordFigures(section: string, figures: Partial<Record<FigureName, number>>): void {
  const file = process.env.LOG_GARDENER_RELIABILITY_FIGURES;
  if (file) appendFileSync(file, JSON.stringify({ section, figures }) + "\n");
}
