// `npm run github-stand-in -- --port N`: runs the GitHub stand-in on its own, so the job (or a
// person with curl) can be pointed at it. Prints one JSON line with what the job needs, logs
// each request to stderr, and stops on SIGINT or SIGTERM.
import { startGitHubStandIn } from "./github-stand-in";

function parsePort(argv: string[]): number {
  const i = argv.findIndex((a) => a === "--port" || a.startsWith("--port="));
  if (i < 0) return 0;
  const arg = argv[i] ?? "";
  const raw = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[i + 1];
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port wants a port number between 0 and 65535, got ${JSON.stringify(raw)}`);
  }
  return port;
}

async function main(): Promise<void> {
  const standIn = await startGitHubStandIn({
    port: parsePort(process.argv.slice(2)),
    onRequest: (r) => {
      const query = new URLSearchParams(r.query).toString();
      process.stderr.write(`${r.status || "---"} ${r.method} ${r.path}${query ? `?${query}` : ""} (${r.auth})${r.fault ? ` fault=${r.fault}` : ""}\n`);
    },
  });
  const { url, appId, privateKeyFile, installationId, owner, repo } = standIn;
  process.stdout.write(`${JSON.stringify({ url, appId, privateKeyFile, installationId, owner, repo })}\n`);
  const stop = (): void => {
    standIn
      .close()
      .then(() => {
        if (standIn.state.violations.length > 0) {
          process.stderr.write(`github stand-in: ${standIn.state.violations.length} OpenAPI violation(s) seen\n`);
        }
      })
      .catch((e: unknown) => {
        process.stderr.write(`github stand-in: close failed: ${String(e)}\n`);
        process.exitCode = 1;
      });
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`github stand-in: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
