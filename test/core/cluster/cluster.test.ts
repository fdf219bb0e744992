import { problemName } from "../../../src/core/cluster/naming";
import { ServiceClusterer, variableNames, type MessageTemplater } from "../../../src/core/cluster/cluster";
import { TemplateMiner } from "../../../src/core/cluster/miner/template-miner";
import { hash52 } from "../../../src/core/hash";
import type { NormalizedEntry } from "../../../src/core/types";

const WINDOW = { start: Date.parse("2025-09-15T01:00:00Z"), end: Date.parse("2025-09-15T02:00:00Z") };

/** A templater that masks digits only: enough to drive the clusterer deterministically. */
function digitTemplater(): MessageTemplater {
  const ids = new Map<string, string>();
  return {
    add(message) {
      const template = message.replace(/\d+/g, "<*>");
      if (!ids.has(template)) ids.set(template, `t${ids.size}`);
      return { clusterId: ids.get(template)!, template, params: message.match(/\d+/g) ?? [] };
    },
    templateOf(id) {
      return [...ids.entries()].find(([, v]) => v === id)?.[0];
    },
  };
}

function entry(over: Partial<NormalizedEntry> & { message: string }, minute = 1): NormalizedEntry {
  const ts = WINDOW.start + minute * 60_000;
  return {
    key: `${over.message}-${minute}`,
    keyHash: hash52(`${over.message}-${minute}`),
    timestamp: ts,
    timestampText: new Date(ts).toISOString(),
    severity: "WARNING",
    service: "svc",
    kind: "application",
    sample: { message: over.message },
    ...over,
  };
}

function clustererFor(service = "svc") {
  return new ServiceClusterer(service, digitTemplater(), {
    window: WINDOW,
    bucketMinutes: 5,
    maxSamples: 3,
    maxTraceIds: 5,
    maxTopValues: 5,
    maxDistinctValues: 200,
    maxClusters: 3,
  });
}

