import { renderSparkline, SPARKLINE_EMPTY } from "../../../src/core/report/sparkline";

describe("renderSparkline", () => {
  test.each([
    { counts: [], expected: "" },
    { counts: [0, 0, 0], expected: "···" },
    { counts: [5], expected: "█" },
    { counts: [1, 2, 3, 4, 5, 6, 7, 8], expected: "▁▂▃▄▅▆▇█" },
    { counts: [0, 1, 100, 50, 0], expected: "·▁█▄·" },
    { counts: [3, 3, 3], expected: "███" },
    { counts: [-1, Number.NaN, Infinity, 2], expected: "···█" },
  ])("$counts → $expected", ({ counts, expected }) => {
    expect(renderSparkline(counts)).toBe(expected);
  });

  test("one character per bucket, and any occurrence is visible", () => {
    const line = renderSparkline([1, 0, 10_000]);
    expect(Array.from(line)).toHaveLength(3);
    expect(Array.from(line)[0]).toBe("▁");
    expect(Array.from(line)[1]).toBe(SPARKLINE_EMPTY);
  });
});
