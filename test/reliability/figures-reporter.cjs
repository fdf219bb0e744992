// Jest reporter for `npm run test:reliability`: prints the figures the reliability tests
// recorded (test/reliability/figures.ts) as one table after the run.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROWS = [
  ["secrets in corpus", "secretsInCorpus"],
  ["secret × output searches", "secretsChecked"],
  ["secrets leaked", "secretsLeaked"],
  ["secrets cut short by the app (limit)", "cutSecrets"],
  ["  of which the head survives redaction", "cutSecretHeadsLeft"],
  ["inputs fuzzed", "inputsFuzzed"],
  ["crashes", "crashes"],
  ["faults injected", "faultsInjected"],
  ["duplicate issues or comments", "duplicates"],
  ["lost entries", "lostEntries"],
];

class FiguresReporter {
  constructor() {
    // One file per run, named before any worker starts: workers inherit the variable, and
    // test runs without this reporter record nothing.
    this.file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lg-reliability-")), "figures.jsonl");
    process.env.LOG_GARDENER_RELIABILITY_FIGURES = this.file;
  }

  onRunComplete(_contexts, results) {
    let lines;
    try {
      lines = fs
        .readFileSync(this.file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    } catch {
      lines = [];
    }
    const totals = {};
    const bySection = new Map();
    for (const { section, figures } of lines) {
      const s = bySection.get(section) ?? {};
      for (const [k, v] of Object.entries(figures)) {
        totals[k] = (totals[k] ?? 0) + v;
        s[k] = (s[k] ?? 0) + v;
      }
      bySection.set(section, s);
    }
    const width = Math.max(...ROWS.map(([label]) => label.length));
    const out = ["", "Reliability figures", "-".repeat(width + 12)];
    for (const [label, key] of ROWS) {
      const value = totals[key] === undefined ? "not measured" : totals[key].toLocaleString("en-US");
      out.push(`${label.padEnd(width)}  ${value.padStart(10)}`);
    }
    out.push("-".repeat(width + 12));
    for (const [section, figures] of [...bySection.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
      out.push(
        `  ${section}: ${Object.entries(figures)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")}`,
      );
    }
    out.push(`tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed`, "");
    process.stdout.write(out.join("\n") + "\n");
    fs.rmSync(path.dirname(this.file), { recursive: true, force: true });
  }
}

module.exports = FiguresReporter;
