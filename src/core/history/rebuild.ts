/**
 * A lost or corrupt history is rebuilt from the sidecars of the recent days: each sidecar is
 * one window's observations, replayed oldest first through `updateWindow`. The counts come
 * back exactly (sidecars keep each cluster's timeline); first sightings older than the
 * sidecars read come back from the sidecars' own `problemFirstSeen` where they carry one.
 */
import { hourlyCounts, emptyProblemHistory, updateWindow, type HistoryOptions, type Observation, type ProblemHistory } from "./history";
import type { WorklogSidecar } from "../report/sidecar";

export interface RebuildResult {
  readonly history: ProblemHistory;
  /** Sidecars replayed (one per window; a window's newest sidecar wins). */
  readonly windows: number;
}

/** Window starts (epoch ms) of the sidecars worth reading: the span before `before`. */
export function rebuildSpan(before: number, spanHours: number): { from: number; to: number } {
  return { from: before - spanHours * 3_600_000, to: before };
}

/** The observations one sidecar holds. */
export function sidecarObservations(s: WorklogSidecar): {
  window: { start: number; end: number };
  observations: Observation[];
  revisions: { value: string; firstSeen: number }[];
} {
  const window = { start: Date.parse(s.window.start), end: Date.parse(s.window.end) };
  const revisionFirst = new Map<string, number>();
  for (const r of s.revisions ?? []) revisionFirst.set(r.value, Math.min(revisionFirst.get(r.value) ?? Infinity, Date.parse(r.firstSeen)));
  const observations = s.clusters.map((c): Observation => {
    const firstSeen = Date.parse(c.firstSeen);
    if (!s.revisions) for (const r of c.revisions) revisionFirst.set(r.value, Math.min(revisionFirst.get(r.value) ?? Infinity, firstSeen));
    const known = c.problemFirstSeen !== undefined ? Date.parse(c.problemFirstSeen) : undefined;
    // The window's earliest entry's revision: the problem's own when it was first seen in this window.
    const firstRevision =
      known === firstSeen && c.firstSeenRevision !== undefined
        ? c.firstSeenRevision
        : c.revisions.length === 1
          ? c.revisions[0]!.value
          : undefined;
    return {
      fingerprint: c.fingerprint,
      count: c.count,
      firstSeen,
      lastSeen: Date.parse(c.lastSeen),
      ...(firstRevision !== undefined ? { firstRevision } : {}),
      revisions: c.revisions,
      hourly: hourlyCounts(c.timeline, c.bucketMinutes, c.count, window.start),
      title: c.template,
      ...(c.issue?.number !== undefined ? { issue: c.issue.number } : {}),
      ...(known !== undefined && Number.isFinite(known) && known < window.start
        ? { knownFirstSeen: { at: known, ...(c.firstSeenRevision !== undefined ? { revision: c.firstSeenRevision } : {}) } }
        : {}),
    };
  });
  return { window, observations, revisions: [...revisionFirst].map(([value, firstSeen]) => ({ value, firstSeen })) };
}

/** Replays sidecars (any order; one service's) into a fresh history. */
export function rebuildFromSidecars(service: string, sidecars: readonly WorklogSidecar[], options: HistoryOptions): RebuildResult {
  const byWindow = new Map<number, WorklogSidecar>();
  for (const s of sidecars) {
    const start = Date.parse(s.window.start);
    const had = byWindow.get(start);
    if (!had || s.generatedAt > had.generatedAt) byWindow.set(start, s);
  }
  let history = emptyProblemHistory(service, options.spanHours);
  for (const start of [...byWindow.keys()].sort((a, b) => a - b)) {
    const { window, observations, revisions } = sidecarObservations(byWindow.get(start)!);
    history = updateWindow(history, { window, observations, revisions }, options).history;
  }
  return { history, windows: byWindow.size };
}
