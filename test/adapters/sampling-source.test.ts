import type { EntryTotals, EntryTotalsReader, TotalsQuery } from "../../src/adapters/monitoring-totals";
import { SamplingSource } from "../../src/adapters/sampling-source";
import { readBudget } from "../../src/core/ingest/sampling";
import type { LogQuery, LogSource, SourceReport } from "../../src/ports";

const WINDOW = { start: Date.parse("2025-09-15T01:00:00Z"), end: Date.parse("2025-09-15T02:00:00Z") };
const QUERY: LogQuery = { window: WINDOW, services: ["api"], minSeverity: "WARNING", maxEntriesPerService: 20_000 };

/** A source that records the query it was given and yields nothing. */
function recordingSource(): LogSource & { seen: LogQuery[] } {
  const seen: LogQuery[] = [];
  return {
    seen,
    describe: () => "recording",
    listEntries(query: LogQuery): AsyncIterable<unknown> {
      seen.push(query);
      return (async function* () {})();
    },
  };
}

function totalsReader(result: EntryTotals | Error): EntryTotalsReader & { asked: TotalsQuery[] } {
  const asked: TotalsQuery[] = [];
  return {
    asked,
    describe: () => "totals",
    visibleAt: (w) => w.end + 300_000,
    totals: async (q) => {
      asked.push(q);
      if (result instanceof Error) throw result;
      return result;
    },
  };
}

async function drain(source: SamplingSource, query = QUERY): Promise<SourceReport> {
  const report: SourceReport = { truncations: [], notes: [] };
  for await (const _ of source.listEntries(query, report)) void _;
  return report;
}

const MILLION: EntryTotals = { byService: new Map([["api", { ERROR: 600_000, WARNING: 400_000 }]]), requests: 1, retried: {} };

describe("SamplingSource", () => {
  test("passes the chosen fraction to the source and lets the read run a page past the cap", async () => {
    const inner = recordingSource();
    const source = new SamplingSource({ inner, totals: totalsReader(MILLION), pageSize: 1000, now: () => WINDOW.end + 600_000 });
    const report = await drain(source);
    expect(inner.seen[0]!.sampleFractions).toEqual({ api: 0.01957 });
    expect(inner.seen[0]!.maxEntriesPerService).toBe(21_000);
    expect(report.sampling?.get("api")).toMatchObject({ mode: "server", total: 1_000_000, totals: { ERROR: 600_000, WARNING: 400_000 } });
  });

  test("the read budget bounds the fraction", async () => {
    const inner = recordingSource();
    const budget = readBudget({ share: 0.5, quotaPerMinute: 60, taskCount: 10, minutes: 2, services: 1 });
    const source = new SamplingSource({ inner, totals: totalsReader(MILLION), pageSize: 1000, budget, now: () => WINDOW.end + 600_000 });
    await drain(source);
    // 3 pages a minute for 2 minutes: 6 pages, 6,000 entries at most.
    expect(budget.pagesPerService).toBe(6);
    expect(inner.seen[0]!.sampleFractions!.api!).toBeLessThanOrEqual(0.006);
  });

  test.each([
    [
      "waits for Monitoring's lag when the deadline allows it",
      WINDOW.end + 3_600_000,
      [240_000],
      /^waited 240 s for Monitoring's documented lag$/,
    ],
    [
      "does not wait past what the deadline allows, and says so",
      WINDOW.end + 120_000,
      [],
      /^did not wait 240 s .* the last minutes may be missing from the totals/,
    ],
  ])("%s", async (_name, waitUntil, sleeps, note) => {
    const slept: number[] = [];
    const source = new SamplingSource({
      inner: recordingSource(),
      totals: totalsReader(MILLION),
      pageSize: 1000,
      now: () => WINDOW.end + 60_000,
      sleep: async (ms) => void slept.push(ms),
      waitUntil,
    });
    const report = await drain(source);
    expect(slept).toEqual(sleeps);
    expect(report.sampling?.get("api")?.lagNote).toMatch(note);
  });

  test("a Monitoring error: adaptive, no sample clause, the read not stopped at the cap, the reason kept", async () => {
    const inner = recordingSource();
    const source = new SamplingSource({
      inner,
      totals: totalsReader(new Error("cloud-monitoring timeSeries.list: PERMISSION_DENIED: no")),
      pageSize: 1000,
      now: () => WINDOW.end + 600_000,
    });
    const report = await drain(source);
    expect(inner.seen[0]!.sampleFractions).toEqual({});
    expect(inner.seen[0]!.maxEntriesPerService).toBeGreaterThan(QUERY.maxEntriesPerService);
    expect(report.sampling?.get("api")).toMatchObject({ mode: "adaptive", serverFraction: 1 });
    expect(report.sampling?.get("api")?.fallback).toMatch(/PERMISSION_DENIED/);
  });

  test("no totals reader (files, stdin): adaptive, with nothing to fall back from", async () => {
    const inner = recordingSource();
    const report = await drain(new SamplingSource({ inner, pageSize: 1000 }));
    expect(report.sampling?.get("api")).toMatchObject({ mode: "adaptive" });
    expect(report.sampling?.get("api")?.fallback).toBeUndefined();
    expect(inner.seen[0]!.maxEntriesPerService).toBe(Number.MAX_SAFE_INTEGER);
  });

  test("one read of every service gets one fraction from the sum of the totals", async () => {
    const inner = recordingSource();
    const totals: EntryTotals = {
      byService: new Map([
        ["a", { ERROR: 30_000 }],
        ["b", { ERROR: 10_000 }],
      ]),
      requests: 1,
      retried: {},
    };
    const source = new SamplingSource({ inner, totals: totalsReader(totals), pageSize: 1000, now: () => WINDOW.end + 600_000 });
    const report = await drain(source, { ...QUERY, services: [] });
    expect(report.sampling?.get("*")?.total).toBe(40_000);
    expect(inner.seen[0]!.sampleFractions).toEqual({ "*": 0.4893 });
  });
});
