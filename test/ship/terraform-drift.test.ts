// infra/ and src/config.ts describe the same job from two sides. These tests fail when they
// drift: a setting the job needs that Terraform does not set, an env var Terraform sets that
// the job never reads, a key mounted where the config does not look, a scheduler aimed at
// something else, or an identity holding more than it needs.
import { readFileSync } from "node:fs";
import path from "node:path";
import { SETTINGS, type SettingSpec } from "../../src/config";
import { SEVERITIES } from "../../src/core/severity";
import {
  attr,
  block,
  blocks,
  INFRA_DIR,
  listTerraformFiles,
  loadInfra,
  onlyResource,
  parseTerraform,
  referencedNames,
  resolveLocals,
  type Block,
  type Infra,
} from "./infra";

const specs: SettingSpec[] = Object.values(SETTINGS);
const specByEnv = new Map(specs.map((s) => [s.env, s]));

/** The setting through which the job finds the GitHub App private key (a file path). */
const KEY_FILE_ENV = "LOG_GARDENER_GITHUB_PRIVATE_KEY_FILE";

/** What each identity may do, and nothing more: `<iam resource type> <role>`. */
const JOB_GRANTS = [
  "google_project_iam_member roles/logging.viewer",
  "google_project_iam_member roles/monitoring.viewer",
  "google_secret_manager_secret_iam_member roles/secretmanager.secretAccessor",
  "google_storage_bucket_iam_member roles/storage.objectUser",
];
const SCHEDULER_GRANTS = ["google_cloud_run_v2_job_iam_member roles/run.invoker"];

let infra: Infra;
let job: { name: string; body: Block };
let container: Block;
let env: Block[];

beforeAll(async () => {
  infra = await loadInfra();
  job = onlyResource(infra, "google_cloud_run_v2_job");
  const taskTemplate = block(block(job.body, "template"), "template");
  container = block(taskTemplate, "containers");
  env = blocks(container, "env");
});

function envValue(name: string): string {
  const entry = env.find((e) => e.name === name);
  if (!entry) throw new Error(`the job does not set ${name}`);
  return resolveLocals(attr(entry, "value"), infra.locals);
}

interface Grant {
  readonly type: string;
  readonly name: string;
  readonly role: string;
  readonly body: Block;
}

/** Every IAM grant whose member is the service account resource `account`. */
function grantsTo(account: string): Grant[] {
  const grants: Grant[] = [];
  for (const [type, byName] of Object.entries(infra.resources)) {
    if (!type.endsWith("_iam_member")) continue;
    for (const [name, body] of Object.entries(byName)) {
      if (referencedNames(attr(body, "member"), "google_service_account").includes(account)) {
        grants.push({ type, name, role: attr(body, "role"), body });
      }
    }
  }
  return grants;
}

function serviceAccountOf(expression: string): string {
  const [account, ...more] = referencedNames(expression, "google_service_account");
  if (!account || more.length > 0) throw new Error(`expected one google_service_account in ${expression}`);
  return account;
}

describe.each(listTerraformFiles())("infra/%s", (file) => {
  it("parses as HCL", async () => {
    const json = await parseTerraform(file, readFileSync(path.join(INFRA_DIR, file), "utf8"));
    expect(Object.keys(json).length).toBeGreaterThan(0);
  });
});

describe("the Cloud Run job's environment against SETTINGS", () => {
  it("sets each variable once", () => {
    const names = env.map((e) => attr(e, "name"));
    expect(names).toEqual([...new Set(names)]);
  });

  it("sets only variables the job reads, and none that Cloud Run sets itself", () => {
    const unknown = env.map((e) => attr(e, "name")).filter((name) => !specByEnv.has(name));
    const platform = env.map((e) => attr(e, "name")).filter((name) => specByEnv.get(name)?.platform);
    expect({ unknown, platform }).toEqual({ unknown: [], platform: [] });
  });

  it("sets every setting the job needs in production", () => {
    const required = specs.filter((s) => s.requiredInProduction).map((s) => s.env);
    expect(required.length).toBeGreaterThan(0);
    const set = new Set(env.map((e) => attr(e, "name")));
    expect(required.filter((name) => !set.has(name))).toEqual([]);
  });

  it("takes no secret from a plain value", () => {
    const plain = env.filter((e) => specByEnv.get(attr(e, "name"))?.secret && e.value !== undefined).map((e) => e.name);
    expect(plain).toEqual([]);
  });

  it("writes to the worklog bucket the job may use", () => {
    const out = envValue("LOG_GARDENER_OUT");
    expect(out).toMatch(/^gs:\/\/\$\{google_storage_bucket\.[a-z0-9_]+\.name\}\/\$\{var\.[a-z0-9_]+\}$/);
    const [bucket] = referencedNames(out, "google_storage_bucket");
    const objectGrant = grantsTo(serviceAccountOf(attr(block(block(job.body, "template"), "template"), "service_account"))).find(
      (g) => g.type === "google_storage_bucket_iam_member",
    );
    expect(referencedNames(attr(objectGrant!.body, "bucket"), "google_storage_bucket")).toEqual([bucket]);
  });
});

