import { backfillKeysToCheck, planBackfill } from "../../../src/core/schedule/backfill";
import { worklogKey } from "../../../src/core/report/object-keys";

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const current = { start: at("2025-09-15T05:00:00Z"), end: at("2025-09-15T06:00:00Z") };
const keysFor = (...hours: string[]) => new Set(hours.map((h) => worklogKey("api", at(h))));

describe("planBackfill", () => {
  test("off: only the current window", () => {
    expect(planBackfill({ service: "api", current, maxMissed: 0, existingKeys: new Set() })).toEqual({
      windows: [current],
      missed: 0,
      olderMayBeMissing: false,
    });
  });

  test("previous worklog present: nothing to backfill", () => {
    expect(planBackfill({ service: "api", current, maxMissed: 3, existingKeys: keysFor("2025-09-15T04:00:00Z") })).toEqual({
      windows: [current],
      missed: 0,
      olderMayBeMissing: false,
    });
  });

  test("two skipped hours are read oldest first, then the current one", () => {
    const plan = planBackfill({
      service: "api",
      current,
      maxMissed: 5,
      existingKeys: keysFor("2025-09-15T02:00:00Z", "2025-09-15T01:00:00Z"),
    });
    expect(plan.windows.map((w) => new Date(w.start).toISOString())).toEqual([
      "2025-09-15T03:00:00.000Z",
      "2025-09-15T04:00:00.000Z",
      "2025-09-15T05:00:00.000Z",
    ]);
    expect(plan.windows.every((w) => w.end - w.start === HOUR)).toBe(true);
    expect(plan).toMatchObject({ missed: 2, olderMayBeMissing: false });
  });

  test("a gap longer than the limit: the newest missed windows, and a warning that older ones may be missing", () => {
    const plan = planBackfill({ service: "api", current, maxMissed: 2, existingKeys: keysFor("2025-09-15T00:00:00Z") });
    expect(plan.windows.map((w) => new Date(w.start).toISOString())).toEqual([
      "2025-09-15T03:00:00.000Z",
      "2025-09-15T04:00:00.000Z",
      "2025-09-15T05:00:00.000Z",
    ]);
    expect(plan).toMatchObject({ missed: 2, olderMayBeMissing: true });
  });

  test("another service's worklog does not count", () => {
    const existingKeys = new Set([worklogKey("web", at("2025-09-15T04:00:00Z"))]);
    expect(planBackfill({ service: "api", current, maxMissed: 1, existingKeys }).missed).toBe(1);
  });

  test("the keys to check are the previous windows', newest first", () => {
    expect(backfillKeysToCheck("api", current, 2)).toEqual(["api/2025/09/15/0400Z.md", "api/2025/09/15/0300Z.md"]);
  });
});
