import { COLD_START_HOURS, escalationLimit, MIN_ESCALATION_COUNT, percentile } from "../../../src/core/history/escalation";

describe("escalationLimit", () => {
  test("no active hour: no limit", () => {
    expect(escalationLimit([0, 0, 0], 3)).toEqual({ baseline: 0, rule: "none", activeHours: 0 });
    expect(escalationLimit([], 3).limit).toBeUndefined();
  });

  test("cold start: ten times the busiest active hour, zeros left out", () => {
    expect(escalationLimit([0, 4, 0, 7, 2], 3)).toEqual({ baseline: 7, limit: 70, rule: "cold-start", activeHours: 3 });
    // A factor above ten is honoured in cold start too.
    expect(escalationLimit([5], 12).limit).toBe(60);
    expect(escalationLimit([1], 3).limit).toBe(MIN_ESCALATION_COUNT);
  });

  test("warm: the factor times the 95th percentile of active hours, never within five sigmas of it", () => {
    const hours = [...Array.from({ length: 99 }, () => 100), 1000, ...Array.from({ length: 200 }, () => 0)];
    const l = escalationLimit(hours, 3);
    expect(l).toMatchObject({ baseline: 100, limit: 300, rule: "percentile", activeHours: 100 });
    // With a factor of 1 the noise margin decides: 100 + 5 * 10.
    expect(escalationLimit(hours, 1).limit).toBe(150);
  });

  test("the cold start ends at COLD_START_HOURS active hours", () => {
    expect(escalationLimit(new Array(COLD_START_HOURS - 1).fill(20), 3).rule).toBe("cold-start");
    expect(escalationLimit(new Array(COLD_START_HOURS).fill(20), 3)).toMatchObject({ rule: "percentile", limit: 60 });
  });

  test("percentile is nearest-rank", () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([7], 95)).toBe(7);
  });
});