describe("the run's time budget", () => {
  it("ends before Cloud Run stops the task: LOG_GARDENER_DEADLINE derives from the task timeout", () => {
    const taskTemplate = block(block(job.body, "template"), "template");
    expect(attr(taskTemplate, "timeout")).toBe("${var.task_timeout}");
    const deadline = envValue("LOG_GARDENER_DEADLINE");
    const local = /^\$\{local\.([a-z0-9_]+)\}s$/.exec(deadline)?.[1];
    expect(local).toBeDefined();
    expect(infra.locals[local!]).toMatch(/^\$\{tonumber\(trimsuffix\(var\.task_timeout, "s"\)\) - \d+\}$/);
  });

  it("defaults to the job's own deadline plus the margin Terraform keeps", () => {
    const margin = Number(/ - (\d+)\}$/.exec(String(infra.locals.deadline_seconds))![1]);
    const timeout = Number(String(infra.variables.task_timeout!.default).replace(/s$/, ""));
    const spec = specByEnv.get("LOG_GARDENER_DEADLINE")!;
    expect(`${(timeout - margin) / 60}m`).toBe(spec.default);
  });
});

describe("the GitHub App key", () => {
  it("is a setting the job reads", () => {
    expect(specByEnv.has(KEY_FILE_ENV)).toBe(true);
  });

  it("is mounted from Secret Manager at the path the job is told", () => {
    const taskTemplate = block(block(job.body, "template"), "template");
    const mounts = blocks(container, "volume_mounts");
    const secretVolumes = blocks(taskTemplate, "volumes").filter((v) => blocks(v, "secret").length > 0);
    const files = secretVolumes.flatMap((volume) => {
      const mount = mounts.find((m) => m.name === volume.name);
      if (!mount) return [];
      const mountPath = resolveLocals(attr(mount, "mount_path"), infra.locals);
      return blocks(block(volume, "secret"), "items").map((item) => `${mountPath}/${resolveLocals(attr(item, "path"), infra.locals)}`);
    });
    expect(files).toContain(envValue(KEY_FILE_ENV));
    expect(envValue(KEY_FILE_ENV)).toMatch(/^\/[^$]+$/); // a literal absolute path, known before apply
  });

  it("comes from the secret the job alone may read, and the key never enters Terraform", () => {
    const taskTemplate = block(block(job.body, "template"), "template");
    const secret = onlyResource(infra, "google_secret_manager_secret");
    const volume = blocks(taskTemplate, "volumes").find((v) => blocks(v, "secret").length > 0)!;
    expect(referencedNames(attr(block(volume, "secret"), "secret"), "google_secret_manager_secret")).toEqual([secret.name]);
    // Only a literal placeholder version (Cloud Run needs one to create the job): nothing that
    // a variable or a file could fill with the real key.
    const versions = Object.values(infra.resources.google_secret_manager_secret_version ?? {});
    for (const version of versions) {
      expect(referencedNames(attr(version, "secret"), "google_secret_manager_secret")).toEqual([secret.name]);
      expect(attr(version, "secret_data")).toMatch(/^placeholder[^$]*$/);
      expect(Object.keys(version).filter((k) => k.startsWith("secret_data"))).toEqual(["secret_data"]);
    }
    expect(versions.length).toBeLessThanOrEqual(1);

    const accessors = Object.values(infra.resources.google_secret_manager_secret_iam_member ?? {});
    expect(
      accessors.map((a) => [
        referencedNames(attr(a, "secret_id"), "google_secret_manager_secret"),
        attr(a, "role"),
        serviceAccountOf(attr(a, "member")),
      ]),
    ).toEqual([[[secret.name], "roles/secretmanager.secretAccessor", serviceAccountOf(attr(taskTemplate, "service_account"))]]);
  });
});

describe("the schedule", () => {
  it("POSTs to the Cloud Run Admin API's jobs/JOB:run of this job", () => {
    const { body } = onlyResource(infra, "google_cloud_scheduler_job");
    const target = block(body, "http_target");
    expect(attr(target, "http_method")).toBe("POST");
    const uri = attr(target, "uri");
    expect(uri).toMatch(/^https:\/\/run\.googleapis\.com\/v2\/projects\/[^/]+\/locations\/[^/]+\/jobs\/[^/]+:run$/);
    expect(uri).toContain(`/jobs/\${google_cloud_run_v2_job.${job.name}.name}:run`);
    expect(attr(body, "region")).toBe(attr(job.body, "location"));
  });

  it("runs as its own account, which may only run this job", () => {
    const { body } = onlyResource(infra, "google_cloud_scheduler_job");
    const account = serviceAccountOf(attr(block(block(body, "http_target"), "oauth_token"), "service_account_email"));
    const grants = grantsTo(account);
    expect(grants.map((g) => `${g.type} ${g.role}`)).toEqual(SCHEDULER_GRANTS);
    expect(referencedNames(attr(grants[0]!.body, "name"), "google_cloud_run_v2_job")).toEqual([job.name]);
  });
});

