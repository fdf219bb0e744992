/**
 * The occurrence chart of an issue, as a Mermaid `xychart-beta` block GitHub renders: bars per
 * hour since the problem was first seen while that is at most two days, per day beyond that,
 * labelled with real UTC times, and a ▲ on the bar in which a new revision first appeared
 * (listed under the chart). Pure text; every label is built from numbers and sanitized
 * revision names only, so nothing from a log line can break out of the block.
 */

const HOUR = 3_600_000;
/** Up to this many hours the chart has a bar per hour; beyond, a bar per day. */
export const HOURLY_CHART_MAX_HOURS = 48;
/** Revisions listed under the chart. */
const MAX_REVISION_MARKS = 10;
export const REVISION_MARK = "▲";

export interface ChartInput {
  /** Hourly counts: c[i] is the hour starting at (h0 + i) epoch hours. */
  readonly h0: number;
  readonly c: readonly number[];
  /** Last hour drawn (epoch hours), usually the window's last. */
  readonly endHour: number;
  /** When the problem was first seen (epoch ms), if known; else the first hour with a count. */
  readonly firstSeen?: number;
  /** Longest range drawn, in days. */
  readonly maxDays: number;
  /** Revisions of the service and when each first appeared (epoch ms). */
  readonly revisions?: readonly { readonly value: string; readonly firstSeen: number }[];
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function dayLabel(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function hourLabel(ms: number, withDay: boolean): string {
  const d = new Date(ms);
  return `${withDay ? `${dayLabel(ms)} ` : ""}${pad(d.getUTCHours())}:00`;
}

function minuteText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ") + "Z";
}

/** A revision name fit for the chart's legend: Cloud Run's characters only, shortened. */
export function chartRevisionName(value: string): string {
  const clean = value.replace(/[^A-Za-z0-9._-]/g, "_");
  return clean.length <= 63 ? clean : `${clean.slice(0, 62)}…`;
}

export interface Chart {
  /** The Mermaid block and the revision legend under it. */
  readonly text: string;
  readonly granularity: "hour" | "day";
  readonly labels: readonly string[];
  readonly bars: readonly number[];
}

export function buildOccurrenceChart(input: ChartInput): Chart {
  const count = (h: number) => input.c[h - input.h0] ?? 0;
  const firstActive = input.c.findIndex((n) => n > 0);
  const firstHour =
    input.firstSeen !== undefined && Number.isFinite(input.firstSeen)
      ? Math.floor(input.firstSeen / HOUR)
      : firstActive >= 0
        ? input.h0 + firstActive
        : input.endHour;
  const oldest = input.endHour - Math.max(1, Math.round(input.maxDays * 24)) + 1;
  const startHour = Math.min(input.endHour, Math.max(firstHour, oldest));
  const hours = input.endHour - startHour + 1;
  const marks = (input.revisions ?? [])
    .filter((r) => Number.isFinite(r.firstSeen) && r.firstSeen >= startHour * HOUR && r.firstSeen < (input.endHour + 1) * HOUR)
    .sort((a, b) => a.firstSeen - b.firstSeen)
    .slice(-MAX_REVISION_MARKS);
  const labels: string[] = [];
  const bars: number[] = [];
  let granularity: Chart["granularity"];
  let title: string;
  let axis: string;
  if (hours <= HOURLY_CHART_MAX_HOURS) {
    granularity = "hour";
    const marked = new Set(marks.map((r) => Math.floor(r.firstSeen / HOUR)));
    for (let h = startHour; h <= input.endHour; h++) {
      const ms = h * HOUR;
      const withDay = h === startHour || new Date(ms).getUTCHours() === 0;
      labels.push(`${hourLabel(ms, withDay)}${marked.has(h) ? ` ${REVISION_MARK}` : ""}`);
      bars.push(count(h));
    }
    title = `Occurrences per hour since ${startHour === firstHour ? "first seen" : `${minuteText(startHour * HOUR)}`} (UTC)`;
    axis = `Hour starting (UTC)`;
  } else {
    granularity = "day";
    const dayOf = (h: number) => Math.floor(h / 24);
    const marked = new Set(marks.map((r) => dayOf(Math.floor(r.firstSeen / HOUR))));
    for (let d = dayOf(startHour); d <= dayOf(input.endHour); d++) {
      let n = 0;
      for (let h = Math.max(startHour, d * 24); h <= Math.min(input.endHour, d * 24 + 23); h++) n += count(h);
      labels.push(`${dayLabel(d * 24 * HOUR)}${marked.has(d) ? ` ${REVISION_MARK}` : ""}`);
      bars.push(n);
    }
    title = `Occurrences per day since ${startHour === firstHour ? "first seen" : dayLabel(startHour * HOUR)} (UTC)`;
    axis = `Day (UTC); the last one runs to ${pad((input.endHour + 1) % 24)}:00`;
  }
  const max = Math.max(1, ...bars);
  const text = [
    "```mermaid",
    "xychart-beta",
    `  title "${title}"`,
    `  x-axis "${axis}" [${labels.map((l) => `"${l}"`).join(", ")}]`,
    `  y-axis "Occurrences" 0 --> ${max}`,
    `  bar [${bars.join(", ")}]`,
    "```",
    ...(marks.length > 0
      ? [
          "",
          `${REVISION_MARK} new revision: ${marks.map((r) => `\`${chartRevisionName(r.value)}\` first seen ${minuteText(r.firstSeen)}`).join("; ")}`,
        ]
      : []),
  ].join("\n");
  return { text, granularity, labels, bars };
}
