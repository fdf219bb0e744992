import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DAY, DAY_START, SERVICE_NAMES, buildDay, problemOfInsertId, writeDay } from "../../bench/heldout-day/fourth-day";

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
const texts = (id: string): string[] => of(id).flatMap((e) => (e.textPayload !== undefined && !e.httpRequest ? [e.textPayload] : []));
const urls = (id: string): string[] => of(id).flatMap((e) => (e.httpRequest ? [String(e.httpRequest.requestUrl)] : []));

describe("the fourth held-out day", () => {
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
        expect(e.insertId).toMatch(/^hf\d\d-/);
        const p = problemOfInsertId(e.insertId);
        expect(p).toBeDefined();
        seen.set(p!, (seen.get(p!) ?? 0) + 1);
      }
      const expected = new Map(day.problems.map((p) => [p.id, day.counts[p.id]![h]!] as const).filter(([, n]) => n > 0));
      expect(seen).toEqual(expected);
    }
    expect(problemOfInsertId("ht07-abc")).toBeUndefined();
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
        expect(e.severity).toBe((e.httpRequest!.status as number) >= 500 ? "ERROR" : "WARNING");
        expect(e.jsonPayload).toBeUndefined();
      } else expect((e.jsonPayload === undefined) !== (e.textPayload === undefined)).toBe(true);
    }
    expect(logs).toEqual(new Set(["stdout", "stderr", "requests"]));
  });

  it("logs each service in its own stack's shape", () => {
    const ofService = (s: string): Entry[] => all.filter((e) => e.resource.labels.service_name === s && !e.httpRequest);
    // Celery: every kitchen-worker line starts with Celery's [asctime: LEVEL/Process] prefix
    for (const e of ofService("kitchen-worker"))
      expect(e.textPayload).toMatch(/^\[2026-11-27 \d\d:\d\d:\d\d,\d{3}: (WARNING|ERROR)\/(MainProcess|ForkPoolWorker-\d)\] /);
    expect(texts("P01")[0]).toMatch(
      /^\[[^\]]+\] Task pantry\.tasks\.build_pick_list\[[0-9a-f-]{36}\] raised unexpected: OperationalError\('[^\n]*'\)\nTraceback \(most recent call last\):\n[\s\S]*\nsqlalchemy\.exc\.OperationalError: /,
    );
    expect(
      texts("P05").every((t) =>
        /\] pantry\.tasks\.send_box_reminder\[[0-9a-f-]{36}\]: reminder not sent to customer \d+ <[^@>]+@[a-z.]+>/.test(t),
      ),
    ).toBe(true);
    expect(texts("P07").map((t) => Number(/\((\d+)\/100\)$/.exec(t)?.[1]))).not.toContain(NaN);
    // Express: Node stacks and morgan lines, no JSON
    expect(ofService("courier-api").every((e) => e.jsonPayload === undefined)).toBe(true);
    expect(texts("P10").every((t) => /^TypeError: Cannot read properties of undefined \(reading 'geo'\)\n {4}at /.test(t))).toBe(true);
    expect(texts("P13")[0]).toMatch(
      /^eta lookup failed for delivery \d+: TypeError: fetch failed\n {4}at [\s\S]*\[cause\]: Error: getaddrinfo EAI_AGAIN geo\.brightpantry\.net/,
    );
    expect(
      texts("P14").every((t) =>
        /^[\d.]+ - - \[27\/Nov\/2026:\d\d:\d\d:\d\d \+0000\] "PUT \/v1\/couriers\/\d+\/location HTTP\/1\.1" 401 \d+ "-" "PedalPost-Courier\/4\.12\.0 /.test(
          t,
        ),
      ),
    ).toBe(true);
    // logrus: level, msg, time and the caller; Serilog CLEF: @t, @mt, @l and SourceContext
    for (const e of ofService("route-planner")) {
      expect(Object.keys(payload(e))).toEqual(expect.arrayContaining(["level", "msg", "time", "func", "file"]));
      expect(payload(e).level === "warning" ? "WARNING" : "ERROR").toBe(e.severity);
      expect(payload(e)).not.toHaveProperty("severity");
    }
    for (const e of ofService("billing-ledger")) {
      expect(Object.keys(payload(e))).toEqual(expect.arrayContaining(["@t", "@mt", "@l", "SourceContext"]));
      expect(String(payload(e)["@t"])).toMatch(/^2026-11-27T\d\d:\d\d:\d\d\.\d{7}Z$/);
      expect(payload(e)).not.toHaveProperty("severity");
    }
    expect(String(payload(of("P17")[0]!).error)).toMatch(
      /^solve depot [a-z]+ wave \d: call optimiser \(europe-west\d\): rpc error: code = DeadlineExceeded/,
    );
    expect(String(payload(of("P20")[0]!).stack)).toMatch(/^goroutine \d+ \[running\]:\n/);
    expect(String(payload(of("P23")[0]!)["@x"])).toMatch(
      /^Npgsql\.NpgsqlException \(0x80004005\): [^\n]*\n ---> System\.TimeoutException: [\s\S]*--- End of inner exception stack trace ---\n {3}at /,
    );
    // one root cause, two shapes: the app's own line and the request log of the same failing request
    for (const [id, status] of [
      ["P10", 500],
      ["P14", 401],
      ["P27", 500],
    ] as const) {
      const shapes = new Set(of(id).map((e) => (e.httpRequest ? `request ${String(e.httpRequest.status)}` : "app")));
      expect(shapes).toEqual(new Set([`request ${status}`, "app"]));
    }
    const p27 = of("P27").filter((e) => e.jsonPayload);
    expect(String(payload(p27[0]!)["@x"])).toMatch(
      /^System\.InvalidOperationException: No exchange rate for currency '(CHF|NOK)' on 2026-11-27\n {3}at /,
    );
  });

  it("has rate patterns that start with a deploy, stop, burst, skip hours and go quiet at night", () => {
    const counts = Object.values(day.counts);
    expect(counts.some((c) => c[12] === 0 && c.slice(13).every((n) => n > 0) && c.slice(0, 13).every((n) => n === 0))).toBe(true);
    expect(counts.some((c) => c.slice(0, 10).every((n) => n > 0) && c.slice(10).every((n) => n === 0))).toBe(true);
    expect(counts.some((c) => Math.max(...c) > 10 * Math.min(...c) && Math.min(...c) > 0)).toBe(true);
    expect(counts.filter((c) => c.filter((n) => n > 0).length <= 8).length).toBeGreaterThanOrEqual(6);
    // diurnal: present all day, a handful an hour in the European night, many times that in the afternoon
    expect(counts.filter((c) => c.every((n) => n > 0) && Math.min(...c.slice(0, 3)) <= 6 && c[14]! > 20).length).toBeGreaterThanOrEqual(6);
    // the problem that starts with a deploy is logged only by the new revision, the one that stops only by the old
    expect(new Set(of("P10").map((e) => e.resource.labels.revision_name))).toEqual(new Set(["courier-api-00613-vos"]));
    expect(day.counts.P10!.slice(0, 13).every((n) => n === 0)).toBe(true);
    expect(new Set(of("P22").map((e) => e.resource.labels.revision_name))).toEqual(new Set(["billing-ledger-00091-pur"]));
    expect(day.counts.P22!.slice(10).every((n) => n === 0)).toBe(true);
  });

  it("draws word-valued variables from pools, some small, some growing, with stable correlations", () => {
    expect(values("P22", "Tenant")).toEqual(new Set(["brightpantry", "leanplate", "hearthbox"]));
    const fx = of("P27").flatMap((e) => (e.jsonPayload ? [/currency '([A-Z]{3})'/.exec(String(payload(e)["@x"]))?.[1]] : []));
    expect(new Set(fx)).toEqual(new Set(["CHF", "NOK"]));
    expect(new Set(texts("P05").map((t) => /for locale (\S+)$/.exec(t)?.[1]))).toEqual(new Set(["de-AT", "fr-BE"]));
    const zones = new Set(texts("P11").map((t) => /in zone ([a-z]+):/.exec(t)?.[1]));
    expect(zones.size).toBeGreaterThan(10);
    expect(new Set(urls("P14").map((u) => /\/v1\/couriers\/\d+\/location$/.test(u)))).toEqual(new Set([true]));
    // office accounts open through the day, each billed in one currency
    const accountsIn = (hours: readonly number[]): Set<unknown> =>
      new Set(hours.flatMap((h) => byHour[h]!.filter((e) => problemOfInsertId(e.insertId) === "P29").map((e) => payload(e).Account)));
    expect(accountsIn([18, 19, 20, 21]).size).toBeGreaterThan(accountsIn([0, 1, 2, 3, 4, 5]).size + 10);
    const currencyOf = new Map<unknown, unknown>();
    for (const e of of("P29")) {
      const { Account, Currency } = payload(e);
      expect(currencyOf.get(Account) ?? Currency).toBe(Currency);
      currencyOf.set(Account, Currency);
    }
    expect(new Set(currencyOf.values())).toEqual(new Set(["SEK", "DKK", "NOK"]));
    // the webhook storm is pedalpost's; the faulty chillers are metrodrop's
    const partnerOf = (u: string): string | undefined => /\/v1\/webhooks\/([a-z]+)\/events$/.exec(u)?.[1];
    const storm = byHour[19]!
      .filter((e) => problemOfInsertId(e.insertId) === "P09")
      .map((e) => partnerOf(String(e.httpRequest!.requestUrl)));
    expect(storm.filter((p) => p === "pedalpost").length).toBeGreaterThan(0.8 * storm.length);
    expect(new Set(texts("P12").map((t) => /partner ([a-z]+) reported/.exec(t)?.[1]))).toEqual(new Set(["metrodrop"]));
    expect(new Set(texts("P11").map((t) => /partner ([a-z]+) reported/.exec(t)?.[1])).size).toBe(3);
    // in a quiet hour a sparse problem shows only one or two values
    const night = byHour[1]!.filter((e) => problemOfInsertId(e.insertId) === "P15");
    expect(night.length).toBeGreaterThan(0);
    expect(night.length).toBeLessThanOrEqual(4);
    expect(new Set(night.map((e) => payload(e).depot)).size).toBeLessThanOrEqual(2);
    expect(values("P15", "depot").size).toBe(6);
  });

  it("keeps its near misses near: a shared call site, a shared lead message, one verb and one word apart", () => {
    // two messages from one logrus call site
    expect(values("P15", "func")).toEqual(values("P16", "func"));
    expect(values("P15", "file")).toEqual(values("P16", "file"));
    expect(values("P15", "file").size).toBe(1);
    expect(values("P15", "msg")).toEqual(new Set(["stop skipped: address has no geocode"]));
    expect(values("P16", "msg")).toEqual(new Set(["stop skipped: delivery window closed before departure"]));
    // two exception types behind one Serilog message template and source
    expect(values("P22", "@mt")).toEqual(values("P23", "@mt"));
    expect(values("P22", "@mt").size).toBe(1);
    expect(values("P22", "SourceContext")).toEqual(values("P23", "SourceContext"));
    const types = (id: string): Set<string> => new Set(of(id).map((e) => String(payload(e)["@x"]).split(" ")[0]!));
    expect(types("P22")).toEqual(new Set(["Npgsql.PostgresException"]));
    expect(types("P23")).toEqual(new Set(["Npgsql.NpgsqlException"]));
    // two short Serilog events one verb apart, same source and property names
    expect(values("P24", "@mt")).toEqual(new Set(["Refund {RefundId} declined"]));
    expect(values("P25", "@mt")).toEqual(new Set(["Refund {RefundId} reversed"]));
    expect(values("P24", "SourceContext")).toEqual(values("P25", "SourceContext"));
    expect(Object.keys(payload(of("P24")[0]!)).sort()).toEqual(Object.keys(payload(of("P25")[0]!)).sort());
    // two long messages one plain word apart
    const plainWordsApart = (a: string, b: string): string[] => {
      const x = a.split(" ");
      const y = b.split(" ");
      expect(x).toHaveLength(y.length);
      return x.flatMap((w, i) => (w !== y[i] && /^[a-z]+$/.test(w) && /^[a-z]+$/.test(y[i]!) ? [`${w}/${y[i]}`] : []));
    };
    const blank = (t: string): string =>
      t
        .replace(/delivery \d+ in zone [a-z]+:/, "delivery <n> in zone <z>:")
        .replace(/partner [a-z]+ /, "partner <p> ")
        .replace(/the \S+ slot/, "the <s> slot");
    expect(texts("P11")[0]!.split(" ").length).toBeGreaterThanOrEqual(30);
    for (const [a, b] of [[texts("P11")[0]!, texts("P12")[0]!] as const, [texts("P11").at(-1)!, texts("P12").at(-1)!] as const]) {
      expect(plainWordsApart(blank(a), blank(b))).toEqual(["full/faulty"]);
      expect(blank(a).replace(" full ", " faulty ")).toBe(blank(b));
    }
  });

  it("writes hour files and a truth.json that match the counts", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "fourth-day-"));
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
