import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DAY, DAY_START, SERVICE_NAMES, buildDay, problemOfInsertId, writeDay } from "../../bench/heldout-day/fifth-day";

const HOUR = 3_600_000;
const day = buildDay();
type Entry = Record<string, unknown> & {
  insertId: string;
  timestamp: string;
  severity: string;
  logName: string;
  resource: { type: string; labels: Record<string, string> };
  labels: Record<string, string>;
  jsonPayload?: Record<string, unknown>;
  textPayload?: string;
  httpRequest?: Record<string, unknown>;
  sourceLocation?: { file: string; line: string; function: string };
  trace?: string;
};
const hourEntries = (h: number): Entry[] =>
  day.hours[h]!.split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Entry);
const byHour: Entry[][] = Array.from({ length: 24 }, (_, h) => hourEntries(h));
const all: Entry[] = byHour.flat();
const of = (id: string): Entry[] => all.filter((e) => problemOfInsertId(e.insertId) === id);
const total = Object.values(day.counts).reduce((a, c) => a + c.reduce((s, n) => s + n, 0), 0);
const logOf = (e: Entry): string | undefined => /\/logs\/run\.googleapis\.com%2F(stdout|stderr|requests)$/.exec(e.logName)?.[1];
/** The app's own lines (not Cloud Run's request logs). */
const app = (id: string): Entry[] => of(id).filter((e) => logOf(e) !== "requests");
const requests = (id: string): Entry[] => of(id).filter((e) => logOf(e) === "requests");
const payload = (e: Entry): Record<string, unknown> => e.jsonPayload ?? {};
const values = (id: string, key: string): Set<unknown> => new Set(app(id).map((e) => payload(e)[key]));
const messages = (id: string): string[] => app(id).map((e) => String(payload(e).message));
const urls = (id: string): string[] => of(id).flatMap((e) => (e.httpRequest ? [String(e.httpRequest.requestUrl)] : []));
const capture = (re: RegExp, xs: readonly string[]): Set<string | undefined> => new Set(xs.map((x) => re.exec(x)?.[1]));

