/**
 * `log-gardener worklogs …`: reading worklogs back, for people, from a local folder or a
 * gs:// bucket (the store comes from `--out` / LOG_GARDENER_OUT, see worklogs-cli.ts).
 *
 *   worklogs list [--service S] [--since 24h]
 *       One line per worklog, newest first: window, service, clusters, entries, top problem.
 *       The columns come from each worklog's JSON sidecar (or, without one, from the
 *       worklog's own metadata).
 *   worklogs show [latest|<service>/<YYYY-MM-DDTHH>] [--service S]
 *       Prints the worklog's markdown. `latest` (the default) is the newest worklog of any
 *       service, or of --service S.
 *
 * Exit codes: 0 done, 1 no such worklog, 2 bad arguments.
 */
import { parseArgs } from "node:util";
import { parseDuration } from "../config";
import { buildDailyIndexHour } from "../core/report/daily-index";
import { parseWorklogKey, safeServiceName, sidecarKey, worklogKey } from "../core/report/object-keys";
import { parseSidecar } from "../core/report/sidecar";
import type { ObjectStore } from "../ports";

export interface WorklogsIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

export interface WorklogsDeps {
  readonly store: ObjectStore;
  /** The current time, epoch ms (for --since). */
  readonly now: number;
}

const USAGE = [
  "usage: log-gardener worklogs list [--service S] [--since 24h]",
  "       log-gardener worklogs show [latest|SERVICE/YYYY-MM-DDTHH] [--service S]",
  "Reads the worklogs in --out / LOG_GARDENER_OUT (a folder or gs://BUCKET/PREFIX).",
  "",
].join("\n");

const EXIT_OK = 0;
const EXIT_NOT_FOUND = 1;
const EXIT_USAGE = 2;

class UsageError extends Error {}

