import { RecentKeys, hash52 } from "../../src/pipeline/dedupe";

describe("RecentKeys", () => {
  test("a key seen again is a duplicate; a new key is not", () => {
    const keys = new RecentKeys(10);
    expect(keys.seen("a|log|2025-09-15T01:00:00Z")).toBe(false);
    expect(keys.seen("b|log|2025-09-15T01:00:00Z")).toBe(false);
    expect(keys.seen("a|log|2025-09-15T01:00:00Z")).toBe(true);
  });

  test("keys are remembered for at least one generation after they are seen", () => {
    const keys = new RecentKeys(3);
    keys.seen("k0");
    for (let i = 1; i <= 3; i++) keys.seen(`k${i}`);
    expect(keys.seen("k0")).toBe(true); // in the previous generation
    for (let i = 4; i <= 9; i++) keys.seen(`k${i}`);
    expect(keys.seen("k0")).toBe(false); // two generations later it is forgotten
  });

  test("hash52 spreads realistic keys without collisions and stays an exact integer", () => {
    const seen = new Set<number>();
    let unsafe = 0;
    for (let i = 0; i < 200_000; i++) {
      const h = hash52(`${(i * 2654435761).toString(36)}|projects/p/logs/run.googleapis.com%2Fstdout|2025-09-15T01:${String(i % 60).padStart(2, "0")}:00.${i}Z`);
      if (!Number.isSafeInteger(h) || h < 0) unsafe++;
      seen.add(h);
    }
    expect(unsafe).toBe(0);
    expect(seen.size).toBe(200_000);
  });
});
