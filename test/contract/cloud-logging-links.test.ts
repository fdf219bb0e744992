/**
 * Each cluster's Logs Explorer query, run against the loopback Cloud Logging peer through the
 * real @google-cloud/logging client, returns that cluster's entries: the entries of the bundled
 * sample (JSON and text payloads, stack traces, requests, audit logs, redacted secrets) are
 * clustered as the job clusters them, and every query gets back exactly the entries that went
 * into its cluster.
 */
import { readFileSync } from "node:fs";
import { Logging } from "@google-cloud/logging";
import * as grpc from "@grpc/grpc-js";
import { sampleExportPath } from "../../src/compose";
import { DEFAULT_CLUSTER_OPTIONS, ServiceClusterer, type ClusterOptions } from "../../src/core/cluster/cluster";
import { TemplateMiner } from "../../src/core/cluster/miner/template-miner";
import { normalizeEntry, serviceOfEntry } from "../../src/core/ingest/normalize";
import { buildRedactor } from "../../src/core/redact/redact";
import { clusterLogQuery, logsExplorerUrl } from "../../src/core/report/logs-explorer";
import { severityRank } from "../../src/core/severity";
import type { Cluster, NormalizedEntry } from "../../src/core/types";
import { startLoggingServer, type LogEntryJson, type LoggingServer } from "../peers/logging-server";

const PROJECT = "demo-proj";
const WINDOW = { start: Date.parse("2025-09-15T01:00:00Z"), end: Date.parse("2025-09-15T02:00:00Z") };
const redact = buildRedactor();

let server: LoggingServer;
let logging: Logging;
beforeAll(async () => {
  server = await startLoggingServer({ entries: sampleEntries() });
  logging = new Logging({
    projectId: PROJECT,
    apiEndpoint: "127.0.0.1",
    port: server.port,
    sslCreds: grpc.credentials.createInsecure(),
    universeDomain: "googleapis.com",
  } as ConstructorParameters<typeof Logging>[0]);
});
afterAll(async () => {
  await server.close();
});

/** The sample's log entries (its deliberately malformed records left out), in time order. */
function sampleEntries(): LogEntryJson[] {
  const all = JSON.parse(readFileSync(sampleExportPath(), "utf8")) as unknown[];
  return all
    .filter(
      (e): e is LogEntryJson =>
        typeof e === "object" &&
        e !== null &&
        serviceOfEntry(e) !== undefined &&
        typeof (e as { timestamp?: unknown }).timestamp === "string" &&
        !Number.isNaN(Date.parse((e as { timestamp: string }).timestamp)),
    )
    .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
}

const entryKey = (e: { insertId?: string | null; timestamp?: unknown }) => `${e.insertId}@${String(e.timestamp)}`;

interface Clustered {
  readonly clusters: Cluster[];
  /** Each cluster's entries, by fingerprint, as insertId@timestamp. */
  readonly members: Map<string, Set<string>>;
}

/** The job's clustering of the sample (dedupe, window, WARNING and up), and which entry went where. */
function clusterSample(): Clustered {
  const options: ClusterOptions = { ...DEFAULT_CLUSTER_OPTIONS, window: WINDOW };
  const byService = new Map<
    string,
    { miner: TemplateMiner; clusterer: ServiceClusterer; entries: { raw: LogEntryJson; entry: NormalizedEntry }[] }
  >();
  const seen = new Set<number>();
  for (const raw of sampleEntries()) {
    const result = normalizeEntry(raw, { maxMessageBytes: 65536, redact });
    if (!result.ok) continue;
    const entry = result.entry;
    if (seen.has(entry.keyHash)) continue;
    seen.add(entry.keyHash);
    if (entry.timestamp < WINDOW.start || entry.timestamp >= WINDOW.end || severityRank(entry.severity) < severityRank("WARNING")) continue;
    let run = byService.get(entry.service);
    if (!run) {
      const miner = new TemplateMiner();
      run = { miner, clusterer: new ServiceClusterer(entry.service, miner, options), entries: [] };
      byService.set(entry.service, run);
    }
    run.clusterer.add(entry);
    run.entries.push({ raw, entry });
  }
  const clusters: Cluster[] = [];
  const members = new Map<string, Set<string>>();
  for (const [service, run] of byService) {
    clusters.push(...run.clusterer.clusters());
    // Where each entry went: alone through a clusterer whose miner has learned the whole window.
    const state = run.miner.toState();
    for (const { raw, entry } of run.entries) {
      const probe = new ServiceClusterer(service, TemplateMiner.fromState(state).miner, options);
      probe.add(entry);
      const [only] = probe.clusters();
      if (!members.has(only!.fingerprint)) members.set(only!.fingerprint, new Set());
      members.get(only!.fingerprint)!.add(entryKey(raw));
    }
  }
  return { clusters, members };
}

