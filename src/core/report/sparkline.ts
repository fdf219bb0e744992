/**
 * A one-line timeline of a cluster's occurrences per bucket, for worklogs:
 * `·▁▃█▂··` (one character per bucket, oldest first).
 *
 * Heights are relative to the busiest bucket: it gets █, a bucket with any occurrence gets at
 * least ▁. An empty bucket is a middle dot `·`, not a space, so it stays visible at the edges
 * of a code span and can't be mistaken for a low bucket. Negative or non-finite counts count
 * as empty.
 */
const BLOCKS = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] as const;
export const SPARKLINE_EMPTY = "·";

export function renderSparkline(counts: readonly number[]): string {
  const clean = counts.map((c) => (Number.isFinite(c) && c > 0 ? c : 0));
  const max = Math.max(0, ...clean);
  return clean
    .map((c) => {
      if (c === 0) return SPARKLINE_EMPTY;
      const level = Math.min(BLOCKS.length, Math.max(1, Math.ceil((c / max) * BLOCKS.length)));
      return BLOCKS[level - 1]!;
    })
    .join("");
}
