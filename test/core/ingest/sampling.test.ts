import fc from "fast-check";
import {
  AdaptiveSampler,
  chooseFraction,
  estimateBounds,
  estimateCount,
  formatFraction,
  MAX_SAMPLE_LEVEL,
  readBudget,
  sampleLevel,
  sampleUnit,
} from "../../../src/core/ingest/sampling";

describe("sampleUnit and sampleLevel", () => {
  test("the insertId decides; without one, the key's hash", () => {
    expect(sampleUnit("abc", 1)).toBe(sampleUnit("abc", 2));
    expect(sampleUnit(undefined, 12345)).toBe(sampleUnit("", 12345));
    expect(sampleUnit(undefined, 12345)).not.toBe(sampleUnit(undefined, 12346));
  });

  test("ids that differ only in their last characters spread evenly over [0, 1)", () => {
    const deciles = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) deciles[Math.floor(sampleUnit(`entry-${i}`, 0) * 10)]!++;
    for (const d of deciles) expect(Math.abs(d - 2000)).toBeLessThan(200);
    const byKey = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) byKey[Math.floor(sampleUnit(undefined, i * 7919) * 10)]!++;
    for (const d of byKey) expect(Math.abs(d - 2000)).toBeLessThan(200);
  });

  test("an entry is kept at 2^-K exactly when its level is at least K", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.integer({ min: 0, max: 30 }), (u, k) => {
        expect(sampleLevel(u) >= k).toBe(u < 2 ** -k || sampleLevel(u) === MAX_SAMPLE_LEVEL);
      }),
    );
    expect(sampleLevel(0)).toBe(MAX_SAMPLE_LEVEL);
    expect(sampleLevel(0.5)).toBe(0);
    expect(sampleLevel(0.49)).toBe(1);
  });
});

describe("AdaptiveSampler", () => {
  test("keeps everything under the cap", () => {
    const s = new AdaptiveSampler(10);
    for (let i = 0; i < 10; i++) expect(s.admit(sampleLevel(sampleUnit(`id${i}`, 0)))).toBe(true);
    expect(s.fraction).toBe(1);
    expect(s.sampled).toBe(10);
  });

  test("never holds more than the cap, whatever the stream's length, and keeps exactly the entries under the final threshold", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 2000 }), fc.string(), (cap, n, salt) => {
        const s = new AdaptiveSampler(cap);
        const levels: number[] = [];
        for (let i = 0; i < n; i++) {
          const level = sampleLevel(sampleUnit(`${salt}-${i}`, 0));
          levels.push(level);
          s.admit(level);
          expect(s.sampled).toBeLessThanOrEqual(cap);
        }
        expect(s.sampled).toBe(levels.filter((l) => l >= s.level).length);
        expect(s.offered).toBe(n);
      }),
      { numRuns: 30 },
    );
  });

  test("200,000 entries at a cap of 4,000 keep between half the cap and the cap, and estimate the total within 5%", () => {
    const s = new AdaptiveSampler(4000);
    for (let i = 0; i < 200_000; i++) s.admit(sampleLevel(sampleUnit(`insert-${i}`, 0)));
    expect(s.sampled).toBeGreaterThan(2000);
    expect(s.sampled).toBeLessThanOrEqual(4000);
    expect(Math.abs(estimateCount(s.sampled, s.fraction) - 200_000)).toBeLessThan(10_000);
  });

  test("a cap below 1 is refused", () => {
    expect(() => new AdaptiveSampler(0)).toThrow(RangeError);
  });
});

describe("readBudget", () => {
  test("half the quota over two tasks, 50 minutes, 3 services", () => {
    const b = readBudget({ share: 0.5, quotaPerMinute: 60, taskCount: 2, minutes: 50, services: 3 });
    expect(b).toEqual({ pagesPerMinute: 15, pagesPerService: 250, quotaShare: 0.25 });
  });

  test("at least one page a minute and one page a service, however thin the share", () => {
    const b = readBudget({ share: 0.01, quotaPerMinute: 60, taskCount: 10, minutes: 0, services: 100 });
    expect(b.pagesPerMinute).toBe(1);
    expect(b.pagesPerService).toBe(1);
  });
});

describe("chooseFraction", () => {
  test("a window under the cap is read whole", () => {
    expect(chooseFraction({ total: 15_000, cap: 20_000, pageSize: 1000, pages: 100 })).toEqual({
      fraction: 1,
      expected: 15_000,
      boundBy: "none",
    });
  });

  test("a million entries at a cap of 20,000: just under 2%, three standard deviations under the cap", () => {
    const c = chooseFraction({ total: 1_000_000, cap: 20_000, pageSize: 1000, pages: 100 });
    expect(c.fraction).toBe(0.01957);
    expect(c.expected + 3 * Math.sqrt(c.expected)).toBeLessThanOrEqual(20_000);
    expect(c.boundBy).toBe("cap");
  });

  test("the budget bounds it when it allows fewer pages than the cap needs", () => {
    const c = chooseFraction({ total: 1_000_000, cap: 20_000, pageSize: 1000, pages: 5 });
    expect(c.fraction).toBe(0.004787);
    expect(c.boundBy).toBe("budget");
  });

  test("never more entries than cap and budget allow, never less than one page", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 0, max: 500 }),
        (total, cap, pageSize, pages) => {
          const c = chooseFraction({ total, cap, pageSize, pages });
          expect(c.fraction).toBeGreaterThan(0);
          expect(c.fraction).toBeLessThanOrEqual(1);
          if (c.boundBy === "one-page") expect(c.expected).toBeGreaterThanOrEqual(Math.min(total, pageSize));
          else expect(c.expected).toBeLessThanOrEqual(Math.min(cap, Math.max(1, pages) * pageSize) + 1e-6);
          expect(Number(formatFraction(c.fraction))).toBe(c.fraction);
        },
      ),
    );
  });

  test("a fraction that would round to 0 reads one page", () => {
    const c = chooseFraction({ total: 1e12, cap: 10, pageSize: 1000, pages: 1 });
    expect(c.boundBy).toBe("one-page");
    expect(c.fraction).toBeGreaterThan(0);
    expect(formatFraction(c.fraction)).toBe("0.000000001");
  });
});

describe("formatFraction", () => {
  test.each([
    [1, "1"],
    [0.5, "0.5"],
    [0.0123, "0.0123"],
    [1e-7, "0.0000001"],
  ])("%s -> %s", (f, text) => expect(formatFraction(f)).toBe(text));

  test("0 and above 1 are refused", () => {
    expect(() => formatFraction(0)).toThrow(RangeError);
    expect(() => formatFraction(1.5)).toThrow(RangeError);
  });
});

describe("estimates", () => {
  test("n / f, rounded; exact at f = 1", () => {
    expect(estimateCount(248, 0.02)).toBe(12_400);
    expect(estimateCount(248, 1)).toBe(248);
  });

  test("the interval holds the truth about 95% of the time for a binomial sample", () => {
    // A deterministic stream of hashes as the sampler would see it.
    let inside = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const truth = 1000;
      const f = 0.05;
      let n = 0;
      for (let i = 0; i < truth; i++) if (sampleUnit(`t${t}-e${i}`, 0) < f) n++;
      const { low, high } = estimateBounds(n, f);
      if (low <= truth && truth <= high) inside++;
    }
    expect(inside / trials).toBeGreaterThan(0.9);
  });

  test("nothing sampled still bounds the truth above (rule of three)", () => {
    expect(estimateBounds(0, 0.01)).toEqual({ low: 0, high: 300 });
  });
});