describe("ServiceClusterer", () => {
  test("messages that differ only in variables share a cluster; the fingerprint ignores the values", () => {
    const a = clustererFor();
    a.add(entry({ message: "user 1 failed login" }));
    a.add(entry({ message: "user 2 failed login" }));
    const b = clustererFor();
    b.add(entry({ message: "user 99 failed login" }));
    const [ca] = a.clusters();
    const [cb] = b.clusters();
    expect(a.clusters()).toHaveLength(1);
    expect(ca!.count).toBe(2);
    expect(ca!.fingerprint).toBe(cb!.fingerprint);
    expect(ca!.fingerprint).toMatch(/^lg1-[0-9a-f]{16}$/);
  });

  test("the same template from another source or service is another cluster", () => {
    const c = clustererFor();
    c.add(entry({ message: "timeout 5", source: "db.pool" }));
    c.add(entry({ message: "timeout 5", source: "http.client" }));
    expect(c.clusters()).toHaveLength(2);
    const other = clustererFor("other");
    other.add(entry({ message: "timeout 5", source: "db.pool", service: "other" }));
    expect(other.clusters()[0]!.fingerprint).not.toBe(c.clusters().find((x) => x.source === "db.pool")!.fingerprint);
  });

  test("request logs group by method, route and status", () => {
    const c = clustererFor();
    const req = (url: string, status: number) =>
      entry({ message: `GET ${status}`, kind: "request", http: { method: "GET", url, route: "/orders/{id}", status } });
    c.add(req("/orders/1", 500));
    c.add(req("/orders/2", 500));
    c.add(req("/orders/3", 404));
    const clusters = c.clusters();
    expect(clusters.map((x) => [x.template, x.count])).toEqual([
      ["GET /orders/{id} → 500", 2],
      ["GET /orders/{id} → 404", 1],
    ]);
    expect(clusters[0]!.variables[0]!.top.map((t) => t.value)).toEqual(["/orders/1", "/orders/2"]);
  });

  test("a HEAD request joins the GET requests of its route and status; other methods stay apart", () => {
    const c = clustererFor();
    const req = (method: string, status: number) =>
      entry({ message: `${method} /sku/1 ${status}`, kind: "request", http: { method, url: "/sku/1", route: "/sku/{id}", status } });
    c.add(req("GET", 404));
    c.add(req("HEAD", 404));
    c.add(req("HEAD", 404));
    c.add(req("POST", 404));
    c.add(req("HEAD", 500));
    // The title is the first entry's method; the fingerprint is the same for HEAD and GET.
    expect(
      c
        .clusters()
        .map((x) => [x.template, x.count])
        .sort(),
    ).toEqual([
      ["GET /sku/{id} → 404", 3],
      ["HEAD /sku/{id} → 500", 1],
      ["POST /sku/{id} → 404", 1],
    ]);
  });

  test("stack traces group by exception type and top frames, not by message", () => {
    const c = clustererFor();
    const st = (msg: string, frames: string[]) => entry({ message: msg, kind: "stacktrace", exception: { type: "ValueError", frames } });
    c.add(st("ValueError: bad id 1", ["a.py:f", "b.py:g"]));
    c.add(st("ValueError: bad id 2", ["a.py:f", "b.py:g"]));
    c.add(st("ValueError: bad id 3", ["c.py:h"]));
    expect(c.clusters().map((x) => x.count)).toEqual([2, 1]);
  });

  test("Go frames without a panic (zap's stacktrace) group by frames and message template; other types by frames alone", () => {
    const c = clustererFor();
    const frames = ["settle.(*Batch).Commit (batch.go)", "settle.Run (run.go)"];
    const st = (msg: string, type: string) => entry({ message: msg, kind: "stacktrace", exception: { type, frames } });
    c.add(st("batch 20512 was committed while its payout file was uploading", "error"));
    c.add(st("batch 23096 was committed while its payout file was uploading", "error"));
    c.add(st("batch 24314 was reverted while its payout file was uploading", "error"));
    c.add(st("Error: connect ECONNREFUSED 10", "Error"));
    c.add(st("Error: read ECONNRESET", "Error"));
    const clusters = c.clusters();
    expect(clusters.map((x) => [x.template, x.count]).sort()).toEqual([
      ["Error: connect ECONNREFUSED 10", 2],
      ["batch <*> was committed while its payout file was uploading", 2],
      ["batch <*> was reverted while its payout file was uploading", 1],
    ]);
    expect(new Set(clusters.map((x) => x.fingerprint)).size).toBe(3);
  });

  test("counts, severity, first/last seen, timeline buckets, samples and revisions", () => {
    const c = clustererFor();
    c.add(entry({ message: "disk 1 full", severity: "WARNING", revision: "r1", instanceId: "i1", trace: "t1" }, 2));
    c.add(entry({ message: "disk 2 full", severity: "ERROR", revision: "r2", instanceId: "i2" }, 7));
    c.add(entry({ message: "disk 3 full", severity: "WARNING", revision: "r2", instanceId: "i2" }, 59));
    c.add(entry({ message: "disk 4 full", severity: "WARNING", revision: "r2", instanceId: "i1" }, 59.5));
    const [k] = c.clusters();
    expect(k!.count).toBe(4);
    expect(k!.severity).toBe("ERROR");
    expect(k!.severities).toEqual({ WARNING: 3, ERROR: 1 });
    expect(k!.firstSeen).toBe(WINDOW.start + 2 * 60_000);
    expect(k!.lastSeen).toBe(WINDOW.start + 59.5 * 60_000);
    expect(k!.timeline).toHaveLength(12);
    expect(k!.timeline[0]).toBe(1);
    expect(k!.timeline[1]).toBe(1);
    expect(k!.timeline[11]).toBe(2);
    expect(k!.samples).toHaveLength(3);
    // The first sample is kept; the others are the most recent.
    expect(k!.samples.map((s) => (s as { message: string }).message)).toEqual(["disk 1 full", "disk 3 full", "disk 4 full"]);
    expect(k!.revisions).toEqual([
      { value: "r2", count: 3 },
      { value: "r1", count: 1 },
    ]);
    expect(k!.instances).toBe(2);
    expect(k!.traceIds).toEqual(["t1"]);
    expect(k!.ratePerMinute).toBeCloseTo(4 / 60, 2);
  });

  test("past maxClusters, new problems go to one overflow cluster that is counted", () => {
    const c = clustererFor();
    for (const m of ["a", "b", "c", "d", "e"]) c.add(entry({ message: `only ${m}` }));
    expect(c.clusters()).toHaveLength(4);
    expect(c.overflowCount).toBe(2);
    const overflow = c.clusters().find((x) => x.overflow)!;
    expect(overflow).toMatchObject({ count: 2, template: "entries past the cap of 3 clusters per service", variables: [] });
    expect(problemName(overflow)).toBe("Entries past the cap of 3 clusters per service");
  });

  test("the overflow cluster is each service's own, and does not take its first entry's route or exception", () => {
    const fill = (service: string) => {
      const c = clustererFor(service);
      for (const m of ["a", "b", "c"]) c.add(entry({ service, message: `only ${m}` }));
      c.add(entry({ service, kind: "request", message: "GET /x", http: { method: "GET", route: "/x", status: 500, url: "/x" } }));
      c.add(entry({ service, message: "boom 7", exception: { type: "KeyError", frames: [] } }));
      return c.clusters().find((x) => x.overflow)!;
    };
    const [a, b] = [fill("svc"), fill("other-svc")];
    expect(a.fingerprint).not.toBe(b.fingerprint);
    expect(a.count).toBe(2);
    expect(a.http).toBeUndefined();
    expect(a.exceptionType).toBeUndefined();
  });
});

