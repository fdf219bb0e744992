import { hash52 } from "../../src/core/hash";
import { RecentKeys } from "../../src/pipeline/dedupe";

describe("RecentKeys", () => {
  test("a key seen again is a duplicate; a new key is not", () => {
    const keys = new RecentKeys(10);
    expect(keys.seen(hash52("a|log|2025-09-15T01:00:00Z"))).toBe(false);
    expect(keys.seen(hash52("b|log|2025-09-15T01:00:00Z"))).toBe(false);
    expect(keys.seen(hash52("a|log|2025-09-15T01:00:00Z"))).toBe(true);
  });

  test("keys are remembered for at least one generation after they are seen", () => {
    const keys = new RecentKeys(3);
    keys.seen(hash52("k0"));
    for (let i = 1; i <= 3; i++) keys.seen(hash52(`k${i}`));
    expect(keys.seen(hash52("k0"))).toBe(true); // in the previous generation
    for (let i = 4; i <= 9; i++) keys.seen(hash52(`k${i}`));
    expect(keys.seen(hash52("k0"))).toBe(false); // two generations later it is forgotten
  });

  test("hash52 spreads realistic keys without collisions and stays an exact integer", () => {
    const seen = new Set<number>();
    let unsafe = 0;
    for (let i = 0; i < 200_000; i++) {
      const h = hash52(
        `${(i * 2654435761).toString(36)}|projects/p/logs/run.googleapis.com%2Fstdout|2025-09-15T01:${String(i % 60).padStart(2, "0")}:00.${i}Z`,
      );
      if (!Number.isSafeInteger(h) || h < 0) unsafe++;
      seen.add(h);
    }
    expect(unsafe).toBe(0);
    expect(seen.size).toBe(200_000);
  });
});

describe("RecentKeys against a model", () => {
  /** The rule stated in plain Sets: two generations of at most `capacity` keys. */
  class Model {
    current = new Set<string>();
    previous = new Set<string>();
    constructor(readonly capacity: number) {}
    seen(key: string): boolean {
      if (this.current.has(key) || this.previous.has(key)) return true;
      if (this.current.size >= this.capacity) {
        this.previous = this.current;
        this.current = new Set();
      }
      this.current.add(key);
      return false;
    }
  }

  test("answers as the model does over many generations, redeliveries near and far", () => {
    for (const capacity of [1, 7, 1000]) {
      const keys = new RecentKeys(capacity);
      const model = new Model(capacity);
      let state = 12345;
      const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
      let duplicates = 0;
      for (let i = 0; i < 20_000; i++) {
        const back = random() < 0.3 ? Math.floor(random() * capacity * 3) : 0;
        const key = `id-${Math.max(0, i - back)}|projects/p/logs/stdout|2025-09-15T01:00:00Z`;
        const expected = model.seen(key);
        if (expected) duplicates++;
        expect(keys.seen(hash52(key))).toBe(expected);
      }
      expect(duplicates).toBeGreaterThan(1000);
    }
  });
});
