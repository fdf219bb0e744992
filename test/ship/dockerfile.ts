// A small reader for the Dockerfile's instructions, enough for the ship tests: comments,
// line continuations and stages. dockerfile-utils does the real linting.

export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  readonly name: string;
  readonly image: string;
  readonly instructions: readonly Instruction[];
}

export function parseInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split("\n").forEach((raw, i) => {
    const line = raw.trimEnd();
    if (pending === undefined && (line.trim() === "" || line.trimStart().startsWith("#"))) return;
    if (pending !== undefined && line.trimStart().startsWith("#")) return; // comments inside a continuation
    const continued = line.endsWith("\\");
    const piece = continued ? line.slice(0, -1) : line;
    pending = pending === undefined ? { text: piece, line: i + 1 } : { text: `${pending.text} ${piece.trim()}`, line: pending.line };
    if (continued) return;
    const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(pending.text);
    if (m) out.push({ keyword: m[1]!.toUpperCase(), args: m[2]!.trim(), line: pending.line });
    pending = undefined;
  });
  return out;
}

export function parseStages(text: string): Stage[] {
  const stages: { name: string; image: string; instructions: Instruction[] }[] = [];
  for (const instruction of parseInstructions(text)) {
    if (instruction.keyword === "FROM") {
      const words = instruction.args.split(/\s+/).filter((w) => !w.startsWith("--"));
      const image = words[0] ?? "";
      const as = words.findIndex((w) => w.toLowerCase() === "as");
      stages.push({ name: as >= 0 ? (words[as + 1] ?? "") : String(stages.length), image, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1]!.instructions.push(instruction);
    }
  }
  return stages;
}

/**
 * The flags the image's ENTRYPOINT gives node (`["node", "--a", "--b", "dist/src/cli.js", "run"]`
 * → ["--a", "--b"]): the words between "node" and the script, from the last stage. bench:source
 * runs its measured process with them.
 */
export function entrypointNodeFlags(dockerfile: string): string[] {
  const entrypoint = parseStages(dockerfile)
    .at(-1)
    ?.instructions.filter((i) => i.keyword === "ENTRYPOINT")
    .at(-1);
  const words = entrypoint ? (JSON.parse(entrypoint.args) as unknown) : undefined;
  if (!Array.isArray(words) || words[0] !== "node")
    throw new Error(`the Dockerfile's last stage has no ENTRYPOINT ["node", …] (got ${entrypoint?.args ?? "none"})`);
  const script = words.findIndex((w, i) => i > 0 && !String(w).startsWith("-"));
  return words.slice(1, script < 0 ? words.length : script).map(String);
}

/** The npm command lines in a shell command (`a && npm ci --omit=dev && b` → ["npm ci --omit=dev"]). */
export function npmCommands(shell: string): string[] {
  return shell
    .split(/&&|\|\||;|\n/)
    .map((part) => part.trim().replace(/\s+/g, " "))
    .filter((part) => /^npm\s/.test(part));
}

/** The script an npm command runs: "npm run build" → "build", "npm test" → "test", "npm ci" → undefined. */
export function npmScript(command: string): string | undefined {
  const words = command.split(" ").filter((w) => !w.startsWith("-"));
  if (words[1] === "run" || words[1] === "run-script") return words[2];
  if (words[1] === "test" || words[1] === "start") return words[1];
  return undefined;
}
