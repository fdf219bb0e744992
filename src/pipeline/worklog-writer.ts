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
 *   generation first, then list the day's sidecars and read each one's row, render, and write
 *   with that generation. Every run writes its sidecar before it reads the index, so whichever
 *   run writes the index last has seen every sidecar written before, and a lost race just means
 *   rebuilding again. A sidecar's row comes from its object metadata (`clusters`, `entries`,
 *   `indexTop`), so the index reads no sidecar bytes; a sidecar written before `indexTop`
 *   existed is read and parsed instead.
 * - The run writes its worklog twice (the plan, then the outcome). The second write replaces
 *   the generations the first one returned (`replaces`), so it reads nothing back.
 *
 * Order: markdown, sidecar, index. A crash in between leaves a worklog that `worklogs list`
 * still finds (from the markdown's metadata) and that the next run's index picks up.
 */
import { buildDailyIndexHour, renderDailyIndex, type DailyIndexHour } from "../core/report/daily-index";
import { dailyIndexKey, parseWorklogKey, sidecarKey, worklogKey } from "../core/report/object-keys";
import { parseSidecar, type WorklogSidecar } from "../core/report/sidecar";
import type { WorklogModel } from "../core/report/worklog-model";
import { PreconditionFailedError } from "../errors";
import type { ObjectBody, ObjectStore } from "../ports";

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
  /** The sidecar's JSON text, whole or in chunks (sidecarJsonChunks), printed as it is written. */
  readonly sidecarJson: ObjectBody;
  /** Custom metadata for both objects: window, service, clusters, entries, executionId, topProblem, indexTop. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The generations this run wrote earlier for the same window: replaced by compare-and-swap without a read. */
  readonly replaces?: { readonly worklog: string; readonly sidecar: string };
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
    { contentType: MARKDOWN_TYPE, metadata, ...(input.replaces ? { replaces: input.replaces.worklog } : {}) },
    maxAttempts,
    options.log,
  );
  const sidecar = await putOwnObject(
    store,
    sidecarKey(input.service, input.windowStart),
    input.sidecarJson,
    { contentType: JSON_TYPE, metadata, ...(input.replaces ? { replaces: input.replaces.sidecar } : {}) },
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
 * Writes this window's object: create it (or replace `put.replaces`, the generation this run
 * wrote before), or replace what is there by compare-and-swap. Throws PreconditionFailedError
 * after `maxAttempts` lost races.
 */
export async function putOwnObject(
  store: ObjectStore,
  key: string,
  body: ObjectBody,
  put: { contentType: string; metadata: Record<string, string>; replaces?: string },
  maxAttempts: number = DEFAULT_MAX_ATTEMPTS,
  log?: PublishLog,
): Promise<PublishedObject> {
  const { replaces, ...options } = put;
  let expected = replaces ?? "0";
  let racesLost = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      const generation = await store.put(key, body, { ...options, ifGeneration: expected });
      return { key, generation, outcome: expected === "0" ? "created" : "replaced", racesLost };
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      const current = await store.get(key);
      if (current && sameText(current.body, body) && sameRecord(current.metadata, options.metadata)) {
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

/**
 * One row per worklog of the day, from its sidecar's metadata, or from the sidecar itself when
 * its metadata predates `indexTop`.
 */
async function readDayHours(store: ObjectStore, dayPrefix: string): Promise<DailyIndexHour[]> {
  const keys = new Set(await store.list(dayPrefix));
  const rows: DailyIndexHour[] = [];
  for (const key of keys) {
    if (parseWorklogKey(key) === undefined) continue;
    const sidecar = key.replace(/\.md$/, ".json");
    if (!keys.has(sidecar)) {
      rows.push(buildIndexRow(key, undefined));
      continue;
    }
    const head = await store.head(sidecar);
    const row = head && indexRowFromMetadata(key, head.metadata);
    rows.push(row ?? buildIndexRow(key, (await store.get(sidecar))?.body));
  }
  return rows;
}

/**
 * The custom metadata of a worklog and its sidecar. `clusters`, `entries` and `indexTop` are the
 * sidecar's daily-index row (buildDailyIndexHour), so the index can be rebuilt from metadata.
 */
export function worklogMetadata(model: WorklogModel, sidecar: WorklogSidecar): Record<string, string> {
  const top = model.clusters[0];
  const row = buildDailyIndexHour(sidecar, worklogKey(model.service, model.window.start));
  return {
    window: `${new Date(model.window.start).toISOString()}/${new Date(model.window.end).toISOString()}`,
    service: model.service,
    clusters: String(row.clusters),
    entries: String(row.entries),
    indexTop: row.top ?? "",
    executionId: model.executionId ?? "",
    topProblem: top ? `${top.priority} ${top.template.slice(0, 200)}` : "",
  };
}

/** An index row from a sidecar's metadata; undefined when it lacks the fields (an older sidecar). */
export function indexRowFromMetadata(key: string, metadata: Readonly<Record<string, string>>): DailyIndexHour | undefined {
  const windowStart = parseWorklogKey(key)?.windowStart;
  const { clusters, entries, indexTop } = metadata;
  if (windowStart === undefined || indexTop === undefined || !/^\d+$/.test(clusters ?? "") || !/^\d+$/.test(entries ?? ""))
    return undefined;
  return { windowStart, clusters: Number(clusters), entries: Number(entries), ...(indexTop !== "" ? { top: indexTop } : {}), key };
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

/** Whether the stored text is the body, chunk by chunk, without joining the chunks. */
function sameText(stored: string, body: ObjectBody): boolean {
  if (typeof body === "string") return stored === body;
  let at = 0;
  for (const chunk of body) {
    if (!stored.startsWith(chunk, at)) return false;
    at += chunk.length;
  }
  return at === stored.length;
}

function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
