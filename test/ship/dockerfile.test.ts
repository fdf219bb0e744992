// The image is built by Cloud Build from this repo's Dockerfile; no Docker daemon runs here, so
// these tests check the Dockerfile itself: it lints clean, it builds with the same npm
// commands CI uses, and the image it makes is small, unprivileged and starts the job.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { validate } from "dockerfile-utils";
import { load } from "js-yaml";
import { entrypointNodeFlags, npmCommands, npmScript, parseStages, type Stage } from "./dockerfile";
import { REPO_ROOT } from "./infra";

const dockerfile = readFileSync(path.join(REPO_ROOT, "Dockerfile"), "utf8");
const dockerignore = readFileSync(path.join(REPO_ROOT, ".dockerignore"), "utf8");
const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const stages = parseStages(dockerfile);
const build = stages.find((s) => s.name === "build");
const runtime = stages[stages.length - 1]!;

function args(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

/** The npm commands a stage runs, less cache housekeeping (`npm cache clean`). */
function npmIn(stage: Stage): string[] {
  return args(stage, "RUN")
    .flatMap(npmCommands)
    .filter((c) => !c.startsWith("npm cache "));
}

describe("Dockerfile", () => {
  it("lints clean", () => {
    const problems = validate(dockerfile).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
    expect(problems).toEqual([]);
  });

  it("has a build stage and a separate runtime stage", () => {
    expect(build).toBeDefined();
    expect(runtime).not.toBe(build);
    expect(stages.map((s) => s.name)).toEqual(["build", "runtime"]);
  });

  it("builds and runs on the Node that runs the tests, pinned by tag", () => {
    const node = pkg.devDependencies.node!;
    for (const stage of stages) {
      expect(stage.image).toMatch(/^node:\d+\.\d+\.\d+-[a-z]+-slim$/);
      expect(stage.image.startsWith(`node:${node}-`)).toBe(true);
    }
  });

  it("installs exactly as CI does and builds with the build script", () => {
    expect(npmIn(build!)).toEqual(["npm ci --no-audit --no-fund", "npm run build"]);
  });

  it("installs only production dependencies in the runtime stage", () => {
    expect(npmIn(runtime)).toEqual(["npm ci --omit=dev --no-audit --no-fund"]);
  });

  it("uses only npm ci and scripts package.json defines", () => {
    const commands = stages.flatMap(npmIn);
    expect(commands.filter((c) => !c.startsWith("npm ci") && npmScript(c) === undefined)).toEqual([]);
    const scripts = commands.map(npmScript).filter((s) => s !== undefined);
    expect(scripts.filter((s) => !(s in pkg.scripts))).toEqual([]);
  });

  it("ships only the compiled job, its manifest and the sample: no sources, tests or dev dependencies", () => {
    const copies = args(runtime, "COPY").map((a) => a.replace(/\s+/g, " "));
    expect(copies).toEqual([
      "package.json package-lock.json ./",
      "--from=build /app/dist/package.json ./dist/package.json",
      "--from=build /app/dist/src ./dist/src",
      "samples/export.json ./samples/export.json",
    ]);
  });

  it("runs as a non-root user", () => {
    const users = args(runtime, "USER");
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)(:|$)/);
  });

  it("starts the job with no arguments, the way Cloud Run Jobs runs it", () => {
    const entrypoints = args(runtime, "ENTRYPOINT").map((a) => JSON.parse(a) as string[]);
    expect(entrypoints).toHaveLength(1);
    const [node, ...rest] = entrypoints[0]!;
    expect(node).toBe("node");
    expect(rest.slice(-2)).toEqual([pkg.bin["log-gardener"], "run"]);
    expect(args(runtime, "CMD")).toEqual([]);
  });

  it("gives node only flags the pinned Node accepts (a Node upgrade that drops one fails here, not in the job)", () => {
    const flags = entrypointNodeFlags(dockerfile);
    expect(flags.length).toBeGreaterThan(0);
    for (const flag of flags) expect(flag).toMatch(/^--[a-z0-9-]+(=\S+)?$/);
    const started = spawnSync(process.execPath, [...flags, "-e", "process.exitCode = 7"], { encoding: "utf8" });
    expect(started.stderr).toBe("");
    expect(started.status).toBe(7);
    const refused = spawnSync(process.execPath, ["--no-such-v8-flag-here", "-e", "0"], { encoding: "utf8" });
    expect(refused.status).not.toBe(0);
  });

  it("gives npm start the container's node flags, so a laptop run is sized like the job", () => {
    const node = /(?:^|&&)\s*node\s+((?:--\S+\s+)*)dist\/src\/cli\.js run\b/.exec(pkg.scripts.start ?? "");
    expect(node).not.toBeNull();
    expect(node![1]!.trim().split(/\s+/)).toEqual(entrypointNodeFlags(dockerfile));
  });

  it("keeps secrets, dependencies and build output out of the build context", () => {
    const ignored = dockerignore.split("\n").map((l) => l.trim());
    for (const entry of [".git", "node_modules", "dist", "*.pem", ".env", ".env.*", "*.tfvars", "*.tfstate*"]) {
      expect(ignored).toContain(entry);
    }
  });
});

