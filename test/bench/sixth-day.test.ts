import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DAY, DAY_START, SERVICE_NAMES, buildDay, problemOfInsertId, rng, writeDay } from "../../bench/heldout-day/sixth-day";

type Obj = Record<string, unknown>;

interface Entry {
  readonly insertId: string;
  readonly timestamp: string;
  readonly receiveTimestamp: string;
  readonly severity: string;
  readonly logName: string;
  readonly resource: { readonly type: string; readonly labels: Readonly<Record<string, string>> };
  readonly labels?: Readonly<Record<string, string>>;
  readonly jsonPayload?: Obj;
  readonly textPayload?: string;
  readonly httpRequest?: Obj;
  readonly trace?: string;
  readonly spanId?: string;
  readonly sourceLocation?: Obj;
}

const day = buildDay();
const byHour: Entry[][] = day.hours.map((text) =>
  text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Entry),
);
const all: Array<Entry & { readonly hour: number; readonly problem: string }> = byHour.flatMap((es, hour) =>
  es.map((e) => ({ ...e, hour, problem: problemOfInsertId(e.insertId) ?? "?" })),
);
const of = (id: string) => all.filter((e) => e.problem === id);
const svc = (e: Entry): string => e.resource.labels.service_name!;
const obj = (x: unknown): Obj => (x !== null && typeof x === "object" && !Array.isArray(x) ? (x as Obj) : {});
const stream = (e: Entry): string => e.logName.split("%2F")[1]!;
const isRequest = (e: Entry): boolean => stream(e) === "requests";
const msg = (e: Entry): string => String(e.jsonPayload?.message ?? "");

const REVISION: Record<string, RegExp> = Object.fromEntries(SERVICE_NAMES.map((s) => [s, new RegExp(`^${s}-000\\d{2}-[a-z]{3}$`)]));

const CLOUD_RUN_TEXTS = [
  "The request was aborted because there was no available instance.",
  "The request has been terminated because it has reached the maximum request timeout.",
];

