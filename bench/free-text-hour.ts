/**
 * Writes one hour of a service that logs free text: `count` WARNING entries whose messages
 * are random words (3 to 12 of them from a 5,000-word made-up vocabulary), so no two share a
 * template. Deterministic (seeded). For measuring the run's memory on such input:
 *
 *   node dist/bench/free-text-hour.js OUT.jsonl [count] [hour start, ISO]
 *   /usr/bin/time -v node dist/src/cli.js run --input OUT.jsonl --window-end END --out DIR --dry-run
 */
import { createWriteStream } from "node:fs";
import { rng as seeded } from "./seeded-random";

function main(): void {
  const [out, countText, startText] = process.argv.slice(2);
  if (!out) {
    process.stderr.write("usage: free-text-hour OUT.jsonl [count] [hour start, ISO]\n");
    process.exitCode = 2;
    return;
  }
  const count = Number(countText ?? 40_000);
  const start = Date.parse(startText ?? "2026-06-01T10:00:00Z");
  const rng = seeded(7);
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const vocabulary = Array.from({ length: 5000 }, () => {
    let w = "";
    const n = 3 + Math.floor(rng() * 8);
    for (let i = 0; i < n; i++) w += letters[Math.floor(rng() * 26)];
    return w;
  });
  const file = createWriteStream(out);
  for (let i = 0; i < count; i++) {
    const words = 3 + Math.floor(rng() * 10);
    const message = Array.from({ length: words }, () => vocabulary[Math.floor(rng() * vocabulary.length)]).join(" ");
    const at = new Date(start + Math.floor((i / count) * 3_600_000)).toISOString();
    const entry = {
      insertId: `ft${i.toString(36)}`,
      logName: "projects/demo-shop/logs/run.googleapis.com%2Fstdout",
      timestamp: at,
      severity: "WARNING",
      resource: {
        type: "cloud_run_revision",
        labels: { project_id: "demo-shop", service_name: "chatty", revision_name: "chatty-00001-abc", location: "us-central1" },
      },
      jsonPayload: { message },
    };
    file.write(JSON.stringify(entry) + "\n");
  }
  file.end();
}

main();
