import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildDay, DAY, DAY_START, problemOfInsertId, SERVICE_NAMES, writeDay, type Day } from "../../bench/heldout-day/seventh-day";

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
};

const day: Day = buildDay();
const entries: Entry[][] = day.hours.map((text) =>
  text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Entry),
);
const flat = entries.flat();
const of = (id: string): Entry[] => flat.filter((e) => problemOfInsertId(e.insertId) === id);
const svc = (e: Entry): string => e.resource.labels.service_name!;
const HOUR_MS = 3_600_000;

describe("seventh held-out day (2026-11-24, Tidewell telehealth)", () => {
  it("is deterministic by seed and differs across seeds", () => {
    expect(buildDay().hours).toEqual(day.hours);
    expect(buildDay(20261124).hours.join("")).toBe(day.hours.join(""));
    expect(buildDay(7).hours.join("")).not.toBe(day.hours.join(""));
  });

  it("has 24 hours, 28–34 problems and 8,000–25,000 entries", () => {
    expect(DAY).toBe("2026-11-24");
    expect(day.hours).toHaveLength(24);
    expect(day.problems.length).toBeGreaterThanOrEqual(28);
    expect(day.problems.length).toBeLessThanOrEqual(34);
    expect(flat.length).toBeGreaterThanOrEqual(8000);
    expect(flat.length).toBeLessThanOrEqual(25000);
    day.problems.forEach((p, i) => expect(p.id).toBe(`P${String(i + 1).padStart(2, "0")}`));
    for (const p of day.problems) {
      expect(SERVICE_NAMES).toContain(p.service);
      expect(p.about.length).toBeGreaterThan(20);
    }
    expect(new Set(day.problems.map((p) => p.service))).toEqual(new Set(SERVICE_NAMES));
  });

  it("maps every marker to a problem and matches counts exactly", () => {
    const counted: Record<string, number[]> = {};
    for (const p of day.problems) counted[p.id] = Array.from({ length: 24 }, () => 0);
    entries.forEach((es, h) =>
      es.forEach((e) => {
        const id = problemOfInsertId(e.insertId);
        expect(id).toBeDefined();
        counted[id!]![h]! += 1;
      }),
    );
    expect(counted).toEqual(day.counts);
    for (const p of day.problems) expect(day.counts[p.id]!.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    for (const e of flat) {
      const p = day.problems.find((x) => x.id === problemOfInsertId(e.insertId))!;
      expect(svc(e)).toBe(p.service);
    }
  });

  it("parses insertIds strictly", () => {
    expect(problemOfInsertId("hy07-1a2b3c4d5e")).toBe("P07");
    expect(problemOfInsertId("hx07-1a2b3c4d5e")).toBeUndefined();
    expect(problemOfInsertId("hy99-1a2b3c4d5e")).toBeUndefined();
    expect(problemOfInsertId(7)).toBeUndefined();
    expect(problemOfInsertId(undefined)).toBeUndefined();
    const ids = flat.map((e) => e.insertId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^hy\d{2}-[0-9a-z]+[0-9a-f]{8}$/);
  });

  it("keeps timestamps in their hour, sorted, with 9 fractional digits", () => {
    entries.forEach((es, h) => {
      let last = "";
      for (const e of es) {
        expect(e.timestamp).toMatch(/^2026-11-24T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
        const ms = Date.parse(e.timestamp);
        expect(ms).toBeGreaterThanOrEqual(DAY_START + h * HOUR_MS);
        expect(ms).toBeLessThan(DAY_START + (h + 1) * HOUR_MS);
        expect(e.timestamp >= last).toBe(true);
        last = e.timestamp;
        expect(String(e.receiveTimestamp) >= e.timestamp).toBe(true);
      }
      expect(day.hours[h]!.endsWith("\n")).toBe(true);
    });
  });

  it("frames every entry as a Cloud Run LogEntry", () => {
    const logNames = ["stdout", "stderr", "requests"].map((n) => `projects/tidewell-prod/logs/run.googleapis.com%2F${n}`);
    for (const e of flat) {
      expect(["WARNING", "ERROR", "CRITICAL"]).toContain(e.severity);
      expect(logNames).toContain(e.logName);
      expect(e.resource.type).toBe("cloud_run_revision");
      const l = e.resource.labels;
      expect(Object.keys(l).sort()).toEqual(["configuration_name", "location", "project_id", "revision_name", "service_name"]);
      expect(l.revision_name).toMatch(new RegExp(`^${l.service_name}-\\d{5}-xyz$`));
      expect(e.labels.instanceId).toMatch(/^00[0-9a-f]{94}$/);
      const line = JSON.stringify(e);
      expect(line).toBe(JSON.stringify(sortDeep(e)));
      if (e.logName.endsWith("requests")) {
        expect(e.jsonPayload).toBeUndefined();
        const r = e.httpRequest!;
        expect(typeof r.status).toBe("number");
        expect(String(r.requestUrl)).toMatch(/^https:\/\//);
        expect(String(r.latency)).toMatch(/^\d+\.\d+s$/);
        expect(e.severity).toBe((r.status as number) >= 500 ? "ERROR" : "WARNING");
        expect(typeof e.trace).toBe("string");
        expect(typeof e.spanId).toBe("string");
        // Cloud Run's own texts are the only payload a request log carries.
        if (e.textPayload !== undefined) expect(e.textPayload).toMatch(/^The request (was aborted|has been terminated|failed)/);
      } else {
        expect(e.textPayload).toBeUndefined();
        expect(typeof e.jsonPayload!.message).toBe("string");
        expect(e.jsonPayload!.severity).toBeUndefined();
        for (const k of Object.keys(e.jsonPayload!)) expect(k.startsWith("logging.googleapis.com/")).toBe(false);
      }
    }
    const revs = new Set(flat.map((e) => e.resource.labels.revision_name));
    for (const s of SERVICE_NAMES) expect([...revs].filter((r) => r!.startsWith(s)).length).toBeGreaterThanOrEqual(2);
  });

  it("uses each service's stack shape", () => {
    const app = flat.filter((e) => e.jsonPayload);
    for (const e of app) {
      const j = e.jsonPayload!;
      switch (svc(e)) {
        case "intake-api":
          expect(typeof j.logger).toBe("string");
          expect(String(j.timestamp)).toMatch(/^2026-11-24T[\d:]+\.\d{6}Z$/);
          if (j.exception !== undefined) expect(String(j.exception)).toMatch(/^Traceback \(most recent call last\):\n {2}File "/);
          break;
        case "claims-ledger":
          expect(typeof j.EventId).toBe("number");
          expect(["Warning", "Error", "Critical"]).toContain(j.LogLevel);
          expect(typeof j.Category).toBe("string");
          expect(j.Message).toBe(j.message);
          expect((j.State as Record<string, unknown>)["{OriginalFormat}"]).toBeDefined();
          if (j.Exception !== undefined) expect(String(j.Exception)).toMatch(/\n {3}at /);
          break;
        case "visit-relay":
          expect(String(j.caller)).toMatch(/^[a-z]+\/[a-z_]+\.go:\d+$/);
          expect(String(j.logger)).toMatch(/^relay\./);
          if (e.severity === "ERROR") expect(String(j.stacktrace)).toMatch(/\n\t\/.+\.go:\d+/);
          break;
        case "care-threads":
          expect((e.operation as Record<string, unknown>).producer).toMatch(/^#PID<0\.\d+\.0>$/);
          if (j["@type"] !== undefined) {
            expect(String(j.stack_trace)).toMatch(/^\*\* \(/);
            expect(String(j.stack_trace)).toMatch(/:\d+:in `/);
          } else {
            expect((e.sourceLocation as Record<string, unknown>).function).toMatch(/^Elixir\./);
          }
          break;
      }
    }
    const py = of("P02")
      .map((e) => e.jsonPayload?.exception)
      .filter(Boolean);
    expect(String(py[0])).toContain("The above exception was the direct cause of the following exception:");
    expect(String(of("P06").find((e) => e.jsonPayload)!.jsonPayload!.exception)).toContain(
      "During handling of the above exception, another exception occurred:",
    );
    expect(String(of("P12").find((e) => e.jsonPayload)!.jsonPayload!.Exception)).toContain(" ---> System.TimeoutException");
    expect(String(of("P20").find((e) => e.jsonPayload)!.jsonPayload!.stack)).toMatch(/^goroutine \d+ \[running\]:/);
    expect(of("P01").some((e) => e.jsonPayload?.logger === "uvicorn.error")).toBe(true);
    // Stack frames vary a little (line numbers move with revisions).
    const frames = new Set(of("P18").map((e) => e.jsonPayload!.caller));
    expect(frames.size).toBeGreaterThan(1);
  });

  it("keeps near misses apart", () => {
    const msg = (id: string): Set<string> => new Set(of(id).flatMap((e) => (e.jsonPayload ? [String(e.jsonPayload.message)] : [])));
    // one call site, texts differ by two words
    expect([...msg("P03")]).toEqual(["eligibility response missing subscriber id"]);
    expect([...msg("P04")]).toEqual(["eligibility response missing group number"]);
    // two exception types from one EF Core save path, same template
    const ex = (id: string): string => String(of(id)[0]!.jsonPayload?.Exception ?? of(id)[1]!.jsonPayload!.Exception);
    expect(ex("P10")).toMatch(/^Microsoft\.EntityFrameworkCore\.DbUpdateException: /);
    expect(ex("P11")).toMatch(/^Microsoft\.EntityFrameworkCore\.DbUpdateConcurrencyException: /);
    const tmpl = (id: string): unknown =>
      (of(id).find((e) => e.jsonPayload)!.jsonPayload!.State as Record<string, unknown>)["{OriginalFormat}"];
    expect(tmpl("P10")).toBe(tmpl("P11"));
    // two short events differing only in the verb
    expect([...msg("P18")]).toEqual(["publish track failed"]);
    expect([...msg("P19")]).toEqual(["subscribe track failed"]);
    // the same template on two services
    expect([...msg("P08")]).toEqual(["notification dispatch failed"]);
    expect([...msg("P28")]).toEqual(["notification dispatch failed"]);
    expect(new Set(of("P08").map(svc))).toEqual(new Set(["intake-api"]));
    expect(new Set(of("P28").map(svc))).toEqual(new Set(["care-threads"]));
  });

  it("has word-valued pools that grow during the day", () => {
    const grows = (values: (e: Entry) => string[]): void => {
      const early = new Set<string>();
      const late = new Set<string>();
      entries.forEach((es, h) => es.forEach((e) => values(e).forEach((v) => (h < 12 ? early : late).add(v))));
      expect(early.size).toBeGreaterThan(0);
      const fresh = [...late].filter((v) => !early.has(v));
      expect(fresh.length).toBeGreaterThan(0);
      for (const v of fresh) expect(v).not.toMatch(/\d/);
    };
    const field = (k: string) => (e: Entry) => (typeof e.jsonPayload?.[k] === "string" ? [String(e.jsonPayload[k])] : []);
    grows(field("tenant"));
    grows(field("payer"));
    grows(field("flag"));
    grows((e) =>
      svc(e) === "claims-ledger" && e.jsonPayload
        ? [String((e.jsonPayload.State as Record<string, unknown>).Payer ?? "")].filter(Boolean)
        : [],
    );
    grows((e) => {
      const m = /\/clinics\/([a-z-]+)\//.exec(String(e.httpRequest?.requestUrl ?? ""));
      return m ? [m[1]!] : [];
    });
    grows((e) => {
      const m = /Origin of the request: https:\/\/portal\.([a-z-]+)\.care/.exec(String(e.jsonPayload?.message ?? ""));
      return m ? [m[1]!] : [];
    });
  });

  it("has the rate patterns: deploy starts and stops, skipped hours, quiet nights, tiny problems", () => {
    const c = (id: string): readonly number[] => day.counts[id]!;
    expect(
      c("P04")
        .slice(0, 9)
        .every((n) => n === 0),
    ).toBe(true);
    expect(
      c("P14")
        .slice(0, 13)
        .every((n) => n === 0),
    ).toBe(true);
    expect(
      c("P16")
        .slice(14)
        .every((n) => n === 0),
    ).toBe(true);
    expect(
      c("P06")
        .slice(18)
        .every((n) => n === 0),
    ).toBe(true);
    expect(c("P11").filter((n) => n === 0).length).toBeGreaterThanOrEqual(12);
    expect(c("P22").filter((n, h) => h % 2 === 1 && n > 0).length).toBe(0);
    expect(c("P02")[5]!).toBeLessThan(c("P02")[14]!);
    for (const id of ["P09", "P23", "P32"]) {
      const total = c(id).reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThanOrEqual(1);
      expect(total).toBeLessThanOrEqual(3);
    }
    expect(flat.some((e) => e.severity === "CRITICAL")).toBe(true);
    const text = day.hours.join("");
    expect(text).toMatch(/api_key=phl_live_/);
    expect(text).toMatch(/Bearer eyJ/);
  });

  it("writes 24 hour files and a truth.json that round-trips", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seventh-day-"));
    try {
      writeDay(day, dir);
      const files = fs.readdirSync(dir).sort();
      expect(files).toEqual([...Array.from({ length: 24 }, (_, h) => `hour-${String(h).padStart(2, "0")}.jsonl`), "truth.json"].sort());
      for (let h = 0; h < 24; h++)
        expect(fs.readFileSync(path.join(dir, `hour-${String(h).padStart(2, "0")}.jsonl`), "utf8")).toBe(day.hours[h]);
      const raw = fs.readFileSync(path.join(dir, "truth.json"), "utf8");
      expect(raw.endsWith("\n")).toBe(true);
      const truth = JSON.parse(raw) as { day: string; problems: { id: string; service: string; about: string; counts: number[] }[] };
      expect(raw).toBe(JSON.stringify(truth, null, 2) + "\n");
      expect(truth.day).toBe(DAY);
      expect(truth.problems.map((p) => p.id)).toEqual(day.problems.map((p) => p.id));
      for (const p of truth.problems) expect(p.counts).toEqual(day.counts[p.id]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.keys(v as Record<string, unknown>)
        .sort()
        .map((k) => [k, sortDeep((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}
