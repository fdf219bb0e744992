/**
 * The reliability figures: each reliability test records what it measured (secrets checked
 * and leaked, inputs fuzzed and crashes, faults injected, duplicates and lost entries), and
 * figures-reporter.cjs prints them as one table at the end of `npm run test:reliability`.
 *
 * Tests run in jest workers, the reporter in the main process, so the figures go through a
 * JSON-lines file in the temporary folder. The reporter empties it when the run starts.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const FIGURES_FILE = path.join(os.tmpdir(), "log-gardener-reliability", "figures.jsonl");

export type FigureName =
  | "secretsInCorpus"
  | "secretsChecked"
  | "secretsLeaked"
  | "inputsFuzzed"
  | "crashes"
  | "faultsInjected"
  | "duplicates"
  | "lostEntries";

/** Adds to the named figures under a section ("leak paths", "fuzz: normalize", …). */
export function recordFigures(section: string, figures: Partial<Record<FigureName, number>>): void {
  mkdirSync(path.dirname(FIGURES_FILE), { recursive: true });
  appendFileSync(FIGURES_FILE, JSON.stringify({ section, figures }) + "\n");
}
