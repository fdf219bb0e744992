import {
  emptyProblemHistory,
  HISTORY_VERSION,
  parseProblemHistory,
  problemHours,
  updateWindow,
  withIssueNumbers,
  type ProblemHistory,
  type WindowUpdate,
} from "../../../src/core/history/history";
import { changeOf, hour, HOUR, MINUTE, obs, OPTIONS, random, T0, type ObsSpec } from "./simulate";

const H = (n: number) => T0 + n * HOUR;

/** Runs hours [0, hours) with `problemsAt(h)` and returns every update. */
function simulate(
  hours: number,
  problemsAt: (h: number) => Partial<Record<string, ObsSpec>>,
  options = OPTIONS,
  start: ProblemHistory = emptyProblemHistory("api"),
): WindowUpdate[] {
  const out: WindowUpdate[] = [];
  let history = start;
  for (let h = 0; h < hours; h++) {
    const u = hour(history, H(h), problemsAt(h), options);
    out.push(u);
    history = u.history;
  }
  return out;
}

describe("change classification", () => {
  test("a problem is new in its first hour, then ongoing, and keeps its first sighting and revision", () => {
    const runs = simulate(3, (h) => ({ A: { count: 5, from: 10, revisions: h === 0 ? { "rev-1": 5 } : { "rev-2": 5 } } }));
    expect(runs.map((u) => changeOf(u, "A").change)).toEqual(["new", "ongoing", "ongoing"]);
    expect(changeOf(runs[2]!, "A")).toMatchObject({ firstSeen: H(0) + 10 * MINUTE, firstSeenRevision: "rev-1" });
  });

  test("a problem gone for a day comes back as returned, then is ongoing again", () => {
    // Hours 0-9 every hour, gone from hour 10 to hour 33, back at 34.
    const runs = simulate(37, (h) => (h < 10 || h >= 34 ? { A: { count: 20 } } : {}));
    expect(changeOf(runs[34]!, "A").change).toBe("returned");
    expect(changeOf(runs[34]!, "A").absentMs).toBe(H(34) + MINUTE - H(10));
    expect(changeOf(runs[35]!, "A").change).toBe("ongoing");
    expect(changeOf(runs[9]!, "A").change).toBe("ongoing");
  });

  test("a gap shorter than LOG_GARDENER_RETURN_AFTER is not a return; a shorter setting makes it one", () => {
    const pattern = (h: number) => (h < 3 || h >= 7 ? { A: { count: 4 } } : {});
    expect(changeOf(simulate(8, pattern)[7]!, "A").change).toBe("ongoing");
    expect(changeOf(simulate(8, pattern, { ...OPTIONS, returnAfterMs: 2 * HOUR })[7]!, "A").change).toBe("returned");
  });

  test("a steady problem with hourly noise is never escalating, over three weeks", () => {
    const rnd = random(7);
    const runs = simulate(21 * 24, () => ({ A: { count: 60 + Math.floor(rnd() * 90) } }));
    const changes = runs.map((u) => changeOf(u, "A").change);
    expect(changes[0]).toBe("new");
    expect(changes.slice(1).every((c) => c === "ongoing")).toBe(true);
    const last = changeOf(runs.at(-1)!, "A");
    expect(last.rule).toBe("percentile");
    expect(last.baseline).toBeGreaterThan(130);
    expect(last.limit).toBe(Math.ceil(3 * last.baseline));
  });

  test("a real tenfold jump is escalating, and the baseline catches up when the new level stays", () => {
    const rnd = random(11);
    const runs = simulate(3 * 24 + 30, (h) => ({ A: { count: h < 72 ? 40 + Math.floor(rnd() * 20) : 500 } }));
    expect(runs.slice(1, 72).every((u) => changeOf(u, "A").change === "ongoing")).toBe(true);
    const jump = changeOf(runs[72]!, "A");
    expect(jump).toMatchObject({ change: "escalating", rule: "percentile", peak: 500 });
    expect(jump.baseline).toBeLessThan(60);
    expect(changeOf(runs.at(-1)!, "A")).toMatchObject({ change: "ongoing", baseline: 500 });
  });

  test("cold start: a young problem needs ten times its busiest hour (and at least 10) to escalate", () => {
    const base = simulate(3, () => ({ A: { count: 5 } }));
    const young = base.at(-1)!.history;
    const at = (n: number) => changeOf(hour(young, H(3), { A: { count: n } }), "A");
    expect(at(49)).toMatchObject({ change: "ongoing", rule: "cold-start", baseline: 5, limit: 50 });
    expect(at(50).change).toBe("escalating");
    const tiny = simulate(3, () => ({ B: { count: 1 } })).at(-1)!.history;
    expect(changeOf(hour(tiny, H(3), { B: { count: 9 } }), "B")).toMatchObject({ change: "ongoing", limit: 10 });
  });

  test("a cron-like burst every six hours is ongoing, never returned or escalating, and quiet in between", () => {
    const burst = (h: number) => (h % 6 === 0 ? { CRON: { count: 400 + (h % 12 === 0 ? 50 : 0), from: 0, to: 4 } } : {});
    const runs = simulate(7 * 24, burst);
    const bursts = runs.filter((_, h) => h % 6 === 0).map((u) => changeOf(u, "CRON").change);
    expect(bursts[0]).toBe("new");
    expect(bursts.slice(1).every((c) => c === "ongoing")).toBe(true);
    expect(runs[1]!.quiet.map((q) => q.fingerprint)).toEqual(["CRON"]);
    expect(runs[2]!.quiet).toEqual([]);
    // With a four-hour return setting the same bursts are returns.
    const short = simulate(13, burst, { ...OPTIONS, returnAfterMs: 4 * HOUR });
    expect(changeOf(short[12]!, "CRON").change).toBe("returned");
  });

  test("new takes precedence: a first hour at any volume is new, not escalating", () => {
    expect(changeOf(hour(emptyProblemHistory("api"), H(0), { A: { count: 100000 } }), "A")).toMatchObject({
      change: "new",
      baseline: 0,
      rule: "none",
    });
    expect(changeOf(hour(emptyProblemHistory("api"), H(0), { A: { count: 1 } }), "A").limit).toBeUndefined();
  });
});

