/**
 * Entries in the JSON shapes of common loggers (test/fixtures/entries/loggers/, one file per
 * shape, values as each library's docs write them), through normalizeEntry and the clusterer
 * with the real template miner: each problem is one cluster with its exact count and a name a
 * person would use, whatever shape wrote it; near misses stay apart.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_CLUSTER_OPTIONS, ServiceClusterer } from "../../../src/core/cluster/cluster";
import { TemplateMiner } from "../../../src/core/cluster/miner/template-miner";
import { isPlaceholderName, problemName } from "../../../src/core/cluster/naming";
import { prioritizeAll } from "../../../src/core/cluster/priority";
import { normalizeEntry } from "../../../src/core/ingest/normalize";
import { buildRedactor } from "../../../src/core/redact/redact";
import { renderWorklog } from "../../../src/core/report/worklog";
import { renderIssueBody, renderIssueTitle } from "../../../src/core/triage/issue-body";
import { epochHour, ISSUE_MARKER_VERSION } from "../../../src/core/triage/issue-marker";
import type { Cluster, NormalizedEntry, PrioritizedCluster } from "../../../src/core/types";
import { seedModel } from "../fixtures/seed-worklog-model";

const DIR = join(__dirname, "../../fixtures/entries/loggers");
const WINDOW = { start: Date.UTC(2025, 8, 15, 1, 0, 0), end: Date.UTC(2025, 8, 15, 2, 0, 0) };
const redact = buildRedactor();

function load(name: string): Record<string, unknown>[] {
  return JSON.parse(readFileSync(join(DIR, `${name}.json`), "utf8")) as Record<string, unknown>[];
}

function normalizeAll(raws: readonly unknown[]): NormalizedEntry[] {
  return raws.map((raw) => {
    const r = normalizeEntry(raw, { maxMessageBytes: 64 * 1024, redact });
    if (!r.ok) throw new Error(`skipped: ${r.skipped.reason} ${r.skipped.detail}`);
    return r.entry;
  });
}

function clusterAll(entries: readonly NormalizedEntry[]): Map<string, Cluster[]> {
  const byService = new Map<string, ServiceClusterer>();
  for (const e of entries) {
    let c = byService.get(e.service);
    if (!c)
      byService.set(e.service, (c = new ServiceClusterer(e.service, new TemplateMiner(), { ...DEFAULT_CLUSTER_OPTIONS, window: WINDOW })));
    c.add(e);
  }
  return new Map([...byService].map(([s, c]) => [s, c.clusters()]));
}

const ALL = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .flatMap((f) => load(f.replace(/\.json$/, "")));
const clusters = clusterAll(normalizeAll(ALL));
const all = [...clusters.values()].flat();

function named(service: string): { name: string; count: number; severity: string }[] {
  return (clusters.get(service) ?? [])
    .map((c) => ({ name: problemName(c), count: c.count, severity: c.severity }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

describe("one cluster per problem, named as a person would, whatever the logger", () => {
  it("Node: the same TypeError from pino, bunyan and winston is one cluster; a typed error without a stack is its own", () => {
    expect(named("orders-api")).toEqual([
      { name: "StripeCardError: Your card was declined.", count: 3, severity: "ERROR" },
      { name: "TypeError: Cannot read properties of undefined (reading 'currency')", count: 7, severity: "ERROR" },
      { name: "slow query on orders table", count: 1, severity: "WARNING" },
    ]);
  });

  it("Go: zap and slog messages carry their error text; two errors under one message stay apart", () => {
    expect(named("thumbs")).toEqual([
      { name: "cache invariant violated: negative refcount -1 for key img_4410", count: 1, severity: "CRITICAL" },
      { name: "cache nearly full", count: 1, severity: "WARNING" },
      { name: "config reload aborted: open /etc/thumbs/config.yaml: permission denied", count: 1, severity: "ERROR" },
      { name: "failed to load thumbnail: storage: object doesn't exist", count: 3, severity: "ERROR" },
      { name: "upstream call failed: context deadline exceeded", count: 2, severity: "ERROR" },
      {
        name: "upstream call failed: dial tcp: lookup inventory.internal on 169.254.169.254:53: no such host",
        count: 4,
        severity: "ERROR",
      },
    ]);
  });

  it("Java: logstash-logback-encoder's stack_trace", () => {
    expect(named("ledger")).toEqual([{ name: "java.lang.IllegalStateException: Journal is closed", count: 3, severity: "ERROR" }]);
  });

  it(".NET: Serilog's @mt and @m with @x are one cluster, @l gives the level", () => {
    expect(named("billing")).toEqual([
      { name: "Cache refresh for eu-west took 5120 ms", count: 1, severity: "WARNING" },
      { name: "System.TimeoutException: The operation has timed out.", count: 3, severity: "ERROR" },
    ]);
  });

  it("Python: python-json-logger's exc_info, structlog's exception text and dict_tracebacks are one cluster", () => {
    expect(named("recommender")).toEqual([
      { name: "ValueError: feature vector has 96 columns, expected 128", count: 5, severity: "ERROR" },
    ]);
  });

  it("google-cloud-logging and Error Reporting events: one cluster per error, linked to its Error Reporting group", () => {
    expect(named("payments")).toEqual([
      { name: "KeyError: 'HTTP_STRIPE_SIGNATURE'", count: 4, severity: "ERROR" },
      { name: "Refund ledger out of balance by 12.40 EUR", count: 2, severity: "ERROR" },
    ]);
    const webhook = clusters.get("payments")!.find((c) => c.exceptionType === "KeyError")!;
    expect(webhook.errorGroups).toEqual([{ id: "CNuL5uKMxYXkVg", project: "acme-prod", count: 2 }]);
    const refund = clusters.get("payments")!.find((c) => c.exceptionType === undefined)!;
    expect(refund.source).toBe("payments/refunds.py:reconcile");
  });

  it("the seed backend's {type, value} startup errors: one cluster each, never merged", () => {
    expect(named("netra-backend-staging")).toEqual([
      { name: "ModuleNotFoundError: No module named 'netra_backend.app.agents.supervisor_ssot'", count: 2, severity: "ERROR" },
      { name: "RuntimeError: JWT_SECRET_KEY must be set in staging", count: 1, severity: "ERROR" },
      { name: "RuntimeError: Redis connection refused during startup", count: 1, severity: "ERROR" },
      { name: "ValueError: invalid literal for int() with base 10: 'eight'", count: 1, severity: "ERROR" },
    ]);
  });

  it("payloads without a message cluster on their shape and text: numbers vary within one, different events stay apart", () => {
    expect(named("queue-worker")).toEqual([
      { name: "lease_expired", count: 1, severity: "WARNING" },
      { name: "lease_lost", count: 2, severity: "WARNING" },
      { name: "queue_depth=1842 oldest_age_s=913", count: 3, severity: "WARNING" },
    ]);
  });

  it("bad input is used as far as it makes sense, and nothing unrelated merges", () => {
    expect(named("edge")).toEqual([
      { name: "Sync of acme failed: @x=42", count: 1, severity: "ERROR" },
      { name: "System.IO.IOException: Broken pipe", count: 1, severity: "ERROR" },
      { name: "application log entry without a message", count: 1, severity: "ERROR" },
      { name: "export failed", count: 1, severity: "ERROR" },
      { name: "retries=3", count: 1, severity: "ERROR" },
      { name: "write failed: err=32", count: 1, severity: "ERROR" },
    ]);
  });

  it("a 1 MB stack is used (its first 64 KiB), not skipped", () => {
    const stack = `Error: template too deep\n    at render (/app/dist/render.js:10:5)\n${"    at recurse (/app/dist/render.js:22:7)\n".repeat(26_000)}`;
    const [entry] = normalizeAll([
      {
        insertId: "x1",
        timestamp: "2025-09-15T01:01:00Z",
        resource: { type: "cloud_run_revision", labels: { service_name: "edge" } },
        jsonPayload: { level: "error", msg: "render failed", stack },
      },
    ]);
    expect(stack.length).toBeGreaterThan(1_000_000);
    expect(entry).toMatchObject({
      kind: "stacktrace",
      severity: "ERROR",
      exception: { type: "Error", frames: ["render (render.js)", "recurse (render.js)", "recurse (render.js)"] },
    });
    expect(entry!.message).toBe("render failed: Error: template too deep");
  });
});

describe("names everywhere: no placeholders", () => {
  const prioritized: PrioritizedCluster[] = prioritizeAll(all);

  it("no name is a list of keys, {}, only punctuation, or shows <*>", () => {
    expect(all.length).toBe(28);
    for (const c of prioritized) {
      const name = problemName(c);
      expect(isPlaceholderName(name)).toBe(false);
      expect(name).not.toContain("<*>");
      expect(renderIssueTitle(c)).not.toContain("<*>");
    }
  });

  it("the worklog heads and tables use the names and links the Error Reporting group", () => {
    const payments = prioritized.filter((c) => c.service === "payments");
    const md = renderWorklog({ ...seedModel(), service: "payments", clusters: payments, issues: {} });
    expect(md).toContain("KeyError: 'HTTP\\_STRIPE\\_SIGNATURE'");
    expect(md).toContain(
      "**Error Reporting:** [CNuL5uKMxYXkVg](<https://console.cloud.google.com/errors/detail/CNuL5uKMxYXkVg?project=acme-prod>) (2)",
    );
    expect(md).toMatch(/^### Cluster 1: KeyError: 'HTTP\\_STRIPE\\_SIGNATURE'$/m);
    expect(md).toMatch(/^### Cluster 2: Refund ledger out of balance by 12\.40 EUR$/m);
    expect(md).toMatch(/^\| 2 \| P3 \| ERROR \| 2 \| `Refund ledger out of balance by 12.40 EUR` \|/m);
  });

  it("the issue body links the Error Reporting group", () => {
    const webhook = prioritized.find((c) => c.exceptionType === "KeyError")!;
    const body = renderIssueBody({
      cluster: webhook,
      marker: {
        v: ISSUE_MARKER_VERSION,
        kind: "problem",
        fp: webhook.fingerprint,
        svc: webhook.service,
        tpl: webhook.template,
        hist: { h0: epochHour(WINDOW.start), c: [webhook.count] },
      },
      ctx: {
        windowId: "2025-09-15T0100Z",
        windowStart: WINDOW.start,
        windowEnd: WINDOW.end,
        historyDays: 7,
        worklogUrl: "https://example.test/w",
        logsExplorerUrl: "https://example.test/l",
      },
    });
    expect(body).toContain("(https://console.cloud.google.com/errors/detail/CNuL5uKMxYXkVg?project=acme-prod)");
  });
});
