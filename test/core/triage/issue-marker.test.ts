import {
  hasCommentMarker,
  historyBetween,
  matchIssue,
  parseIssueMarker,
  recordHours,
  renderCommentMarker,
  renderIssueMarker,
  replaceIssueMarker,
  replaceLatestSection,
  templateSimilarity,
  ISSUE_MARKER_VERSION,
  LATEST_END,
  LATEST_START,
  type IssueMarker,
} from "../../../src/core/triage/issue-marker";

const marker: IssueMarker = {
  v: ISSUE_MARKER_VERSION,
  kind: "problem",
  fp: "lg1-0123abcd",
  svc: "api",
  tpl: "Timeout calling <*> after <*> ms --> retry <b>",
  src: "app.client.call",
  hist: { h0: 487_000, c: [0, 3, 12] },
  base: 12,
  commented: { w: "2025-09-15T0100Z", at: 1_757_901_600_000 },
  seen: "2025-09-15T0200Z",
  aka: ["lg0-old"],
};

describe("issue marker", () => {
  it("round-trips", () => {
    const text = renderIssueMarker(marker);
    expect(text.startsWith("<!-- log-gardener:v1 {")).toBe(true);
    expect(text.endsWith(" -->")).toBe(true);
    expect(parseIssueMarker(`Some body\n${text}\nmore`)).toEqual({ ok: true, marker });
  });

  it("cannot be closed early by the template (no --> or < > inside)", () => {
    const text = renderIssueMarker(marker);
    const json = text.slice("<!-- log-gardener:v1 ".length, -" -->".length);
    expect(json).not.toMatch(/[<>]/);
    expect(text.indexOf("-->")).toBe(text.length - 3);
  });

  it.each([
    ["no marker", "just a body", "absent"],
    ["future version", '<!-- log-gardener:v2 {"fp":"x"} -->', "unknown-version"],
    ["broken json", "<!-- log-gardener:v1 {not json} -->", "invalid"],
    ["missing fields", '<!-- log-gardener:v1 {"kind":"problem"} -->', "invalid"],
    ["null body", null, "absent"],
  ])("rejects %s", (_name, body, reason) => {
    expect(parseIssueMarker(body)).toEqual({ ok: false, reason });
  });

  it("is replaced in place, or added at the top", () => {
    const next = { ...marker, seen: "2025-09-15T0300Z" };
    const body = `intro\n${renderIssueMarker(marker)}\noutro`;
    expect(replaceIssueMarker(body, next)).toBe(`intro\n${renderIssueMarker(next)}\noutro`);
    expect(replaceIssueMarker("hand-made", next)).toBe(`${renderIssueMarker(next)}\nhand-made`);
  });
});

describe("comment marker", () => {
  it("names the window and fingerprint", () => {
    const m = renderCommentMarker("2025-09-15T0100Z", "lg1-abc");
    expect(m).toBe("<!-- log-gardener:comment v1 w=2025-09-15T0100Z fp=lg1-abc -->");
    expect(hasCommentMarker(`${m}\nhello`, "2025-09-15T0100Z", "lg1-abc")).toBe(true);
    expect(hasCommentMarker(`${m}\nhello`, "2025-09-15T0200Z", "lg1-abc")).toBe(false);
    expect(hasCommentMarker(`${m}\nhello`, "2025-09-15T0100Z", "lg1-abd")).toBe(false);
  });
});

describe("latest section", () => {
  it("is replaced in place, keeping the rest of the body", () => {
    const first = replaceLatestSection("head edited by a person", "one");
    expect(first).toBe(`head edited by a person\n\n${LATEST_START}\none\n${LATEST_END}\n`);
    const second = replaceLatestSection(`${first}\nfooter`, "two");
    expect(second).toBe(`head edited by a person\n\n${LATEST_START}\ntwo\n${LATEST_END}\n\nfooter`);
  });
});

