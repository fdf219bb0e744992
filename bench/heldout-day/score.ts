/**
 * `npm run bench:heldout`: the held-out Cloud Run day (bench/heldout-day/day.ts) through the
 * real CLI, one run per hour as the hourly job does, measured only through the public interface:
 * the `run` command and its flags, the sidecar JSON files in the local store, and the dry-run
 * GitHub plan printed on stdout.
 *
 * Each hour: `node CLI run --input hour-HH.jsonl --window 1h --window-end … --out STORE
 * --dry-run --max-new-issues 1000`, the same STORE every hour (so the miner state carries across
 * hours in `_state/`, as in the bucket). Then every cluster of every sidecar of that hour is
 * mapped to a problem by the insertIds of its samples (the day's ground-truth marker; insertId is
 * only a de-duplication key, so it cannot steer clustering).
 *
 * Printed: per (problem, hour) whether exactly one cluster holds exactly the true count; the
 * share of pairs exact; clusters beyond one per (problem, hour) as a share of the true pairs; and
 * the issues the 24 dry runs plan to open per problem. A dry run lists no existing issues, so
 * every run plans every cluster as new: an issue counts once per distinct fingerprint, the one
 * a real pass would open the first time and match by fingerprint after (re-matching by title
 * similarity is not exercised, so this is the fingerprint-stable count). The new-issue cap is
 * lifted so that it does not hide a fingerprint.
 *
 * With --github-stand-in the runs publish for real, to the GitHub stand-in of test/peers (a
 * loopback server that checks every request against GitHub's OpenAPI description) instead of a
 * dry run: issues are then counted by the issue numbers the sidecars record per cluster, and the
 * ones still open after the 24th run are counted too (a merge closes a duplicate).
 *
 * Flags: --cli PATH (the build to measure; default this checkout's dist/src/cli.js),
 * --keep DIR (write the day and the store there and keep them), --seed N, --github-stand-in,
 * --day first|second|third|fourth|fifth|sixth|seventh|eighth|ninth (which held-out day: day.ts, 2026-11-30, the default; second-day.ts,
 * 2026-11-29, written later by someone who had not read the miner; third-day.ts, 2026-11-28,
 * written by someone who had read neither the clustering code nor the other two days' problems;
 * fourth-day.ts, 2026-11-27, written the same way without the other three days' problems; or
 * fifth-day.ts, 2026-11-26, written the same way without the other four days' problems, from the
 * most common logging setups of each stack; sixth-day.ts, 2026-11-25, and seventh-day.ts,
 * 2026-11-24, written the same way without the other days' problems, for stacks the others lack:
 * lograge, Rust's tracing, Laravel's Monolog and pino; structlog, .NET's JSON console, zap and
 * Elixir's logger_json; eighth-day.ts, 2026-11-23, the same way: Ktor with logback, winston,
 * logrus, a Celery worker; or ninth-day.ts, 2026-11-22, the same way: Quarkus, Flask with
 * python-json-logger, zerolog, bunyan).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import * as firstDay from "./day";
import * as secondDay from "./second-day";
import * as thirdDay from "./third-day";
import * as fourthDay from "./fourth-day";
import * as fifthDay from "./fifth-day";
import * as sixthDay from "./sixth-day";
import * as seventhDay from "./seventh-day";
import * as eighthDay from "./eighth-day";
import * as ninthDay from "./ninth-day";
import { startGitHubStandIn, type GitHubStandIn } from "../../test/peers/github-stand-in";

interface ClusterView {
  readonly fingerprint: string;
  readonly issueNumber: number | undefined;
  readonly count: number;
  readonly template: string;
  readonly problem: string | undefined;
  readonly mixed: boolean;
}

function flag(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

const HOUR = 3_600_000;
const pad = (n: number): string => String(n).padStart(2, "0");

/** What the scorer needs of a held-out day module (day.ts, second-day.ts, … ninth-day.ts). */
interface HeldOutDay {
  readonly DAY: string;
  readonly DAY_START: number;
  readonly SERVICE_NAMES: readonly string[];
  readonly problemOfInsertId: (insertId: unknown) => string | undefined;
  /** Builds the day (default seed when undefined) and writes it to `dir`. */
  readonly write: (seed: number | undefined, dir: string) => ScoredDay;
}
type ScoredDay = Pick<firstDay.Day, "counts"> & { problems: readonly { id: string; service: string; about: string }[] };

