/**
 * The configuration table of docs/configuration.md, generated from SETTINGS in src/config.ts so
 * the two never drift apart:
 *
 *   npm run docs:config              print the table
 *   npm run docs:config -- --write   replace the table in docs/configuration.md, between the markers
 *
 * test/ship/readme-config.test.ts fails when docs/configuration.md holds a stale table.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SETTINGS, type SettingSpec } from "../src/config";

export const TABLE_START = "<!-- config-table:start (generated from SETTINGS in src/config.ts: npm run docs:config -- --write) -->";
export const TABLE_END = "<!-- config-table:end -->";

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}

function code(text: string): string {
  return `\`${text}\``;
}

function notes(spec: SettingSpec): string[] {
  const out: string[] = [];
  if (spec.requiredInProduction) out.push("Required on Cloud Run; infra/ sets it.");
  if (spec.secret) out.push("Secret: never echoed; on Cloud Run it comes from Secret Manager, never a plain variable.");
  if (spec.platform) out.push("Set by the platform; infra/ leaves it alone.");
  return out;
}

/** The markdown table: one row per setting, in SETTINGS order. */
export function renderConfigTable(settings: readonly SettingSpec[]): string {
  const rows = settings.map((spec) => {
    const flag = spec.flag ? code(`--${spec.flag}`) : "";
    const dflt = spec.default !== undefined && spec.default !== "" ? code(spec.default) : "";
    const meaning = [spec.description, ...notes(spec).map((n) => `*${n}*`)].join(" ");
    return `| ${code(spec.env)} | ${flag} | ${dflt} | ${cell(meaning)} |`;
  });
  return ["| Environment variable | Flag | Default | Meaning |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

/** The file, relative to the package root, that holds the generated table. */
export const CONFIG_DOC = "docs/configuration.md";

/** The table between the markers, or undefined when the markers are missing. */
export function readConfigTable(doc: string): string | undefined {
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  if (start < 0 || end < start) return undefined;
  return doc.slice(start + TABLE_START.length, end).trim();
}

/** The document's text with the table between the markers replaced. */
export function replaceConfigTable(doc: string, table: string): string {
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`${CONFIG_DOC} has no ${TABLE_START} … ${TABLE_END} markers`);
  return `${doc.slice(0, start + TABLE_START.length)}\n${table}\n${doc.slice(end)}`;
}

function main(argv: readonly string[]): void {
  const table = renderConfigTable(Object.values(SETTINGS));
  if (!argv.includes("--write")) {
    process.stdout.write(`${table}\n`);
    return;
  }
  const docPath = path.resolve(CONFIG_DOC); // npm scripts run in the package root
  writeFileSync(docPath, replaceConfigTable(readFileSync(docPath, "utf8"), table));
  process.stdout.write(`${CONFIG_DOC}: configuration table written (${Object.keys(SETTINGS).length} settings)\n`);
}

if (require.main === module) main(process.argv.slice(2));
