import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DAY, DAY_START, SERVICE_NAMES, buildDay, problemOfInsertId, writeDay } from "../../bench/heldout-day/third-day";

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
};
const hourEntries = (h: number): Entry[] =>
  day.hours[h]!.split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Entry);
const byHour: Entry[][] = Array.from({ length: 24 }, (_, h) => hourEntries(h));
const all: Entry[] = byHour.flat();
const of = (id: string): Entry[] => all.filter((e) => problemOfInsertId(e.insertId) === id);
const total = Object.values(day.counts).reduce((a, c) => a + c.reduce((s, n) => s + n, 0), 0);
const payload = (e: Entry): Record<string, unknown> => e.jsonPayload ?? {};
const values = (id: string, key: string): Set<unknown> => new Set(of(id).map((e) => payload(e)[key]));

describe("the third held-out day", () => {
  it("is the same bytes for the same seed, and another day for another seed", () => {
    expect(buildDay().hours.join("") === day.hours.join("")).toBe(true);
    expect(buildDay(7).hours.join("") === buildDay(7).hours.join("")).toBe(true);
    expect(buildDay(7).hours[0] === day.hours[0]).toBe(false);
  });

  it("is a day of about thirty problems and 8-15k entries over 24 hours", () => {
    expect(day.hours).toHaveLength(24);
    expect(day.problems.length).toBeGreaterThanOrEqual(28);
    expect(new Set(day.problems.map((p) => p.id)).size).toBe(day.problems.length);
    expect(new Set(day.problems.map((p) => p.service))).toEqual(new Set(SERVICE_NAMES));
    expect(total).toBeGreaterThanOrEqual(8000);
    expect(total).toBeLessThanOrEqual(15000);
  });

  it("holds, in each hour, exactly the entries its ground truth counts, by their markers", () => {
    for (let h = 0; h < 24; h++) {
      const seen = new Map<string, number>();
      for (const e of byHour[h]!) {
        expect(e.insertId).toMatch(/^ht\d\d-/);
        const p = problemOfInsertId(e.insertId);
        expect(p).toBeDefined();
        seen.set(p!, (seen.get(p!) ?? 0) + 1);
      }
      const expected = new Map(day.problems.map((p) => [p.id, day.counts[p.id]![h]!] as const).filter(([, n]) => n > 0));
      expect(seen).toEqual(expected);
    }
    expect(problemOfInsertId("hs07-abc")).toBeUndefined();
    expect(problemOfInsertId("hd07-abc")).toBeUndefined();
    expect(problemOfInsertId(7)).toBeUndefined();
  });

  it("gives every entry a distinct insertId, a timestamp inside its hour and entries in time order", () => {
    const ids = new Set<string>();
    for (let h = 0; h < 24; h++) {
      let last = "";
      for (const e of byHour[h]!) {
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
    const logs = new Set<string>();
    for (const e of all) {
      expect(["WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY"]).toContain(e.severity);
      expect(e.resource.type).toBe("cloud_run_revision");
      expect(SERVICE_NAMES).toContain(e.resource.labels.service_name);
      expect(e.resource.labels.service_name).toBe(serviceOf.get(problemOfInsertId(e.insertId)!));
      expect(e.resource.labels.revision_name!.startsWith(`${e.resource.labels.service_name}-`)).toBe(true);
      const log = /\/logs\/run\.googleapis\.com%2F(stdout|stderr|requests)$/.exec(e.logName)?.[1];
      expect(log).toBeDefined();
      logs.add(log!);
      if (log === "requests") {
        expect(typeof e.httpRequest?.status).toBe("number");
        expect(e.jsonPayload).toBeUndefined();
      } else expect((e.jsonPayload === undefined) !== (e.textPayload === undefined)).toBe(true);
    }
    expect(logs).toEqual(new Set(["stdout", "stderr", "requests"]));
  });

  it("logs each service in its own stack's shape", () => {
    const shapes = (service: string): Set<string> =>
      new Set(
        all
          .filter((e) => e.resource.labels.service_name === service && e.jsonPayload)
          .map((e) => ["event", "message", "context", "caller", "loggerName"].filter((k) => k in e.jsonPayload!).join("+")),
      );
    expect(shapes("storefront")).toEqual(new Set(["event"])); // structlog
    expect(shapes("order-hub")).toEqual(new Set(["message+context"])); // winston
    expect(shapes("stock-sync")).toEqual(new Set(["message+caller"])); // zerolog
    expect(shapes("print-router")).toEqual(new Set(["message+loggerName"])); // Quarkus
    expect(of("P07").every((e) => /^\[[\d-]+ [\d:]+ \+0000\] \[1\] \[CRITICAL\] WORKER TIMEOUT \(pid:\d+\)$/.test(e.textPayload!))).toBe(
      true,
    );
    expect(
      of("P12").every((e) => /^\[Nest\] 1 {2}- 11\/28\/2026, \d+:\d\d:\d\d [AP]M {3}ERROR \[ExceptionsHandler\] /.test(e.textPayload!)),
    ).toBe(true);
    expect(String(payload(of("P05")[0]!).exception)).toMatch(/^Traceback \(most recent call last\):\n[\s\S]*ServiceUnavailable: 503/);
    expect(String(payload(of("P10")[0]!).stack)).toMatch(/^Error: 4 DEADLINE_EXCEEDED[^\n]*\n {4}at /);
    expect(String(payload(of("P23")[0]!).error)).toMatch(/^sync \w+: fetch stock feed: Get "https:\/\/[a-z.-]+\/v2\/stock/);
    const p27 = payload(of("P27")[0]!).exception as { causedBy: { exception: { exceptionType: string } } };
    expect(p27.causedBy.exception.exceptionType).toBe("java.net.SocketTimeoutException");
  });

  it("has rate patterns that start with a deploy, stop, burst, skip hours and go quiet at night", () => {
    const counts = Object.values(day.counts);
    expect(counts.some((c) => c[14] === 0 && c.slice(15).every((n) => n > 0))).toBe(true);
    expect(counts.some((c) => c.slice(0, 11).every((n) => n > 0) && c.slice(11).every((n) => n === 0))).toBe(true);
    expect(counts.some((c) => Math.max(...c) > 10 * Math.min(...c) && Math.min(...c) > 0)).toBe(true);
    expect(counts.filter((c) => c.filter((n) => n > 0).length <= 8).length).toBeGreaterThanOrEqual(6);
    // diurnal: present all day, a handful an hour in the North American night, many times that in the afternoon
    expect(counts.filter((c) => c.every((n) => n > 0) && Math.min(...c.slice(4, 8)) <= 6 && c[17]! > 20).length).toBeGreaterThanOrEqual(6);
    // the problem that starts with a deploy is logged only by the new revision, the one that stops only by the old
    const starts = day.problems.find((p) => day.counts[p.id]![14] === 0 && day.counts[p.id]!.slice(15).every((n) => n > 0))!;
    expect(new Set(of(starts.id).map((e) => e.resource.labels.revision_name))).toEqual(new Set(["order-hub-00232-fyr"]));
    const stops = day.problems.find(
      (p) => day.counts[p.id]!.slice(0, 11).every((n) => n > 0) && day.counts[p.id]!.slice(11).every((n) => n === 0),
    )!;
    expect(new Set(of(stops.id).map((e) => e.resource.labels.revision_name))).toEqual(new Set(["order-hub-00230-bek"]));
  });

  it("draws word-valued variables from pools, some small, some growing, with stable correlations", () => {
    expect(values("P03", "index")).toEqual(new Set(["books", "authors", "series"]));
    expect(values("P11", "sourceIp").size).toBeGreaterThan(50);
    const shopsIn = (hours: readonly number[]): Set<unknown> =>
      new Set(hours.flatMap((h) => byHour[h]!.filter((e) => problemOfInsertId(e.insertId) === "P06").map((e) => payload(e).shop)));
    expect(shopsIn([20, 21, 22, 23]).size).toBeGreaterThan(shopsIn([0, 1, 2, 3]).size + 5);
    const planOf = new Map<unknown, unknown>();
    for (const e of of("P06")) {
      const { shop, plan } = payload(e);
      expect(planOf.get(shop) ?? plan).toBe(plan);
      planOf.set(shop, plan);
      expect(plan).not.toBe("chain");
    }
    const exporters = new Set(of("P02").map((e) => /\/shops\/([a-z-]+)\//.exec(String(e.httpRequest!.requestUrl))?.[1]));
    expect(exporters.size).toBeGreaterThan(1);
    // catalog exports time out for chain-plan shops only; theme renders fail for the other plans only
    expect([...exporters].filter((s) => planOf.has(s))).toEqual([]);
    expect(new Set(of("P01").map((e) => e.httpRequest!.requestMethod))).toEqual(new Set(["POST", "PUT", "DELETE"]));
    // in a quiet hour a sparse problem shows only one or two values
    const night = byHour[5]!.filter((e) => problemOfInsertId(e.insertId) === "P16");
    expect(night.length).toBeGreaterThan(0);
    expect(new Set(night.map((e) => payload(e).actor)).size).toBeLessThanOrEqual(2);
  });

  it("keeps its near misses near: a shared call site, a shared lead message, one verb and one word apart", () => {
    const msg = (e: Entry): string => String(payload(e).message ?? payload(e).event);
    // two messages from one zerolog call site
    expect(values("P19", "caller")).toEqual(values("P20", "caller"));
    expect(values("P19", "caller").size).toBe(1);
    expect(new Set(of("P19").map(msg))).toEqual(new Set(["dropping feed row without isbn"]));
    expect(new Set(of("P20").map(msg))).toEqual(new Set(["row price below list floor, quarantined"]));
    // two exception types behind one logger and lead message
    const lead = (e: Entry): string =>
      msg(e)
        .replace(/[0-9a-f-]{36}/, "<uuid>")
        .replace(/partner \S+/, "partner <p>");
    expect(new Set([...of("P27"), ...of("P28")].map(lead))).toEqual(new Set(["Print job <uuid> submission to partner <p> failed"]));
    expect(values("P27", "loggerName")).toEqual(values("P28", "loggerName"));
    const types = (id: string): Set<unknown> =>
      new Set(of(id).map((e) => (payload(e).exception as { exceptionType: string }).exceptionType));
    expect(types("P27")).toEqual(new Set(["jakarta.ws.rs.ProcessingException"]));
    expect(types("P28")).toEqual(new Set(["org.jboss.resteasy.reactive.ClientWebApplicationException"]));
    // two short structlog events one verb apart, same logger and field names
    expect(new Set(of("P03").map(msg))).toEqual(new Set(["search index update dropped"]));
    expect(new Set(of("P04").map(msg))).toEqual(new Set(["search index update delayed"]));
    expect(values("P03", "logger")).toEqual(values("P04", "logger"));
    expect(Object.keys(payload(of("P03")[0]!)).sort()).toEqual(Object.keys(payload(of("P04")[0]!)).sort());
    // two long messages one plain word apart
    const plainWordsApart = (a: string, b: string): string[] => {
      const x = a.split(" ");
      const y = b.split(" ");
      expect(x).toHaveLength(y.length);
      return x.flatMap((w, i) => (w !== y[i] && /^[a-z]+$/.test(w) && /^[a-z]+$/.test(y[i]!) ? [`${w}/${y[i]}`] : []));
    };
    const distributorless = (e: Entry): string => msg(e).replace(/ from [a-z]+ arrived/, " from <d> arrived");
    expect(msg(of("P21")[0]!).split(" ").length).toBeGreaterThanOrEqual(20);
    for (const [a, b] of [[of("P21")[0]!, of("P22")[0]!] as const, [of("P21").at(-1)!, of("P22").at(-1)!] as const])
      expect(plainWordsApart(distributorless(a), distributorless(b))).toEqual(["older/newer"]);
  });

  it("writes hour files and a truth.json that match the counts", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "third-day-"));
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
