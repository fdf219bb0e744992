/**
 * Missed hours. The scheduler can skip a run (an outage, a paused job). When backfill is on,
 * a run looks back from its own window for the windows whose worklog is missing and reads
 * them too, oldest first, up to a limit, so a skipped hour still gets its worklog.
 *
 * Looking back stops at the first window that has a worklog: that run happened, and anything
 * before it was its business. If the limit is reached before such a window is found, older
 * windows may be missing too; `olderMayBeMissing` says so for the worklog.
 */
import { InvariantError } from "../../errors";
import { worklogKey } from "../report/object-keys";
import type { TimeWindow } from "../types";

export interface BackfillInput {
  readonly service: string;
  /** The window this run was started for. */
  readonly current: TimeWindow;
  /** Most missed windows read in addition to the current one; 0 turns backfill off. */
  readonly maxMissed: number;
  /** Worklog keys that exist, at least those of `backfillKeysToCheck`. */
  readonly existingKeys: ReadonlySet<string>;
}

export interface BackfillPlan {
  /** Windows to run, oldest first; the current window is always last. */
  readonly windows: readonly TimeWindow[];
  /** The missed windows among them (all but the current one). */
  readonly missed: number;
  /** The limit was reached without finding a worklog: earlier windows may be missing too. */
  readonly olderMayBeMissing: boolean;
}

function previousWindows(current: TimeWindow, count: number): TimeWindow[] {
  const length = current.end - current.start;
  if (!(length > 0)) throw new InvariantError(`window must have a positive length (got ${current.start} .. ${current.end})`);
  if (!Number.isInteger(count) || count < 0) throw new InvariantError(`backfill limit must be a whole number >= 0 (got ${count})`);
  const windows: TimeWindow[] = [];
  for (let i = 1; i <= count; i++) windows.push({ start: current.start - i * length, end: current.end - i * length });
  return windows; // newest first
}

/** The worklog keys `planBackfill` looks at, newest first, so a store can fetch just those. */
export function backfillKeysToCheck(service: string, current: TimeWindow, maxMissed: number): string[] {
  return previousWindows(current, maxMissed).map((w) => worklogKey(service, w.start));
}

export function planBackfill(input: BackfillInput): BackfillPlan {
  const missed: TimeWindow[] = [];
  let foundWorklog = false;
  for (const window of previousWindows(input.current, input.maxMissed)) {
    if (input.existingKeys.has(worklogKey(input.service, window.start))) {
      foundWorklog = true;
      break;
    }
    missed.push(window);
  }
  return {
    windows: [...missed.reverse(), input.current],
    missed: missed.length,
    olderMayBeMissing: input.maxMissed > 0 && !foundWorklog,
  };
}