describe("sixth held-out day (2026-11-25)", () => {
  it("is deterministic by seed and differs across seeds", () => {
    expect(buildDay(20261125).hours).toEqual(day.hours);
    expect(buildDay(20261125).counts).toEqual(day.counts);
    const other = buildDay(42);
    expect(other.hours).not.toEqual(day.hours);
    expect(typeof rng(1)()).toBe("number");
    expect(DAY).toBe("2026-11-25");
    expect(DAY_START).toBe(Date.parse("2026-11-25T00:00:00.000Z"));
  });

  it("has 24 hours of JSON lines, each hour ending with a newline", () => {
    expect(day.hours).toHaveLength(24);
    for (const text of day.hours) {
      expect(text.length).toBeGreaterThan(0);
      expect(text.endsWith("\n")).toBe(true);
    }
  });

  it("has 28-34 problems and 8,000-25,000 entries", () => {
    expect(day.problems.length).toBeGreaterThanOrEqual(28);
    expect(day.problems.length).toBeLessThanOrEqual(34);
    day.problems.forEach((p, i) => {
      expect(p.id).toBe(`P${String(i + 1).padStart(2, "0")}`);
      expect(SERVICE_NAMES).toContain(p.service);
      expect(p.about.length).toBeGreaterThan(30);
      expect(day.counts[p.id]).toHaveLength(24);
    });
    expect(Object.keys(day.counts).sort()).toEqual(day.problems.map((p) => p.id).sort());
    const total = Object.values(day.counts).reduce((a, xs) => a + xs.reduce((s, n) => s + n, 0), 0);
    expect(total).toBe(all.length);
    expect(total).toBeGreaterThanOrEqual(8000);
    expect(total).toBeLessThanOrEqual(25000);
    for (const s of SERVICE_NAMES) expect(day.problems.filter((p) => p.service === s).length).toBeGreaterThanOrEqual(6);
  });

  it("marks every entry with its problem, and per-hour counts match exactly", () => {
    const counted: Record<string, number[]> = Object.fromEntries(day.problems.map((p) => [p.id, Array.from({ length: 24 }, () => 0)]));
    for (const e of all) {
      expect(e.problem).not.toBe("?");
      counted[e.problem]![e.hour]!++;
      expect(svc(e)).toBe(day.problems.find((p) => p.id === e.problem)!.service);
    }
    expect(counted).toEqual(day.counts);
    for (const p of day.problems) expect(day.counts[p.id]!.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it("maps insertIds to problems and nothing else", () => {
    expect(problemOfInsertId("hx07-1a2b3c4d5e")).toBe("P07");
    expect(problemOfInsertId("hx34-zz0123abcd")).toBe("P34");
    expect(problemOfInsertId("hy07-1a2b3c4d5e")).toBeUndefined();
    expect(problemOfInsertId("hx99-1a2b3c4d5e")).toBeUndefined();
    expect(problemOfInsertId("hx07")).toBeUndefined();
    expect(problemOfInsertId(7)).toBeUndefined();
    expect(problemOfInsertId(undefined)).toBeUndefined();
  });

  it("has unique insertIds of the marker's form", () => {
    const ids = new Set(all.map((e) => e.insertId));
    expect(ids.size).toBe(all.length);
    for (const e of all) expect(e.insertId).toMatch(/^hx\d{2}-[0-9a-z]+[0-9a-f]{8}$/);
  });

  it("has 9-digit timestamps inside their hour, sorted", () => {
    byHour.forEach((es, h) => {
      let last = "";
      for (const e of es) {
        expect(e.timestamp).toMatch(/^2026-11-25T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
        expect(e.receiveTimestamp).toMatch(/^2026-11-2[56]T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
        expect(Number(e.timestamp.slice(11, 13))).toBe(h);
        expect(e.timestamp >= last).toBe(true);
        expect(e.receiveTimestamp > e.timestamp).toBe(true);
        last = e.timestamp;
      }
    });
  });

  it("frames every entry as a Cloud Run LogEntry", () => {
    for (const e of all) {
      expect(["WARNING", "ERROR", "CRITICAL"]).toContain(e.severity);
      expect(e.resource.type).toBe("cloud_run_revision");
      const l = e.resource.labels;
      expect(SERVICE_NAMES).toContain(l.service_name);
      expect(l.configuration_name).toBe(l.service_name);
      expect(l.project_id).toBe("corvid-haulage-prod");
      expect(l.location).toBe("europe-west4");
      expect(l.revision_name).toMatch(REVISION[l.service_name!]!);
      expect(e.logName).toMatch(/^projects\/corvid-haulage-prod\/logs\/run\.googleapis\.com%2F(stdout|stderr|requests)$/);
      const noInstance = e.textPayload?.startsWith(CLOUD_RUN_TEXTS[0]!) ?? false;
      if (noInstance) expect(e.labels).toBeUndefined();
      else expect(e.labels?.instanceId).toMatch(/^00[0-9a-f]{94}$/);
      if (e.trace !== undefined) expect(e.trace).toMatch(/^projects\/corvid-haulage-prod\/traces\/[0-9a-f]{32}$/);
      if (isRequest(e)) {
        const r = obj(e.httpRequest);
        expect(typeof r.status).toBe("number");
        expect(e.jsonPayload).toBeUndefined();
        if (e.textPayload !== undefined) expect(CLOUD_RUN_TEXTS.some((t) => e.textPayload!.startsWith(t))).toBe(true);
        expect(e.severity).toBe((r.status as number) >= 500 ? "ERROR" : "WARNING");
        expect(r.status as number).toBeGreaterThanOrEqual(400);
        expect(String(r.requestUrl)).toMatch(/^https:\/\/[a-z.-]+\.com\//);
        expect(String(r.latency)).toMatch(/^\d+\.\d{9}s$/);
        expect(String(r.requestSize)).toMatch(/^\d+$/);
        expect(typeof r.requestMethod).toBe("string");
        expect(typeof r.userAgent).toBe("string");
        expect(typeof r.remoteIp).toBe("string");
        expect(typeof r.protocol).toBe("string");
        expect(e.trace).toBeDefined();
        expect(e.spanId).toMatch(/^[0-9a-f]{16}$/);
      } else {
        expect(e.httpRequest).toBeUndefined();
        expect(e.textPayload).toBeUndefined();
        const j = e.jsonPayload!;
        expect(typeof j.message).toBe("string");
        expect((j.message as string).length).toBeGreaterThan(0);
        expect(j.severity).toBeUndefined();
        expect(j.level).toBeUndefined();
        for (const k of Object.keys(j)) expect(k.startsWith("logging.googleapis.com/")).toBe(false);
      }
    }
    const dispatchRevs = new Set(all.filter((e) => svc(e) === "dispatch-console").map((e) => e.resource.labels.revision_name));
    expect(dispatchRevs.size).toBe(3);
  });

  it("keeps every line sorted by key at every level", () => {
    const sorted = (x: unknown): boolean => {
      if (Array.isArray(x)) return x.every(sorted);
      if (x !== null && typeof x === "object") {
        const ks = Object.keys(x);
        return ks.join("\u0000") === [...ks].sort().join("\u0000") && ks.every((k) => sorted((x as Obj)[k]));
      }
      return true;
    };
    for (const es of byHour) for (const e of es) expect(sorted(e)).toBe(true);
  });

  it("writes each service in its stack's shape", () => {
    // Rails: lograge lines and Rails.logger lines, DebugExceptions reports with Ruby backtraces.
    const rails = all.filter((e) => svc(e) === "dispatch-console" && !isRequest(e));
    expect(rails.every((e) => stream(e) === "stdout" && typeof e.jsonPayload!.request_id === "string")).toBe(true);
    const lograge = rails.filter((e) => "controller" in e.jsonPayload!);
    expect(lograge.length).toBeGreaterThan(100);
    for (const e of lograge) {
      const j = e.jsonPayload!;
      for (const k of ["method", "path", "format", "action", "status", "duration", "view", "db", "allocations"])
        expect(j).toHaveProperty(k);
      expect(e.severity).toBe((j.status as number) >= 500 ? "ERROR" : "WARNING");
    }
    const reports = rails.filter((e) => msg(e).startsWith("  \n"));
    expect(reports.length).toBeGreaterThan(100);
    for (const e of reports) {
      expect(msg(e)).toMatch(/^ {2}\n[A-Z][\w:]+ \([\s\S]*\):\n/);
      expect(msg(e)).toMatch(/\n(app\/[\w/.]+\.(rb|erb)|\w+ \(7\.2\.2\.1\) lib\/[\w/]+\.rb):\d+:in `[^']+'/);
    }
    expect(reports.some((e) => msg(e).includes("\n\nCauses:\nPG::UndefinedColumn (ERROR:  column"))).toBe(true);

    // Rust: tracing-subscriber JSON with the message lifted, sourceLocation, spans.
    const rust = all.filter((e) => svc(e) === "telemetry-ingest" && !isRequest(e));
    for (const e of rust) {
      const j = e.jsonPayload!;
      expect(obj(j.fields).message).toBe(j.message);
      expect(String(j.target)).toMatch(/^(telemetry_ingest::[a-z_:]+|tracing_panic)$/);
      expect(String(j.timestamp)).toMatch(/^2026-11-25T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
      expect(String(j.timestamp).slice(0, 23)).toBe(e.timestamp.slice(0, 23));
      expect(String(e.sourceLocation?.line)).toMatch(/^\d+$/);
      if (j.spans !== undefined) expect((j.spans as unknown[]).at(-1)).toEqual(j.span);
    }
    const panics = rust.filter((e) => e.jsonPayload!.message === "A panic occurred");
    expect(panics.length).toBeGreaterThan(50);
    for (const e of panics) {
      const f = obj(e.jsonPayload!.fields);
      expect(f["panic.payload"]).toBe("called `Option::unwrap()` on a `None` value");
      expect(String(f["panic.backtrace"])).toMatch(/^ {3}0: tracing_panic::panic_hook\n {13}at /);
      expect(String(f["panic.backtrace"])).toContain("telemetry_ingest::geo::fence::FenceIndex::containing");
    }
    expect(new Set(panics.map((e) => String(obj(e.jsonPayload!.fields)["panic.backtrace"]))).size).toBeGreaterThan(1);

    // Laravel: Monolog GoogleCloudLoggingFormatter on stderr, exceptions in context.exception.
    const php = all.filter((e) => svc(e) === "billing-api" && !isRequest(e));
    let withPrevious = 0;
    for (const e of php) {
      const j = e.jsonPayload!;
      expect(stream(e)).toBe("stderr");
      expect(j.channel).toBe("production");
      expect(j.extra).toEqual({});
      expect(typeof j.context).toBe("object");
      const ex = obj(obj(j.context).exception);
      if (Object.keys(ex).length > 0) {
        expect(typeof ex.class).toBe("string");
        expect(typeof ex.message).toBe("string");
        expect(typeof ex.code).toBe("number");
        expect(String(ex.file)).toMatch(/^\/var\/www\/html\/.+\.php:\d+$/);
        expect(Array.isArray(ex.trace)).toBe(true);
        for (const f of ex.trace as string[]) expect(f).toMatch(/^\/var\/www\/html\/.+\.php:\d+$/);
        if (ex.previous) withPrevious++;
      }
    }
    expect(withPrevious).toBeGreaterThan(10);

    // pino: pid/hostname, err serializer, pino-http request lines.
    const node = all.filter((e) => svc(e) === "driver-gateway" && !isRequest(e));
    for (const e of node) {
      const j = e.jsonPayload!;
      expect(j.pid).toBe(1);
      expect(j.hostname).toBe("localhost");
      if (j.err) {
        const err = obj(j.err);
        expect(typeof err.type).toBe("string");
        expect(String(err.stack)).toMatch(/^\w+: .+\n {4}at /);
      }
      if (j.res) {
        expect(["request completed", "request errored"]).toContain(j.message);
        expect(typeof obj(j.res).statusCode).toBe("number");
        expect(typeof j.responseTime).toBe("number");
        expect(obj(obj(j.req).headers).authorization).toBe("[Redacted]");
      }
    }
    expect(node.some((e) => String(obj(e.jsonPayload!.err).stack).includes("\ncaused by: ConnectTimeoutError"))).toBe(true);
    expect(node.some((e) => e.severity === "CRITICAL")).toBe(true);
  });

  it("keeps the near misses apart", () => {
    // Same call site, one word apart.
    const missing = new Set(of("P18").map(msg));
    const stale = new Set(of("P19").map(msg));
    for (const m of missing) expect(m).toMatch(/^Fuel surcharge index missing for lane [A-Z]{2}-[A-Z]{2}, using default rate$/);
    for (const m of stale) expect(m).toMatch(/^Fuel surcharge index stale for lane [A-Z]{2}-[A-Z]{2}, using default rate$/);
    expect([...missing].some((m) => stale.has(m.replace("missing", "stale")))).toBe(true);
    // Two short events, one verb apart.
    expect(new Set(of("P10").map(msg))).toEqual(new Set(["ping batch rejected"]));
    expect(new Set(of("P11").map(msg))).toEqual(new Set(["ping batch dropped"]));
    // Two exception types from one function.
    const app = (id: string) => of(id).filter((e) => msg(e) === "token verification failed");
    expect(app("P27").length).toBeGreaterThan(50);
    expect(app("P28").length).toBeGreaterThan(50);
    expect(new Set(app("P27").map((e) => obj(e.jsonPayload!.err).type))).toEqual(new Set(["TokenExpiredError"]));
    expect(new Set(app("P28").map((e) => obj(e.jsonPayload!.err).type))).toEqual(new Set(["JsonWebTokenError"]));
    for (const e of [...app("P27"), ...app("P28")])
      expect(String(obj(e.jsonPayload!.err).stack)).toContain("at verifyAccessToken (/app/dist/auth/verify-token.js:18:33)");
    // One Cloud Run text on two services.
    const texts = (id: string) => new Set(of(id).map((e) => e.textPayload));
    expect(texts("P14")).toEqual(texts("P25"));
    expect(new Set(of("P14").map(svc))).toEqual(new Set(["telemetry-ingest"]));
    expect(new Set(of("P25").map(svc))).toEqual(new Set(["billing-api"]));
  });

  it("grows the word-valued pools during the day", () => {
    const grows = (values: Array<{ hour: number; v: string | undefined }>) => {
      const early = new Set(values.filter((x) => x.hour < 12 && x.v).map((x) => x.v));
      const late = new Set(values.filter((x) => x.hour >= 12 && x.v).map((x) => x.v));
      const fresh = [...late].filter((v) => !early.has(v));
      for (const v of [...early, ...late]) expect(v).toMatch(/^[a-z][a-z.:_-]*[a-z]$|^[A-Z]{2,3}(-[A-Z]{2})?$/);
      return fresh.length;
    };
    const url = (e: Entry) => String(obj(e.httpRequest).requestUrl ?? "");
    const orgs = all
      .filter((e) => svc(e) === "dispatch-console")
      .map((e) => ({ hour: e.hour, v: /\/orgs\/([a-z-]+)\//.exec(url(e))?.[1] }));
    expect(grows(orgs)).toBeGreaterThan(3);
    const fleets = all
      .filter((e) => svc(e) === "telemetry-ingest")
      .map((e) => ({ hour: e.hour, v: /\/fleets\/([a-z-]+)\//.exec(url(e))?.[1] }));
    expect(grows(fleets)).toBeGreaterThan(2);
    const flags = of("P33").map((e) => ({ hour: e.hour, v: String(e.jsonPayload!.flagKey).replace(/_v\d$/, "") }));
    expect(grows(flags)).toBeGreaterThan(2);
    const lanes = [...of("P18"), ...of("P19")].map((e) => ({ hour: e.hour, v: String(obj(e.jsonPayload!.context).lane) }));
    expect(grows(lanes)).toBeGreaterThan(2);
    const drivers = of("P31").map((e) => ({ hour: e.hour, v: String(e.jsonPayload!.driver) }));
    expect(grows(drivers)).toBeGreaterThan(2);
    const topics = of("P12").map((e) => ({ hour: e.hour, v: String(obj(e.jsonPayload!.fields).topic) }));
    expect(grows(topics)).toBeGreaterThan(1);
    const depots = of("P03").map((e) => ({ hour: e.hour, v: String(e.jsonPayload!.depot) }));
    expect(grows(depots)).toBeGreaterThan(2);
  });

  it("has the rate patterns: deploys, skipped hours, bursts and rare problems", () => {
    const ts = (id: string) => of(id).map((e) => e.timestamp);
    const within = (id: string, from: string, to: string) => ts(id).every((t) => t >= `2026-11-25T${from}` && t < `2026-11-25T${to}`);
    expect(within("P02", "10:12:30", "16:47:10")).toBe(true);
    expect(within("P13", "13:05:00", "24:00:00")).toBe(true);
    expect(within("P23", "09:40:00", "15:20:00")).toBe(true);
    expect(within("P28", "00:00:00", "11:20:00")).toBe(true);
    expect(day.counts.P21!.every((n, h) => (h % 2 === 1 ? n === 0 : n > 0))).toBe(true);
    expect(day.counts.P06!.filter((n) => n > 0)).toHaveLength(1);
    for (const id of ["P08", "P17", "P24", "P32"]) {
      const n = day.counts[id]!.reduce((a, b) => a + b, 0);
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(3);
    }
    const steady = day.counts.P10!;
    expect(steady.every((n) => n > 0)).toBe(true);
    const office = day.counts.P27!;
    expect(office[3]!).toBeLessThan(office[10]! / 4);
  });

  it("leaks a few secrets as real apps do", () => {
    const text = day.hours.join("");
    expect(text).toMatch(/"Authorization":"Bearer cvwh_live_[A-Za-z0-9]{40}"/);
    expect(text).toMatch(/app_id=[0-9a-f]{32}/);
    expect(text).toMatch(/access_token=eyJ[\w-]+\.[\w-]+\.[\w-]+/);
  });

  it("writes 24 hour files and truth.json that round-trip", () => {
    const dir = mkdtempSync(join(tmpdir(), "sixth-day-"));
    try {
      writeDay(day, dir);
      const files = readdirSync(dir).sort();
      expect(files).toEqual([...Array.from({ length: 24 }, (_, h) => `hour-${String(h).padStart(2, "0")}.jsonl`), "truth.json"].sort());
      day.hours.forEach((text, h) => expect(readFileSync(join(dir, `hour-${String(h).padStart(2, "0")}.jsonl`), "utf8")).toBe(text));
      const raw = readFileSync(join(dir, "truth.json"), "utf8");
      expect(raw.endsWith("\n")).toBe(true);
      const truth = JSON.parse(raw) as { day: string; problems: Array<{ id: string; service: string; about: string; counts: number[] }> };
      expect(raw).toBe(JSON.stringify(truth, null, 2) + "\n");
      expect(truth.day).toBe(DAY);
      expect(truth.problems).toEqual(day.problems.map((p) => ({ id: p.id, service: p.service, about: p.about, counts: day.counts[p.id] })));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
