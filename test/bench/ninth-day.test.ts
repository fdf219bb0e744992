import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDay, DAY, DAY_START, problemOfInsertId, rng, SERVICE_NAMES, writeDay, type Day } from "../../bench/heldout-day/ninth-day";

type Json = Record<string, unknown>;
interface Row {
  readonly hour: number;
  readonly e: Json;
  readonly pid: string;
}

const day: Day = buildDay();
const rows: Row[] = day.hours.flatMap((text, hour) =>
  text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => {
      const e = JSON.parse(l) as Json;
      return { hour, e, pid: problemOfInsertId(e.insertId) ?? "?" };
    }),
);
const of = (pid: string): Row[] => rows.filter((x) => x.pid === pid);
const payload = (x: Row): Json => (x.e.jsonPayload ?? {}) as Json;
const msg = (x: Row): string => String(payload(x).message ?? "");
const isReq = (x: Row): boolean => String(x.e.logName).endsWith("%2Frequests");
const svc = (x: Row): string => ((x.e.resource as Json).labels as Json).service_name as string;
const url = (x: Row): string => String((x.e.httpRequest as Json | undefined)?.requestUrl ?? "");

describe("ninth held-out day", () => {
  it("is deterministic by seed and differs with another seed", () => {
    const again = buildDay(20261122);
    expect(again.hours).toEqual(day.hours);
    expect(again.counts).toEqual(day.counts);
    const other = buildDay(7);
    expect(other.hours.join("")).not.toEqual(day.hours.join(""));
    expect(typeof rng(1)()).toBe("number");
  });

  it("has 24 hours, 28-34 problems and 8,000-25,000 entries", () => {
    expect(day.hours).toHaveLength(24);
    expect(day.problems.length).toBeGreaterThanOrEqual(28);
    expect(day.problems.length).toBeLessThanOrEqual(34);
    expect(rows.length).toBeGreaterThanOrEqual(8000);
    expect(rows.length).toBeLessThanOrEqual(25000);
    const total = Object.values(day.counts).reduce((a, xs) => a + xs.reduce((s, n) => s + n, 0), 0);
    expect(total).toBe(rows.length);
    day.problems.forEach((p, i) => {
      expect(p.id).toBe(`P${String(i + 1).padStart(2, "0")}`);
      expect(SERVICE_NAMES).toContain(p.service);
      expect(p.about.length).toBeGreaterThan(20);
    });
    for (const name of SERVICE_NAMES) expect(day.problems.some((p) => p.service === name)).toBe(true);
    for (const text of day.hours) expect(text.endsWith("\n")).toBe(true);
  });

  it("maps every marker to a problem and matches the counts hour by hour", () => {
    const ids = new Set(day.problems.map((p) => p.id));
    const seen: Record<string, number[]> = {};
    for (const x of rows) {
      expect(ids.has(x.pid)).toBe(true);
      expect(String(x.e.insertId)).toMatch(/^hw\d{2}-[0-9a-z]+[0-9a-f]{8}$/);
      (seen[x.pid] ??= Array.from({ length: 24 }, () => 0))[x.hour]!++;
    }
    for (const p of day.problems) {
      expect(day.counts[p.id]).toHaveLength(24);
      expect(seen[p.id] ?? Array.from({ length: 24 }, () => 0)).toEqual(day.counts[p.id]);
      expect(day.counts[p.id]!.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    }
    expect(problemOfInsertId("hw07-1a2b3c4d5e")).toBe("P07");
    expect(problemOfInsertId("hx07-1a2b3c4d5e")).toBeUndefined();
    expect(problemOfInsertId(7)).toBeUndefined();
    expect(problemOfInsertId(undefined)).toBeUndefined();
  });

  it("has unique insertIds and sorted 9-digit timestamps inside their hour", () => {
    expect(new Set(rows.map((x) => x.e.insertId)).size).toBe(rows.length);
    let last = "";
    let lastHour = -1;
    for (const x of rows) {
      const ts = String(x.e.timestamp);
      expect(ts).toMatch(/^2026-11-22T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
      expect(Number(ts.slice(11, 13))).toBe(x.hour);
      expect(Date.parse(ts) - DAY_START).toBeLessThan((x.hour + 1) * 3_600_000);
      if (x.hour === lastHour) expect(ts >= last).toBe(true);
      last = ts;
      lastHour = x.hour;
      expect(String(x.e.receiveTimestamp) >= ts).toBe(true);
    }
    expect(DAY).toBe("2026-11-22");
  });

  it("frames every entry as a Cloud Run LogEntry", () => {
    const logNames = ["stdout", "stderr", "requests"].map((l) => `projects/fernhill-lending-prod/logs/run.googleapis.com%2F${l}`);
    for (const x of rows) {
      const e = x.e;
      expect(["WARNING", "ERROR", "CRITICAL"]).toContain(e.severity);
      expect(logNames).toContain(e.logName);
      const res = e.resource as Json;
      expect(res.type).toBe("cloud_run_revision");
      const labels = res.labels as Json;
      expect(Object.keys(labels).sort()).toEqual(["configuration_name", "location", "project_id", "revision_name", "service_name"]);
      expect(labels.revision_name).toMatch(new RegExp(`^${String(labels.service_name)}-000\\d{2}-[a-z]{3}$`));
      expect(labels.configuration_name).toBe(labels.service_name);
      const line = JSON.stringify(e);
      expect(Object.keys(e)).toEqual([...Object.keys(e)].sort());
      if (isReq(x)) {
        const hr = e.httpRequest as Json;
        expect(typeof hr.status).toBe("number");
        expect(String(hr.requestUrl)).toMatch(/^https:\/\//);
        expect(String(hr.latency)).toMatch(/^\d+\.\d{6}s$/);
        expect(e.severity).toBe((hr.status as number) >= 500 ? "ERROR" : "WARNING");
        expect(e.jsonPayload).toBeUndefined();
        if (e.textPayload !== undefined) expect(String(e.textPayload)).toMatch(/^The request (was aborted|has been terminated)/);
        expect(String(e.trace)).toMatch(/^projects\/fernhill-lending-prod\/traces\/[0-9a-f]{32}$/);
        expect(String(e.spanId)).toMatch(/^[0-9a-f]{16}$/);
      } else {
        expect(e.textPayload).toBeUndefined();
        expect(e.httpRequest).toBeUndefined();
        const p = payload(x);
        expect(typeof p.message).toBe("string");
        expect(p.severity).toBeUndefined();
        expect(line).not.toContain("logging.googleapis.com/");
      }
      const inst = (e.labels as Json | undefined)?.instanceId;
      if (inst === undefined) expect(String(e.textPayload)).toContain("no available instance");
      else expect(String(inst)).toMatch(/^00[0-9a-f]{94}$/);
    }
    // Revisions change at deploys.
    for (const name of SERVICE_NAMES) {
      const revs = new Set(rows.filter((x) => svc(x) === name).map((x) => ((x.e.resource as Json).labels as Json).revision_name));
      expect(revs.size).toBeGreaterThanOrEqual(2);
    }
  });

  it("gives each service its stack's shape", () => {
    const app = (name: string): Row[] => rows.filter((x) => svc(x) === name && !isReq(x));
    const java = app("origination-api");
    for (const x of java) {
      const p = payload(x);
      expect(typeof p.loggerName).toBe("string");
      expect(typeof p.threadName).toBe("string");
      expect(typeof p.mdc).toBe("object");
    }
    const jex = java.filter((x) => payload(x).exception);
    expect(jex.length).toBeGreaterThan(100);
    for (const x of jex) {
      const ex = payload(x).exception as Json;
      expect(typeof ex.exceptionType).toBe("string");
      expect(Array.isArray(ex.frames)).toBe(true);
      expect(String(payload(x).stackTrace)).toContain(`${String(ex.exceptionType)}: `);
    }
    expect(jex.some((x) => String(payload(x).stackTrace).includes("\nCaused by: "))).toBe(true);

    const py = app("underwriting");
    for (const x of py) {
      expect(typeof payload(x).name).toBe("string");
      expect(String(payload(x).asctime)).toMatch(/^2026-11-22 \d{2}:\d{2}:\d{2},\d{3}$/);
    }
    const tb = py.map((x) => String(payload(x).exc_info ?? "")).filter((s) => s);
    expect(tb.every((s) => s.startsWith("Traceback (most recent call last):\n"))).toBe(true);
    expect(tb.some((s) => s.includes("During handling of the above exception, another exception occurred:"))).toBe(true);
    expect(tb.some((s) => s.includes("The above exception was the direct cause of the following exception:"))).toBe(true);
    expect(py.some((x) => payload(x).name === "gunicorn.error" && /^WORKER TIMEOUT \(pid:\d+\)$/.test(msg(x)))).toBe(true);

    const go = app("ledger");
    for (const x of go) expect(String(payload(x).caller)).toMatch(/^\/src\/internal\/[a-z/]+\.go:\d+$/);
    expect(go.some((x) => Array.isArray(payload(x).stack) && (payload(x).stack as Json[]).every((f) => f.source && f.line && f.func))).toBe(
      true,
    );
    expect(go.some((x) => /^goroutine \d+ \[running\]:\n/.test(String(payload(x).stack)))).toBe(true);

    const node = app("borrower-web-api");
    for (const x of node) {
      const p = payload(x);
      expect(p.name).toBe("borrower-web-api");
      expect(p.hostname).toBe("localhost");
      expect(typeof p.pid).toBe("number");
      expect([40, 50, 60]).toContain(p.level);
      expect(p.v).toBe(0);
      expect(p.msg).toBeUndefined();
      expect(x.e.severity).toBe(p.level === 40 ? "WARNING" : p.level === 50 ? "ERROR" : "CRITICAL");
      const err = p.err as Json | undefined;
      if (err) expect(String(err.stack).startsWith(`${String(err.name)}: ${String(err.message)}\n    at `)).toBe(true);
    }
    expect(node.some((x) => payload(x).err)).toBe(true);
  });

  it("keeps the near misses apart", () => {
    const msgs = (pid: string): Set<string> =>
      new Set(
        of(pid)
          .filter((x) => !isReq(x))
          .map(msg),
      );
    const shape = (s: string): string => s.replace(/APP-\d+/g, "<id>");
    const disjoint = (a: string, b: string): void => {
      const sa = new Set([...msgs(a)].map(shape));
      for (const m of msgs(b)) expect(sa.has(shape(m))).toBe(false);
    };
    // One call site, a word apart.
    disjoint("P04", "P05");
    disjoint("P28", "P29");
    expect([...msgs("P28")].every((m) => m.endsWith("refresh token expired"))).toBe(true);
    expect([...msgs("P29")].every((m) => m.endsWith("refresh token revoked"))).toBe(true);
    // Short events that differ only in their verb.
    expect([...msgs("P22")]).toEqual(["ledger snapshot skipped"]);
    expect([...msgs("P23")]).toEqual(["ledger snapshot failed"]);
    // Two exception types from one function.
    const types = (pid: string): Set<string> => new Set(of(pid).map((x) => String((payload(x).exception as Json).exceptionType)));
    expect([...types("P02")]).toEqual(["jakarta.persistence.OptimisticLockException"]);
    expect([...types("P03")]).toEqual(["org.hibernate.exception.ConstraintViolationException"]);
    const lastLine = (x: Row): string => String(payload(x).exc_info).trim().split("\n").pop()!.split(":")[0]!;
    expect(new Set(of("P13").map(lastLine))).toEqual(new Set(["requests.exceptions.ReadTimeout"]));
    expect(new Set(of("P14").map(lastLine))).toEqual(new Set(["requests.exceptions.SSLError"]));
    // The same template on two services.
    const tmpl = (pid: string): Set<string> =>
      new Set(
        of(pid)
          .filter((x) => !isReq(x))
          .map((x) => msg(x).replace(/partner \S+ \(limit \d+\/min\)/, "partner <slug> (limit <n>/min)")),
      );
    expect([...tmpl("P07")]).toEqual(["Rate limit exceeded for partner <slug> (limit <n>/min)"]);
    expect([...tmpl("P27")]).toEqual(["Rate limit exceeded for partner <slug> (limit <n>/min)"]);
    expect(new Set(of("P07").map(svc))).not.toEqual(new Set(of("P27").map(svc)));
  });

  it("has word-valued pools that grow during the day", () => {
    const grows = (values: Array<[number, string]>, early: number, late: number): void => {
      const before = new Set(values.filter(([h]) => h < early).map(([, v]) => v));
      const after = new Set(values.filter(([h]) => h >= late).map(([, v]) => v));
      expect(before.size).toBeGreaterThan(1);
      expect([...after].some((v) => !before.has(v))).toBe(true);
      for (const v of [...before, ...after]) expect(v).toMatch(/^[A-Za-z_-]+$/);
    };
    const partners: Array<[number, string]> = rows.flatMap((x) => {
      const m = /\/partners\/([a-z-]+)\//.exec(url(x)) ?? /\/p\/([a-z-]+)\//.exec(url(x));
      return m ? [[x.hour, m[1]!] as [number, string]] : [];
    });
    grows(partners, 9, 14);
    const fromMsg = (pids: string[], re: RegExp): Array<[number, string]> =>
      pids.flatMap((pid) =>
        of(pid).flatMap((x) => {
          const m = re.exec(msg(x));
          return m ? [[x.hour, m[1]!] as [number, string]] : [];
        }),
      );
    grows(fromMsg(["P13", "P14"], /institution (\S+)$/), 10, 16);
    grows(fromMsg(["P18"], /currency (\S+) /), 12, 18);
    grows(fromMsg(["P32"], /flag "([^"]+)"/), 10, 15);
    grows(fromMsg(["P12"], /prefix (\S+),/), 8, 15);
    grows(
      of("P25").map((x) => [x.hour, String(payload(x).topic)]),
      11,
      17,
    );
  });

  it("has the rate patterns: deploy starts and stops, skipped hours, tiny problems", () => {
    const c = (pid: string): readonly number[] => day.counts[pid]!;
    expect(
      c("P08")
        .slice(0, 14)
        .every((n) => n === 0),
    ).toBe(true);
    expect(
      c("P08")
        .slice(15)
        .every((n) => n > 0),
    ).toBe(true);
    expect(
      c("P21")
        .slice(0, 13)
        .every((n) => n === 0) &&
        c("P21")
          .slice(19)
          .every((n) => n === 0),
    ).toBe(true);
    expect(
      c("P30")
        .slice(12)
        .every((n) => n === 0),
    ).toBe(true);
    expect(c("P06").filter((n) => n === 0).length).toBeGreaterThan(10);
    for (const pid of ["P09", "P17", "P33"]) expect(c(pid).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3);
    const secrets = rows.filter((x) => /Bearer eyJ|api_key=sk_live_|access_token=access-production-/.test(JSON.stringify(x.e)));
    expect(secrets.length).toBeGreaterThan(2);
  });

  it("writes 24 hour files and a truth.json that round-trip", () => {
    const dir = mkdtempSync(join(tmpdir(), "ninth-day-"));
    try {
      writeDay(day, dir);
      const files = readdirSync(dir).sort();
      expect(files).toEqual([...Array.from({ length: 24 }, (_, h) => `hour-${String(h).padStart(2, "0")}.jsonl`), "truth.json"]);
      day.hours.forEach((text, h) => expect(readFileSync(join(dir, `hour-${String(h).padStart(2, "0")}.jsonl`), "utf8")).toBe(text));
      const raw = readFileSync(join(dir, "truth.json"), "utf8");
      expect(raw.endsWith("}\n")).toBe(true);
      const truth = JSON.parse(raw) as { day: string; problems: Array<{ id: string; service: string; about: string; counts: number[] }> };
      expect(raw).toBe(`${JSON.stringify(truth, null, 2)}\n`);
      expect(truth.day).toBe(DAY);
      expect(truth.problems.map((p) => p.id)).toEqual(day.problems.map((p) => p.id));
      for (const p of truth.problems) expect(p.counts).toEqual(day.counts[p.id]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