/** Every module specifier src/ loads at run time (type-only imports are erased by the compiler). */
function runtimeImports(): { file: string; specifier: string }[] {
  const srcDir = path.join(REPO_ROOT, "src");
  const files = (readdirSync(srcDir, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"));
  const pattern =
    /^\s*(?:import|export)\s+(?!type\s)(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']|\b(?:require|import)\(\s*["']([^"']+)["']\s*\)/gm;
  return files.flatMap((file) =>
    [...readFileSync(path.join(srcDir, file), "utf8").matchAll(pattern)].map((m) => ({
      file: path.join("src", file),
      specifier: (m[1] ?? m[2])!,
    })),
  );
}

describe("what the image ships is enough to run", () => {
  const imports = runtimeImports();

  it("src/ loads only Node built-ins and production dependencies (npm ci --omit=dev drops the rest)", () => {
    expect(imports.length).toBeGreaterThan(0);
    const builtins = new Set(builtinModules);
    const packageOf = (s: string) =>
      s
        .split("/")
        .slice(0, s.startsWith("@") ? 2 : 1)
        .join("/");
    const missing = imports
      .filter(({ specifier }) => !specifier.startsWith(".") && !specifier.startsWith("node:") && !builtins.has(packageOf(specifier)))
      .filter(({ specifier }) => !(packageOf(specifier) in pkg.dependencies))
      .map(({ file, specifier }) => `${file}: ${specifier}`);
    expect(missing).toEqual([]);
  });

  it("src/ loads only files under src/ and package.json (the runtime stage copies dist/src and dist/package.json)", () => {
    const outside = imports
      .filter(({ specifier }) => specifier.startsWith("."))
      .map(({ file, specifier }) => path.relative(REPO_ROOT, path.resolve(REPO_ROOT, path.dirname(file), specifier)))
      .filter((target) => !target.startsWith(`src${path.sep}`) && target !== "package.json");
    expect(outside).toEqual([]);
  });
});

describe("Dockerfile and CI", () => {
  it("install the same way: npm ci in the build stage, in Cloud Build and in .ci/run", () => {
    const cloudbuild = load(readFileSync(path.join(REPO_ROOT, "cloudbuild.yaml"), "utf8")) as {
      steps: { id: string; entrypoint?: string; args?: string[] }[];
    };
    const install = cloudbuild.steps.find((s) => s.id === "install")!;
    expect([install.entrypoint, ...(install.args ?? [])].join(" ")).toBe(npmIn(build!)[0]);
    let ciRun: string | undefined;
    try {
      ciRun = readFileSync(path.join(REPO_ROOT, ".ci/run"), "utf8");
    } catch {
      ciRun = undefined; // not written yet
    }
    if (ciRun !== undefined) expect(npmCommands(ciRun).some((c) => c.startsWith("npm ci"))).toBe(true);
  });
});

describe("entrypointNodeFlags (what bench:source runs its measured process with)", () => {
  const image = (entrypoint: string) =>
    `FROM node:24 AS build\nENTRYPOINT ["node", "--in-build-stage"]\nFROM node:24-slim\nENTRYPOINT ${entrypoint}\n`;

  it("takes the words between node and the script, from the last stage", () => {
    expect(
      entrypointNodeFlags(
        image('["node", "--max-semi-space-size=16", "--heap-growing-percent=150", "dist/src/cli.js", "run", "--dry-run"]'),
      ),
    ).toEqual(["--max-semi-space-size=16", "--heap-growing-percent=150"]);
    expect(entrypointNodeFlags(image('["node", "dist/src/cli.js", "run"]'))).toEqual([]);
  });

  it("refuses an image that does not start node", () => {
    expect(() => entrypointNodeFlags(image('["/bin/sh", "-c", "node x"]'))).toThrow(/ENTRYPOINT \["node"/);
    expect(() => entrypointNodeFlags("FROM node:24\nCMD node x\n")).toThrow(/got none/);
  });
});