describe("hourly history", () => {
  it.each([
    ["first hour", { h0: 100, c: [] }, [[100, 5]], 168, { h0: 100, c: [5] }],
    ["next hour", { h0: 100, c: [5] }, [[101, 7]], 168, { h0: 100, c: [5, 7] }],
    ["gap filled with zeros", { h0: 100, c: [5] }, [[103, 1]], 168, { h0: 100, c: [5, 0, 0, 1] }],
    ["rerun sets, does not add", { h0: 100, c: [5, 7] }, [[101, 7]], 168, { h0: 100, c: [5, 7] }],
    ["old hours dropped", { h0: 100, c: [1, 2, 3] }, [[103, 4]], 3, { h0: 101, c: [2, 3, 4] }],
  ] as const)("%s", (_name, history, counts, keep, expected) => {
    expect(recordHours(history, new Map(counts.map(([h, n]) => [h, n])), keep)).toEqual(expected);
  });

  it("reads a range with zeros outside", () => {
    expect(historyBetween({ h0: 100, c: [1, 2] }, 99, 102)).toEqual([0, 1, 2, 0]);
  });
});

describe("similarity re-match", () => {
  it.each([
    ["same template, other ids", "Timeout calling <*> after <*> ms", "Timeout calling {id} after <*> ms", 1],
    ["one word differs", "Failed to connect to redis at <*> after retries", "Failed to connect to postgres at <*> after retries", 6 / 8],
    ["unrelated", "Async engine not available", "Session access failed", 0],
  ])("%s", (_name, a, b, score) => {
    expect(templateSimilarity(a, b)).toBeCloseTo(score, 5);
  });

  const candidates = [
    { issue: { number: 1 }, marker: { ...marker, fp: "lg1-a", svc: "api", tpl: "Timeout calling <*> after <*> ms" } },
    { issue: { number: 2 }, marker: { ...marker, fp: "lg1-b", svc: "api", tpl: "Session access failed: middleware not installed" } },
    { issue: { number: 5 }, marker: { ...marker, fp: "lg1-b", svc: "api", tpl: "Session access failed: middleware not installed" } },
    { issue: { number: 3 }, marker: { ...marker, fp: "lg1-c", svc: "worker", tpl: "Timeout calling <*> after <*> seconds" } },
    { issue: { number: 4 }, marker: { ...marker, kind: "digest" as const, fp: "digest", svc: "", tpl: "" } },
  ];

  it.each([
    [
      "fingerprint, newest issue",
      { fingerprint: "lg1-b", service: "api", template: "x" },
      0.85,
      new Set<number>(),
      { by: "fingerprint", n: 5 },
    ],
    ["alias", { fingerprint: "lg0-old", service: "api", template: "x" }, 0.85, new Set<number>(), { by: "fingerprint", n: 5 }],
    [
      "similar template, same service",
      { fingerprint: "lg2-new", service: "api", template: "Timeout calling <*> after {n} ms" },
      0.85,
      new Set<number>(),
      { by: "similarity", n: 1 },
    ],
    [
      "similar template, other service",
      { fingerprint: "lg2-new", service: "billing", template: "Timeout calling <*> after <*> ms" },
      0.85,
      new Set<number>(),
      undefined,
    ],
    [
      "claimed by another cluster",
      { fingerprint: "lg2-new", service: "api", template: "Timeout calling <*> after <*> ms" },
      0.85,
      new Set([1]),
      undefined,
    ],
    [
      "similarity turned off",
      { fingerprint: "lg2-new", service: "api", template: "Timeout calling <*> after <*> ms" },
      2,
      new Set<number>(),
      undefined,
    ],
  ])("%s", (_name, query, threshold, claimed, expected) => {
    const m = matchIssue(query, candidates.slice(0, 4).concat(candidates[4]!), threshold, claimed);
    expect(m ? { by: m.by, n: m.issue.number } : undefined).toEqual(expected);
  });
});
