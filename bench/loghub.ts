/**
 * The Loghub-2k sets the benches score the miner on (NAME.jsonl: {content, event, template}),
 * and one system's scores with a fresh miner. Shared by bench:templates and bench:clusters.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { scoreGrouping, type GroupingScores } from "./grouping-metrics";
import { TemplateMiner } from "../src/core/cluster/miner/template-miner";

export interface Row {
  readonly content: string;
  readonly event: string;
  readonly template: string;
}

/** --data DIR, else LOGHUB_DIR, else ../shared/loghub beside the repository. */
export function loghubDir(argv: readonly string[]): string {
  const flag = argv.indexOf("--data");
  if (flag >= 0 && argv[flag + 1]) return path.resolve(argv[flag + 1]!);
  if (process.env.LOGHUB_DIR) return path.resolve(process.env.LOGHUB_DIR);
  // dist/bench/x.js → repository root → ../shared/loghub
  return path.resolve(__dirname, "..", "..", "..", "shared", "loghub");
}

export function loghubSystems(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".jsonl"))
    .map((f) => f.slice(0, -".jsonl".length))
    .sort();
}

export function readSystem(dir: string, name: string): Row[] {
  return readFileSync(path.join(dir, `${name}.jsonl`), "utf8")
    .split("\n")
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as Row);
}

/**
 * A fresh miner reads the lines in order; each line is scored under the cluster its id stands
 * for at the end (after merges); `online` scores the ids as add() returned them.
 */
export function scoreSystem(rows: readonly Row[]): { scores: GroupingScores; templates: number; online: GroupingScores } {
  const miner = new TemplateMiner();
  const matches = rows.map((r) => miner.add(r.content));
  const online = scoreGrouping(
    rows,
    matches.map((m) => ({ group: m.clusterId, template: m.template })),
  );
  const ids = matches.map((m) => m.clusterId);
  miner.settle();
  const predicted = ids.map((id) => {
    const group = miner.resolve(id)!;
    return { group, template: miner.templateOf(group)! };
  });
  return { scores: scoreGrouping(rows, predicted), templates: miner.size(), online };
}