/** A day module as the scorer uses it: each module's buildDay and writeDay take its own Day type. */
function heldOut<D extends ScoredDay>(m: {
  DAY: string;
  DAY_START: number;
  SERVICE_NAMES: readonly string[];
  problemOfInsertId: (insertId: unknown) => string | undefined;
  buildDay: (seed?: number) => D;
  writeDay: (day: D, dir: string) => void;
}): HeldOutDay {
  return {
    DAY: m.DAY,
    DAY_START: m.DAY_START,
    SERVICE_NAMES: m.SERVICE_NAMES,
    problemOfInsertId: m.problemOfInsertId,
    write: (seed, dir) => {
      const day = m.buildDay(seed);
      m.writeDay(day, dir);
      return day;
    },
  };
}
const DAYS: Readonly<Record<string, HeldOutDay>> = {
  first: heldOut(firstDay),
  second: heldOut(secondDay),
  third: heldOut(thirdDay),
  fourth: heldOut(fourthDay),
  fifth: heldOut(fifthDay),
  sixth: heldOut(sixthDay),
  seventh: heldOut(seventhDay),
  eighth: heldOut(eighthDay),
  ninth: heldOut(ninthDay),
};

function readClusters(held: HeldOutDay, store: string, service: string, hour: number): ClusterView[] | undefined {
  const file = path.join(store, service, ...held.DAY.split("-"), `${pad(hour)}00Z.json`);
  if (!existsSync(file)) return undefined;
  const sidecar = JSON.parse(readFileSync(file, "utf8")) as {
    clusters: { fingerprint: string; count: number; template: string; samples: unknown[]; issue?: { number?: number } }[];
  };
  return sidecar.clusters.map((c) => {
    const votes = new Map<string, number>();
    for (const s of c.samples) {
      const p = held.problemOfInsertId((s as { insertId?: unknown } | null)?.insertId);
      if (p) votes.set(p, (votes.get(p) ?? 0) + 1);
    }
    const ranked = [...votes.entries()].sort((a, b) => b[1] - a[1]);
    return {
      fingerprint: c.fingerprint,
      issueNumber: c.issue?.number,
      count: c.count,
      template: c.template,
      problem: ranked[0]?.[0],
      mixed: ranked.length > 1,
    };
  });
}

