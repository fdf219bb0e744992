import { scoreGrouping } from "../../bench/grouping-metrics";

const truth = (events: string): { event: string; template: string }[] => [...events].map((e) => ({ event: e, template: `T${e}` }));
const predicted = (groups: string, templates?: string[]): { group: string; template: string }[] =>
  [...groups].map((g, i) => ({ group: g, template: templates?.[i] ?? `T${g.toUpperCase()}` }));

describe("scoreGrouping", () => {
  it("scores a perfect parse 1 everywhere, whatever the group names", () => {
    const s = scoreGrouping(truth("AABBC"), predicted("xxyyz", ["TA", "TA", "TB", "TB", "TC"]));
    expect(s).toMatchObject({ ga: 1, fga: 1, pga: 1, rga: 1, pa: 1, trueGroups: 3, predictedGroups: 3 });
  });

  it("counts no line of an over-merged group as correct", () => {
    // A and B merged: 4 lines wrong; C right.
    const s = scoreGrouping(truth("AABBC"), predicted("xxxxz"));
    expect(s.ga).toBeCloseTo(1 / 5);
    expect(s.pga).toBeCloseTo(1 / 2);
    expect(s.rga).toBeCloseTo(1 / 3);
    expect(s.fga).toBeCloseTo((2 * 0.5 * (1 / 3)) / (0.5 + 1 / 3));
  });

  it("counts no line of a split true group as correct", () => {
    const s = scoreGrouping(truth("AAAB"), predicted("xxyz"));
    expect(s.ga).toBeCloseTo(1 / 4);
    expect(s.pga).toBeCloseTo(1 / 3);
    expect(s.rga).toBeCloseTo(1 / 2);
  });

  it("scores PA on exact template strings, independent of grouping", () => {
    const s = scoreGrouping(truth("AB"), predicted("xx", ["TA", "TB "]));
    expect(s.pa).toBeCloseTo(1 / 2);
    expect(s.ga).toBe(0);
  });

  it("handles empty input and rejects mismatched lengths", () => {
    expect(scoreGrouping([], [])).toMatchObject({ ga: 0, fga: 0, pa: 0 });
    expect(() => scoreGrouping(truth("A"), [])).toThrow(RangeError);
  });
});
