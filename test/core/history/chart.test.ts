import { buildOccurrenceChart, chartRevisionName, REVISION_MARK } from "../../../src/core/history/chart";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 5, 22, 0, 0); // 2026-01-05T22:00Z
const h0 = T0 / HOUR;

describe("buildOccurrenceChart", () => {
  test("hourly bars since first seen, with real time labels and the date at midnight", () => {
    const chart = buildOccurrenceChart({ h0, c: [3, 0, 5, 1], endHour: h0 + 3, firstSeen: T0 + 10 * 60_000, maxDays: 7 });
    expect(chart.granularity).toBe("hour");
    expect(chart.labels).toEqual(["01-05 22:00", "23:00", "01-06 00:00", "01:00"]);
    expect(chart.bars).toEqual([3, 0, 5, 1]);
    expect(chart.text).toContain('title "Occurrences per hour since first seen (UTC)"');
    expect(chart.text).toContain('x-axis "Hour starting (UTC)" ["01-05 22:00", "23:00", "01-06 00:00", "01:00"]');
    expect(chart.text).toContain('y-axis "Occurrences" 0 --> 5');
    expect(chart.text).not.toContain("-->" + " 168");
  });

  test("beyond two days: a bar per UTC day, summing its hours", () => {
    const c = new Array(24 * 4).fill(1);
    // From 2026-01-06T02:00Z to the hour starting 2026-01-10T01:00Z.
    const chart = buildOccurrenceChart({ h0: h0 + 4, c, endHour: h0 + 4 + 24 * 4 - 1, maxDays: 14 });
    expect(chart.granularity).toBe("day");
    expect(chart.labels).toEqual(["01-06", "01-07", "01-08", "01-09", "01-10"]);
    expect(chart.bars).toEqual([22, 24, 24, 24, 2]);
    expect(chart.bars.reduce((a, b) => a + b, 0)).toBe(96);
    expect(chart.text).toContain("the last one runs to 02:00");
  });

  test("marks the bar where a new revision first appeared, and lists it under the chart", () => {
    const chart = buildOccurrenceChart({
      h0,
      c: [1, 1, 1],
      endHour: h0 + 2,
      maxDays: 7,
      revisions: [
        { value: "api-00001-old", firstSeen: T0 - 30 * HOUR },
        { value: "api-00002-new", firstSeen: T0 + HOUR + 30 * 60_000 },
      ],
    });
    expect(chart.labels).toEqual(["01-05 22:00", `23:00 ${REVISION_MARK}`, "01-06 00:00"]);
    expect(chart.text).toContain(`${REVISION_MARK} new revision: \`api-00002-new\` first seen 2026-01-05 23:30Z`);
    expect(chart.text).not.toContain("api-00001-old");
  });

  test("never draws more than maxDays, and says where it starts", () => {
    const chart = buildOccurrenceChart({ h0, c: new Array(24 * 30).fill(2), endHour: h0 + 24 * 30 - 1, firstSeen: T0, maxDays: 7 });
    expect(chart.bars.reduce((a, b) => a + b, 0)).toBe(2 * 24 * 7);
    expect(chart.text).not.toContain("since first seen");
  });

  test("revision names cannot break out of the chart", () => {
    expect(chartRevisionName('rev`"]\n```')).toBe("rev_______");
    const chart = buildOccurrenceChart({ h0, c: [1], endHour: h0, maxDays: 1, revisions: [{ value: "x`\n```y", firstSeen: T0 }] });
    expect(chart.text.split("```").length).toBe(3);
  });
});
