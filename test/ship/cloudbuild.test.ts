// cloudbuild.yaml runs only in Cloud Build; these tests check what can be checked here: it
// parses, runs npm scripts that exist, uses the Dockerfile's Node, declares every
// substitution it uses, agrees with infra/ on names, and deploys the digest it pushed.
import { readFileSync } from "node:fs";
import path from "node:path";
import { load } from "js-yaml";
import { npmCommands, npmScript, parseStages } from "./dockerfile";
import { attr, loadInfra, REPO_ROOT, type Infra } from "./infra";

interface Step {
  readonly id: string;
  readonly name: string;
  readonly entrypoint?: string;
  readonly args?: readonly string[];
}

interface BuildConfig {
  readonly steps: readonly Step[];
  readonly substitutions: Record<string, string>;
  readonly options: Record<string, unknown>;
  readonly images?: readonly string[];
}

const text = readFileSync(path.join(REPO_ROOT, "cloudbuild.yaml"), "utf8");
const config = load(text) as BuildConfig;
const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
const nodeImage = parseStages(readFileSync(path.join(REPO_ROOT, "Dockerfile"), "utf8"))[0]!.image;

/** A step as one command line, or its shell script for `bash -c`. */
function commandOf(step: Step): string {
  const argv = [...(step.entrypoint ? [step.entrypoint] : []), ...(step.args ?? [])];
  if (step.entrypoint === "bash" && argv[1] === "-c") return argv[2] ?? "";
  return argv.join(" ");
}

function stepIndex(id: string): number {
  const i = config.steps.findIndex((s) => s.id === id);
  if (i < 0) throw new Error(`cloudbuild.yaml has no step ${id}`);
  return i;
}

let infra: Infra;
beforeAll(async () => {
  infra = await loadInfra();
});

describe("cloudbuild.yaml", () => {
  it("parses, with named steps", () => {
    expect(Array.isArray(config.steps)).toBe(true);
    const ids = config.steps.map((s) => s.id);
    expect(ids.every((id) => typeof id === "string")).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("installs, typechecks, lints, tests, builds, pushes and deploys, in that order", () => {
    expect(commandOf(config.steps[stepIndex("install")]!)).toMatch(/^npm ci\b/);
    expect(commandOf(config.steps[stepIndex("lint")]!)).toBe("npm run lint");
    expect(commandOf(config.steps[stepIndex("test")]!)).toBe("npm test");
    expect(commandOf(config.steps[stepIndex("image")]!)).toMatch(/^build /);
    expect(commandOf(config.steps[stepIndex("push")]!)).toContain("docker push");
    expect(commandOf(config.steps[stepIndex("deploy")]!)).toContain("gcloud run jobs update");
    const order = ["install", "typecheck", "lint", "test", "image", "smoke", "push", "deploy"].map(stepIndex);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it("checks at least what .ci/run checks, with the same npm scripts", () => {
    let ciRun: string;
    try {
      ciRun = readFileSync(path.join(REPO_ROOT, ".ci/run"), "utf8");
    } catch {
      return; // .ci/run not written yet
    }
    const scriptsOf = (commands: string[]) =>
      commands.map((c) => (c.startsWith("npm ci") ? "ci" : npmScript(c))).filter((s) => s !== undefined);
    const ours = new Set(scriptsOf(config.steps.flatMap((s) => npmCommands(commandOf(s)))));
    expect(scriptsOf(npmCommands(ciRun)).filter((s) => !ours.has(s))).toEqual([]);
  });

  it("runs only npm scripts that package.json defines", () => {
    const commands = config.steps.flatMap((s) => npmCommands(commandOf(s)));
    expect(commands.length).toBeGreaterThanOrEqual(3);
    const missing = commands.map(npmScript).filter((s) => s !== undefined && !(s in pkg.scripts));
    expect(missing).toEqual([]);
  });

  it("runs npm on the same Node image as the Dockerfile", () => {
    const npmSteps = config.steps.filter((s) => s.entrypoint === "npm");
    expect(npmSteps.map((s) => s.name)).toEqual(npmSteps.map(() => nodeImage));
  });

  it("declares every substitution it uses, and uses every one it declares", () => {
    const used = new Set([...text.matchAll(/\$\{(_[A-Z0-9_]+)\}/g)].map((m) => m[1]!));
    const declared = Object.keys(config.substitutions);
    expect(declared.sort()).toEqual(["_JOB", "_PROJECT_ID", "_REGION", "_REPOSITORY"]);
    expect([...used].sort()).toEqual(declared.sort());
    expect(config.options.dynamicSubstitutions).toBe(true);
  });

  it("tags the image with the commit and deploys the digest it pushed", () => {
    const image = "${_REGION}-docker.pkg.dev/${_PROJECT_ID}/${_REPOSITORY}/log-gardener:${COMMIT_SHA}";
    expect(commandOf(config.steps[stepIndex("image")]!)).toContain(`--tag=${image}`);
    expect(commandOf(config.steps[stepIndex("push")]!)).toContain("RepoDigests");
    const deploy = commandOf(config.steps[stepIndex("deploy")]!);
    expect(deploy).toContain('gcloud run jobs update "${_JOB}"');
    expect(deploy).toContain('--image="$$(cat /workspace/image-digest)"');
    expect(config.images).toEqual([image]);
  });

  it("logs only to Cloud Logging, as builds under a user-specified account must", () => {
    expect(config.options.logging).toBe("CLOUD_LOGGING_ONLY");
  });
});

describe(".gcloudignore", () => {
  it("keeps keys, tfvars and Terraform state out of the upload", () => {
    const ignored = readFileSync(path.join(REPO_ROOT, ".gcloudignore"), "utf8")
      .split("\n")
      .map((l) => l.trim());
    for (const entry of [".git", "#!include:.gitignore", "*.pem", ".env", ".env.*", "*.tfvars", ".terraform/", "*.tfstate*"]) {
      expect(ignored).toContain(entry);
    }
  });
});

describe("cloudbuild.yaml and infra/", () => {
  const defaultOf = (variable: string): unknown => infra.variables[variable]!.default;

  it("default to the same region, repository and job", () => {
    expect(config.substitutions._REGION).toBe(defaultOf("region"));
    expect(config.substitutions._REPOSITORY).toBe(defaultOf("artifact_repository"));
    expect(config.substitutions._JOB).toBe(defaultOf("job_name"));
  });

  it("the build command Terraform prints passes the commit and declared substitutions", () => {
    const command = attr(infra.outputs.build_command!, "value");
    expect(command).toContain("--config=cloudbuild.yaml");
    const passed = [...command.matchAll(/[,=](_[A-Z0-9_]+|COMMIT_SHA)=/g)].map((m) => m[1]!);
    expect(passed).toContain("COMMIT_SHA");
    expect(passed.filter((p) => p !== "COMMIT_SHA" && !(p in config.substitutions))).toEqual([]);
  });
});
