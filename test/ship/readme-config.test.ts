// The configuration table in docs/configuration.md is generated from SETTINGS
// (scripts/config-table.ts). This fails when someone adds or changes a setting and the doc still
// shows the old table.
import { readFileSync } from "node:fs";
import path from "node:path";
import { SETTINGS, type SettingSpec } from "../../src/config";
import { CONFIG_DOC, readConfigTable, renderConfigTable, replaceConfigTable, TABLE_END, TABLE_START } from "../../scripts/config-table";
import { REPO_ROOT } from "./infra";

const doc = readFileSync(path.join(REPO_ROOT, CONFIG_DOC), "utf8");
const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
const specs: SettingSpec[] = Object.values(SETTINGS);

describe("docs/configuration.md configuration table", () => {
  it("is the one generated from SETTINGS (run `npm run docs:config -- --write` after changing a setting)", () => {
    expect(readConfigTable(doc)).toBe(renderConfigTable(specs));
  });

  it("sits under the page's # Configuration heading, before any other section", () => {
    expect(doc.startsWith("# Configuration\n")).toBe(true);
    const start = doc.indexOf(TABLE_START);
    const next = doc.indexOf("\n## ");
    expect(start).toBeGreaterThan(0);
    expect(next < 0 || start < next).toBe(true);
  });

  it("is the only copy: README.md links to it and holds no table of its own", () => {
    expect(readme).not.toContain(TABLE_START);
    expect(readme).not.toContain("| `LOG_GARDENER_");
    expect(readme).toContain(`](${CONFIG_DOC})`);
  });
});

describe("renderConfigTable", () => {
  const table = renderConfigTable([
    { env: "A_VAR", flag: "a-var", default: "1h", description: "Plain | with a pipe." },
    { env: "A_KEY", description: "Key.", secret: true },
    { env: "A_TASK", description: "Task.", platform: true },
    { env: "A_NEED", flag: "need", description: "Needed.", requiredInProduction: true },
  ]);

  it("gives each setting a row with its variable, flag, default and meaning", () => {
    expect(table.split("\n")).toEqual([
      "| Environment variable | Flag | Default | Meaning |",
      "| --- | --- | --- | --- |",
      "| `A_VAR` | `--a-var` | `1h` | Plain \\| with a pipe. |",
      "| `A_KEY` |  |  | Key. *Secret: never echoed; on Cloud Run it comes from Secret Manager, never a plain variable.* |",
      "| `A_TASK` |  |  | Task. *Set by the platform; infra/ leaves it alone.* |",
      "| `A_NEED` | `--need` |  | Needed. *Required on Cloud Run; infra/ sets it.* |",
    ]);
  });

  it("round-trips through the markers", () => {
    const doc = `# X\n\n${TABLE_START}\nold\n${TABLE_END}\n\nafter\n`;
    const written = replaceConfigTable(doc, table);
    expect(readConfigTable(written)).toBe(table);
    expect(written.endsWith(`${TABLE_END}\n\nafter\n`)).toBe(true);
    expect(() => replaceConfigTable("# no markers\n", table)).toThrow(/markers/);
  });
});
