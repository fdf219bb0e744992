// Generates an hour of free-text logs with no template in common: what a service that logs
// prose gives. Each message is 2 to 9 random words from a few thousand made-up ones, some
// severities ERROR and CRITICAL. Deterministic.
//   node samples/generate-free-text.cjs OUT.json [COUNT=40000]
"use strict";
const fs = require("node:fs");

let seed = 40000;
/** mulberry32: a full-period generator, so no message repeats by accident. */
function rand() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const SYLLABLES = [
  "ka",
  "lo",
  "mi",
  "ren",
  "tus",
  "qua",
  "bel",
  "dor",
  "fi",
  "gan",
  "hol",
  "ve",
  "zor",
  "pla",
  "stin",
  "ur",
  "ex",
  "mon",
  "tri",
  "sa",
];
const WORDS = Array.from({ length: 4000 }, () => {
  const n = 2 + Math.floor(rand() * 3);
  return Array.from({ length: n }, () => SYLLABLES[Math.floor(rand() * SYLLABLES.length)]).join("");
});
const word = () => WORDS[Math.floor(rand() * WORDS.length)];
const START = Date.parse("2025-09-15T01:00:00Z");
const [out, countText] = process.argv.slice(2);
if (!out) {
  process.stderr.write("usage: node samples/generate-free-text.cjs OUT.json [COUNT]\n");
  process.exit(2);
}
const count = Number(countText ?? 40000);
const fd = fs.openSync(out, "w");
fs.writeSync(fd, "[\n");
for (let i = 0; i < count; i++) {
  const r = rand();
  const severity = r < 0.02 ? "CRITICAL" : r < 0.3 ? "ERROR" : "WARNING";
  const message = Array.from({ length: 2 + Math.floor(rand() * 8) }, word).join(" ");
  const ts = START + Math.floor((i / count) * 3_600_000);
  const entry = {
    insertId: `ft${String(i).padStart(8, "0")}`,
    logName: "projects/free-text-demo/logs/run.googleapis.com%2Fstderr",
    resource: {
      type: "cloud_run_revision",
      labels: {
        service_name: "prose-api",
        revision_name: "prose-api-00001-abc",
        location: "us-central1",
        project_id: "free-text-demo",
        configuration_name: "prose-api",
      },
    },
    labels: { instanceId: "00a1b2c3" },
    severity,
    timestamp: new Date(ts).toISOString(),
    textPayload: message,
  };
  fs.writeSync(fd, `${JSON.stringify(entry)}${i + 1 < count ? "," : ""}\n`);
}
fs.writeSync(fd, "]\n");
fs.closeSync(fd);
process.stdout.write(`${out}: ${count} entries\n`);