describe("deploys", () => {
  const r1 = "api-00001-abc";
  const r2 = "api-00002-def";
  // Hours 0-2 on r1; in hour 3 r2 is deployed at :30. OLD logs on both revisions; NEW only on r2.
  function deployHour(): WindowUpdate {
    const before = simulate(3, () => ({ OLD: { count: 10, revisions: { [r1]: 10 } } })).at(-1)!.history;
    return updateWindow(
      before,
      {
        window: { start: H(3), end: H(4) },
        observations: [
          { ...obs("OLD", H(3), { count: 12, revisions: { [r1]: 6, [r2]: 6 }, firstRevision: r1 }) },
          { ...obs("NEW", H(3), { count: 30, from: 31, revisions: { [r2]: 30 } }) },
        ],
        revisions: [
          { value: r1, firstSeen: H(3) + MINUTE },
          { value: r2, firstSeen: H(3) + 30 * MINUTE },
        ],
      },
      OPTIONS,
    );
  }

  test("a deploy halfway through an hour: the problem only on the new revision started with it", () => {
    const u = deployHour();
    expect(u.deployed).toEqual([{ value: r2, firstSeen: H(3) + 30 * MINUTE }]);
    expect(changeOf(u, "NEW")).toMatchObject({ change: "new", firstSeenRevision: r2, startedWithDeploy: r2 });
    expect(changeOf(u, "OLD").startedWithDeploy).toBeUndefined();
    expect(changeOf(u, "OLD").firstSeenRevision).toBe(r1);
    expect(u.history.revisions.map((r) => r.value)).toEqual([r1, r2]);
  });

  test("the revision keeps its first sighting: the next hour is no deploy, and a rerun of the hour says the same", () => {
    const u = deployHour();
    const next = hour(u.history, H(4), { NEW: { count: 30, revisions: { [r2]: 30 } } });
    expect(next.deployed).toEqual([]);
    expect(changeOf(next, "NEW").startedWithDeploy).toBeUndefined();
    const rerun = updateWindow(
      u.history,
      {
        window: { start: H(3), end: H(4) },
        observations: [obs("NEW", H(3), { count: 30, from: 31, revisions: { [r2]: 30 } })],
        revisions: [{ value: r2, firstSeen: H(3) + 30 * MINUTE }],
      },
      OPTIONS,
    );
    expect(changeOf(rerun, "NEW")).toMatchObject({ change: "new", startedWithDeploy: r2 });
  });

  test("a history that starts with this window claims no deploy", () => {
    const u = hour(emptyProblemHistory("api"), H(0), { NEW: { count: 3, revisions: { [r2]: 3 } } });
    expect(u.deployed).toEqual([]);
    expect(changeOf(u, "NEW").startedWithDeploy).toBeUndefined();
  });

  test("entries with no revision are counted and never claim a deploy", () => {
    const before = simulate(2, () => ({ OLD: { count: 1 } })).at(-1)!.history;
    const u = updateWindow(
      before,
      { window: { start: H(2), end: H(3) }, observations: [obs("X", H(2), { count: 4, revisions: {} })], revisions: [], noRevision: 4 },
      OPTIONS,
    );
    expect(u.report.noRevision).toBe(4);
    expect(changeOf(u, "X")).toMatchObject({ change: "new" });
    expect(changeOf(u, "X").firstSeenRevision).toBeUndefined();
    expect(changeOf(u, "X").startedWithDeploy).toBeUndefined();
    // Partly without revision: not "all entries from the new revision".
    const mixed = updateWindow(
      before,
      {
        window: { start: H(2), end: H(3) },
        observations: [obs("Y", H(2), { count: 4, revisions: { "rev-9": 3 } })],
        revisions: [{ value: "rev-9", firstSeen: H(2) + MINUTE }],
        noRevision: 1,
      },
      OPTIONS,
    );
    expect(changeOf(mixed, "Y").startedWithDeploy).toBeUndefined();
  });
});

