/**
 * Publishes one service's worklog for one window: the markdown, its JSON sidecar, and the
 * service's daily index. Safe when Cloud Run retries the task or two executions overlap:
 *
 * - The worklog and sidecar are created with ifGeneration "0". If they exist (a rerun of the
 *   window, or this run rewriting them with the triage outcome), they are replaced by
 *   compare-and-swap on the generation just read. A lost race (someone wrote in between) is
 *   logged and retried from a fresh read, a bounded number of times; it is never a blind
 *   overwrite. Writing the bytes that are already there is skipped.
 * - The daily index is rebuilt from the day's sidecars, not patched: read the index's
 *   generation first, then list and read the sidecars, render, and write with that generation.
 *   Every run writes its sidecar before it reads the index, so whichever run writes the index
 *   last has seen every sidecar written before, and a lost race just means rebuilding again.
 *
 * Order: markdown, sidecar, index. A crash in between leaves a worklog that `worklogs list`
 * still finds (from the markdown's metadata) and that the next run's index picks up.
 */
import { buildDailyIndexHour, renderDailyIndex, type DailyIndexHour } from "../core/report/daily-index";
import { dailyIndexKey, parseWorklogKey, sidecarKey, worklogKey } from "../core/report/object-keys";
import { parseSidecar } from "../core/report/sidecar";
import { PreconditionFailedError } from "../errors";
import type { ObjectStore } from "../ports";

export const MARKDOWN_TYPE = "text/markdown; charset=utf-8";
export const JSON_TYPE = "application/json";
/** Tries of one compare-and-swap write before giving up on it. */
const DEFAULT_MAX_ATTEMPTS = 5;

/** The part of pino the writer uses, so tests can hand in a recorder. */
export interface PublishLog {
  warn(fields: object, message: string): void;
}

export interface PublishWorklogInput {
  readonly service: string;
  /** Start of the window, epoch ms (names the keys). */
  readonly windowStart: number;
  readonly markdown: string;
  readonly sidecarJson: string;
  /** Custom metadata for both objects: window, service, clusters, entries, executionId, topProblem. */
  readonly metadata: Readonly<Record<string, string>>;
}

export interface PublishWorklogOptions {
  readonly log?: PublishLog;
  readonly maxAttempts?: number;
}

export type WriteOutcome = "created" | "replaced" | "unchanged";

export interface PublishedObject {
  readonly key: string;
  readonly generation: string;
  readonly outcome: WriteOutcome;
  /** Races lost (precondition failures) on the way. */
  readonly racesLost: number;
}

export interface PublishWorklogResult {
  readonly worklog: PublishedObject;
  readonly sidecar: PublishedObject;
  readonly index: PublishedObject & { readonly hours: number };
}

export async function publishWorklog(
  store: ObjectStore,
  input: PublishWorklogInput,
  options: PublishWorklogOptions = {},
): Promise<PublishWorklogResult> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const metadata = { ...input.metadata };
  const worklog = await putOwnObject(
    store,
    worklogKey(input.service, input.windowStart),
    input.markdown,
    { contentType: MARKDOWN_TYPE, metadata },
    maxAttempts,
    options.log,
  );
  const sidecar = await putOwnObject(
    store,
    sidecarKey(input.service, input.windowStart),
    input.sidecarJson,
    { contentType: JSON_TYPE, metadata },
    maxAttempts,
    options.log,
  );
  const index = await updateDailyIndex(store, input.service, input.windowStart, {
    maxAttempts,
    ...(options.log ? { log: options.log } : {}),
  });
  return { worklog, sidecar, index };
}

/**
 * Writes this window's object: create it, or replace what is there by compare-and-swap.
 * Throws PreconditionFailedError after `maxAttempts` lost races.
 */