interface RunResult {
  readonly status: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI as a child process; asynchronous, so a stand-in in this process keeps answering. */
function runCli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (status, signal) =>
      resolve({ status, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }),
    );
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const cli = path.resolve(flag(argv, "--cli") ?? path.join(__dirname, "..", "..", "src", "cli.js"));
  const keep = flag(argv, "--keep");
  const seed = flag(argv, "--seed");
  const dayName = flag(argv, "--day") ?? "first";
  const held = DAYS[dayName];
  if (!held) throw new Error(`--day wants one of ${Object.keys(DAYS).join(", ")}, not ${JSON.stringify(dayName)}`);
  const { DAY, DAY_START, SERVICE_NAMES } = held;
  const useStandIn = argv.includes("--github-stand-in");
  let standIn: GitHubStandIn | undefined;
  if (useStandIn) standIn = await startGitHubStandIn({ log: (line) => process.stderr.write(`github stand-in: ${line}\n`) });
  const work = keep ? path.resolve(keep) : mkdtempSync(path.join(os.tmpdir(), "heldout-day-"));
  const dayDir = path.join(work, "day");
  const store = path.join(work, "store");
  rmSync(store, { recursive: true, force: true });

  const day = held.write(seed !== undefined ? Number(seed) : undefined, dayDir);
  const ids = day.problems.map((p) => p.id);
  const entries = Object.values(day.counts).reduce((a, xs) => a + xs.reduce((s, n) => s + n, 0), 0);
  process.stdout.write(`held-out day ${DAY}: ${day.problems.length} problems, ${SERVICE_NAMES.length} services, ${entries} entries\n`);
  process.stdout.write(`measuring ${cli}; GitHub: ${standIn ? `the stand-in at ${standIn.url}, publishing` : "dry run"}\n\n`);
  const github = standIn
    ? [
        "--github-app-id",
        String(standIn.appId),
        "--github-private-key-file",
        standIn.privateKeyFile,
        "--github-repo",
        `${standIn.owner}/${standIn.repo}`,
        "--github-api-url",
        standIn.url,
        "--github-installation-id",
        String(standIn.installationId),
      ]
    : ["--dry-run"];
  // Related-issue search is GitHub's search API, rate limited to 30 a minute; it links issues, it opens none.
  const env = { ...process.env, LOG_GARDENER_RELATED_SEARCH: "false" };

  // clusters[hour] = every cluster of every service in that hour's sidecars
  const clusters: ClusterView[][] = [];
  const opened = new Map<string, Set<string>>(); // problem → fingerprints planned "open"
  const published = new Map<string, Set<number>>(); // problem → issue numbers its clusters were published to (stand-in)
  const openedUnmapped = new Set<string>();
  const fingerprintProblem = new Map<string, string | undefined>();
  const runProblems: string[] = [];
  let digests = 0;
  let runSeconds = 0;
  const started = performance.now();
  for (let h = 0; h < 24; h++) {
    const windowEnd = new Date(DAY_START + (h + 1) * HOUR).toISOString();
    const t0 = performance.now();
    const run = await runCli(
      [
        cli,
        "run",
        "--input",
        path.join(dayDir, `hour-${pad(h)}.jsonl`),
        "--window",
        "1h",
        "--window-end",
        windowEnd,
        "--out",
        store,
        ...github,
        "--max-new-issues",
        "1000",
        "--log-level",
        "warn",
      ],
      env,
    );
    runSeconds += (performance.now() - t0) / 1000;
    if (run.status !== 0)
      runProblems.push(`hour ${pad(h)}: exit ${run.status ?? run.signal}: ${run.stderr.trim().split("\n").slice(-3).join(" | ")}`);
    const hourClusters: ClusterView[] = [];
    for (const service of SERVICE_NAMES) {
      const cs = readClusters(held, store, service, h);
      if (!cs) {
        runProblems.push(`hour ${pad(h)}: no sidecar for ${service}`);
        continue;
      }
      hourClusters.push(...cs);
      for (const c of cs) {
        if (!fingerprintProblem.has(c.fingerprint)) fingerprintProblem.set(c.fingerprint, c.problem);
        if (standIn && c.issueNumber !== undefined) {
          const key = c.problem ?? "?";
          if (!published.has(key)) published.set(key, new Set());
          published.get(key)!.add(c.issueNumber);
        }
      }
    }
    clusters.push(hourClusters);
    for (const line of run.stdout.split("\n")) {
      if (!line.startsWith("{")) continue;
      let action: { dryRun?: boolean; action?: string; fingerprint?: string };
      try {
        action = JSON.parse(line) as typeof action;
      } catch {
        continue;
      }
      if (action.dryRun !== true) continue;
      if (action.action === "digest") digests++;
      if ((action.action !== "open" && action.action !== "open-successor") || !action.fingerprint) continue;
      const p = fingerprintProblem.get(action.fingerprint);
      if (p === undefined) openedUnmapped.add(action.fingerprint);
      else {
        if (!opened.has(p)) opened.set(p, new Set());
        opened.get(p)!.add(action.fingerprint);
      }
    }
  }
  const wall = (performance.now() - started) / 1000;

  // Per (problem, hour)
  const issuesOf = (id: string): number => (standIn ? (published.get(id)?.size ?? 0) : (opened.get(id)?.size ?? 0));
  let pairs = 0;
  let exact = 0;
  let totalClusters = 0;
  let unmapped = 0;
  let mixed = 0;
  let strayClusters = 0; // mapped to a problem with no entries that hour (cannot happen unless marker is wrong)
  const rows: string[] = [];
  const notes: string[] = [];
  const legend = "= exact, c one cluster with the wrong count, S split over several clusters, - missing, . no entries";
  for (const p of day.problems) {
    let strip = "";
    let pe = 0;
    let pp = 0;
    const templates = new Map<string, number>();
    for (let h = 0; h < 24; h++) {
      const truth = day.counts[p.id]![h]!;
      const mine = clusters[h]!.filter((c) => c.problem === p.id);
      if (truth === 0) {
        strip += ".";
        strayClusters += mine.length;
        continue;
      }
      pp++;
      for (const c of mine) templates.set(c.template, (templates.get(c.template) ?? 0) + 1);
      if (mine.length === 1 && mine[0]!.count === truth) {
        pe++;
        strip += "=";
      } else strip += mine.length === 0 ? "-" : mine.length === 1 ? "c" : "S";
    }
    pairs += pp;
    exact += pe;
    const issues = issuesOf(p.id);
    rows.push(`${p.id}  ${p.service.padEnd(15)} ${strip}  ${String(pe).padStart(2)}/${String(pp).padEnd(2)}  issues ${issues}`);
    if (pe < pp) {
      const top = [...templates.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4);
      notes.push(
        `${p.id} (${p.about}): ${templates.size} distinct templates, e.g.\n${top.map(([t, n]) => `      ${n}h  ${JSON.stringify(t.length > 150 ? `${t.slice(0, 150)}…` : t)}`).join("\n")}`,
      );
    }
  }
  for (const hc of clusters) {
    totalClusters += hc.length;
    unmapped += hc.filter((c) => c.problem === undefined).length;
    mixed += hc.filter((c) => c.mixed).length;
  }
  const extra = totalClusters - pairs;
  const issueCounts = ids.map(issuesOf);
  const exactlyOne = issueCounts.filter((n) => n === 1).length;
  const totalIssues = issueCounts.reduce((a, n) => a + n, 0) + (standIn ? 0 : openedUnmapped.size);

  process.stdout.write(`per (problem, hour): ${legend}\n`);
  process.stdout.write(`                     hour 0         12          23\n`);
  for (const r of rows) process.stdout.write(`${r}\n`);
  process.stdout.write("\n");
  const pct = (n: number, d: number): string => `${d === 0 ? "0.0" : ((100 * n) / d).toFixed(1)}%`;
  process.stdout.write(`(problem, hour) pairs exact:   ${exact}/${pairs} = ${pct(exact, pairs)}   (target >= 98%)\n`);
  process.stdout.write(`clusters: ${totalClusters} for ${pairs} true pairs; extra ${extra} = ${pct(extra, pairs)} of true\n`);
  process.stdout.write(
    `clusters with no marker in their samples: ${unmapped}; with samples of two problems: ${mixed}; in an hour their problem had no entries: ${strayClusters}\n`,
  );
  if (standIn) {
    const issues = standIn.state.issues;
    const open = (id: string): number =>
      [...(published.get(id) ?? [])].filter((n) => issues.find((i) => i.number === n)?.state === "open").length;
    const openCounts = ids.map(open);
    process.stdout.write(
      `GitHub pass (stand-in) over 24 runs: ${issues.length} issues in the repository, ${issueCounts.reduce((a, n) => a + n, 0)} of them published for ${ids.length} problems; exactly one for ${exactlyOne}/${ids.length}` +
        `; more than one for ${issueCounts.filter((n) => n > 1).length}; none for ${issueCounts.filter((n) => n === 0).length}` +
        `; open after the last run: exactly one for ${openCounts.filter((n) => n === 1).length}/${ids.length}, ${openCounts.reduce((a, n) => a + n, 0)} open in all` +
        `; comments ${standIn.state.comments.length}; OpenAPI violations ${standIn.state.violations.length}   (target: exactly one each)\n`,
    );
  } else
    process.stdout.write(
      `dry-run GitHub pass over 24 runs: ${totalIssues} issues opened for ${ids.length} problems; exactly one for ${exactlyOne}/${ids.length}` +
        `; more than one for ${issueCounts.filter((n) => n > 1).length}; none for ${issueCounts.filter((n) => n === 0).length}` +
        (openedUnmapped.size > 0 ? `; ${openedUnmapped.size} for unmapped clusters` : "") +
        (digests > 0 ? `; ${digests} digest actions` : "") +
        "   (target: exactly one each)\n",
    );
  process.stdout.write(
    `runs: 24 in ${wall.toFixed(1)} s wall (${runSeconds.toFixed(1)} s in the CLI)${runProblems.length ? `; ${runProblems.length} problems:` : ", all exited 0"}\n`,
  );
  for (const rp of runProblems) process.stdout.write(`  ${rp}\n`);
  if (notes.length > 0) {
    process.stdout.write("\nproblems not exact in every hour (templates seen, by hours):\n");
    for (const n of notes) process.stdout.write(`  ${n}\n`);
  }
  if (keep) process.stdout.write(`\nday and store kept in ${work}\n`);
  else rmSync(work, { recursive: true, force: true });
  await standIn?.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:heldout: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
