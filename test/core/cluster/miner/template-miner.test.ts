import { TemplateMiner } from "../../../../src/core/cluster/miner/template-miner";
import { MINER_STATE_VERSION } from "../../../../src/core/cluster/miner/miner-state";

function feed(miner: TemplateMiner, lines: readonly string[]): string[] {
  return lines.map((l) => miner.add(l).clusterId);
}

// Eight or more values in one position make it a variable (fewer only if they also occur elsewhere).
const users = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan"];

describe("TemplateMiner", () => {
  it("gives lines of one template one cluster and the masked template", () => {
    const miner = new TemplateMiner();
    const a = miner.add("PacketResponder 1 for block blk_38865049064139660 terminating");
    const b = miner.add("PacketResponder 2 for block blk_-6670958622368987959 terminating");
    expect(b.clusterId).toBe(a.clusterId);
    expect(b.template).toBe("PacketResponder <*> for block <*> terminating");
    expect(b.params).toEqual(["2", "blk_-6670958622368987959"]);
    expect(a.clusterId).toMatch(/^t-[0-9a-f]{12}$/);
    expect(miner.size()).toBe(1);
  });

  it("keeps different events apart", () => {
    const miner = new TemplateMiner();
    const ids = feed(miner, ["session opened for user root", "session closed for user root", "Terminating instance", "Claim successful"]);
    expect(new Set(ids).size).toBe(4);
  });

  it("merges shapes that differ only in a position that varies, keeping the oldest id", () => {
    const miner = new TemplateMiner();
    const ids = feed(
      miner,
      users.map((u) => `session closed for user ${u}`),
    );
    miner.settle();
    const resolved = new Set(ids.map((id) => miner.resolve(id)));
    expect(resolved).toEqual(new Set([ids[0]]));
    expect(miner.templateOf(ids[0]!)).toBe("session closed for user <*>");
    expect(miner.templateOf(ids[3]!)).toBe("session closed for user <*>"); // an alias follows the merge
    const next = miner.add("session closed for user zoe");
    expect(next.clusterId).toBe(ids[0]);
    expect(next.params).toEqual(["zoe"]);
  });

  it("merges a column with a few values when they also occur in other messages", () => {
    const miner = new TemplateMiner();
    const names = ["cyrus", "news", "test"];
    const opened = feed(
      miner,
      names.map((u) => `session opened for user ${u} by (uid=0)`),
    );
    feed(
      miner,
      names.map((u) => `session closed for user ${u}`),
    );
    miner.settle();
    expect(new Set(opened.map((id) => miner.resolve(id))).size).toBe(1);
  });

  it("does not merge a column with only two values", () => {
    const miner = new TemplateMiner();
    const ids = feed(miner, ["VM Started (Lifecycle Event)", "VM Paused (Lifecycle Event)", "VM Started (Lifecycle Event)"]);
    miner.settle();
    expect(miner.resolve(ids[0]!)).not.toBe(miner.resolve(ids[1]!));
  });

  it("is deterministic for the same input order", () => {
    const lines = [...users.map((u) => `login failed for ${u} from 10.0.0.${u.length}`), "disk full on /dev/sda1", "retry 3 of 5"];
    const a = new TemplateMiner();
    const b = new TemplateMiner();
    expect(feed(a, lines)).toEqual(feed(b, lines));
    expect(a.toState()).toEqual(b.toState());
  });

  it("caps huge messages and reads the first line of multi-line ones", () => {
    const miner = new TemplateMiner();
    const big = miner.add(`payload ${"x".repeat(1_000_000)} end`);
    expect(big.template.length).toBeLessThan(2100);
    const a = miner.add("TypeError: boom\n    at f (/app/a.js:1:2)");
    const b = miner.add("TypeError: boom\n    at g (/app/b.js:9:9)\n    at h (/app/c.js:3:3)");
    expect(b.clusterId).toBe(a.clusterId);
    expect(b.template).toBe("TypeError: boom");
  });

  it("returns one param per wildcard of the template", () => {
    const miner = new TemplateMiner();
    const lines = [
      "connection from 10.0.0.1 (host-1.example.com) at Sat Jul  9 12:16:49 2005",
      "connection from 10.0.0.2 () at Sun Jul 10 01:02:03 2005",
      "x close, 403 bytes (0.39 KB) sent, 12 bytes received, lifetime <1 sec",
      'acquire lock=123, tag="RILJ_ACK_WL", name=com.android.phone, uid=1000',
      ...users.map((u) => `session closed for user ${u}`),
    ];
    for (const line of lines) {
      const m = miner.add(line);
      expect(m.params).toHaveLength(m.template.split("<*>").length - 1);
    }
    const last = miner.add("connection from 10.0.0.3 (h.example.org) at Mon Jul 11 01:02:03 2005");
    expect(last.params).toEqual(["10.0.0.3", "h.example.org", "Mon Jul 11 01:02:03 2005"]);
  });

  it("applies user masks", () => {
    const miner = new TemplateMiner({ extraMasks: [{ name: "tenant", pattern: "tenant-[a-z]+" }] });
    const a = miner.add("quota exceeded for tenant-acme");
    const b = miner.add("quota exceeded for tenant-globex");
    expect(b.clusterId).toBe(a.clusterId);
    expect(b.template).toBe("quota exceeded for <*>");
    expect(b.params).toEqual(["tenant-globex"]);
  });
});

