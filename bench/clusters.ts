/**
 * `npm run bench:clusters`: one problem, one cluster, hour after hour.
 *
 * A labelled day of Cloud Run logs (bench/cloud-run-day.ts, seeded) goes through the job's
 * own stages, hour by hour like 24 hourly runs: normalize (with the default redactor) → one
 * ServiceClusterer per service over a template miner restored from the previous hour's saved
 * state (JSON, as the job keeps it in the bucket) → clusters → the state saved again.
 *
 * Printed: per (problem, hour), whether exactly one cluster holds the problem's entries with
 * exactly the true count ("exact"); the share of exact pairs; clusters beyond the true number
 * as a share of it; how many fingerprints each problem went by over the day (a fingerprint that
 * a later cluster lists in mergedFrom counts as the same one); then the Loghub GA/FGA per
 * system and their average.
 *
 * `--write DIR` also writes the day (one JSON-lines export per hour) and its ground truth.
 * `--data DIR` or LOGHUB_DIR: where the Loghub sets are.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generateDay } from "./cloud-run-day";
import { loghubDir, loghubSystems, readSystem, scoreSystem } from "./loghub";
import { DEFAULT_CLUSTER_OPTIONS, ServiceClusterer } from "../src/core/cluster/cluster";
import { TemplateMiner } from "../src/core/cluster/miner/template-miner";
import { DEFAULT_MAX_MESSAGE_BYTES, normalizeEntry } from "../src/core/ingest/normalize";
import { buildRedactor } from "../src/core/redact/redact";

const TARGET = { exact: 0.99, extra: 0.02, ga: 0.95, minGa: 0.8 };

function main(): void {
  const argv = process.argv.slice(2);
  const cpu0 = process.cpuUsage();
  const day = generateDay();
  const write = argv.indexOf("--write");
  if (write >= 0 && argv[write + 1]) writeDay(argv[write + 1]!, day);

  const redact = buildRedactor();
  const states = new Map<string, string>();
  const services = [...new Set(day.problems.map((p) => p.service))].sort();
  const problems = day.problems.map((p) => p.id);
  /** problem → hour → "exact" or what went wrong */
  const verdicts = new Map<string, string[]>(problems.map((p) => [p, []]));
  let pairs = 0;
  let exact = 0;
  let trueClusters = 0;
  let foundClusters = 0;
  let skipped = 0;
  /** problem → fingerprints it went by, each mapped to the one that absorbed it */
  const fingerprints = new Map<string, Set<string>>(problems.map((p) => [p, new Set()]));
  const absorbedBy = new Map<string, string>();

  for (const [h, hour] of day.hours.entries()) {
    const window = { start: hour.start, end: hour.start + 3_600_000 };
    const labelOf = new Map<string, string[]>(); // final fingerprint's entries' labels
    for (const service of services) {
      const saved = states.get(service);
      const { miner, warning } = saved ? TemplateMiner.fromState(JSON.parse(saved)) : { miner: new TemplateMiner(), warning: undefined };
      if (warning) throw new Error(`${service}: ${warning}`);
      const clusterer = new ServiceClusterer(service, miner, { ...DEFAULT_CLUSTER_OPTIONS, window });
      const joined: { fp: string; label: string }[] = [];
      hour.entries.forEach((raw, i) => {
        if ((raw.resource as { labels: { service_name: string } }).labels.service_name !== service) return;
        const r = normalizeEntry(raw, { maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES, redact });
        if (!r.ok) {
          skipped++;
          return;
        }
        joined.push({ fp: clusterer.add(r.entry), label: hour.labels[i]! });
      });
      const clusters = clusterer.clusters();
      const final = new Map<string, string>();
      for (const c of clusters) {
        final.set(c.fingerprint, c.fingerprint);
        for (const old of c.mergedFrom ?? []) {
          final.set(old, c.fingerprint);
          absorbedBy.set(old, c.fingerprint);
        }
      }
      for (const j of joined) {
        const fp = final.get(j.fp) ?? j.fp;
        const list = labelOf.get(fp);
        if (list) list.push(j.label);
        else labelOf.set(fp, [j.label]);
      }
      foundClusters += clusters.length;
      states.set(service, JSON.stringify(miner.toState()));
    }
    // Per problem this hour: the clusters holding its entries.
    const truth = new Map<string, number>();
    for (const l of hour.labels) truth.set(l, (truth.get(l) ?? 0) + 1);
    const holders = new Map<string, Map<string, number>>();
    for (const [fp, labels] of labelOf) {
      for (const l of labels) {
        let m = holders.get(l);
        if (!m) holders.set(l, (m = new Map()));
        m.set(fp, (m.get(fp) ?? 0) + 1);
      }
    }
    for (const p of problems) {
      const n = truth.get(p);
      if (n === undefined) {
        verdicts.get(p)!.push(" ");
        continue;
      }
      pairs++;
      trueClusters++;
      const held = holders.get(p)!;
      for (const fp of held.keys()) fingerprints.get(p)!.add(fp);
      const [only] = [...held.keys()];
      const ok = held.size === 1 && labelOf.get(only!)!.length === n;
      if (ok) exact++;
      verdicts.get(p)!.push(ok ? "." : held.size > 1 ? String(Math.min(9, held.size)) : "m");
    }
    void h;
  }

  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const entries = day.hours.reduce((n, h) => n + h.entries.length, 0);
  process.stdout.write(
    `Labelled Cloud Run day (bench/cloud-run-day.ts): ${entries.toLocaleString("en-US")} entries, ${problems.length} problems, ${services.length} services, ${day.hours.length} hourly runs\n`,
  );
  process.stdout.write(
    `per (problem, hour): . exact, 2-9 split into that many clusters, m mixed with another problem, blank: not that hour\n\n`,
  );
  const width = Math.max(...problems.map((p) => p.length));
  process.stdout.write(`${"problem".padEnd(width)}  ${day.hours.map((_, h) => String(h % 10)).join("")}  fingerprints\n`);
  const root = (fp: string): string => {
    let f = fp;
    for (let k = 0; k < 100 && absorbedBy.has(f); k++) f = absorbedBy.get(f)!;
    return f;
  };
  let stable = 0;
  for (const p of problems) {
    const fps = new Set([...fingerprints.get(p)!].map(root));
    if (fps.size === 1) stable++;
    process.stdout.write(`${p.padEnd(width)}  ${verdicts.get(p)!.join("")}  ${fps.size}\n`);
  }
  const extra = Math.max(0, foundClusters - trueClusters) / trueClusters;
  const check = (ok: boolean): string => (ok ? "met" : "MISSED");
  process.stdout.write(
    `\nexact (problem, hour) pairs: ${exact}/${pairs} = ${pct(exact / pairs)} (target ≥ ${pct(TARGET.exact)} ${check(exact / pairs >= TARGET.exact)}); ` +
      `clusters ${foundClusters} for ${trueClusters} true: extra ${pct(extra)} (target ≤ ${pct(TARGET.extra)} ${check(extra <= TARGET.extra)})\n`,
  );
  process.stdout.write(
    `problems with one fingerprint all day (merges followed): ${stable}/${problems.length}; entries skipped by normalize: ${skipped}\n\n`,
  );

  const dir = loghubDir(argv);
  if (!existsSync(dir)) {
    process.stdout.write(`Loghub: no data at ${dir} (set LOGHUB_DIR or pass --data DIR)\n`);
  } else {
    const systems = loghubSystems(dir);
    process.stdout.write(`Loghub-2k (${dir})\n${"system".padEnd(11)} ${"GA".padStart(6)} ${"FGA".padStart(6)}\n`);
    let ga = 0;
    let fga = 0;
    let minGa = 1;
    for (const name of systems) {
      const { scores } = scoreSystem(readSystem(dir, name));
      ga += scores.ga;
      fga += scores.fga;
      minGa = Math.min(minGa, scores.ga);
      process.stdout.write(`${name.padEnd(11)} ${scores.ga.toFixed(3).padStart(6)} ${scores.fga.toFixed(3).padStart(6)}\n`);
    }
    const n = systems.length;
    process.stdout.write(
      `${"average".padEnd(11)} ${(ga / n).toFixed(3).padStart(6)} ${(fga / n).toFixed(3).padStart(6)}  ` +
        `(GA ≥ ${TARGET.ga} ${check(ga / n >= TARGET.ga)}, every GA ≥ ${TARGET.minGa} ${check(minGa >= TARGET.minGa)})\n`,
    );
  }
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(`\nCPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s\n`);
}

function writeDay(dir: string, day: ReturnType<typeof generateDay>): void {
  mkdirSync(dir, { recursive: true });
  day.hours.forEach((hour, h) => {
    const name = `hour-${String(h).padStart(2, "0")}`;
    writeFileSync(path.join(dir, `${name}.jsonl`), hour.entries.map((e) => JSON.stringify(e)).join("\n") + "\n");
    writeFileSync(
      path.join(dir, `${name}.truth.jsonl`),
      hour.labels.map((l, i) => JSON.stringify({ insertId: hour.entries[i]!.insertId, problem: l })).join("\n") + "\n",
    );
  });
  writeFileSync(path.join(dir, "problems.json"), JSON.stringify(day.problems, null, 2) + "\n");
}

main();
