/**
 * Clusters read from a sample, scaled to the window: every count divided by the fraction, so
 * priorities, escalation and issue bodies work on the estimate of the whole window, and each
 * cluster carries `estimate` so whatever shows a count can say it is one.
 */
import { estimateBounds, estimateCount } from "../ingest/sampling";
import type { Severity } from "../severity";
import type { Cluster } from "../types";

export function estimateClusters(clusters: readonly Cluster[], fraction: number): Cluster[] {
  if (!(fraction > 0) || fraction >= 1) return [...clusters];
  return clusters.map((c) => {
    const severities: Partial<Record<Severity, number>> = {};
    for (const [sev, n] of Object.entries(c.severities) as [Severity, number][]) severities[sev] = estimateCount(n, fraction);
    const { low, high } = estimateBounds(c.count, fraction);
    return {
      ...c,
      count: estimateCount(c.count, fraction),
      severities,
      timeline: c.timeline.map((n) => estimateCount(n, fraction)),
      ...(c.joinedRequests ? { joinedRequests: c.joinedRequests.map((j) => ({ ...j, count: estimateCount(j.count, fraction) })) } : {}),
      ratePerMinute: Math.round((c.ratePerMinute / fraction) * 100) / 100,
      estimate: { fraction, sampled: c.count, low, high },
    };
  });
}
