// Checks the stand-in's traffic against GitHub's published OpenAPI description, so the stand-in
// cannot drift into a GitHub of its own. The description (`api.github.com.json` from
// @octokit/openapi, 13 MB) is read once per process, on first use. It is OpenAPI 3.0:
// `nullable: true` becomes a JSON-schema type union. Only the operations the stand-in serves, and
// the component schemas they reach, are converted and compiled.
import fs from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS with a `default` property; under nodenext the default import is the
// module object, under SWC's interop it is the function itself.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as typeof addFormatsModule;

const SCHEMA_BASE = "https://github-stand-in.invalid/api.github.com/components/schemas/";
const COMPONENT_SCHEMA_REF = "#/components/schemas/";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface OpenApiDocument {
  paths: Record<string, Record<string, JsonObject>>;
  components: Record<string, Record<string, JsonObject>>;
}

export interface OperationInput {
  pathParams: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body; undefined when the request had none. */
  body: unknown;
}

export interface OperationValidator {
  readonly operationId: string;
  /** Problems with the request, each naming the parameter or body field; empty when valid. */
  checkRequest(input: OperationInput): string[];
  /** Problems with a response body for this status; empty when valid or when GitHub documents no JSON body for it. */
  checkResponse(status: number, body: unknown): string[];
  /** Compiles every response schema now, rather than on the first response with that status. */
  prepare(): void;
}

let loaded: { doc: OpenApiDocument; ajv: Ajv } | undefined;
const operations = new Map<string, OperationValidator>();

/** Where the description lives: the one file of @octokit/openapi, loaded directly. */
export function openApiDescriptionPath(): string {
  return require.resolve("@octokit/openapi/generated/api.github.com.json");
}

function load(): { doc: OpenApiDocument; ajv: Ajv } {
  if (loaded) return loaded;
  const doc = JSON.parse(fs.readFileSync(openApiDescriptionPath(), "utf8")) as OpenApiDocument;
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
  addFormats(ajv);
  for (const name of ["int32", "int64", "uri-template", "timestamp"]) ajv.addFormat(name, true);
  loaded = { doc, ajv };
  return loaded;
}

const registered = new Set<string>();

/** Registers with Ajv, once each, the component schemas `node` reaches through `$ref`s. */
function registerComponents(doc: OpenApiDocument, ajv: Ajv, node: Json): void {
  const pending: Json[] = [node];
  while (pending.length > 0) {
    const current = pending.pop();
    if (current === null || typeof current !== "object") continue;
    if (Array.isArray(current)) {
      pending.push(...current);
      continue;
    }
    for (const [key, value] of Object.entries(current)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith(COMPONENT_SCHEMA_REF)) {
        const name = value.slice(COMPONENT_SCHEMA_REF.length);
        if (registered.has(name)) continue;
        const schema = doc.components.schemas?.[name];
        if (!schema) throw new Error(`unresolvable $ref ${value}`);
        registered.add(name);
        ajv.addSchema({ $id: `${SCHEMA_BASE}${name}`, allOf: [toJsonSchema(schema)] });
        pending.push(schema);
      } else if (value && typeof value === "object") {
        pending.push(value);
      }
    }
  }
}

/** Converts an operation's schema, registering the components it needs, and compiles it. */
function compile(doc: OpenApiDocument, ajv: Ajv, schema: Json): ValidateFunction {
  registerComponents(doc, ajv, schema);
  return ajv.compile(toJsonSchema(schema) as object);
}

const SCHEMA_MAP_KEYS = new Set(["properties", "patternProperties"]);
const SCHEMA_KEYS = new Set(["items", "additionalProperties", "not"]);
const SCHEMA_LIST_KEYS = new Set(["allOf", "anyOf", "oneOf"]);
const DROPPED_KEYS = new Set(["nullable", "example", "examples", "discriminator", "xml", "externalDocs"]);

/** OpenAPI 3.0 schema object → JSON schema Ajv understands. Pure. */
export function toJsonSchema(node: Json): Json {
  if (node === null || typeof node !== "object" || Array.isArray(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED_KEYS.has(key) || key.startsWith("x-")) continue;
    if (key === "$ref" && typeof value === "string") {
      out.$ref = value.startsWith(COMPONENT_SCHEMA_REF) ? `${SCHEMA_BASE}${value.slice(COMPONENT_SCHEMA_REF.length)}` : value;
    } else if (SCHEMA_MAP_KEYS.has(key) && value && typeof value === "object" && !Array.isArray(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v)]));
    } else if (SCHEMA_KEYS.has(key)) {
      out[key] = toJsonSchema(value);
    } else if (SCHEMA_LIST_KEYS.has(key) && Array.isArray(value)) {
      out[key] = value.map(toJsonSchema);
    } else {
      out[key] = value;
    }
  }
  if (node.nullable !== true) return out;
  if (typeof out.type === "string") {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: "null" }] };
}

function resolve(doc: OpenApiDocument, node: JsonObject): JsonObject {
  const ref = node.$ref;
  if (typeof ref !== "string") return node;
  const [, , section, name] = ref.split("/");
  const target = section && name ? doc.components[section]?.[name] : undefined;
  if (!target) throw new Error(`unresolvable $ref ${ref}`);
  return resolve(doc, target);
}

