import { shareOfServices } from "../../../src/core/schedule/shard";
import { InvariantError } from "../../../src/errors";

describe("shareOfServices", () => {
  const services = ["web", "api", "billing", "auth", "worker"];

  test.each([
    [0, 1, ["api", "auth", "billing", "web", "worker"]],
    [0, 2, ["api", "billing", "worker"]],
    [1, 2, ["auth", "web"]],
    [2, 3, ["billing"]],
    [4, 6, ["worker"]],
    [5, 6, []],
  ])("task %i of %i", (index, count, expected) => {
    expect(shareOfServices(services, index, count)).toEqual(expected);
  });

  test("every service goes to exactly one task, whatever the configured order", () => {
    for (const count of [1, 2, 3, 4, 7]) {
      const shares = Array.from({ length: count }, (_, i) => shareOfServices([...services].reverse(), i, count));
      expect(shares.flat().sort()).toEqual([...services].sort());
      expect(shares).toEqual(Array.from({ length: count }, (_, i) => shareOfServices(services, i, count)));
    }
  });

  test("duplicates are read once", () => {
    expect(shareOfServices(["api", "api", "web"], 0, 1)).toEqual(["api", "web"]);
  });

  test("an index outside the count is a bug", () => {
    expect(() => shareOfServices(services, 2, 2)).toThrow(InvariantError);
    expect(() => shareOfServices(services, 0, 0)).toThrow(InvariantError);
  });
});
