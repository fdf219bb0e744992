// What the clusterer tells the problem history about revisions: the revision of each cluster's
// earliest entry (entries may arrive out of order), and each revision's first entry in the service.
import { DEFAULT_CLUSTER_OPTIONS, ServiceClusterer, type MessageTemplater } from "../../../src/core/cluster/cluster";
import { hash52 } from "../../../src/core/hash";
import type { NormalizedEntry } from "../../../src/core/types";

const WINDOW = { start: Date.parse("2025-09-15T01:00:00Z"), end: Date.parse("2025-09-15T02:00:00Z") };

const templater: MessageTemplater = {
  add: (message) => ({ clusterId: message, template: message, params: [] }),
  templateOf: (id) => id,
};

function entry(message: string, minute: number, revision?: string): NormalizedEntry {
  const ts = WINDOW.start + minute * 60_000;
  return {
    key: `${message}-${minute}-${revision}`,
    keyHash: hash52(`${message}-${minute}-${revision}`),
    timestamp: ts,
    timestampText: new Date(ts).toISOString(),
    severity: "WARNING",
    service: "svc",
    kind: "application",
    message,
    sample: { message },
    ...(revision !== undefined ? { revision } : {}),
  };
}

describe("ServiceClusterer revisions", () => {
  test("firstRevision is the earliest entry's, whatever order entries arrive in", () => {
    const c = new ServiceClusterer("svc", templater, { ...DEFAULT_CLUSTER_OPTIONS, window: WINDOW });
    c.add(entry("boom", 40, "rev-2"));
    c.add(entry("boom", 10, "rev-1"));
    c.add(entry("boom", 20, "rev-2"));
    c.add(entry("quiet", 5));
    const [boom, quiet] = [c.clusters().find((x) => x.template === "boom")!, c.clusters().find((x) => x.template === "quiet")!];
    expect(boom.firstRevision).toBe("rev-1");
    expect(quiet.firstRevision).toBeUndefined();
  });

  test("revisionsSeen gives each revision's earliest entry; entries without one are counted", () => {
    const c = new ServiceClusterer("svc", templater, { ...DEFAULT_CLUSTER_OPTIONS, window: WINDOW });
    c.add(entry("a", 50, "rev-2"));
    c.add(entry("b", 30, "rev-2"));
    c.add(entry("a", 3, "rev-1"));
    c.add(entry("a", 4));
    c.add(entry("b", 6));
    expect(c.revisionsSeen().sort((x, y) => x.firstSeen - y.firstSeen)).toEqual([
      { value: "rev-1", firstSeen: WINDOW.start + 3 * 60_000 },
      { value: "rev-2", firstSeen: WINDOW.start + 30 * 60_000 },
    ]);
    expect(c.entriesWithoutRevision).toBe(2);
  });

  test("revisions tracked are bounded", () => {
    const c = new ServiceClusterer("svc", templater, { ...DEFAULT_CLUSTER_OPTIONS, maxDistinctValues: 3, window: WINDOW });
    for (let i = 0; i < 10; i++) c.add(entry("a", i, `rev-${i}`));
    expect(c.revisionsSeen()).toHaveLength(3);
  });
});
