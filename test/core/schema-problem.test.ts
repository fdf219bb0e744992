import { z } from "zod";
import { schemaProblem } from "../../src/core/schema-problem";

describe("schemaProblem", () => {
  const schema = z.object({ seen: z.array(z.string()) });
  const problem = (json: unknown, root?: string): string => {
    const parsed = schema.safeParse(json);
    if (parsed.success) throw new Error("expected a failure");
    return schemaProblem(parsed.error, "route state", root);
  };

  test("names the first issue's path, under the field the document was read from", () => {
    expect(problem({ seen: ["a", 2] }, "routes")).toMatch(/^invalid route state at routes\.seen\.1: /);
    expect(problem({ seen: ["a", 2] })).toMatch(/^invalid route state at seen\.1: /);
  });

  test("says no place when the document itself is wrong", () => {
    expect(problem("nope", "routes")).toMatch(/^invalid route state: /);
  });
});