export async function putOwnObject(
  store: ObjectStore,
  key: string,
  body: string,
  put: { contentType: string; metadata: Record<string, string> },
  maxAttempts: number = DEFAULT_MAX_ATTEMPTS,
  log?: PublishLog,
): Promise<PublishedObject> {
  let expected = "0";
  let racesLost = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      const generation = await store.put(key, body, { ...put, ifGeneration: expected });
      return { key, generation, outcome: expected === "0" ? "created" : "replaced", racesLost };
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      const current = await store.get(key);
      if (current && current.body === body && sameRecord(current.metadata, put.metadata)) {
        return { key, generation: current.generation, outcome: "unchanged", racesLost };
      }
      // Expected "0" and found an object: a rerun of this window, replaced on purpose. Any
      // other failure means someone wrote between our read and our write.
      if (expected !== "0" || !current) {
        racesLost++;
        log?.warn(
          { key, attempt, expected, found: current?.generation ?? "nothing" },
          `lost a race writing ${key}: it changed since it was read; reading it again`,
        );
      }
      if (attempt >= maxAttempts) throw new PreconditionFailedError(key, { cause: error });
      expected = current?.generation ?? "0";
    }
  }
}

/**
 * Rebuilds `<service>/<YYYY>/<MM>/<DD>/index.md` for the day of `windowStart` from that day's
 * sidecars, by compare-and-swap. Returns the index as written (or found unchanged).
 */
export async function updateDailyIndex(
  store: ObjectStore,
  service: string,
  windowStart: number,
  options: { maxAttempts?: number; log?: PublishLog } = {},
): Promise<PublishedObject & { hours: number }> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const key = dailyIndexKey(service, windowStart);
  const dayPrefix = key.slice(0, key.length - "index.md".length);
  const day = new Date(windowStart).toISOString().slice(0, 10);
  let racesLost = 0;
  for (let attempt = 1; ; attempt++) {
    // The index's generation first, then the sidecars: see the module comment.
    const current = await store.get(key);
    const hours = await readDayHours(store, dayPrefix);
    const markdown = renderDailyIndex(service, day, hours, browserLinks(store, key));
    if (current && current.body === markdown)
      return { key, generation: current.generation, outcome: "unchanged", racesLost, hours: hours.length };
    try {
      const generation = await store.put(key, markdown, {
        contentType: MARKDOWN_TYPE,
        metadata: { service, day, hours: String(hours.length) },
        ifGeneration: current?.generation ?? "0",
      });
      return { key, generation, outcome: current ? "replaced" : "created", racesLost, hours: hours.length };
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      racesLost++;
      options.log?.warn({ key, attempt }, `lost a race updating the daily index ${key}; rebuilding it from the sidecars again`);
      if (attempt >= maxAttempts) throw error;
    }
  }
}

/**
 * The index links each hour by the store's URL when the store has one (a bucket: the browser URL
 * a person can click), and relatively beside a local folder.
 */
function browserLinks(store: ObjectStore, sampleKey: string): ((key: string) => string) | undefined {
  return /^https?:\/\//.test(store.locate(sampleKey)) ? (key) => store.locate(key) : undefined;
}

/** One row per worklog of the day, from its sidecar (or what the worklog's metadata says). */
async function readDayHours(store: ObjectStore, dayPrefix: string): Promise<DailyIndexHour[]> {
  const keys = await store.list(dayPrefix);
  const worklogs = keys.filter((k) => parseWorklogKey(k) !== undefined);
  const rows: DailyIndexHour[] = [];
  for (const key of worklogs) {
    const sidecarText = keys.includes(key.replace(/\.md$/, ".json")) ? (await store.get(key.replace(/\.md$/, ".json")))?.body : undefined;
    rows.push(buildIndexRow(key, sidecarText));
  }
  return rows;
}

/** An index row for the worklog `key` from its sidecar's text. Pure; never throws. */
export function buildIndexRow(key: string, sidecarText: string | undefined): DailyIndexHour {
  const windowStart = parseWorklogKey(key)?.windowStart ?? 0;
  if (sidecarText === undefined) return { windowStart, clusters: 0, entries: 0, top: "(no sidecar yet)", key };
  let json: unknown;
  try {
    json = JSON.parse(sidecarText);
  } catch {
    return { windowStart, clusters: 0, entries: 0, top: "(sidecar is not JSON)", key };
  }
  const parsed = parseSidecar(json);
  if (!parsed.ok) return { windowStart, clusters: 0, entries: 0, top: `(sidecar unreadable: ${parsed.problems[0] ?? "?"})`, key };
  return buildDailyIndexHour(parsed.sidecar, key);
}

function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