test("groups whose miner clusters merged during the run become one, under the survivor's fingerprint", () => {
  // A miner that learns "a" and "b" as two clusters, then merges t1 into t0 when it settles.
  const merged = new Map<string, string>();
  const templater: MessageTemplater = {
    add: (m) => ({ clusterId: m.startsWith("a") ? "t0" : "t1", template: m, params: [] }),
    templateOf: (id) => (id === "t0" || merged.has(id) ? "x <*>" : "b"),
    resolve: (id) => merged.get(id) ?? id,
    settle: () => void merged.set("t1", "t0"),
  };
  const reference = new ServiceClusterer(
    "svc",
    { ...templater, settle: undefined, resolve: undefined },
    { window: WINDOW, bucketMinutes: 5, maxSamples: 3, maxTraceIds: 5, maxTopValues: 5, maxDistinctValues: 200, maxClusters: 10 },
  );
  reference.add(entry({ message: "a 1" }, 1));
  const c = new ServiceClusterer("svc", templater, {
    window: WINDOW,
    bucketMinutes: 5,
    maxSamples: 3,
    maxTraceIds: 5,
    maxTopValues: 5,
    maxDistinctValues: 200,
    maxClusters: 10,
  });
  c.add(entry({ message: "b 1", severity: "ERROR" }, 1));
  c.add(entry({ message: "a 1" }, 2));
  c.add(entry({ message: "a 2" }, 30));
  const clusters = c.clusters();
  expect(clusters).toHaveLength(1);
  expect(clusters[0]!.count).toBe(3);
  expect(clusters[0]!.severity).toBe("ERROR");
  expect(clusters[0]!.template).toBe("x <*>");
  expect(clusters[0]!.fingerprint).toBe(reference.clusters()[0]!.fingerprint);
  expect(clusters[0]!.timeline.reduce((a, b) => a + b, 0)).toBe(3);
});

describe("variableNames", () => {
  test.each([
    ["user <*> failed", 1, ["user"]],
    ["retry in <*> (attempt <*>)", 2, ["in", "attempt"]],
    ["status=<*> took <*>", 2, ["status", "took"]],
    ["<*> <*>", 2, ["var1", "var2"]],
  ])("%s", (template, n, names) => {
    expect(variableNames(template, n)).toEqual(names);
  });
});

describe("ServiceClusterer with the template miner: merged clusters", () => {
  const options = {
    window: WINDOW,
    bucketMinutes: 5,
    maxSamples: 3,
    maxTraceIds: 5,
    maxTopValues: 5,
    maxDistinctValues: 200,
    maxClusters: 100,
  };
  const line = (user: string): string => `Login failed for user ${user} from 10.0.0.7: invalid credentials`;

  test("a cluster lists the fingerprints its merged-in ids had in earlier runs, oldest first, and add() returns the one an entry joined", () => {
    // Hour 1: two values only, so two clusters (and two fingerprints, as issues would have them).
    const hour1 = new TemplateMiner();
    const c1 = new ServiceClusterer("svc", hour1, options);
    const fpRoot = c1.add(entry({ message: line("root"), source: "auth.py:login" }));
    const fpFtp = c1.add(entry({ message: line("ftp"), source: "auth.py:login" }, 2));
    const first = c1.clusters();
    expect(first.map((c) => c.fingerprint).sort()).toEqual([fpRoot, fpFtp].sort());
    expect(first.every((c) => c.mergedFrom === undefined)).toBe(true);
    // Hour 2: a third value shows it is one problem.
    const { miner: hour2 } = TemplateMiner.fromState(JSON.parse(JSON.stringify(hour1.toState())));
    const c2 = new ServiceClusterer("svc", hour2, options);
    const joined = ["webmaster", "ftp", "root"].map((u, i) => c2.add(entry({ message: line(u), source: "auth.py:login" }, i + 1)));
    const [only, ...rest] = c2.clusters();
    expect(rest).toHaveLength(0);
    expect(only!.count).toBe(3);
    expect(only!.fingerprint).toBe(fpRoot);
    // ftp's from hour 1 first, then the id webmaster's line opened this hour before the merge
    expect(only!.mergedFrom![0]).toBe(fpFtp);
    expect(only!.mergedFrom).toHaveLength(2);
    for (const fp of joined) expect([only!.fingerprint, ...only!.mergedFrom!]).toContain(fp);
    expect(only!.mergedFrom).not.toContain(fpRoot);
  });

  test("a cluster nothing was merged into has no mergedFrom", () => {
    const c = new ServiceClusterer("svc", new TemplateMiner(), options);
    c.add(entry({ message: "disk full on /var" }));
    expect(c.clusters()[0]!.mergedFrom).toBeUndefined();
  });
});
