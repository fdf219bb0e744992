import { partitionShapes, type Shape } from "../../../../src/core/cluster/miner/regroup";

const shape = (text: string, weight = 1): Shape => ({ tokens: text.split(" "), weight });
const groups = (texts: string[], elsewhere: string[] = []): string[][] => {
  const shapes = texts.map((t) => shape(t));
  const shared = new Set(elsewhere);
  return partitionShapes(shapes, (tok) => shared.has(tok)).map((part) => part.map((i) => texts[i]!));
};

describe("partitionShapes", () => {
  it("keeps one group for one shape and for none", () => {
    expect(partitionShapes([])).toEqual([]);
    expect(groups(["disk full"])).toEqual([["disk full"]]);
  });

  it("merges a column of many values", () => {
    const names = ["ann", "ben", "cat", "dan", "eve", "fay", "gus", "hal"];
    expect(groups(names.map((n) => `login failed for ${n}`))).toHaveLength(1);
  });

  it("splits a column of a few values that occur nowhere else", () => {
    const parts = groups(["VM Started (Lifecycle Event)", "VM Paused (Lifecycle Event)", "VM Resumed (Lifecycle Event)"]);
    expect(parts).toHaveLength(3);
  });

  it("merges a column of a few values that also occur elsewhere", () => {
    const parts = groups(
      ["session closed for user cyrus", "session closed for user news", "session closed for user test"],
      ["cyrus", "news", "test"],
    );
    expect(parts).toHaveLength(1);
  });

  it("merges a column that holds a whole masked value or nothing", () => {
    expect(groups(["connection from <*> (<*>) at <*>", "connection from <*> () at <*>"])).toHaveLength(1);
    expect(groups(["open through proxy <*> HTTPS", "open through proxy <*> <*>"])).toHaveLength(2);
  });

  it("splits on two columns in lockstep", () => {
    const states = ["NEW INITED", "INITED SETUP", "SETUP RUNNING"].map((s) => s.split(" "));
    const texts = states.map(([a, b]) => `<*> Transitioned from ${a} to ${b}`);
    expect(groups(texts, ["NEW", "INITED", "SETUP", "RUNNING"])).toHaveLength(3);
  });

  it("splits on many states in lockstep, but not on a word written twice", () => {
    const chain = ["NEW", "UNASSIGNED", "ASSIGNED", "RUNNING", "CLEANUP", "SUCCEEDED", "FAIL_CLEANUP", "FAIL_TASK_CLEANUP", "FAILED"];
    const transitions = chain.slice(1).map((to, k) => `<*> moved from ${chain[k]} to ${to}`);
    expect(groups(transitions)).toHaveLength(transitions.length);
    const names = ["ann", "ben", "cat", "dan", "eve", "fay", "gus", "hal", "ida"];
    expect(groups(names.map((n) => `job ${n} failed in ${n}`))).toHaveLength(1);
  });

  it("does not merge shapes whose roots differ", () => {
    const texts = [
      ...Array.from({ length: 5 }, () => "Received block <*> of size <*>"),
      ...Array.from({ length: 3 }, () => "Deleting block <*> file <*>"),
    ];
    expect(groups([...new Set(texts)])).toHaveLength(2);
  });
});
