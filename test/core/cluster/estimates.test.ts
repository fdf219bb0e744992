import { ServiceClusterer, type MessageTemplater } from "../../../src/core/cluster/cluster";
import { estimateClusters } from "../../../src/core/cluster/estimates";
import { hash52 } from "../../../src/core/hash";
import { AdaptiveSampler, sampleLevel, sampleUnit } from "../../../src/core/ingest/sampling";
import type { NormalizedEntry } from "../../../src/core/types";

const WINDOW = { start: Date.parse("2025-09-15T01:00:00Z"), end: Date.parse("2025-09-15T02:00:00Z") };

function templater(): MessageTemplater {
  return {
    add: (message) => ({ clusterId: message.replace(/\d+/g, ""), template: message.replace(/\d+/g, "<*>"), params: [] }),
    templateOf: (id) => id,
  };
}

function entry(message: string, i: number, minute: number, severity: NormalizedEntry["severity"] = "ERROR"): NormalizedEntry {
  const ts = WINDOW.start + minute * 60_000;
  return {
    key: `${message}-${i}`,
    keyHash: hash52(`${message}-${i}`),
    timestamp: ts,
    timestampText: new Date(ts).toISOString(),
    severity,
    service: "svc",
    kind: "application",
    message,
    sample: {},
  };
}

function clusterer(): ServiceClusterer {
  return new ServiceClusterer("svc", templater(), {
    window: WINDOW,
    bucketMinutes: 5,
    maxSamples: 3,
    maxTraceIds: 5,
    maxTopValues: 5,
    maxDistinctValues: 50,
    maxClusters: 50,
  });
}

describe("sampled clusters", () => {
  test("clusters(minLevel) counts exactly the entries at that level or above", () => {
    const c = clusterer();
    const levels: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const level = sampleLevel(sampleUnit(`a-${i}`, 0));
      levels.push(level);
      c.add(entry("disk full", i, i % 60, i % 3 === 0 ? "CRITICAL" : "ERROR"), level);
    }
    const all = c.clusters();
    expect(all[0]!.count).toBe(2000);
    const thin = c.clusters(3);
    expect(thin[0]!.count).toBe(levels.filter((l) => l >= 3).length);
    expect(thin[0]!.timeline.reduce((a, b) => a + b, 0)).toBe(thin[0]!.count);
    expect((thin[0]!.severities.CRITICAL ?? 0) + (thin[0]!.severities.ERROR ?? 0)).toBe(thin[0]!.count);
  });

  test("a cluster whose entries all dropped out is gone", () => {
    const c = clusterer();
    // One entry at level 0 only.
    let i = 0;
    while (sampleLevel(sampleUnit(`r-${i}`, 0)) !== 0) i++;
    c.add(entry("rare thing", i, 5), 0);
    expect(c.clusters(0)).toHaveLength(1);
    expect(c.clusters(1)).toHaveLength(0);
  });

  test("an adaptive sample of 50,000 entries over three problems, scaled: each truth inside its interval, the large ones within 10%", () => {
    const sampler = new AdaptiveSampler(2000);
    const c = clusterer();
    const truth: Record<string, number> = { "timeout calling db": 0, "cache miss storm": 0, "late only": 0 };
    for (let i = 0; i < 50_000; i++) {
      const minute = Math.floor((i / 50_000) * 60);
      const message = minute >= 52 && i % 4 === 0 ? "late only" : i % 3 === 0 ? "cache miss storm" : "timeout calling db";
      truth[message]!++;
      const level = sampleLevel(sampleUnit(`id-${i}`, 0));
      if (sampler.admit(level)) c.add(entry(message, i, minute), level);
    }
    const clusters = estimateClusters(c.clusters(sampler.level), sampler.fraction);
    expect(sampler.fraction).toBeLessThan(1);
    for (const cluster of clusters) {
      const t = truth[cluster.template]!;
      // Two standard errors are under 10% from about 400 sampled entries.
      if (cluster.estimate!.sampled >= 400) expect(Math.abs(cluster.count - t) / t).toBeLessThan(0.1);
      expect(cluster.estimate?.fraction).toBe(sampler.fraction);
      expect(cluster.estimate!.low).toBeLessThanOrEqual(t);
      expect(cluster.estimate!.high).toBeGreaterThanOrEqual(t);
    }
    expect(clusters.map((x) => x.template).sort()).toEqual(Object.keys(truth).sort());
  });

  test("a fraction of 1 changes nothing and marks nothing", () => {
    const c = clusterer();
    c.add(entry("x", 1, 1), 0);
    const [only] = estimateClusters(c.clusters(), 1);
    expect(only!.estimate).toBeUndefined();
    expect(only!.count).toBe(1);
  });
});
