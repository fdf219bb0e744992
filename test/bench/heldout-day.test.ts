import { DAY_START, SERVICE_NAMES, buildDay, problemOfInsertId } from "../../bench/heldout-day/day";
import { normalizeEntry } from "../../src/core/ingest/normalize";
import { buildRedactor } from "../../src/core/redact/redact";
import { severityRank } from "../../src/core/severity";

const HOUR = 3_600_000;
const day = buildDay();
const hourEntries = (h: number): Record<string, unknown>[] =>
  day.hours[h]!.split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("the held-out day", () => {
  it("is the same day for the same seed, and another for another seed", () => {
    expect(buildDay().hours.join("") === day.hours.join("")).toBe(true);
    expect(buildDay(7).hours[0] === day.hours[0]).toBe(false);
  });

  it("holds, in each hour, exactly the entries its ground truth counts, by their markers", () => {
    for (let h = 0; h < 24; h++) {
      const seen = new Map<string, number>();
      for (const e of hourEntries(h)) {
        const p = problemOfInsertId(e.insertId);
        expect(p).toBeDefined();
        seen.set(p!, (seen.get(p!) ?? 0) + 1);
      }
      const expected = new Map(day.problems.map((p) => [p.id, day.counts[p.id]![h]!] as const).filter(([, n]) => n > 0));
      expect(seen).toEqual(expected);
    }
  });

  it("has rate patterns that start, stop, burst and skip hours", () => {
    const counts = Object.values(day.counts);
    expect(counts.some((c) => c[12] === 0 && c[13]! > 0 && c[23]! > 0)).toBe(true); // starts at 13
    expect(counts.some((c) => c[0]! > 0 && c[9]! > 0 && c[10] === 0 && c[23] === 0)).toBe(true); // stops after 9
    expect(counts.some((c) => Math.max(...c) > 10 * Math.min(...c) && Math.min(...c) > 0)).toBe(true); // bursts
    expect(counts.filter((c) => c.includes(0)).length).toBeGreaterThanOrEqual(4);
  });

  it("gives every entry a distinct insertId, a timestamp inside its hour and entries in time order", () => {
    const ids = new Set<string>();
    for (let h = 0; h < 24; h++) {
      let last = 0;
      for (const e of hourEntries(h)) {
        ids.add(e.insertId as string);
        const t = Date.parse(e.timestamp as string);
        expect(t).toBeGreaterThanOrEqual(DAY_START + h * HOUR);
        expect(t).toBeLessThan(DAY_START + (h + 1) * HOUR);
        expect(t).toBeGreaterThanOrEqual(last);
        last = t;
      }
    }
    const total = Object.values(day.counts).reduce((a, c) => a + c.reduce((s, n) => s + n, 0), 0);
    expect(ids.size).toBe(total);
  });

  it("normalizes to WARNING or worse in one of its four services, the marker nowhere in the clustered text", () => {
    const redact = buildRedactor();
    const kinds = new Set<string>();
    for (const h of [0, 7, 13, 23]) {
      for (const e of hourEntries(h)) {
        const r = normalizeEntry(e, { maxMessageBytes: 65536, redact });
        if (!r.ok) throw new Error(`${String(e.insertId)} skipped: ${r.skipped.detail}`);
        expect(severityRank(r.entry.severity)).toBeGreaterThanOrEqual(severityRank("WARNING"));
        expect(SERVICE_NAMES).toContain(r.entry.service);
        expect(r.entry.message).not.toContain(e.insertId as string);
        expect((r.entry.sample as { insertId?: string }).insertId).toBe(e.insertId);
        kinds.add(r.entry.kind);
      }
    }
    expect([...kinds].sort()).toEqual(["application", "request", "stacktrace"]);
  });
});
