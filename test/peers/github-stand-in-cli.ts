// `npm run --silent github-stand-in -- --port N`: runs the GitHub stand-in on its own, so the job
// (or a person with curl) can be pointed at it. Prints one JSON line with what the job needs, logs
// each request to stderr, and stops on SIGINT or SIGTERM.
import type { EventEmitter } from "node:events";
import { startGitHubStandIn, type GitHubStandIn } from "./github-stand-in";

/** `--port N` or `--port=N` → N; 0 (any free port) when absent. Throws on anything else. */
export function parsePort(argv: string[]): number {
  const i = argv.findIndex((a) => a === "--port" || a.startsWith("--port="));
  if (i < 0) return 0;
  const arg = argv[i] ?? "";
  const raw = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[i + 1];
  const port = Number(raw);
  if (raw === undefined || raw.trim() === "" || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port wants a port number between 0 and 65535, got ${JSON.stringify(raw)}`);
  }
  return port;
}

export interface CliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  /** Where SIGINT and SIGTERM arrive: `process`, or an emitter in tests. */
  signals: Pick<EventEmitter, "once">;
}

/** Starts the stand-in, prints its JSON line, and resolves `stopped` once a signal has closed it. */
export async function runGitHubStandInCli(argv: string[], io: CliIo): Promise<{ standIn: GitHubStandIn; stopped: Promise<void> }> {
  const standIn = await startGitHubStandIn({
    port: parsePort(argv),
    onRequest: (r) => {
      const query = new URLSearchParams(r.query).toString();
      io.stderr.write(`${r.status || "---"} ${r.method} ${r.path}${query ? `?${query}` : ""} (${r.auth})${r.fault ? ` ${r.fault}` : ""}\n`);
    },
  });
  const { url, appId, privateKeyFile, installationId, owner, repo } = standIn;
  io.stdout.write(`${JSON.stringify({ url, appId, privateKeyFile, installationId, owner, repo })}\n`);
  const stopped = new Promise<void>((resolve, reject) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      standIn.close().then(() => {
        if (standIn.state.violations.length > 0) {
          io.stderr.write(`github stand-in: ${standIn.state.violations.length} OpenAPI violation(s) seen\n`);
        }
        resolve();
      }, reject);
    };
    io.signals.once("SIGINT", stop);
    io.signals.once("SIGTERM", stop);
  });
  return { standIn, stopped };
}

if (require.main === module) {
  runGitHubStandInCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, signals: process })
    .then(({ stopped }) => stopped)
    .catch((e: unknown) => {
      process.stderr.write(`github stand-in: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    });
}
