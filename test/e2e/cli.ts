/** `log-gardener …` in-process, as the e2e tests run it: exit code and both streams captured. */
import { PassThrough, Readable } from "node:stream";
import { main } from "../../src/cli";

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** The fixed "now" of the e2e runs (the sample's window is given explicitly by the job). */
export const E2E_NOW = () => Date.parse("2026-11-28T18:00:00Z");

/** Runs the CLI with `env` over a quiet log level (warn), `stdin` as standard input. */
export async function runCli(argv: string[], env: Record<string, string> = {}, stdin = ""): Promise<Captured> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d) => (out += d));
  stderr.on("data", (d) => (err += d));
  const code = await main(argv, {
    stdin: Readable.from([stdin]),
    stdout,
    stderr,
    env: { LOG_GARDENER_LOG_LEVEL: "warn", ...env },
    now: E2E_NOW,
  });
  return { code, stdout: out, stderr: err };
}
