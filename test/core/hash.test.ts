import fc from "fast-check";
import { fnvPair, hash52, hash52Joined } from "../../src/core/hash";

// Miner ids and entry keys are built from these values and persisted (miner state, issue
// markers), so the function is pinned: a change here would rename every template.
test.each([
  ["", 0x811c9dc5],
  ["a", 0xe40c292c],
  ["foobar", 0xbf9cf968],
])("fnvPair(%j).a is FNV-1a 32", (text, a) => {
  expect(fnvPair(text).a).toBe(a);
});

test("the second half differs from the first and is pinned too", () => {
  const { a, b } = fnvPair("log-gardener");
  expect(b).not.toBe(a);
  expect(b).toMatchInlineSnapshot(`4125074591`);
});

test("hash52Joined is hash52 of the joined text, for any parts", () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), fc.string(), fc.constantFrom("|", "\u0000", ""), (a, b, c, sep) => {
      expect(hash52Joined(a, b, c, sep)).toBe(hash52(`${a}${sep}${b}${sep}${c}`));
    }),
    // Calls interleave with hash52's, so lanes left over from the previous call would show.
    { numRuns: 1000, seed: 52 },
  );
});
