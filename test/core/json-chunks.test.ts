import fc from "fast-check";
import { jsonChunks } from "../../src/core/json-chunks";

const nasty = fc.oneof(
  fc.string(),
  fc.constantFrom("items", "\u0000chunked\u0000", '"items":"\u0000chunked\u0000"', '\n  "items": "x"', ',"items":[', "→ …", "\\", '"'),
);
const leaf = fc.oneof(nasty, fc.integer(), fc.boolean(), fc.constant(null));
const element = fc.oneof(leaf, fc.dictionary(nasty, leaf, { maxKeys: 3 }), fc.array(leaf, { maxLength: 3 }));

describe("jsonChunks", () => {
  test.each([0, 2] as const)("is JSON.stringify(value, null, %d) for any document and any elements", (space) => {
    fc.assert(
      fc.property(
        fc.dictionary(nasty, element, { maxKeys: 3 }),
        fc.array(element, { maxLength: 5 }),
        fc.dictionary(nasty, element, { maxKeys: 3 }),
        (before, items, after) => {
          const value: Record<string, unknown> = { ...before, items, ...after };
          if (!Array.isArray(value.items)) return; // a key of `after` named "items" replaced it
          const chunks = jsonChunks(value, "items", space, "\n");
          expect([...chunks].join("")).toBe(`${JSON.stringify(value, null, space)}\n`);
        },
      ),
    );
  });

  test.each([0, 2] as const)(
    "finds the top-level array behind a nested key of the same name holding the placeholder's text (space %d)",
    (space) => {
      const value = {
        meta: { items: "\u0000chunked\u0000", note: '"items":"\u0000chunked\u0000"' },
        items: [1, { items: [] }],
        after: "x",
      };
      expect([...jsonChunks(value, "items", space)].join("")).toBe(JSON.stringify(value, null, space));
    },
  );

  test("gives one chunk per element, and the same chunks each time it is iterated", () => {
    const chunks = jsonChunks({ version: 1, items: [{ a: 1 }, { b: [2] }, "c"], tail: true }, "items", 0);
    expect([...chunks]).toEqual(['{"version":1,"items":', "[", '{"a":1}', ",", '{"b":[2]}', ",", '"c"', "]", ',"tail":true}']);
    expect([...chunks]).toEqual([...chunks]);
  });

  test("refuses a key that does not hold an array", () => {
    expect(() => jsonChunks({ items: "no" } as { items: unknown }, "items", 2)).toThrow(/not an array/);
  });
});
