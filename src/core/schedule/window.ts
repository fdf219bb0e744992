import type { TimeWindow } from "../types";

const HOUR = 3_600_000;

/** The window to read: ending at `windowEnd`, or at the start of the current hour (the last full hour). */
export function resolveWindow(windowMs: number, now: number, windowEnd?: number): TimeWindow {
  const end = windowEnd ?? Math.floor(now / HOUR) * HOUR;
  return { start: end - windowMs, end };
}

/** "Last 1 hour", "Last 30 minutes", "Last 2 hours". */
export function describeWindowLength(windowMs: number): string {
  const minutes = Math.round(windowMs / 60_000);
  if (minutes % 60 === 0) {
    const h = minutes / 60;
    return `Last ${h} hour${h === 1 ? "" : "s"}`;
  }
  return `Last ${minutes} minute${minutes === 1 ? "" : "s"}`;
}
