import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PRIORITY_NOTES, renderPriorityTable } from "../../../src/core/cluster/priority";

test("README's Priorities section matches PRIORITY_RULES", () => {
  const readme = readFileSync(join(__dirname, "../../../README.md"), "utf8");
  const m = /<!-- priorities:start[^>]*-->\n([\s\S]*?)<!-- priorities:end -->/.exec(readme);
  expect(m).not.toBeNull();
  expect(m![1]).toBe(`${renderPriorityTable()}\n\n${PRIORITY_NOTES.join("\n\n")}\n`);
});
