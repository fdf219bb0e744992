import { fnvPair, hash52 } from "../../src/core/hash";

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

test("hash52 folds the pair: the first half above 20 bits of the second", () => {
  const { a, b } = fnvPair("log-gardener");
  expect(hash52("log-gardener")).toBe(a * 2 ** 20 + (b % 2 ** 20));
  expect(hash52("log-gardener")).toBeLessThan(2 ** 52);
});