function describe(errors: ErrorObject[] | null | undefined, where: string): string[] {
  return (errors ?? []).map((e) => {
    const at = `${where}${e.instancePath}`;
    const extra = e.keyword === "enum" ? ` (${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)})` : "";
    return `${at} ${e.message ?? e.keyword}${extra}`;
  });
}

/** Query and path values arrive as strings; turn them into what their schema declares. */
function coerce(value: string, schema: JsonObject): unknown {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if ((type === "integer" || type === "number") && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === "boolean" && (value === "true" || value === "false")) return value === "true";
  return value;
}

interface CompiledParameter {
  name: string;
  in: "path" | "query";
  required: boolean;
  schema: JsonObject;
  validate: ValidateFunction;
}

let templates: Array<{ method: string; template: string; operationId: string; pattern: RegExp }> | undefined;

/** The operation of GitHub's description a request is for, if any (whether or not the stand-in serves it). */
export function findOperation(method: string, path: string): { template: string; operationId: string } | undefined {
  if (!templates) {
    const { doc } = load();
    templates = [];
    for (const [template, item] of Object.entries(doc.paths)) {
      const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`);
      for (const [m, operation] of Object.entries(item)) {
        if (typeof operation.operationId === "string")
          templates.push({ method: m.toUpperCase(), template, operationId: operation.operationId, pattern });
      }
    }
  }
  const m = method.toUpperCase();
  // Literal segments win over parameters, as in GitHub's router: try the templates with the most literal text first.
  const candidates = templates.filter((t) => t.method === m && t.pattern.test(path));
  candidates.sort((a, b) => b.template.replace(/\{[^}]+\}/g, "").length - a.template.replace(/\{[^}]+\}/g, "").length);
  const best = candidates[0];
  return best ? { template: best.template, operationId: best.operationId } : undefined;
}

/** The validator for one operation of the description, compiled on first use and cached. */
export function operationValidator(method: string, pathTemplate: string): OperationValidator {
  const key = `${method.toLowerCase()} ${pathTemplate}`;
  const cached = operations.get(key);
  if (cached) return cached;
  const { doc, ajv } = load();
  const operation = doc.paths[pathTemplate]?.[method.toLowerCase()];
  if (!operation) throw new Error(`GitHub's OpenAPI description has no operation ${method.toUpperCase()} ${pathTemplate}`);
  const operationId = String(operation.operationId);

  const parameters: CompiledParameter[] = [];
  for (const raw of (operation.parameters ?? []) as JsonObject[]) {
    const p = resolve(doc, raw);
    if (p.in !== "path" && p.in !== "query") continue;
    const schema = (p.schema ?? {}) as JsonObject;
    parameters.push({
      name: String(p.name),
      in: p.in,
      required: p.required === true,
      schema,
      validate: compile(doc, ajv, schema),
    });
  }

  const requestBody = operation.requestBody ? resolve(doc, operation.requestBody as JsonObject) : undefined;
  const requestSchema = (requestBody?.content as JsonObject | undefined)?.["application/json"] as JsonObject | undefined;
  const validateBody = requestSchema?.schema ? compile(doc, ajv, requestSchema.schema) : undefined;

  const responseValidators = new Map<number, ValidateFunction | null>();
  const responseValidator = (status: number): ValidateFunction | null => {
    if (responseValidators.has(status)) return responseValidators.get(status) ?? null;
    const responses = (operation.responses ?? {}) as JsonObject;
    const raw = responses[String(status)] as JsonObject | undefined;
    const response = raw ? resolve(doc, raw) : undefined;
    const media = (response?.content as JsonObject | undefined)?.["application/json"] as JsonObject | undefined;
    const compiled = media?.schema ? compile(doc, ajv, media.schema) : null;
    responseValidators.set(status, compiled);
    return compiled;
  };

  const validator: OperationValidator = {
    operationId,
    checkRequest({ pathParams, query, body }) {
      const problems: string[] = [];
      for (const p of parameters) {
        const raw = p.in === "path" ? pathParams[p.name] : (query.get(p.name) ?? undefined);
        if (raw === undefined) {
          if (p.required) problems.push(`${p.in} parameter "${p.name}" is required`);
          continue;
        }
        if (!p.validate(coerce(raw, p.schema))) {
          problems.push(...describe(p.validate.errors, `${p.in} parameter "${p.name}"`).map((m) => `${m}, got ${JSON.stringify(raw)}`));
        }
      }
      if (body === undefined) {
        if (requestBody?.required === true) problems.push("request body is required");
      } else if (!validateBody) {
        // GitHub ignores bodies on operations that take none (octokit sends none there anyway).
      } else if (!validateBody(body)) {
        problems.push(...describe(validateBody.errors, "request body"));
      }
      return problems;
    },
    checkResponse(status, body) {
      const validate = responseValidator(status);
      if (!validate || validate(body)) return [];
      return describe(validate.errors, `response ${status} body`);
    },
    prepare() {
      for (const status of Object.keys((operation.responses ?? {}) as JsonObject)) {
        if (/^\d{3}$/.test(status)) responseValidator(Number(status));
      }
    },
  };
  operations.set(key, validator);
  return validator;
}