async function query(filter: string): Promise<Set<string>> {
  const keys = new Set<string>();
  let pageToken: string | undefined;
  do {
    const [entries, , response] = await logging.getEntries({
      resourceNames: [`projects/${PROJECT}`],
      filter,
      orderBy: "timestamp asc",
      pageSize: 1000,
      autoPaginate: false,
      ...(pageToken ? { pageToken } : {}),
    });
    for (const e of entries) {
      const ts = e.metadata.timestamp as { seconds?: unknown; nanos?: unknown } | Date | string | undefined;
      const iso =
        ts instanceof Date
          ? ts.toISOString()
          : typeof ts === "object" && ts
            ? new Date(Number(ts.seconds) * 1000 + Math.round(Number(ts.nanos ?? 0) / 1e6)).toISOString()
            : String(ts);
      keys.add(`${e.metadata.insertId}@${iso}`);
    }
    pageToken = (response as { nextPageToken?: string } | undefined)?.nextPageToken || undefined;
  } while (pageToken);
  return keys;
}

/** The window, as the link's time range puts it. */
function windowed(q: string): string {
  return `${q}\ntimestamp>="${new Date(WINDOW.start).toISOString()}"\ntimestamp<"${new Date(WINDOW.end).toISOString()}"`;
}

const { clusters, members } = clusterSample();

describe("Logs Explorer queries", () => {
  test("the sample has clusters of every kind to check", () => {
    expect(new Set(clusters.map((c) => c.kind))).toEqual(new Set(["application", "request", "stacktrace"]));
    expect(clusters.length).toBeGreaterThan(10);
    expect(clusters.some((c) => c.template.includes("[REDACTED"))).toBe(true);
  });

  test.each(clusters.map((c) => [`${c.service}: ${c.template.slice(0, 70)}`, c] as const))("%s", async (_name, c) => {
    const q = clusterLogQuery(c);
    const expected = members.get(c.fingerprint);
    expect(expected?.size).toBeGreaterThan(0);
    const got = await query(windowed(q));
    // Normalized ISO of the sample's timestamps, as the client hands them back.
    const want = new Set(
      [...expected!].map((k) => {
        const [id, ts] = k.split("@");
        return `${id}@${new Date(Date.parse(ts!)).toISOString()}`;
      }),
    );
    expect({ query: q, entries: [...got].sort() }).toEqual({ query: q, entries: [...want].sort() });
    // A phrase is text the entries carry: never a redaction marker or a variable.
    expect(q).not.toMatch(/\[REDACTED|<\*>/);
  });

  test("the link carries the same query and the window", () => {
    const c = clusters.find((x) => x.kind === "application")!;
    const url = logsExplorerUrl(PROJECT, c, WINDOW);
    const query = decodeURIComponent(/;query=([^;]*);/.exec(url)![1]!);
    expect(query).toBe(clusterLogQuery(c));
    expect(url).toContain(";startTime=2025-09-15T01:00:00.000Z;endTime=2025-09-15T02:00:00.000Z?project=demo-proj");
  });
});
