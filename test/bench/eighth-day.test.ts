import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DAY, DAY_START, SERVICE_NAMES, buildDay, problemOfInsertId, rng, writeDay, type Day } from "../../bench/heldout-day/eighth-day";

type Entry = {
  insertId: string;
  timestamp: string;
  receiveTimestamp: string;
  severity: string;
  logName: string;
  resource: { type: string; labels: Record<string, string> };
  labels: { instanceId: string };
  trace?: string;
  spanId?: string;
  jsonPayload?: Record<string, unknown>;
  textPayload?: string;
  httpRequest?: Record<string, unknown>;
};

const day: Day = buildDay();
const byHour: Entry[][] = day.hours.map((text) =>
  text
    .split("\n")
    .filter((l) => l)
    .map((l) => JSON.parse(l) as Entry),
);
const all = byHour.flat();
const pidOf = (e: Entry): string => problemOfInsertId(e.insertId)!;
const of = (pid: string): Entry[] => all.filter((e) => pidOf(e) === pid);
const hourOf = (e: Entry): number => Number(e.timestamp.slice(11, 13));
const msg = (e: Entry): string => String(e.jsonPayload?.message ?? "");
const isRequest = (e: Entry): boolean => e.logName.endsWith("%2Frequests");
const PROJECT_LOGS = "projects/tallyroll-prod/logs/run.googleapis.com%2F";
const CLOUD_RUN_TEXTS = [
  "The request was aborted because there was no available instance.",
  "The request has been terminated because it has reached the maximum request timeout.",
  "The request failed because either the HTTP response was malformed or connection to the instance had an error.",
];