describe("miner state", () => {
  const lines = [
    ...users.map((u) => `session closed for user ${u}`),
    "Received block blk_1 of size 67108864 from /10.0.0.1",
    "disk /dev/sda1 is 91% full",
  ];

  it("round-trips through JSON", () => {
    const miner = new TemplateMiner();
    const ids = feed(miner, lines);
    const state = miner.toState();
    expect(state.version).toBe(MINER_STATE_VERSION);
    const { miner: loaded, warning } = TemplateMiner.fromState(JSON.parse(JSON.stringify(state)));
    expect(warning).toBeUndefined();
    expect(loaded.toState()).toEqual(state);
    expect(loaded.size()).toBe(miner.size());
    for (const id of ids) expect(loaded.templateOf(id)).toBe(miner.templateOf(id));
  });

  it("keeps fingerprints across two runs with different variable values", () => {
    const first = new TemplateMiner();
    const hourOne = [
      "Received block blk_1 of size 67108864 from /10.0.0.1",
      ...users.map((u) => `session closed for user ${u}`),
      "upload of report-7.csv took 1200ms",
    ];
    const idsOne = feed(first, hourOne);
    first.settle();
    const saved = JSON.stringify(first.toState());

    const { miner: second } = TemplateMiner.fromState(JSON.parse(saved));
    const hourTwo = [
      "Received block blk_-99 of size 12 from /10.9.8.7",
      "session closed for user mallory",
      "upload of report-12.csv took 33ms",
    ];
    const idsTwo = feed(second, hourTwo);
    expect(idsTwo[0]).toBe(first.resolve(idsOne[0]!));
    expect(idsTwo[1]).toBe(first.resolve(idsOne[1]!));
    expect(idsTwo[2]).toBe(first.resolve(idsOne[idsOne.length - 1]!));
  });

  it("keeps an id when its template later gains a wildcard", () => {
    const miner = new TemplateMiner();
    const first = miner.add("cache miss for key alpha");
    for (const k of ["beta", "gamma", "delta", "epsilon", "eta", "theta", "iota", "kappa"]) miner.add(`cache miss for key ${k}`);
    miner.settle();
    expect(miner.resolve(first.clusterId)).toBe(first.clusterId);
    expect(miner.templateOf(first.clusterId)).toBe("cache miss for key <*>");
    const { miner: loaded } = TemplateMiner.fromState(miner.toState());
    expect(loaded.add("cache miss for key zeta").clusterId).toBe(first.clusterId);
  });

  it.each([
    ["not an object", "garbage"],
    ["null", null],
    ["an unknown version", { version: 999, kind: "log-gardener/template-miner" }],
    ["a missing field", { version: MINER_STATE_VERSION, kind: "log-gardener/template-miner", clusters: [] }],
    [
      "a bad cluster",
      {
        version: MINER_STATE_VERSION,
        kind: "log-gardener/template-miner",
        nextSeq: 0,
        aliases: [],
        clusters: [{ id: "", template: [], count: -1, seq: 0, signatures: [] }],
      },
    ],
    [
      "a dangling alias",
      { version: MINER_STATE_VERSION, kind: "log-gardener/template-miner", nextSeq: 0, aliases: [["t-a", "t-b"]], clusters: [] },
    ],
  ])("degrades to a fresh miner with a warning on %s", (_what, json) => {
    const { miner, warning } = TemplateMiner.fromState(json);
    expect(warning).toMatch(/template state dropped/);
    expect(miner.size()).toBe(0);
    expect(miner.add("still works 42").template).toBe("still works <*>");
  });
});