describe("least privilege", () => {
  it("the job's account holds exactly logging.viewer, monitoring.viewer, object access to its bucket and the key secret", () => {
    const account = serviceAccountOf(attr(block(block(job.body, "template"), "template"), "service_account"));
    const grants = grantsTo(account);
    expect(grants.map((g) => `${g.type} ${g.role}`).sort()).toEqual(JOB_GRANTS);
    for (const projectGrant of grants.filter((g) => g.type === "google_project_iam_member"))
      expect(attr(projectGrant.body, "project")).toBe("${var.project_id}");
  });

  it("each identity is separate", () => {
    const scheduler = onlyResource(infra, "google_cloud_scheduler_job").body;
    const jobAccount = serviceAccountOf(attr(block(block(job.body, "template"), "template"), "service_account"));
    const schedulerAccount = serviceAccountOf(attr(block(block(scheduler, "http_target"), "oauth_token"), "service_account_email"));
    expect(jobAccount).not.toBe(schedulerAccount);
  });

  it("uses only additive grants (no _iam_binding or _iam_policy that could drop others' access)", () => {
    const authoritative = Object.keys(infra.resources).filter((t) => /_iam_(binding|policy)$/.test(t));
    expect(authoritative).toEqual([]);
  });

  it("keeps the worklog bucket private and versioned", () => {
    const out = envValue("LOG_GARDENER_OUT");
    const [bucketName] = referencedNames(out, "google_storage_bucket");
    const bucket = infra.resources.google_storage_bucket![bucketName!]!;
    expect(bucket.uniform_bucket_level_access).toBe(true);
    expect(bucket.public_access_prevention).toBe("enforced");
    expect(block(bucket, "versioning").enabled).toBe(true);
    const conditions = blocks(bucket, "lifecycle_rule").map((r) => block(r, "condition"));
    expect(conditions.some((c) => c.age !== undefined)).toBe(true);
    expect(conditions.some((c) => c.days_since_noncurrent_time !== undefined || c.num_newer_versions !== undefined)).toBe(true);
  });
});

describe("references", () => {
  it("name only resources and locals that are declared", () => {
    const text = Object.values(infra.sources)
      .join("\n")
      .replace(/^\s*#.*$/gm, "");
    const resources = [...text.matchAll(/\b(google_[a-z0-9_]+)\.([a-z0-9_]+)\b/g)].map((m) => `${m[1]}.${m[2]}`);
    expect(resources.length).toBeGreaterThan(0);
    expect(
      [...new Set(resources)].filter((r) => {
        const [type, name] = r.split(".") as [string, string];
        return infra.resources[type]?.[name] === undefined;
      }),
    ).toEqual([]);
    const locals = [...text.matchAll(/\blocal\.([a-z0-9_]+)/g)].map((m) => m[1]!);
    expect([...new Set(locals)].filter((l) => !(l in infra.locals))).toEqual([]);
  });
});

describe("outputs", () => {
  it("name the bucket, the job and every service account, each described", () => {
    for (const name of [
      "worklog_bucket",
      "worklogs_url",
      "job_name",
      "job_service_account",
      "scheduler_service_account",
      "build_service_account",
    ]) {
      expect(typeof infra.outputs[name]?.description).toBe("string");
    }
    const accounts = Object.keys(infra.resources.google_service_account ?? {});
    const outputText = Object.values(infra.outputs)
      .map((o) => JSON.stringify(o.value))
      .join("\n");
    expect(accounts.filter((a) => !outputText.includes(`google_service_account.${a}.email`))).toEqual([]);
  });
});

describe("variables", () => {
  it("are all described, declared before use and used", () => {
    const text = Object.values(infra.sources).join("\n");
    const used = new Set([...text.matchAll(/\bvar\.([a-z0-9_]+)/g)].map((m) => m[1]!));
    const declared = Object.keys(infra.variables);
    expect([...used].filter((v) => !declared.includes(v))).toEqual([]);
    expect(declared.filter((v) => !used.has(v))).toEqual([]);
    expect(declared.filter((v) => typeof infra.variables[v]!.description !== "string")).toEqual([]);
  });

  it("are validated, except free-form ones", () => {
    const freeForm = ["deletion_protection", "image", "time_zone"];
    const unvalidated = Object.entries(infra.variables).filter(
      ([name, body]) => !freeForm.includes(name) && blocks(body, "validation").length === 0,
    );
    expect(unvalidated.map(([name]) => name)).toEqual([]);
  });

  it("offer the severities the job accepts", () => {
    const condition = attr(block(infra.variables.min_severity!, "validation"), "condition");
    expect(condition).toContain(JSON.stringify([...SEVERITIES]).replaceAll(",", ", "));
  });
});
