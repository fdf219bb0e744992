import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DAY, DAY_START, SERVICE_NAMES, buildDay, problemOfInsertId, writeDay } from "../../bench/heldout-day/second-day";

const HOUR = 3_600_000;
const day = buildDay();
type Entry = Record<string, unknown> & {
  insertId: string;
  timestamp: string;
  severity: string;
  logName: string;
  resource: { type: string; labels: Record<string, string> };
  jsonPayload?: Record<string, unknown>;
  textPayload?: string;
  httpRequest?: Record<string, unknown>;
  sourceLocation?: unknown;
};
const hourEntries = (h: number): Entry[] =>
  day.hours[h]!.split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Entry);
const all: Entry[] = Array.from({ length: 24 }, (_, h) => hourEntries(h)).flat();
const of = (id: string): Entry[] => all.filter((e) => problemOfInsertId(e.insertId) === id);
const total = Object.values(day.counts).reduce((a, c) => a + c.reduce((s, n) => s + n, 0), 0);

describe("the second held-out day", () => {
  it("is the same bytes for the same seed, and another day for another seed", () => {
    expect(buildDay().hours.join("") === day.hours.join("")).toBe(true);
    expect(buildDay(7).hours.join("") === buildDay(7).hours.join("")).toBe(true);
    expect(buildDay(7).hours[0] === day.hours[0]).toBe(false);
  });

  it("is a day of about thirty problems and 8-15k entries over 24 hours", () => {
    expect(day.hours).toHaveLength(24);
    expect(day.problems.length).toBeGreaterThanOrEqual(28);
    expect(new Set(day.problems.map((p) => p.id)).size).toBe(day.problems.length);
    expect(total).toBeGreaterThanOrEqual(8000);
    expect(total).toBeLessThanOrEqual(15000);
  });

  it("holds, in each hour, exactly the entries its ground truth counts, by their markers", () => {
    for (let h = 0; h < 24; h++) {
      const seen = new Map<string, number>();
      for (const e of hourEntries(h)) {
        expect(e.insertId).toMatch(/^hs\d\d-/);
        const p = problemOfInsertId(e.insertId);
        expect(p).toBeDefined();
        seen.set(p!, (seen.get(p!) ?? 0) + 1);
      }
      const expected = new Map(day.problems.map((p) => [p.id, day.counts[p.id]![h]!] as const).filter(([, n]) => n > 0));
      expect(seen).toEqual(expected);
    }
    expect(problemOfInsertId("hd07-abc")).toBeUndefined();
    expect(problemOfInsertId(7)).toBeUndefined();
  });

  it("gives every entry a distinct insertId, a timestamp inside its hour and entries in time order", () => {
    const ids = new Set<string>();
    for (let h = 0; h < 24; h++) {
      let last = "";
      for (const e of hourEntries(h)) {
        ids.add(e.insertId);
        const t = Date.parse(e.timestamp);
        expect(t).toBeGreaterThanOrEqual(DAY_START + h * HOUR);
        expect(t).toBeLessThan(DAY_START + (h + 1) * HOUR);
        expect(e.timestamp >= last).toBe(true); // same-length RFC 3339 strings sort by time
        last = e.timestamp;
      }
    }
    expect(ids.size).toBe(total);
  });

  it("frames every entry as a Cloud Run LogEntry of WARNING or worse from its problem's service", () => {
    const serviceOf = new Map(day.problems.map((p) => [p.id, p.service]));
    for (const e of all) {
      expect(["WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY"]).toContain(e.severity);
      expect(e.resource.type).toBe("cloud_run_revision");
      expect(SERVICE_NAMES).toContain(e.resource.labels.service_name);
      expect(e.resource.labels.service_name).toBe(serviceOf.get(problemOfInsertId(e.insertId)!));
      expect(e.resource.labels.revision_name!.startsWith(`${e.resource.labels.service_name}-`)).toBe(true);
      const log = /\/logs\/run\.googleapis\.com%2F(stdout|stderr|requests)$/.exec(e.logName)?.[1];
      expect(log).toBeDefined();
      if (log === "requests") {
        expect(typeof e.httpRequest?.status).toBe("number");
        expect(e.jsonPayload).toBeUndefined();
      } else expect((e.jsonPayload === undefined) !== (e.textPayload === undefined)).toBe(true);
    }
  });

  it("has rate patterns that start with a deploy, stop, burst, skip hours and go quiet at night", () => {
    const counts = Object.values(day.counts);
    expect(counts.some((c) => c[13] === 0 && c.slice(14).every((n) => n > 0))).toBe(true);
    expect(counts.some((c) => c.slice(0, 10).every((n) => n > 0) && c.slice(10).every((n) => n === 0))).toBe(true);
    expect(counts.some((c) => Math.max(...c) > 10 * Math.min(...c) && Math.min(...c) > 0)).toBe(true);
    expect(counts.filter((c) => c.filter((n) => n > 0).length <= 8).length).toBeGreaterThanOrEqual(6);
    // diurnal: present all day, a handful an hour at night, many times that in the afternoon
    expect(counts.filter((c) => c.every((n) => n > 0) && Math.min(...c.slice(0, 5)) <= 6 && c[14]! > 20).length).toBeGreaterThanOrEqual(4);
    // a problem that starts with a deploy is logged only by the new revision
    const starts = day.problems.find((p) => day.counts[p.id]![13] === 0 && day.counts[p.id]![14]! > 0)!;
    expect(new Set(of(starts.id).map((e) => e.resource.labels.revision_name)).size).toBe(1);
  });

  it("keeps its near misses near: a shared call site, a shared lead message, one word apart", () => {
    const msg = (e: Entry): string => String(e.jsonPayload?.message ?? e.jsonPayload?.msg);
    expect(of("P24")[0]!.sourceLocation).toEqual(of("P25")[0]!.sourceLocation);
    const lead = (e: Entry): string =>
      msg(e)
        .replace(/[0-9a-f-]{36}/, "<uuid>")
        .replace(/account \S+/, "account <a>");
    expect(lead(of("P02")[0]!)).toBe(lead(of("P03")[0]!));
    expect(String(of("P02")[0]!.jsonPayload!.exc_info)).toContain("UniqueViolationError");
    expect(String(of("P03")[0]!.jsonPayload!.exc_info)).toContain("TooManyConnectionsError");
    expect(new Set(of("P10").map(msg))).toEqual(new Set(["outbox batch stalled"]));
    expect(new Set(of("P11").map(msg))).toEqual(new Set(["outbox batch dropped"]));
    const plainWordsApart = (a: string, b: string): string[] => {
      const x = a.split(" ");
      const y = b.split(" ");
      expect(x).toHaveLength(y.length);
      return x.flatMap((w, i) => (w !== y[i] && /^[a-z]+$/.test(w) && /^[a-z]+$/.test(y[i]!) ? [`${w}/${y[i]}`] : []));
    };
    expect(plainWordsApart(msg(of("P27")[0]!), msg(of("P28")[0]!))).toEqual(["before/after"]);
    const carrierless = (e: Entry): string => msg(e).replace(/for carrier \S+/, "for carrier <c>");
    expect(plainWordsApart(carrierless(of("P18")[0]!), carrierless(of("P19")[0]!))).toEqual(["committed/reverted"]);
  });

  it("writes hour files and a truth.json that match the counts", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "second-day-"));
    try {
      writeDay(day, dir);
      const truth = JSON.parse(readFileSync(path.join(dir, "truth.json"), "utf8")) as {
        day: string;
        problems: { id: string; service: string; about: string; counts: number[] }[];
      };
      expect(truth.day).toBe(DAY);
      expect(truth.problems.map((p) => p.id)).toEqual(day.problems.map((p) => p.id));
      for (const p of truth.problems) {
        expect(p.counts).toEqual(day.counts[p.id]);
        expect(p.about.length).toBeGreaterThan(20);
      }
      for (let h = 0; h < 24; h++) {
        const text = readFileSync(path.join(dir, `hour-${String(h).padStart(2, "0")}.jsonl`), "utf8");
        expect(text).toBe(day.hours[h]);
        const inFile = text.split("\n").filter((l) => l !== "").length;
        expect(inFile).toBe(truth.problems.reduce((s, p) => s + p.counts[h]!, 0));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