function sortKeys(_k: string, v: unknown): unknown {
  if (v && typeof v === "object" && !Array.isArray(v)) {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  return v;
}

/** Values of a capture group, split into the first and the second half of the day. */
function halves(entries: readonly Entry[], pick: (e: Entry) => string | undefined): { early: Set<string>; late: Set<string> } {
  const early = new Set<string>();
  const late = new Set<string>();
  for (const e of entries) {
    const v = pick(e);
    if (v !== undefined) (hourOf(e) < 12 ? early : late).add(v);
  }
  return { early, late };
}
const newLater = (h: { early: Set<string>; late: Set<string> }): string[] => [...h.late].filter((v) => !h.early.has(v));

describe("eighth held-out day (2026-11-23, Tallyroll payroll)", () => {
  test("exports the day, its start, the seeded rng and four services", () => {
    expect(DAY).toBe("2026-11-23");
    expect(DAY_START).toBe(Date.parse("2026-11-23T00:00:00.000Z"));
    expect(typeof rng(1)()).toBe("number");
    expect(SERVICE_NAMES).toHaveLength(4);
    expect(new Set(SERVICE_NAMES).size).toBe(4);
  });

  test("is deterministic by seed, and another seed gives another day", () => {
    expect(buildDay().hours).toEqual(day.hours);
    expect(buildDay(20261123).hours).toEqual(day.hours);
    const other = buildDay(7);
    expect(other.hours).not.toEqual(day.hours);
    expect(other.problems.map((p) => p.id)).toEqual(day.problems.map((p) => p.id));
  });

  test("has 24 hours of JSON lines, each ending with a newline", () => {
    expect(day.hours).toHaveLength(24);
    for (const text of day.hours) {
      expect(text.length).toBeGreaterThan(0);
      expect(text.endsWith("\n")).toBe(true);
    }
  });

  test("has 28-34 problems and 8,000-25,000 entries", () => {
    expect(day.problems.length).toBeGreaterThanOrEqual(28);
    expect(day.problems.length).toBeLessThanOrEqual(34);
    day.problems.forEach((p, i) => {
      expect(p.id).toBe(`P${String(i + 1).padStart(2, "0")}`);
      expect(SERVICE_NAMES).toContain(p.service);
      expect(p.about.length).toBeGreaterThan(20);
    });
    const total = Object.values(day.counts).reduce((a, xs) => a + xs.reduce((s, n) => s + n, 0), 0);
    expect(total).toBe(all.length);
    expect(total).toBeGreaterThanOrEqual(8000);
    expect(total).toBeLessThanOrEqual(25000);
    for (const s of SERVICE_NAMES) expect(day.problems.some((p) => p.service === s)).toBe(true);
  });

  test("every marker maps to a problem and per-hour counts match exactly", () => {
    const counted: Record<string, number[]> = Object.fromEntries(day.problems.map((p) => [p.id, Array.from({ length: 24 }, () => 0)]));
    byHour.forEach((entries, h) =>
      entries.forEach((e) => {
        const pid = problemOfInsertId(e.insertId);
        expect(pid).toBeDefined();
        counted[pid!]![h]!++;
      }),
    );
    expect(counted).toEqual(day.counts);
    for (const p of day.problems) {
      expect(day.counts[p.id]).toHaveLength(24);
      expect(day.counts[p.id]!.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      expect(of(p.id).every((e) => e.resource.labels.service_name === p.service)).toBe(true);
    }
  });

  test("problemOfInsertId reads only the hz marker", () => {
    expect(problemOfInsertId("hz07-1a2b3c4d5e")).toBe("P07");
    expect(problemOfInsertId("hz34-0ff00ff00")).toBe("P34");
    expect(problemOfInsertId("hz99-0ff00ff00")).toBeUndefined();
    expect(problemOfInsertId("hx07-1a2b3c4d5e")).toBeUndefined();
    expect(problemOfInsertId("07-1a2b3c4d5e")).toBeUndefined();
    expect(problemOfInsertId(7)).toBeUndefined();
    expect(problemOfInsertId(undefined)).toBeUndefined();
    expect(problemOfInsertId({ insertId: "hz07-1" })).toBeUndefined();
  });

  test("insertIds are unique and carry only the marker, a sequence and hex", () => {
    const ids = all.map((e) => e.insertId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^hz\d{2}-[0-9a-z]+[0-9a-f]{8}$/);
  });

  test("timestamps are RFC 3339 with 9 digits, inside their hour, sorted", () => {
    byHour.forEach((entries, h) => {
      let prev = "";
      for (const e of entries) {
        expect(e.timestamp).toMatch(/^2026-11-23T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
        expect(e.receiveTimestamp).toMatch(/^2026-11-2[34]T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
        expect(hourOf(e)).toBe(h);
        expect(e.timestamp >= prev).toBe(true);
        expect(e.receiveTimestamp > e.timestamp).toBe(true);
        prev = e.timestamp;
      }
    });
  });

  test("every entry is framed as gcloud prints a Cloud Run LogEntry", () => {
    const lines = day.hours.flatMap((t) => t.split("\n").filter((l) => l));
    for (const l of lines.filter((_, i) => i % 7 === 0)) expect(JSON.stringify(JSON.parse(l), sortKeys)).toBe(l);
    for (const e of all) {
      expect(["WARNING", "ERROR", "CRITICAL"]).toContain(e.severity);
      expect(e.resource.type).toBe("cloud_run_revision");
      const labels = e.resource.labels;
      expect(Object.keys(labels).sort()).toEqual(["configuration_name", "location", "project_id", "revision_name", "service_name"]);
      expect(SERVICE_NAMES).toContain(labels.service_name);
      expect(labels.configuration_name).toBe(labels.service_name);
      expect(labels.project_id).toBe("tallyroll-prod");
      expect(labels.revision_name).toMatch(new RegExp(`^${labels.service_name}-000\\d\\d-[a-z]{3}$`));
      expect(e.labels.instanceId).toMatch(/^00[0-9a-f]{94}$/);
      expect([`${PROJECT_LOGS}stdout`, `${PROJECT_LOGS}stderr`, `${PROJECT_LOGS}requests`]).toContain(e.logName);
      if (e.trace !== undefined) expect(e.trace).toMatch(/^projects\/tallyroll-prod\/traces\/[0-9a-f]{32}$/);
      if (isRequest(e)) {
        const r = e.httpRequest!;
        expect(typeof r.status).toBe("number");
        const status = r.status as number;
        expect(status).toBeGreaterThanOrEqual(400);
        expect(e.severity).toBe(status >= 500 ? "ERROR" : "WARNING");
        expect(String(r.requestUrl)).toMatch(/^https:\/\/[a-z0-9.-]+\//);
        expect(String(r.latency)).toMatch(/^\d+\.\d{6}s$/);
        expect(r.requestMethod).toMatch(/^(GET|POST|PUT|DELETE|PATCH)$/);
        expect(String(r.requestSize)).toMatch(/^\d+$/);
        expect(String(r.responseSize)).toMatch(/^\d+$/);
        expect(typeof r.userAgent).toBe("string");
        expect(typeof r.remoteIp).toBe("string");
        expect(typeof r.serverIp).toBe("string");
        expect(e.jsonPayload).toBeUndefined();
        expect(e.trace).toBeDefined();
        expect(e.spanId).toMatch(/^[0-9a-f]{16}$/);
        if (e.textPayload !== undefined) {
          expect(CLOUD_RUN_TEXTS.some((t) => e.textPayload!.startsWith(t))).toBe(true);
          expect([429, 503, 504]).toContain(status);
        }
      } else {
        expect(e.httpRequest).toBeUndefined();
        expect(e.textPayload).toBeUndefined();
        const p = e.jsonPayload!;
        expect(typeof p.message).toBe("string");
        expect((p.message as string).length).toBeGreaterThan(0);
        expect(p.severity).toBeUndefined();
        expect(Object.keys(p).some((k) => k.startsWith("logging.googleapis.com/"))).toBe(false);
        expect(p.time).toBeUndefined();
      }
    }
  });

  test("payroll-api lines are logstash-logback-encoder JSON with JVM stack traces", () => {
    const lines = all.filter((e) => e.resource.labels.service_name === "payroll-api" && !isRequest(e));
    expect(lines.length).toBeGreaterThan(500);
    for (const e of lines) {
      const p = e.jsonPayload!;
      expect(p["@version"]).toBe("1");
      expect(p["@timestamp"]).toBe(`${e.timestamp.slice(0, 23)}Z`);
      expect(typeof p.logger_name).toBe("string");
      expect(String(p.thread_name)).toMatch(/^(eventLoopGroupProxy-4-\d+|DefaultDispatcher-worker-\d+)$/);
      expect(p.level).toBe(e.severity === "WARNING" ? "WARN" : "ERROR");
      expect(p.level_value).toBe(e.severity === "WARNING" ? 30000 : 40000);
      if (p.stack_trace !== undefined) expect(String(p.stack_trace)).toMatch(/^[\w.$]+(Exception|Error)[:\n]/);
    }
    const stacks = lines.map((e) => String(e.jsonPayload!.stack_trace ?? ""));
    expect(stacks.filter((s) => s.includes("\n\tat ")).length).toBeGreaterThan(400);
    expect(stacks.some((s) => s.includes("\nCaused by: org.postgresql.util.PSQLException"))).toBe(true);
    expect(stacks.some((s) => s.includes("\nCaused by: kotlinx.serialization.MissingFieldException"))).toBe(true);
    // frames vary a little: app line numbers move with the revision
    expect(
      new Set(
        of("P01")
          .map((e) => /Db\.kt:(\d+)/.exec(String(e.jsonPayload?.stack_trace))?.[1])
          .filter(Boolean),
      ).size,
    ).toBeGreaterThan(1);
    // MDC: call_id on request-scoped lines, path only on /v1 routes
    expect(lines.filter((e) => e.jsonPayload!.call_id !== undefined).length).toBeGreaterThan(300);
    expect(of("P01").some((e) => !isRequest(e) && e.jsonPayload!.path === undefined)).toBe(true);
    expect(of("P03").every((e) => e.jsonPayload!.call_id === undefined)).toBe(true);
  });

  test("employee-portal lines are winston JSON with err.stack", () => {
    const lines = all.filter((e) => e.resource.labels.service_name === "employee-portal" && !isRequest(e));
    expect(lines.length).toBeGreaterThan(500);
    for (const e of lines) {
      const p = e.jsonPayload!;
      expect(p.level).toBeUndefined();
      expect(p.service).toBe("employee-portal");
      if (p.stack !== undefined) expect(String(p.stack)).toMatch(/^\w*Error: .+\n {4}at /);
    }
    expect(of("P19").some((e) => e.logName.endsWith("%2Fstderr"))).toBe(true);
    expect(lines.filter((e) => e.trace !== undefined).length).toBeGreaterThan(lines.length / 2);
  });

  test("bank-gateway lines are logrus JSON with ReportCaller fields and a recovered goroutine stack", () => {
    const lines = all.filter((e) => e.resource.labels.service_name === "bank-gateway" && !isRequest(e));
    expect(lines.length).toBeGreaterThan(300);
    for (const e of lines) {
      const p = e.jsonPayload!;
      expect(String(p.func)).toMatch(/^github\.com\/tallyroll\/bank-gateway\/internal\//);
      expect(String(p.file)).toMatch(/^\/src\/internal\/[\w/]+\.go:\d+$/);
      expect(typeof p.error).toBe("string");
      expect(p.level).toBeUndefined();
      expect(p.msg).toBeUndefined();
    }
    const panics = of("P25").filter((e) => !isRequest(e));
    expect(panics.length).toBeGreaterThan(20);
    for (const e of panics) expect(String(e.jsonPayload!.stack)).toMatch(/^goroutine \d+ \[running\]:\nruntime\/debug\.Stack\(\)\n/);
    expect(new Set(panics.map((e) => String(e.jsonPayload!.stack).split("\n")[0])).size).toBeGreaterThan(10);
  });

  test("payslip-worker lines are python-json-logger JSON with Celery's own lines and tracebacks", () => {
    const lines = all.filter((e) => e.resource.labels.service_name === "payslip-worker");
    expect(lines.length).toBeGreaterThan(500);
    expect(lines.every((e) => !isRequest(e))).toBe(true);
    for (const e of lines) {
      const p = e.jsonPayload!;
      expect(typeof p.name).toBe("string");
      expect(p.levelname).toBeUndefined();
      if (p.exc_info !== undefined) expect(String(p.exc_info)).toMatch(/^Traceback \(most recent call last\):\n {2}File "/);
      if (p.name === "celery.app.trace") {
        expect(msg(e)).toMatch(/^Task payroll\.tasks\.\w+\[[0-9a-f-]{36}\] raised unexpected: /);
        expect(p.task_id).toBeDefined();
        expect(p.task_name).toBeDefined();
      }
    }
    const tbs = lines.map((e) => String(e.jsonPayload!.exc_info ?? ""));
    expect(tbs.some((t) => t.includes("\nThe above exception was the direct cause of the following exception:\n"))).toBe(true);
    expect(tbs.some((t) => t.includes("\nDuring handling of the above exception, another exception occurred:\n"))).toBe(true);
    expect(
      lines.some((e) => /^Soft time limit \(300s\) exceeded for /.test(msg(e)) && e.jsonPayload!.name === "celery.worker.request"),
    ).toBe(true);
    expect(lines.some((e) => / retry: Retry in \d+s: /.test(msg(e)) && e.severity === "WARNING")).toBe(true);
    expect(lines.some((e) => msg(e).startsWith("consumer: Cannot connect to redis://"))).toBe(true);
  });

  test("app lines of a failing request share its trace and instance and fall inside it", () => {
    const requests = new Map(all.filter(isRequest).map((e) => [e.trace!, e]));
    let paired = 0;
    for (const e of all.filter((x) => !isRequest(x) && x.trace !== undefined)) {
      const req = requests.get(e.trace!);
      if (!req) continue;
      paired++;
      expect(pidOf(req)).toBe(pidOf(e));
      expect(req.labels.instanceId).toBe(e.labels.instanceId);
      expect(e.timestamp >= req.timestamp).toBe(true);
    }
    expect(paired).toBeGreaterThan(1000);
    // Kotlin lines carry the route in MDC rather than a trace
    const p06 = of("P06");
    const paths = new Set(p06.filter(isRequest).map((e) => new URL(String(e.httpRequest!.requestUrl)).pathname));
    expect(p06.filter((e) => !isRequest(e)).every((e) => paths.has(String(e.jsonPayload!.path)))).toBe(true);
  });

  test("near misses really differ", () => {
    const msgs = (pid: string): Set<string> =>
      new Set(
        of(pid)
          .filter((e) => !isRequest(e))
          .map(msg),
      );
    // one call site, two reasons
    const m13 = [...msgs("P13")];
    const m14 = [...msgs("P14")];
    expect(m13.every((m) => m.startsWith("Timesheet submit blocked: no active contract for employee "))).toBe(true);
    expect(m14.every((m) => m.startsWith("Timesheet submit blocked: no approving manager for employee "))).toBe(true);
    // two short event messages that differ only in their verb
    expect([...msgs("P22")]).toEqual(["SFTP upload failed"]);
    expect([...msgs("P23")]).toEqual(["SFTP download failed"]);
    // two exception types thrown in one function
    const firstLine = (pid: string): Set<string> =>
      new Set(of(pid).flatMap((e) => (e.jsonPayload?.stack_trace ? [String(e.jsonPayload.stack_trace).split(":")[0]!] : [])));
    expect([...firstLine("P04")]).toEqual(["com.tallyroll.payroll.PayRunLockedException"]);
    expect([...firstLine("P05")]).toEqual(["com.tallyroll.payroll.PayPeriodClosedException"]);
    for (const pid of ["P04", "P05"])
      expect(
        of(pid)
          .filter((e) => !isRequest(e))
          .every((e) => String(e.jsonPayload!.stack_trace).includes("\n\tat com.tallyroll.payroll.PayRunService.approve(")),
      ).toBe(true);
    const lastLine = (pid: string): Set<string> =>
      new Set(of(pid).map((e) => String(e.jsonPayload!.exc_info).split("\n").at(-1)!.split(":")[0]!));
    expect([...lastLine("P31")]).toEqual(["payroll.tax.errors.TaxCodeError"]);
    expect([...lastLine("P32")]).toEqual(["payroll.tax.errors.TaxTableMissing"]);
    for (const pid of ["P31", "P32"])
      expect(of(pid).every((e) => String(e.jsonPayload!.exc_info).includes(", in resolve_bands\n"))).toBe(true);
    // the same template on two services
    const template = (pid: string): Set<string> => new Set([...msgs(pid)].map((m) => m.replace(/[0-9a-f-]{36}/, "<key>")));
    expect([...template("P07")]).toEqual(["Idempotency-Key <key> reused with a different request body"]);
    expect([...template("P16")]).toEqual([...template("P07")]);
    expect(day.problems.find((p) => p.id === "P07")!.service).not.toBe(day.problems.find((p) => p.id === "P16")!.service);
  });

  test("word-valued pools grow: later hours bring values earlier hours never had", () => {
    const urlSeg = (re: RegExp) => (e: Entry) => (isRequest(e) ? re.exec(String(e.httpRequest!.requestUrl))?.[1] : undefined);
    const tenantsApi = halves(
      all.filter((e) => e.resource.labels.service_name === "payroll-api"),
      urlSeg(/\/companies\/([a-z-]+)\//),
    );
    expect(newLater(tenantsApi).length).toBeGreaterThan(5);
    const orgs = halves(
      all.filter((e) => e.resource.labels.service_name === "employee-portal"),
      urlSeg(/\/orgs\/([a-z-]+)\//),
    );
    expect(newLater(orgs).length).toBeGreaterThan(5);
    const users = halves(of("P13"), (e) => /for employee ([a-z]+\.[a-z]+)$/.exec(msg(e))?.[1]);
    expect(newLater(users).length).toBeGreaterThan(5);
    const tables = halves(of("P28"), (e) => /FROM ([a-z_]+) /.exec(msg(e))?.[1]);
    expect(newLater(tables).length).toBeGreaterThan(0);
    const hosts = halves(of("P23"), (e) => String(e.jsonPayload!.host));
    expect(newLater(hosts).length).toBeGreaterThan(0);
    const prefixes = halves(of("P08"), (e) => /key prefix ([a-z-]+):/.exec(msg(e))?.[1]);
    expect(newLater(prefixes).length).toBeGreaterThan(0);
    const currencies = halves(of("P10"), (e) => /GBP\/([A-Z]{3})$/.exec(msg(e))?.[1]);
    expect(newLater(currencies).length).toBeGreaterThan(0);
    for (const v of [...tenantsApi.late, ...orgs.late, ...hosts.late]) expect(v).not.toMatch(/\d/);
  });

  test("rate patterns: deploys, bursts, skipped hours, quiet nights and rare problems", () => {
    const c = (pid: string): readonly number[] => day.counts[pid]!;
    const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
    expect(sum(c("P06").slice(0, 10))).toBe(0); // starts at the 10:12 deploy
    expect(sum(c("P06").slice(10))).toBeGreaterThan(200);
    expect(sum(c("P10").slice(18))).toBe(0); // stops at the 17:40 deploy
    expect(sum(c("P10").slice(0, 17))).toBeGreaterThan(100);
    expect(c("P22").filter((n) => n > 0).length).toBe(6); // submission windows only
    expect(c("P21").filter((n) => n > 0)).toHaveLength(1);
    expect(sum(c("P09"))).toBeLessThanOrEqual(3);
    expect(sum(c("P17"))).toBeLessThanOrEqual(3);
    expect(sum(c("P12").slice(0, 5))).toBeLessThan(sum(c("P12").slice(9, 14)) / 3);
    const revs = (pid: string): Set<string> => new Set(of(pid).map((e) => String(e.resource.labels.revision_name)));
    expect(revs("P19").size).toBe(1);
    expect([...revs("P19")][0]).toMatch(/^employee-portal-00059-/);
    expect([...revs("P25")].every((r) => r.startsWith("bank-gateway-00078-"))).toBe(true);
    expect([...revs("P33")].every((r) => r.startsWith("payslip-worker-00031-"))).toBe(true);
  });

  test("a few entries leak secrets as real apps do", () => {
    const text = day.hours.join("");
    expect(text).toMatch(/"Authorization":"Bearer eyJ[\w.-]+"/);
    expect(text).toMatch(/access_key=fx_live_[0-9a-f]{32}/);
  });

  test("writeDay writes 24 hour files and a truth.json that round-trips", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eighth-day-"));
    try {
      writeDay(day, dir);
      const files = fs.readdirSync(dir).sort();
      expect(files).toEqual([...Array.from({ length: 24 }, (_, h) => `hour-${String(h).padStart(2, "0")}.jsonl`), "truth.json"]);
      day.hours.forEach((text, h) =>
        expect(fs.readFileSync(path.join(dir, `hour-${String(h).padStart(2, "0")}.jsonl`), "utf8")).toBe(text),
      );
      const raw = fs.readFileSync(path.join(dir, "truth.json"), "utf8");
      expect(raw.endsWith("}\n")).toBe(true);
      const truth = JSON.parse(raw) as { day: string; problems: { id: string; service: string; about: string; counts: number[] }[] };
      expect(raw).toBe(JSON.stringify(truth, null, 2) + "\n");
      expect(truth.day).toBe(DAY);
      expect(truth.problems.map((p) => p.id)).toEqual(day.problems.map((p) => p.id));
      for (const p of truth.problems) {
        expect(p.counts).toEqual(day.counts[p.id]);
        expect(p.about).toBe(day.problems.find((q) => q.id === p.id)!.about);
        expect(p.service).toBe(day.problems.find((q) => q.id === p.id)!.service);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
