/**
 * `npm run bench:redact`: what redaction costs per line, and how long the inputs built to make
 * its regexes backtrack take.
 *
 * Per line: the committed redaction corpus (test/fixtures/redaction: clean lines and lines with
 * secrets), after a warm-up, redacted over and over, for the default redactor, the redactor with
 * IP addresses on, and the redactor with its gate off (every rule's precheck on every line).
 * CPU time of this process, so a busy host does not show as a slow redactor; wall time beside it.
 *
 * Adversarial: each input of test/fixtures/redaction/adversarial.ts (the redactor's test checks
 * their outputs), best of three, with IP addresses on.
 *
 * Flags: --rounds N (passes over the corpus per configuration; default 200).
 */
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { buildRedactor, type Redactor } from "../src/core/redact/redact";
import { ADVERSARIAL_INPUTS } from "../test/fixtures/redaction/adversarial";
import { cleanLines, secretLines } from "../test/fixtures/redaction/corpus";

// From dist/bench/ back to the source folder: the .jsonl files are not part of the build.
const CORPUS_DIR = path.resolve(__dirname, "..", "..", "test", "fixtures", "redaction");

function roundsFlag(argv: readonly string[]): number {
  const i = argv.indexOf("--rounds");
  if (i < 0) return 200;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`bench:redact: --rounds wants a positive integer, got ${argv[i + 1] ?? "nothing"}`);
  return n;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

/** µs per line by CPU and by wall clock over `rounds` passes. */
function perLine(redact: Redactor, lines: readonly string[], rounds: number): { cpuUs: number; wallUs: number; sink: number } {
  let sink = 0;
  for (const line of lines) sink += redact(line).length; // warm-up
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let r = 0; r < rounds; r++) for (const line of lines) sink += redact(line).length;
  const wallUs = ((performance.now() - start) * 1000) / (rounds * lines.length);
  const cpuUs = (cpuSeconds(cpu) * 1e6) / (rounds * lines.length);
  return { cpuUs, wallUs, sink };
}

function main(): void {
  const rounds = roundsFlag(process.argv.slice(2));
  const clean = cleanLines(CORPUS_DIR);
  const secret = secretLines(CORPUS_DIR).map((s) => s.line);
  const configurations: readonly [string, Redactor][] = [
    ["default", buildRedactor()],
    ["IPs on", buildRedactor({ redactIps: true })],
    ["gate off", buildRedactor({ gate: false })],
  ];
  const sets: readonly [string, readonly string[]][] = [
    ["clean", clean],
    ["with secrets", secret],
    ["all", [...clean, ...secret]],
  ];
  process.stdout.write(
    `Redaction on the corpus (${clean.length} clean lines, ${secret.length} with secrets), ${rounds} passes, µs per line (CPU / wall)\n\n`,
  );
  process.stdout.write(`${"redactor".padEnd(10)} ${sets.map(([name]) => name.padStart(16)).join(" ")}\n`);
  let sink = 0;
  for (const [name, redact] of configurations) {
    const cells = sets.map(([, lines]) => {
      const r = perLine(redact, lines, rounds);
      sink += r.sink;
      return `${r.cpuUs.toFixed(1)} / ${r.wallUs.toFixed(1)}`.padStart(16);
    });
    process.stdout.write(`${name.padEnd(10)} ${cells.join(" ")}\n`);
  }

  process.stdout.write(`\nAdversarial inputs (IPs on), best of 3\n\n`);
  const withIps = buildRedactor({ redactIps: true });
  const width = Math.max(...ADVERSARIAL_INPUTS.map(([name]) => name.length));
  for (const [name, text, expected] of ADVERSARIAL_INPUTS) {
    let best = Infinity;
    let right = true;
    for (let k = 0; k < 3; k++) {
      const start = performance.now();
      const out = withIps(text);
      best = Math.min(best, performance.now() - start);
      right &&= out === expected;
    }
    if (!right) process.exitCode = 1;
    process.stdout.write(
      `${name.padEnd(width)}  ${text.length.toLocaleString("en-US").padStart(7)} chars  ${best.toFixed(1).padStart(7)} ms${right ? "" : "  WRONG OUTPUT"}\n`,
    );
  }
  process.stdout.write(`\nload average ${os.loadavg()[0]!.toFixed(1)}\n`);
  if (sink === 0) process.stdout.write("\n"); // keep the work observable
}

main();