export async function runWorklogsCommand(argv: string[], io: WorklogsIo, deps: WorklogsDeps): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case "list":
        return await listCommand(rest, io, deps);
      case "show":
        return await showCommand(rest, io, deps);
      case "help":
      case "--help":
      case "-h":
        io.stdout.write(USAGE);
        return EXIT_OK;
      case undefined:
        throw new UsageError("list or show?");
      default:
        throw new UsageError(`unknown subcommand ${JSON.stringify(sub)}`);
    }
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr.write(`log-gardener worklogs: ${(error as Error).message}\n${USAGE}`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// list

export interface WorklogListRow {
  readonly windowStart: number;
  readonly service: string;
  readonly clusters?: number;
  readonly entries?: number;
  readonly top?: string;
  readonly key: string;
}

async function listCommand(argv: string[], io: WorklogsIo, deps: WorklogsDeps): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { service: { type: "string" }, since: { type: "string", default: "24h" } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw new UsageError(`list takes no arguments, got ${JSON.stringify(positionals.join(" "))}`);
  const sinceMs = parseDuration(values.since ?? "24h");
  if (!sinceMs) throw new UsageError(`--since expects a duration such as 24h, 90m or 7d (got ${JSON.stringify(values.since)})`);
  const from = deps.now - sinceMs;

  const keys = (await listWorklogKeys(deps.store, values.service)).filter((w) => w.windowStart >= from);
  if (keys.length === 0) {
    io.stderr.write(`no worklogs${values.service ? ` for ${values.service}` : ""} since ${isoMinute(from)} in ${deps.store.describe()}\n`);
    return EXIT_OK;
  }
  const rows: WorklogListRow[] = [];
  for (const w of keys) rows.push(await readListRow(deps.store, w));
  io.stdout.write(renderWorklogList(rows));
  return EXIT_OK;
}

/** Worklog keys (optionally of one service), newest window first, then by service. */
async function listWorklogKeys(
  store: ObjectStore,
  service: string | undefined,
): Promise<{ key: string; service: string; windowStart: number }[]> {
  // Without a service this lists the whole store: fine for a folder or a bucket of a few
  // services over months (a page is 1,000 names); --service narrows it to one service.
  const keys = await store.list(service === undefined ? "" : `${safeServiceName(service)}/`);
  const found: { key: string; service: string; windowStart: number }[] = [];
  for (const key of keys) {
    const parsed = parseWorklogKey(key);
    if (parsed) found.push({ key, ...parsed });
  }
  return found.sort((a, b) => b.windowStart - a.windowStart || a.service.localeCompare(b.service));
}

async function readListRow(store: ObjectStore, w: { key: string; service: string; windowStart: number }): Promise<WorklogListRow> {
  const sidecar = await store.get(sidecarKey(w.service, w.windowStart));
  const fromSidecar = sidecar ? buildListRowFromSidecar(w.key, sidecar.body) : undefined;
  if (fromSidecar) return fromSidecar;
  const worklog = await store.get(w.key);
  return buildListRowFromMetadata(w.key, worklog?.metadata ?? {});
}

/** A list row from a sidecar's text; undefined when it is not a readable sidecar. Pure. */
export function buildListRowFromSidecar(key: string, sidecarText: string): WorklogListRow | undefined {
  let json: unknown;
  try {
    json = JSON.parse(sidecarText);
  } catch {
    return undefined;
  }
  const parsed = parseSidecar(json);
  if (!parsed.ok) return undefined;
  const hour = buildDailyIndexHour(parsed.sidecar, key);
  return {
    windowStart: hour.windowStart,
    service: parsed.sidecar.service,
    clusters: hour.clusters,
    entries: hour.entries,
    ...(hour.top ? { top: hour.top } : {}),
    key,
  };
}

/** A list row from the worklog's custom metadata, for a worklog without a readable sidecar. Pure. */
export function buildListRowFromMetadata(key: string, metadata: Readonly<Record<string, string>>): WorklogListRow {
  const parsed = parseWorklogKey(key);
  const number = (text: string | undefined): number | undefined => (text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined);
  const clusters = number(metadata.clusters);
  const entries = number(metadata.entries);
  return {
    windowStart: parsed?.windowStart ?? 0,
    service: metadata.service || parsed?.service || "?",
    ...(clusters !== undefined ? { clusters } : {}),
    ...(entries !== undefined ? { entries } : {}),
    ...(metadata.topProblem ? { top: metadata.topProblem } : {}),
    key,
  };
}

/** Aligned columns, one line per worklog, in the order given. Pure. */
export function renderWorklogList(rows: readonly WorklogListRow[]): string {
  const header = ["WINDOW (UTC)", "SERVICE", "CLUSTERS", "ENTRIES", "TOP PROBLEM"];
  const cells = rows.map((r) => [
    isoMinute(r.windowStart),
    oneLine(r.service, 60),
    r.clusters === undefined ? "?" : String(r.clusters),
    r.entries === undefined ? "?" : r.entries.toLocaleString("en-US"),
    r.top ? oneLine(r.top, 100) : r.clusters === 0 ? "(nothing to report)" : "–",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string =>
    c
      .map((text, i) => (i === 2 || i === 3 ? text.padStart(widths[i]!) : i === c.length - 1 ? text : text.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return `${[line(header), ...cells.map(line)].join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------------
// show

async function showCommand(argv: string[], io: WorklogsIo, deps: WorklogsDeps): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { service: { type: "string" } }, allowPositionals: true, strict: true });
  if (positionals.length > 1) throw new UsageError(`show takes one worklog, got ${positionals.length}`);
  const which = positionals[0] ?? "latest";

  let key: string;
  if (which === "latest") {
    const newest = (await listWorklogKeys(deps.store, values.service))[0];
    if (!newest) {
      io.stderr.write(`no worklogs${values.service ? ` for ${values.service}` : ""} in ${deps.store.describe()}\n`);
      return EXIT_NOT_FOUND;
    }
    key = newest.key;
  } else {
    const ref = parseWorklogRef(which);
    if (!ref)
      throw new UsageError(`expected latest or SERVICE/YYYY-MM-DDTHH (e.g. my-service/2025-09-15T01), got ${JSON.stringify(which)}`);
    if (values.service !== undefined && values.service !== ref.service)
      throw new UsageError(`--service ${values.service} does not match ${which}`);
    key = worklogKey(ref.service, ref.windowStart);
  }
  const worklog = await deps.store.get(key);
  if (!worklog) {
    io.stderr.write(`no worklog at ${deps.store.locate(key)}\n`);
    return EXIT_NOT_FOUND;
  }
  io.stdout.write(worklog.body.endsWith("\n") ? worklog.body : `${worklog.body}\n`);
  return EXIT_OK;
}

/**
 * "svc/2025-09-15T01", "svc/2025-09-15T01:30", "svc/2025-09-15T0100Z" (a window id) → the
 * service and the window start. Undefined for anything else. Pure.
 */
export function parseWorklogRef(text: string): { service: string; windowStart: number } | undefined {
  const m = /^(.+)\/(\d{4})-(\d\d)-(\d\d)T(\d\d)(?::?(\d\d))?Z?$/.exec(text.trim());
  if (!m) return undefined;
  const [, service, y, mo, d, h, mi] = m;
  const windowStart = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi ?? "0"));
  const back = new Date(windowStart);
  // Refuse dates that roll over (2025-02-30, hour 25) instead of showing some other hour.
  if (back.getUTCDate() !== Number(d) || back.getUTCHours() !== Number(h) || back.getUTCMonth() !== Number(mo) - 1) return undefined;
  return { service: service!, windowStart };
}

function isoMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16)}Z`;
}

/** Untrusted text (cluster templates come from logs) on one terminal line, bounded. */
function oneLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}
