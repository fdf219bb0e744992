// Reads infra/*.tf the way Terraform would see it, without Terraform: @cdktf/hcl2json parses
// HCL offline into JSON, where every block is an array of bodies and every expression is a
// "${...}" string. The ship tests check that JSON against the code (SETTINGS, package.json).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "@cdktf/hcl2json";

export const REPO_ROOT = path.resolve(__dirname, "../..");
export const INFRA_DIR = path.join(REPO_ROOT, "infra");

export type Block = Record<string, unknown>;

export interface Infra {
  /** resource type → resource name → body. */
  readonly resources: Record<string, Record<string, Block>>;
  readonly locals: Record<string, unknown>;
  readonly variables: Record<string, Block>;
  readonly outputs: Record<string, Block>;
  /** Raw text of every file, by file name, for checks on references. */
  readonly sources: Record<string, string>;
}

export function listTerraformFiles(dir = INFRA_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".tf"))
    .sort();
}

export function parseTerraform(fileName: string, text: string): Promise<Record<string, unknown>> {
  return parse(fileName, text);
}

function single(bodies: unknown, where: string): Block {
  if (!Array.isArray(bodies) || bodies.length !== 1) throw new Error(`${where}: expected exactly one block`);
  return bodies[0] as Block;
}

function addUnique<T>(into: Record<string, T>, key: string, value: T, where: string): void {
  if (key in into) throw new Error(`${where}: ${key} is declared twice`);
  into[key] = value;
}

/** Parses and merges every infra/*.tf file; throws on a parse error or a duplicate name. */
export async function loadInfra(dir = INFRA_DIR): Promise<Infra> {
  const infra: Infra = { resources: {}, locals: {}, variables: {}, outputs: {}, sources: {} };
  for (const file of listTerraformFiles(dir)) {
    const text = readFileSync(path.join(dir, file), "utf8");
    infra.sources[file] = text;
    const json = await parseTerraform(file, text);
    const resources = (json.resource ?? {}) as Record<string, Record<string, unknown>>;
    for (const [type, byName] of Object.entries(resources)) {
      infra.resources[type] ??= {};
      for (const [name, bodies] of Object.entries(byName)) {
        addUnique(infra.resources[type], name, single(bodies, `${file} ${type}.${name}`), file);
      }
    }
    for (const locals of (json.locals ?? []) as Block[]) {
      for (const [name, value] of Object.entries(locals)) addUnique(infra.locals, name, value, `${file} locals`);
    }
    for (const [name, bodies] of Object.entries((json.variable ?? {}) as Record<string, unknown>)) {
      addUnique(infra.variables, name, single(bodies, `${file} variable ${name}`), file);
    }
    for (const [name, bodies] of Object.entries((json.output ?? {}) as Record<string, unknown>)) {
      addUnique(infra.outputs, name, single(bodies, `${file} output ${name}`), file);
    }
  }
  return infra;
}

/** The nested blocks called `key` in `body` (hcl2json turns each into an array). */
export function blocks(body: Block, key: string): Block[] {
  const value = body[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${key} is an attribute, not a block`);
  return value as Block[];
}

/** The one nested block `key` in `body`. */
export function block(body: Block, key: string): Block {
  const all = blocks(body, key);
  if (all.length !== 1) throw new Error(`expected one ${key} block, found ${all.length}`);
  return all[0]!;
}

/** A string attribute; expressions come back as "${...}" strings. */
export function attr(body: Block, key: string): string {
  const value = body[key];
  if (typeof value !== "string") throw new Error(`${key}: expected a string attribute, got ${JSON.stringify(value)}`);
  return value;
}

/** Replaces ${local.NAME} with the local's value where that value is a plain string. */
export function resolveLocals(expression: string, locals: Record<string, unknown>): string {
  return expression.replace(/\$\{local\.([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
    const value = locals[name];
    return typeof value === "string" && !value.includes("${") ? value : whole;
  });
}

/** Names of resources of `type` referenced in an expression (`google_x.NAME.attr`). */
export function referencedNames(expression: string, type: string): string[] {
  const pattern = new RegExp(`\\b${type}\\.([A-Za-z0-9_-]+)\\b`, "g");
  return [...expression.matchAll(pattern)].map((m) => m[1]!);
}

/** The single resource of `type`; its name and body. */
export function onlyResource(infra: Infra, type: string): { name: string; body: Block } {
  const entries = Object.entries(infra.resources[type] ?? {});
  if (entries.length !== 1) throw new Error(`expected one ${type}, found ${entries.length}`);
  const [name, body] = entries[0]!;
  return { name, body };
}
