#!/usr/bin/env node
/**
 * `log-gardener <command> [flags]`. The only top-level catch: every error is logged once with
 * its cause and turned into an exit code (0 success, 1 failure, 2 bad configuration or
 * arguments).
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { Readable, Writable } from "node:stream";
import { SETTINGS, processEnv, type FlagValues, type SettingName, type SettingSpec } from "./config";
import { ConfigError } from "./errors";
import { runRunCommand } from "./commands/run";
import { runTemplatesCommand } from "./commands/templates";
import { runWorklogsCli } from "./commands/worklogs-cli";
import packageJson from "../package.json";

export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => number;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_CONFIG = 2;

const COMMANDS = {
  run: "Run the job once: read a window of logs, write worklogs, plan or publish GitHub issues (the default).",
  templates: "Print the message template of each input line: `templates [FILE|-] [--format lines|entries]`.",
  worklogs: "Read worklogs back: `worklogs list [--service S] [--since 24h]`, `worklogs show [latest|SERVICE/YYYY-MM-DDTHH]`.",
  help: "Show this help.",
} as const;

export function usage(): string {
  const lines = ["Usage: log-gardener <command> [flags]", "", "Commands:"];
  for (const [name, text] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${text}`);
  lines.push("", "Flags of `run` (each also set by its environment variable; flags win):");
  for (const spec of Object.values(SETTINGS) as SettingSpec[]) {
    if (!spec.flag) continue;
    const value = spec.boolean ? "" : " VALUE";
    const dflt = spec.default !== undefined ? ` [default: ${spec.default}]` : "";
    lines.push(`  --${spec.flag}${value}`.padEnd(34) + ` ${spec.env}${dflt}`);
    lines.push(`${" ".repeat(35)}${spec.description}`);
  }
  lines.push("", "Exit codes: 0 success, 1 failure (the worklog is still written), 2 bad configuration or arguments.");
  return lines.join("\n") + "\n";
}

/** Parses `run`'s flags into setting values; unknown flags are configuration errors. */
export function parseRunFlags(argv: readonly string[]): FlagValues {
  const options: NonNullable<ParseArgsConfig["options"]> = {};
  const byFlag = new Map<string, SettingName>();
  for (const [name, spec] of Object.entries(SETTINGS) as [SettingName, SettingSpec][]) {
    if (!spec.flag) continue;
    byFlag.set(spec.flag, name);
    options[spec.flag] = spec.boolean ? { type: "boolean" } : { type: "string", multiple: name === "redactPatterns" };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false, allowNegative: true });
  } catch (err) {
    throw new ConfigError([`${(err as Error).message.replace(/\. To specify a positional argument.*$/s, "")} (see \`log-gardener help\`)`]);
  }
  const flags: FlagValues = {};
  for (const [flag, value] of Object.entries(parsed.values)) {
    const name = byFlag.get(flag);
    if (!name || value === undefined) continue;
    flags[name] = Array.isArray(value) ? value.join("\n") : String(value);
  }
  return flags;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  const command = first === undefined || first.startsWith("-") ? "run" : first;
  const args = command === first ? rest : argv;
  try {
    switch (command) {
      case "run":
        if (args.includes("--help") || args.includes("-h")) {
          io.stdout.write(usage());
          return EXIT_OK;
        }
        return await runRunCommand(parseRunFlags(args), io);
      case "templates":
        return await runTemplatesCommand([...args], io);
      case "worklogs":
        return await runWorklogsCli([...args], io);
      case "help":
      case "--help":
      case "-h":
        io.stdout.write(usage());
        return EXIT_OK;
      case "version":
      case "--version":
        io.stdout.write(`${packageJson.version}\n`);
        return EXIT_OK;
      default:
        io.stderr.write(`log-gardener: unknown command "${command}"\n\n${usage()}`);
        return EXIT_CONFIG;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr.write(`log-gardener: ${err.message}\n`);
      return EXIT_CONFIG;
    }
    io.stderr.write(`log-gardener: ${describeError(err)}\n`);
    return EXIT_FAILURE;
  }
}

export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  let text = err.message;
  let cause = (err as { cause?: unknown }).cause;
  for (let depth = 0; cause instanceof Error && depth < 3; depth++) {
    text += `\n  caused by: ${cause.message}`;
    cause = (cause as { cause?: unknown }).cause;
  }
  return text;
}

if (require.main === module) {
  main(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: processEnv(),
    now: Date.now,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`log-gardener: ${describeError(err)}\n`);
      process.exitCode = EXIT_FAILURE;
    },
  );
}