describe("idempotent per window", () => {
  const pattern = (h: number): Partial<Record<string, ObsSpec>> => ({
    ...(h % 5 !== 3 ? { A: { count: 10 + h } } : {}),
    ...(h >= 4 ? { B: { count: 2, revisions: { [`rev-${Math.floor(h / 4)}`]: 2 } } } : {}),
    ...(h === 0 || h === 9 ? { C: { count: 1 } } : {}),
  });

  test("running a window twice leaves the history and the changes as one run did", () => {
    const before = simulate(6, pattern).at(-1)!.history;
    const once = hour(before, H(6), pattern(6));
    const twice = hour(once.history, H(6), pattern(6));
    expect(twice.history).toEqual(once.history);
    expect(twice.changes).toEqual(once.changes);
    expect(twice.quiet).toEqual(once.quiet);
    expect(twice.deployed).toEqual(once.deployed);
  });

  test("a backfilled window ends where running every hour in order ends, and says the same about that window", () => {
    const inOrder = simulate(12, pattern);
    // Skip hours 5 and 6, run the rest, then backfill 5 and 6 oldest first.
    let history = emptyProblemHistory("api");
    for (const h of [0, 1, 2, 3, 4, 7, 8, 9, 10, 11]) history = hour(history, H(h), pattern(h)).history;
    const back5 = hour(history, H(5), pattern(5));
    const back6 = hour(back5.history, H(6), pattern(6));
    expect(back6.history).toEqual(inOrder[11]!.history);
    expect(back5.changes).toEqual(inOrder[5]!.changes);
    expect(back6.changes).toEqual(inOrder[6]!.changes);
    expect(back5.quiet).toEqual(inOrder[5]!.quiet);
  });

  test("a rerun that sees fewer entries sets the hour, it does not add to it", () => {
    const first = hour(emptyProblemHistory("api"), H(0), { A: { count: 10 }, B: { count: 3 } });
    const again = hour(first.history, H(0), { A: { count: 7 } });
    expect(problemHours(again.history.problems.A, 0 + T0 / HOUR, T0 / HOUR)).toEqual([7]);
    expect(again.history.problems.B?.c ?? []).toEqual([]);
  });
});

