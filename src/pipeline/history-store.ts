/**
 * The problem history in the bucket (_state/<service>/history.json), beside the miner state:
 * loaded after the run lock is taken, saved by compare-and-swap after publishing.
 *
 * - Missing or corrupt: rebuilt from the sidecars of the span before the window (and the
 *   worklog says so); saved over the corrupt file.
 * - Written by a newer version: refused. It is left untouched (never saved over); the window is
 *   judged against a history rebuilt in memory, and the worklog says so.
 * - Unreadable (the store failed): judged without history, nothing saved.
 * - Saving: a precondition failure means another run saved it since it was loaded; the window is
 *   applied again to that version (updateWindow is idempotent per window) and saved again.
 */
import type { Logger } from "pino";
import { emptyProblemHistory, parseProblemHistory, type HistoryOptions, type ProblemHistory } from "../core/history/history";
import { rebuildFromSidecars } from "../core/history/rebuild";
import { dayFolder, historyKey, parseSidecarKey } from "../core/report/object-keys";
import { parseSidecar, type WorklogSidecar } from "../core/report/sidecar";
import type { TimeWindow } from "../core/types";
import type { WorklogHistory } from "../core/report/worklog-model";
import { PreconditionFailedError } from "../errors";
import type { ObjectStore } from "../ports";
import { parseStoredJson } from "./stored-json";

const DAY = 86_400_000;
/** Attempts at a compare-and-swap save before giving up (the next run retries). */
const SAVE_ATTEMPTS = 3;

export interface LoadedHistory {
  readonly history: ProblemHistory;
  readonly status: WorklogHistory["status"];
  readonly detail?: string;
  /** The stored version's generation, "0" when there was none; undefined: never save. */
  readonly generation?: string;
}

/** Reads the sidecars of `service` for windows in [from, to) (bounded by the span: one list per day). */
export async function readRecentSidecars(
  store: ObjectStore,
  service: string,
  from: number,
  to: number,
): Promise<{ sidecars: WorklogSidecar[]; unreadable: number }> {
  const sidecars: WorklogSidecar[] = [];
  let unreadable = 0;
  for (let day = Math.floor(from / DAY) * DAY; day < to; day += DAY) {
    for (const key of await store.list(dayFolder(service, day))) {
      const parsed = parseSidecarKey(key);
      if (!parsed || parsed.windowStart < from || parsed.windowStart >= to) continue;
      try {
        const stored = await store.get(key);
        const p = stored ? parseSidecar(JSON.parse(stored.body)) : undefined;
        if (p?.ok) sidecars.push(p.sidecar);
        else unreadable++;
      } catch {
        unreadable++;
      }
    }
  }
  return { sidecars, unreadable };
}

async function rebuild(
  store: ObjectStore,
  service: string,
  window: TimeWindow,
  options: HistoryOptions,
): Promise<{ history: ProblemHistory; text: string }> {
  const { sidecars, unreadable } = await readRecentSidecars(store, service, window.start - options.spanHours * 3_600_000, window.start);
  const { history, windows } = rebuildFromSidecars(service, sidecars, options);
  const skipped = unreadable > 0 ? `, ${unreadable} unreadable skipped` : "";
  return {
    history,
    text: `rebuilt from ${windows} ${windows === 1 ? "sidecar" : "sidecars"} of the last ${Math.round(options.spanHours / 24)} days${skipped}`,
  };
}

export async function loadHistory(
  store: ObjectStore,
  service: string,
  window: TimeWindow,
  options: HistoryOptions,
  log: Logger,
): Promise<LoadedHistory> {
  let stored;
  try {
    stored = await store.get(historyKey(service));
  } catch (err) {
    log.warn({ service, err }, "problem history unreadable; judging this window without it");
    return {
      history: emptyProblemHistory(service, options.spanHours),
      status: "unavailable",
      detail: `reading it failed: ${(err as Error).message}`,
    };
  }
  try {
    if (stored) {
      const json = parseStoredJson(stored.body);
      const parsed = parseProblemHistory(json);
      if (parsed.ok) return { history: parsed.history, status: "loaded", generation: stored.generation };
      const rebuilt = await rebuild(store, service, window, options);
      if (parsed.reason === "newer-version") {
        log.warn({ service, problem: parsed.problem }, "problem history written by a newer version; left untouched");
        return {
          history: rebuilt.history,
          status: "refused",
          detail: `${historyKey(service)} was ${parsed.problem}; ${rebuilt.text}, not saved`,
        };
      }
      log.warn({ service, problem: parsed.problem }, "problem history unusable; rebuilt from sidecars");
      return {
        history: rebuilt.history,
        status: "rebuilt",
        detail: `the stored one was unusable (${parsed.problem}); ${rebuilt.text}`,
        generation: stored.generation,
      };
    }
    const rebuilt = await rebuild(store, service, window, options);
    if (Object.keys(rebuilt.history.problems).length === 0 && rebuilt.history.coveredFrom === undefined) {
      return { history: rebuilt.history, status: "started", generation: "0" };
    }
    log.info({ service }, "no problem history; rebuilt from sidecars");
    return { history: rebuilt.history, status: "rebuilt", detail: `there was none; ${rebuilt.text}`, generation: "0" };
  } catch (err) {
    log.warn({ service, err }, "rebuilding the problem history failed; judging this window without it");
    return {
      history: emptyProblemHistory(service, options.spanHours),
      status: "unavailable",
      detail: `rebuilding it failed: ${(err as Error).message}`,
    };
  }
}

/**
 * Saves `next(history)` by compare-and-swap; on a conflict applies `next` to the version now
 * stored. Returns why it did not save, or undefined when it did (or must not: refused/unreadable).
 */
export async function saveHistory(
  store: ObjectStore,
  service: string,
  loaded: LoadedHistory,
  next: (h: ProblemHistory) => ProblemHistory,
  log: Logger,
): Promise<string | undefined> {
  if (loaded.generation === undefined) return undefined;
  let base = loaded.history;
  let generation = loaded.generation;
  for (let attempt = 1; attempt <= SAVE_ATTEMPTS; attempt++) {
    try {
      await store.put(historyKey(service), JSON.stringify(next(base)), { contentType: "application/json", ifGeneration: generation });
      return undefined;
    } catch (err) {
      if (!(err instanceof PreconditionFailedError)) throw err;
      log.warn({ service, attempt }, "problem history changed by another run since it was loaded; applying this window to theirs");
      const stored = await store.get(historyKey(service));
      if (!stored) {
        generation = "0";
        continue;
      }
      const json = parseStoredJson(stored.body);
      const parsed = parseProblemHistory(json);
      if (!parsed.ok && parsed.reason === "newer-version") return `another run saved a history ${parsed.problem}; left untouched`;
      base = parsed.ok ? parsed.history : base;
      generation = stored.generation;
    }
  }
  return `it kept changing under this run (${SAVE_ATTEMPTS} attempts); the next run records this window again`;
}
