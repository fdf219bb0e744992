import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PRIORITY_NOTES, renderPriorityTable } from "../../../src/core/cluster/priority";

test("docs/priorities.md matches PRIORITY_RULES", () => {
  const doc = readFileSync(join(__dirname, "../../../docs/priorities.md"), "utf8");
  const m = /<!-- priorities:start[^>]*-->\n([\s\S]*?)<!-- priorities:end -->/.exec(doc);
  expect(m).not.toBeNull();
  expect(m![1]).toBe(`${renderPriorityTable()}\n\n${PRIORITY_NOTES.join("\n\n")}\n`);
});