describe("gone quiet", () => {
  test("lists problems of the previous window missing from this one, with their issue numbers", () => {
    const first = hour(emptyProblemHistory("api"), H(0), { A: { count: 10 }, B: { count: 3 }, C: { count: 1 } });
    const numbered = withIssueNumbers(
      first.history,
      new Map([
        ["A", 12],
        ["B", 7],
      ]),
    );
    const second = hour(numbered, H(1), { B: { count: 2 } });
    expect(second.quiet).toEqual([
      { fingerprint: "A", title: "problem A", lastSeen: H(0) + 58 * MINUTE, issue: 12, count: 10 },
      { fingerprint: "C", title: "problem C", lastSeen: H(0) + 58 * MINUTE, count: 1 },
    ]);
    expect(hour(second.history, H(2), {}).quiet.map((q) => q.fingerprint)).toEqual(["B"]);
    expect(hour(hour(second.history, H(2), {}).history, H(3), {}).quiet).toEqual([]);
  });

  test("issue numbers survive later windows and are kept when unknown this time", () => {
    const a = withIssueNumbers(hour(emptyProblemHistory("api"), H(0), { A: { count: 1 } }).history, new Map([["A", 3]]));
    expect(hour(a, H(1), { A: { count: 1 } }).history.problems.A?.issue).toBe(3);
    expect(withIssueNumbers(a, new Map([["A", 3]]))).toBe(a);
  });
});

describe("merged fingerprints", () => {
  test("the survivor absorbs the merged problem's history: counts, first sighting, issue", () => {
    let history = emptyProblemHistory("api");
    history = hour(history, H(0), { OLD: { count: 4, revisions: { "rev-0": 4 } } }).history;
    history = withIssueNumbers(history, new Map([["OLD", 5]]));
    history = hour(history, H(1), { OLD: { count: 6 }, SURV: { count: 2 } }).history;
    const u = hour(history, H(2), { SURV: { count: 9, mergedFrom: ["OLD"] } });
    expect(u.report.merged).toBe(1);
    expect(u.history.problems.OLD).toBeUndefined();
    const rec = u.history.problems.SURV!;
    expect(problemHours(rec, T0 / HOUR, T0 / HOUR + 2)).toEqual([4, 8, 9]);
    expect(rec).toMatchObject({ firstSeen: H(0) + MINUTE, firstSeenRevision: "rev-0", issue: 5 });
    expect(changeOf(u, "SURV")).toMatchObject({ change: "ongoing", firstSeen: H(0) + MINUTE });
    expect(u.quiet).toEqual([]);
    // Done again (a rerun), nothing is absorbed twice.
    const again = hour(u.history, H(2), { SURV: { count: 9, mergedFrom: ["OLD"] } });
    expect(again.history).toEqual(u.history);
  });

  test("a survivor the history never saw takes over the merged one's record", () => {
    const history = hour(emptyProblemHistory("api"), H(0), { OLD: { count: 4 } }).history;
    const u = hour(history, H(1), { NEWID: { count: 4, mergedFrom: ["OLD"] } });
    expect(changeOf(u, "NEWID").change).toBe("ongoing");
  });
});

