import fc from "fast-check";
import { buildSidecar, parseSidecar, sidecarJsonChunks, worklogSidecarSchema } from "../../../src/core/report/sidecar";
import { seedModel } from "../fixtures/seed-worklog-model";

describe("buildSidecar / parseSidecar", () => {
  test("round-trips through JSON", () => {
    const sidecar = buildSidecar(seedModel());
    const parsed = parseSidecar(JSON.parse(JSON.stringify(sidecar)));
    expect(parsed).toEqual({ ok: true, sidecar });
  });

  test("carries the facts readers need", () => {
    const s = buildSidecar(
      seedModel({
        truncations: [{ service: "netra-backend-staging", read: 200000, upTo: "2025-09-15T01:41:07.120Z", reason: "cap reached" }],
      }),
    );
    expect(s.schemaVersion).toBe(1);
    expect(s.window).toEqual({ start: "2025-09-15T01:00:00.000Z", end: "2025-09-15T02:00:00.000Z" });
    expect(s.executionId).toBe("log-gardener-x7k2p");
    expect(s.skipped).toEqual({ "missing-timestamp": 1 });
    expect(s.stats.skipped).toBe(1);
    expect(s.truncated).toBe(true);
    expect(s.truncations[0]?.read).toBe(200000);
    expect(s.clusters.map((c) => c.priority)).toEqual(["P3", "P3", "P4", "P4", "P5"]);
    const golden = s.clusters[1]!;
    expect(golden).toMatchObject({
      fingerprint: "lg1-c0ffee00c0ffee00",
      severity: "CRITICAL",
      mislabeled: true,
      count: 36,
      firstSeen: "2025-09-15T01:00:51.000Z",
      issue: { action: "comment", number: 12, url: "https://github.com/netra/backend/issues/12", dryRun: true },
    });
    expect(golden.timeline).toHaveLength(12);
    expect(s.clusters[4]!.http).toEqual({ method: "POST", route: "/ws/beacon", status: 405 });
    expect(s.clusters[0]!.logsExplorerUrl).toContain("console.cloud.google.com");
    expect(s.clusters[0]!.topVariables[0]?.name).toBe("user");
  });

  test("leaves out empty explorer links and keeps rates finite", () => {
    const base = seedModel();
    const s = buildSidecar({
      ...base,
      clusters: [{ ...base.clusters[0]!, ratePerMinute: Number.NaN }],
      logsExplorerUrls: { [base.clusters[0]!.fingerprint]: "" },
    });
    expect(s.clusters[0]!.logsExplorerUrl).toBeUndefined();
    expect(s.clusters[0]!.ratePerMinute).toBe(0);
    expect(parseSidecar(JSON.parse(JSON.stringify(s))).ok).toBe(true);
  });

  test("an empty window is a valid sidecar", () => {
    const s = buildSidecar(seedModel({ clusters: [], issues: {}, skippedSamples: [], stats: { ...seedModel().stats, skipped: {} } }));
    expect(s.truncated).toBe(false);
    expect(s.skipped).toEqual({});
    expect(worklogSidecarSchema.parse(s)).toEqual(s);
  });

  test.each([
    { name: "another schema version", patch: { schemaVersion: 2 }, problem: "schemaVersion" },
    { name: "a bad window", patch: { window: { start: "yesterday", end: "today" } }, problem: "window.start" },
    {
      name: "a bad priority",
      patch: { clusters: [{ ...buildSidecar(seedModel()).clusters[0], priority: "P9" }] },
      problem: "clusters.0.priority",
    },
  ])("rejects $name", ({ patch, problem }) => {
    const parsed = parseSidecar({ ...JSON.parse(JSON.stringify(buildSidecar(seedModel()))), ...patch });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.join("\n")).toContain(problem);
  });

  test("rejects what isn't an object", () => {
    expect(parseSidecar(null).ok).toBe(false);
    expect(parseSidecar("{}").ok).toBe(false);
  });
});

describe("sidecarJsonChunks", () => {
  const whole = (s: ReturnType<typeof buildSidecar>): string => `${JSON.stringify(s, null, 2)}\n`;

  test("is the pretty JSON of the sidecar, one chunk per cluster", () => {
    const s = buildSidecar(seedModel());
    const chunks = sidecarJsonChunks(s);
    expect([...chunks].join("")).toBe(whole(s));
    expect([...chunks]).toHaveLength(2 * s.clusters.length + 3);
    // Iterated again (the store hashes, writes and compares): the same chunks.
    expect([...chunks]).toEqual([...chunks]);
  });

  test("prints an empty window the same way", () => {
    const s = buildSidecar(seedModel({ clusters: [], issues: {} }));
    expect([...sidecarJsonChunks(s)].join("")).toBe(whole(s));
  });

  test("holds for any text in templates, notes and samples, the placeholder's own text included", () => {
    const base = seedModel();
    const hostile = fc.oneof(fc.string(), fc.constantFrom("\u0000clusters\u0000", '\n  "clusters": "x"', "→ …", "\\n"));
    fc.assert(
      fc.property(fc.array(hostile, { maxLength: 4 }), fc.array(hostile, { minLength: 0, maxLength: 5 }), (notes, templates) => {
        const clusters = templates.map((t, i) => ({ ...base.clusters[i % base.clusters.length]!, template: t }));
        const s = buildSidecar({ ...base, notes, clusters });
        expect([...sidecarJsonChunks(s)].join("")).toBe(whole(s));
      }),
    );
  });
});
