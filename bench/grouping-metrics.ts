/**
 * Accuracy of a log parser against labelled data, as defined for the Loghub benchmark
 * (Zhu et al. 2019; corrected ground truth and FGA from Khan et al., ICSE 2022).
 *
 *   GA   a line is correct iff the set of lines in its predicted group is exactly the set of
 *        lines in its true group; GA = correct lines / lines.
 *   FGA  a true group is correct iff one predicted group holds exactly its lines;
 *        PGA = correct / predicted groups, RGA = correct / true groups, FGA = their F1.
 *   PA   a line is correct iff its predicted template equals its true template exactly.
 */
export interface LabelledLine {
  readonly event: string; // true group
  readonly template: string; // true template
}

export interface PredictedLine {
  readonly group: string;
  readonly template: string;
}

export interface GroupingScores {
  readonly lines: number;
  readonly ga: number;
  readonly fga: number;
  readonly pga: number;
  readonly rga: number;
  readonly pa: number;
  readonly trueGroups: number;
  readonly predictedGroups: number;
}

/** Scores predictions against labels, line by line (both in the same order). */
export function scoreGrouping(truth: readonly LabelledLine[], predicted: readonly PredictedLine[]): GroupingScores {
  if (truth.length !== predicted.length) {
    throw new RangeError(`${truth.length} labelled lines but ${predicted.length} predictions`);
  }
  const n = truth.length;
  // Size of each true group, each predicted group, and of each (predicted, true) pair.
  const trueSize = new Map<string, number>();
  const predSize = new Map<string, number>();
  const pairSize = new Map<string, number>();
  let templateHits = 0;
  for (let i = 0; i < n; i++) {
    const t = truth[i]!;
    const p = predicted[i]!;
    trueSize.set(t.event, (trueSize.get(t.event) ?? 0) + 1);
    predSize.set(p.group, (predSize.get(p.group) ?? 0) + 1);
    const pair = `${p.group}\u0000${t.event}`;
    pairSize.set(pair, (pairSize.get(pair) ?? 0) + 1);
    if (p.template === t.template) templateHits++;
  }
  // A predicted group is exact iff all its lines share one true group of the same size.
  let correctLines = 0;
  let correctGroups = 0;
  for (const [pair, size] of pairSize) {
    const [group, event] = pair.split("\u0000") as [string, string];
    if (size === predSize.get(group) && size === trueSize.get(event)) {
      correctLines += size;
      correctGroups++;
    }
  }
  const pga = predSize.size === 0 ? 0 : correctGroups / predSize.size;
  const rga = trueSize.size === 0 ? 0 : correctGroups / trueSize.size;
  return {
    lines: n,
    ga: n === 0 ? 0 : correctLines / n,
    fga: pga + rga === 0 ? 0 : (2 * pga * rga) / (pga + rga),
    pga,
    rga,
    pa: n === 0 ? 0 : templateHits / n,
    trueGroups: trueSize.size,
    predictedGroups: predSize.size,
  };
}