describe("bad input never corrupts the history", () => {
  test("entries outside the window (clock skew) are counted, not recorded; times are clamped", () => {
    const skewed = {
      ...obs("A", H(5), { count: 10 }),
      firstSeen: H(4) - MINUTE,
      hourly: new Map([
        [T0 / HOUR + 5, 7],
        [T0 / HOUR + 9, 3],
      ]),
    };
    const u = updateWindow(
      emptyProblemHistory("api"),
      { window: { start: H(5), end: H(6) }, observations: [skewed], revisions: [{ value: "rev-1", firstSeen: H(1) }] },
      OPTIONS,
    );
    expect(u.report).toMatchObject({ skewedEntries: 3, skewedClusters: 1 });
    expect(u.history.problems.A).toMatchObject({ firstSeen: H(5), h0: T0 / HOUR + 5, c: [7] });
    expect(u.history.revisions).toEqual([{ value: "rev-1", firstSeen: H(5) }]);
    expect(parseProblemHistory(JSON.parse(JSON.stringify(u.history))).ok).toBe(true);
  });

  test("NaN times are clamped, and the result still parses", () => {
    const bad = { ...obs("A", H(0), { count: 1 }), firstSeen: Number.NaN, lastSeen: Number.POSITIVE_INFINITY };
    const u = updateWindow(emptyProblemHistory("api"), { window: { start: H(0), end: H(1) }, observations: [bad], revisions: [] }, OPTIONS);
    expect(u.report.skewedClusters).toBe(1);
    expect(parseProblemHistory(JSON.parse(JSON.stringify(u.history))).ok).toBe(true);
  });
});

describe("bounds", () => {
  test("counts older than the span are dropped; the problem is remembered without them and returns", () => {
    const options = { ...OPTIONS, spanHours: 24 };
    let history = hour(emptyProblemHistory("api", 24), H(0), { A: { count: 3 } }, options).history;
    for (let h = 1; h <= 30; h++) history = hour(history, H(h), { B: { count: 1 } }, options).history;
    expect(history.problems.A).toMatchObject({ c: [], firstSeen: H(0) + MINUTE });
    expect(history.problems.B!.c).toHaveLength(24);
    expect(changeOf(hour(history, H(31), { A: { count: 1 } }, options), "A")).toMatchObject({ change: "returned", absentMs: Infinity });
  });

  test("a problem unseen for four spans is forgotten, and the cap keeps the most recently seen", () => {
    const options = { ...OPTIONS, spanHours: 2 };
    let history = hour(emptyProblemHistory("api", 2), H(0), { A: { count: 3 } }, options).history;
    for (let h = 1; h <= 9; h++) history = hour(history, H(h), { B: { count: 1 } }, options).history;
    expect(Object.keys(history.problems)).toEqual(["B"]);
    const capped = hour(history, H(10), { C: { count: 1 }, D: { count: 1 } }, { ...options, maxProblems: 2 });
    expect(Object.keys(capped.history.problems)).toEqual(["C", "D"]);
    expect(capped.report.forgotten).toBe(1);
  });
});

describe("parseProblemHistory", () => {
  test("round-trips a history", () => {
    const u = hour(emptyProblemHistory("api"), H(0), { A: { count: 1 } });
    expect(parseProblemHistory(JSON.parse(JSON.stringify(u.history)))).toEqual({ ok: true, history: u.history });
  });

  test("refuses a newer version, and says it is newer", () => {
    const p = parseProblemHistory({ ...emptyProblemHistory("api"), version: HISTORY_VERSION + 1, somethingNew: [] });
    expect(p).toMatchObject({ ok: false, reason: "newer-version", version: HISTORY_VERSION + 1 });
  });

  test.each([
    ["not JSON", undefined, "not JSON"],
    ["an older version", { ...emptyProblemHistory("api"), version: 0 }, "version"],
    [
      "negative counts",
      { ...emptyProblemHistory("api"), problems: { A: { firstSeen: 0, lastSeen: 0, h0: 0, c: [-1] } } },
      "problems.A.c.0",
    ],
    ["another kind", { ...emptyProblemHistory("api"), kind: "log-gardener/template-miner" }, "kind"],
  ])("calls %s invalid", (_name, json, where) => {
    const p = parseProblemHistory(json);
    expect(p.ok).toBe(false);
    if (!p.ok) {
      expect(p.reason).toBe("invalid");
      expect(p.problem).toContain(where);
    }
  });
});