describe("the fifth held-out day", () => {
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
        expect(e.insertId).toMatch(/^hv\d\d-/);
        const p = problemOfInsertId(e.insertId);
        expect(p).toBeDefined();
        seen.set(p!, (seen.get(p!) ?? 0) + 1);
      }
      const expected = new Map(day.problems.map((p) => [p.id, day.counts[p.id]![h]!] as const).filter(([, n]) => n > 0));
      expect(seen).toEqual(expected);
    }
    expect(problemOfInsertId("hf07-abc")).toBeUndefined();
    expect(problemOfInsertId(7)).toBeUndefined();
    expect(problemOfInsertId("hv07-abc")).toBe("P07");
    expect(new Set(all.map((e) => e.insertId)).size).toBe(all.length);
  });

  it("puts every entry in its hour, in timestamp order", () => {
    byHour.forEach((entries, h) => {
      const times = entries.map((e) => e.timestamp);
      expect([...times].sort()).toEqual(times);
      for (const t of times) {
        const ms = Date.parse(t);
        expect(ms).toBeGreaterThanOrEqual(DAY_START + h * HOUR);
        expect(ms).toBeLessThan(DAY_START + (h + 1) * HOUR);
        expect(t).toMatch(/^2026-11-26T\d\d:\d\d:\d\d\.\d{9}Z$/);
      }
    });
  });

  it("frames every entry as a Cloud Run LogEntry of WARNING or worse from its problem's service", () => {
    const serviceOf = new Map(day.problems.map((p) => [p.id, p.service]));
    const logs = new Set<string>();
    for (const e of all) {
      expect(["WARNING", "ERROR", "CRITICAL"]).toContain(e.severity);
      expect(e.resource.type).toBe("cloud_run_revision");
      expect(e.resource.labels.service_name).toBe(serviceOf.get(problemOfInsertId(e.insertId)!));
      expect(e.resource.labels.revision_name!.startsWith(`${e.resource.labels.service_name}-`)).toBe(true);
      expect(e.labels.instanceId).toMatch(/^00[0-9a-f]{94}$/);
      const log = logOf(e);
      expect(log).toBeDefined();
      logs.add(log!);
      if (log === "requests") {
        expect(typeof e.httpRequest?.status).toBe("number");
        expect(e.httpRequest!.latency).toMatch(/^\d+\.\d{6}s$/);
        expect(e.jsonPayload).toBeUndefined();
        expect(e.trace).toMatch(/^projects\/gigloop-prod\/traces\/[0-9a-f]{32}$/);
      } else {
        expect(e.textPayload).toBeUndefined();
        expect(typeof payload(e).message).toBe("string");
        // the structured line's severity field is consumed by Cloud Logging, not left in the payload
        expect(payload(e)).not.toHaveProperty("severity");
      }
    }
    expect(logs).toEqual(new Set(["stdout", "stderr", "requests"]));
    // 4xx request logs are warnings and 5xx errors; Cloud Run's own aborts are errors
    for (const e of all.filter((x) => logOf(x) === "requests" && x.textPayload === undefined))
      expect(e.severity).toBe((e.httpRequest!.status as number) >= 500 ? "ERROR" : "WARNING");
  });

  it("logs each service in its own stack's shape", () => {
    const appOf = (s: string): Entry[] => all.filter((e) => e.resource.labels.service_name === s && logOf(e) !== "requests");
    // google-cloud-logging's StructuredLogHandler: stderr, python_logger label, promoted source location, httpRequest in a request
    for (const e of appOf("box-office")) {
      expect(logOf(e)).toBe("stderr");
      expect(e.labels.python_logger).toMatch(/^[a-z_.A-Z]+$/);
      expect(e.sourceLocation?.file).toMatch(/^\/(app|usr\/local\/lib\/python3\.12\/site-packages)\/.*\.py$/);
      expect(e.sourceLocation?.line).toMatch(/^\d+$/);
      if (e.httpRequest) {
        expect(Object.keys(e.httpRequest).sort()).toEqual(["protocol", "requestMethod", "requestUrl", "userAgent"]);
        expect(e.trace).toBeDefined();
      }
    }
    expect(
      messages("P01").every((m) =>
        /^Internal Server Error: \/e\/[a-z-]+\/seats\/\nTraceback \(most recent call last\):\n[\s\S]*\nTypeError: /.test(m),
      ),
    ).toBe(true);
    expect(messages("P08")[0]).toMatch(
      /^Exception ignored\nTraceback[\s\S]*redis\.exceptions\.ConnectionError: [\s\S]*The above exception was the direct cause of the following exception:[\s\S]*django_redis\.exceptions\.ConnectionInterrupted: /,
    );
    expect(
      app("P03").every((e) => /\(attempt [1-5]\/5\)/.test(String(payload(e).message)) && e.httpRequest?.userAgent === "Google-Cloud-Tasks"),
    ).toBe(true);
    // pino: severity from the level formatter, message key, epoch time, pid and hostname; some lines have no module
    for (const e of appOf("checkout-api")) {
      expect(logOf(e)).toBe("stdout");
      expect(Object.keys(payload(e))).toEqual(expect.arrayContaining(["time", "pid", "hostname", "message"]));
      expect(payload(e)).not.toHaveProperty("level");
      expect(Math.abs((payload(e).time as number) - Date.parse(e.timestamp))).toBeLessThan(1000);
    }
    expect(values("P15", "module")).toEqual(new Set([undefined]));
    expect(values("P14", "module")).toEqual(new Set([undefined]));
    expect(values("P10", "module")).toEqual(new Set(["payments"]));
    expect(String((payload(app("P09")[0]!).err as Record<string, unknown>).stack)).toMatch(/^TypeError: [^\n]*\n {4}at applyPromo /);
    // slog: message, attributes, the source promoted with the module path
    for (const e of appOf("seat-keeper")) {
      expect(e.sourceLocation?.function).toMatch(/^github\.com\/gigloop\/seat-keeper\/internal\//);
      expect(e.sourceLocation?.file).toMatch(/^\/src\/internal\/.*\.go$/);
      expect(payload(e)).not.toHaveProperty("msg");
    }
    expect(String(payload(app("P20")[0]!).stack)).toMatch(/^goroutine \d+ \[running\]:\n/);
    expect(String(payload(app("P17")[0]!).err)).toMatch(
      /^release expired holds: begin tx: failed to connect to [\s\S]*\(SQLSTATE 53300\)$/,
    );
    // logstash-logback-encoder: @timestamp, logger_name, thread_name, level_value, stack_trace with Caused by
    for (const e of appOf("payout-ledger")) {
      expect(Object.keys(payload(e))).toEqual(
        expect.arrayContaining(["@timestamp", "@version", "message", "logger_name", "thread_name", "level_value"]),
      );
      expect(payload(e).level_value).toBe(e.severity === "WARNING" ? 30000 : 40000);
    }
    expect(String(payload(app("P26")[0]!).stack_trace)).toMatch(
      /^com\.stripe\.exception\.ApiConnectionException: [^\n]*\n\tat [\s\S]*\nCaused by: java\.net\.SocketTimeoutException: Read timed out\n\tat /,
    );
    expect(String(payload(app("P31")[0]!).stack_trace)).toMatch(
      /\nCaused by: com\.google\.api\.client\.googleapis\.json\.GoogleJsonResponseException: 403 Forbidden\n/,
    );
    // one root cause, two or three shapes: the app's own lines and the request logs of the same failing requests
    for (const [id, status] of [
      ["P01", 500],
      ["P02", 400],
      ["P07", 403],
      ["P09", 500],
      ["P13", 400],
      ["P16", 502],
      ["P18", 409],
      ["P19", 422],
      ["P20", 500],
      ["P29", 500],
    ] as const) {
      expect(app(id).length).toBeGreaterThan(0);
      expect(new Set(requests(id).map((e) => e.httpRequest!.status))).toEqual(new Set([status]));
    }
    expect(new Set(app("P16").map((e) => payload(e).message))).toEqual(new Set(["tax quote failed", "request errored"]));
    // a problem only Cloud Run logs, with its own text
    expect(app("P23")).toHaveLength(0);
    expect(new Set(requests("P23").map((e) => `${String(e.httpRequest!.status)} ${e.textPayload?.split(".")[0]}`))).toEqual(
      new Set(["429 The request was aborted because there was no available instance"]),
    );
  });

  it("has rate patterns that start with a deploy, stop, burst, skip hours and go quiet at night", () => {
    const counts = Object.values(day.counts);
    // P09 starts with revision 00231 at 14:00; P27 stops when 00078 replaces 00077 at 11:00
    expect(day.counts.P09!.slice(0, 14).every((n) => n === 0)).toBe(true);
    expect(day.counts.P09!.slice(14).every((n) => n > 0)).toBe(true);
    expect(new Set(of("P09").map((e) => e.resource.labels.revision_name))).toEqual(new Set(["checkout-api-00231-daz"]));
    expect(day.counts.P27!.slice(0, 11).every((n) => n > 0)).toBe(true);
    expect(day.counts.P27!.slice(11).every((n) => n === 0)).toBe(true);
    expect(new Set(of("P27").map((e) => e.resource.labels.revision_name))).toEqual(new Set(["payout-ledger-00077-xuv"]));
    // P04 stops without a deploy
    expect(day.counts.P04!.slice(10).every((n) => n === 0)).toBe(true);
    // bursts: the on-sale at 17:00 and the Stripe incident at 15:00
    for (const [id, h] of [
      ["P03", 17],
      ["P23", 17],
      ["P10", 15],
      ["P26", 15],
    ] as const)
      expect(day.counts[id]![h]!).toBeGreaterThan(0.5 * day.counts[id]!.reduce((a, n) => a + n, 0));
    expect(day.counts.P18![17]!).toBeGreaterThan(5 * day.counts.P18![12]!);
    // sparse problems
    expect(counts.filter((c) => c.filter((n) => n > 0).length <= 8).length).toBeGreaterThanOrEqual(6);
    // diurnal: present all day, a handful an hour in the US night, many times that in the evening
    const quiet = counts.filter((c) => c.every((n) => n > 0) && Math.min(...c.slice(7, 11)) <= 6 && c[21]! > 20);
    expect(quiet.length).toBeGreaterThanOrEqual(5);
    // and one busier at night than in the evening (CPU throttled while idle)
    expect(day.counts.P28![8]!).toBeGreaterThan(day.counts.P28![21]!);
  });

  it("draws word-valued variables from pools, some small, some growing, with stable correlations", () => {
    // hostnames without digits, quoted, from a small pool
    const hosts = capture(/^Invalid HTTP_HOST header: '([^']+)'/, messages("P02"));
    expect(hosts).toEqual(new Set(["www.gigloop.com", "gigloop.com", "tix.gigloop.com", "tickets.gigloop.co"]));
    expect(capture(/^https:\/\/([^/]+)\//, urls("P02"))).toEqual(hosts);
    // only the events with a to-be-announced showtime fail
    const tba = capture(/\/e\/([a-z-]+)\/seats\/$/, urls("P01"));
    expect(tba.size).toBe(9);
    // embed partners grow through the day
    const partnersIn = (hours: readonly number[]): Set<string | undefined> =>
      capture(
        /\/embed\/([a-z-]+)\/checkout\/$/,
        hours.flatMap((h) =>
          byHour[h]!.filter((e) => problemOfInsertId(e.insertId) === "P07").map((e) => String(e.httpRequest?.requestUrl)),
        ),
      );
    expect(partnersIn([0, 1, 2, 3]).size).toBeLessThanOrEqual(6);
    expect(partnersIn([20, 21, 22, 23]).size).toBeGreaterThan(partnersIn([0, 1, 2, 3]).size + 5);
    expect(capture(/for organizer ([a-z-]+) on plan/, messages("P30")).size).toBeGreaterThan(30);
    expect(values("P30", "plan")).toEqual(new Set(["starter", "growth"]));
    const planOf = new Map<unknown, unknown>();
    for (const e of app("P30")) {
      expect(planOf.get(payload(e).organizer) ?? payload(e).plan).toBe(payload(e).plan);
      planOf.set(payload(e).organizer, payload(e).plan);
    }
    // small pools
    expect(capture(/^Unknown feature flag "([a-z-]+)"/, messages("P15"))).toEqual(
      new Set(["new-checkout-flow", "apple-pay-express", "dynamic-service-fees", "guest-checkout-redesign"]),
    );
    expect(capture(/index "([a-z_]+)"/, messages("P04"))).toEqual(new Set(["events_us", "events_ca", "venues", "performers"]));
    expect(values("P17", "shard")).toEqual(new Set(["us-east1", "us-west1", "northamerica-northeast1"]));
    expect(values("P21", "state")).toEqual(new Set(["held", "released", "sold"]));
    expect(values("P24", "query")).toEqual(new Set(["ListExpiredHolds", "CountActiveHolds", "GetHoldsBySession"]));
    expect(capture(/ExportFormat\.([A-Z]+)\]/, messages("P29"))).toEqual(new Set(["XERO", "QUICKBOOKS"]));
    expect(values("P25", "organizer")).toEqual(new Set(["tallgrass-live", "copperline-events", "redbrick-presents"]));
    expect(values("P26", "organizer").size).toBeGreaterThan(20);
    expect(values("P31", "organizer").size).toBe(6);
    expect(values("P19", "section")).toEqual(new Set(["balcony-left", "box-seats"]));
    expect(values("P19", "event_id").size).toBe(3);
    expect(values("P18", "section").size).toBe(8);
    // ids in URL paths of several forms
    expect(urls("P09").every((u) => /\/v1\/carts\/crt_[0-9a-z]{8}\/promo$/.test(u))).toBe(true);
    expect(urls("P16").every((u) => /\/v1\/orders\/ORD-2026-\d{6}\/fees$/.test(u))).toBe(true);
    expect(
      urls("P20").every((u) =>
        /\/v1\/events\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\/seatmap\?layout=in-the-round$/.test(u),
      ),
    ).toBe(true);
    expect(urls("P05").every((u) => /\/account\/tickets\/tkt_[0-9a-z]{10}\/transfer\/$/.test(u))).toBe(true);
    // in a quiet hour a problem with a few entries shows one or two values
    const night = byHour[9]!.filter((e) => problemOfInsertId(e.insertId) === "P02");
    expect(night.length).toBeGreaterThan(0);
    expect(night.length).toBeLessThanOrEqual(4);
  });

  it("keeps its near misses near: a shared call site, a shared lead message, one verb and one word apart", () => {
    // two messages from one slog call site, the same attribute names
    const site = (id: string): Set<string> => new Set(app(id).map((e) => JSON.stringify(e.sourceLocation)));
    expect(site("P18")).toEqual(site("P19"));
    expect(site("P18").size).toBe(1);
    expect(new Set(messages("P18"))).toEqual(new Set(["seat already held by another session"]));
    expect(new Set(messages("P19"))).toEqual(new Set(["section closed for sale"]));
    expect(Object.keys(payload(app("P18")[0]!)).sort()).toEqual(Object.keys(payload(app("P19")[0]!)).sort());
    // two exception types behind one log call and lead message
    const lead = (id: string): Set<string> =>
      new Set(messages(id).map((m) => m.replace(/PB-\d{8}-\d{4}/, "<b>").replace(/organizer [a-z-]+$/, "organizer <o>")));
    expect(lead("P25")).toEqual(new Set(["Payout batch <b> failed for organizer <o>"]));
    expect(lead("P26")).toEqual(lead("P25"));
    expect(values("P25", "logger_name")).toEqual(values("P26", "logger_name"));
    expect(values("P25", "thread_name")).toEqual(values("P26", "thread_name"));
    const types = (id: string): Set<string> => new Set(app(id).map((e) => String(payload(e).stack_trace).split(":")[0]!));
    expect(types("P25")).toEqual(new Set(["com.stripe.exception.InvalidRequestException"]));
    expect(types("P26")).toEqual(new Set(["com.stripe.exception.ApiConnectionException"]));
    // two short events one verb apart, same logger and field names
    expect(capture(/^Ticket transfer TRF-[A-Z0-9]{6} ([a-z]+)$/, messages("P05"))).toEqual(new Set(["rejected"]));
    expect(capture(/^Ticket transfer TRF-[A-Z0-9]{6} ([a-z]+)$/, messages("P06"))).toEqual(new Set(["expired"]));
    expect(new Set(app("P05").map((e) => e.labels.python_logger))).toEqual(new Set(app("P06").map((e) => e.labels.python_logger)));
    expect(Object.keys(payload(app("P05")[0]!)).sort()).toEqual(Object.keys(payload(app("P06")[0]!)).sort());
    // two long messages one plain word apart
    const blank = (t: string): string =>
      t
        .replace(/ORD-2026-\d{6}/, "<order>")
        .replace(/pi_[0-9A-Za-z]+/, "<pi>")
        .replace(/organizer [a-z-]+ /, "organizer <o> ");
    const a = messages("P11").map(blank);
    const b = messages("P12").map(blank);
    expect(new Set(a).size).toBe(1);
    expect(new Set(b).size).toBe(1);
    expect(a[0]!.split(" ").length).toBeGreaterThanOrEqual(30);
    const x = a[0]!.split(" ");
    const y = b[0]!.split(" ");
    expect(x).toHaveLength(y.length);
    expect(x.flatMap((w, i) => (w !== y[i] ? [`${w}/${y[i]}`] : []))).toEqual(["pending/disputed"]);
    expect(values("P11", "module")).toEqual(values("P12", "module"));
  });

  it("writes hour files and a truth.json that match the counts", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "fifth-day-"));
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
