/**
 * `log-gardener worklogs …`: picks the store from `--out` / LOG_GARDENER_OUT (a folder or
 * gs://BUCKET/PREFIX) and hands over to the command itself (commands/worklogs.ts).
 */
import type { Writable } from "node:stream";
import { createStore } from "../compose";
import { loadConfig } from "../config";
import { runWorklogsCommand } from "./worklogs";

export async function runWorklogsCli(
  argv: string[],
  io: { stdout: Writable; stderr: Writable; env: NodeJS.ProcessEnv; now: () => number },
): Promise<number> {
  const rest: string[] = [];
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--out") out = argv[++i];
    else if (a.startsWith("--out=")) out = a.slice("--out=".length);
    else rest.push(a);
  }
  const config = loadConfig(out !== undefined ? { out } : {}, io.env);
  const store = createStore(config);
  return runWorklogsCommand(rest, io, { store, now: io.now() });
}
