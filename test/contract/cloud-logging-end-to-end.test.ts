/**
 * End to end from the gRPC peer to a worklog: the real @google-cloud/logging client reads the
 * loopback Cloud Logging peer through the composition root's CloudLoggingSource, the pipeline
 * clusters what it read, and the worklog (in a temporary folder) says what was read and that the
 * window was truncated at the cap.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import * as grpc from "@grpc/grpc-js";
import { silentLogger } from "../../src/adapters/logger";
import { createJob } from "../../src/compose";
import { loadConfig } from "../../src/config";
import { worklogKey } from "../../src/core/report/object-keys";
import { runJob } from "../../src/pipeline/run-job";
import { startLoggingServer, type LogEntryJson, type LoggingServer } from "../peers/logging-server";

const PROJECT = "demo-proj";
const WINDOW_START = Date.parse("2025-09-15T01:00:00Z");

function entries(service: string, count: number, message: (i: number) => string, severity = "ERROR"): LogEntryJson[] {
  return Array.from({ length: count }, (_, i) => ({
    insertId: `${service}-${i}`,
    logName: `projects/${PROJECT}/logs/run.googleapis.com%2Fstdout`,
    timestamp: new Date(WINDOW_START + 1000 + i * 1000).toISOString(),
    severity,
    resource: { type: "cloud_run_revision", labels: { service_name: service, revision_name: `${service}-00001-abc` } },
    jsonPayload: { message: message(i) },
  }));
}

let server: LoggingServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("gRPC peer → CloudLoggingSource → pipeline → worklog, with the cap and a retry reported", async () => {
  const api = entries("api", 1500, (i) => `failed to load order ${i} for user u-${i % 7}: connection reset`);
  const web = entries("web", 40, (i) => `template render took ${100 + i}ms`, "WARNING");
  const noise = entries("api", 30, (i) => `request ${i} served`, "INFO");
  // web's first page fails once with UNAVAILABLE and is asked again.
  server = await startLoggingServer({ entries: [...api, ...web, ...noise], faults: [{ code: "UNAVAILABLE", afterRequests: 3 }] });
  dir = await mkdtemp(path.join(os.tmpdir(), "lg-e2e-"));

  const config = loadConfig(
    {},
    {
      LOG_GARDENER_PROJECT: PROJECT,
      LOG_GARDENER_SERVICES: "api,web",
      LOG_GARDENER_WINDOW_END: "2025-09-15T02:00:00Z",
      LOG_GARDENER_OUT: dir,
      LOG_GARDENER_MAX_ENTRIES: "1200",
      // The cap as a hard stop; sampling has its own end-to-end test (sampling-end-to-end.test.ts).
      LOG_GARDENER_SAMPLING: "false",
      LOG_GARDENER_LOGGING_PAGE_SIZE: "500",
      LOG_GARDENER_LOGGING_READS_PER_MINUTE: "0",
      LOG_GARDENER_LOGGING_RETRY_DELAY: "1s",
      LOG_GARDENER_DRY_RUN: "true",
    },
  );
  const stdout = new Writable({ write: (_chunk, _enc, done) => done() });
  const job = await createJob(
    config,
    { stdout, now: () => Date.parse("2025-09-15T02:05:00Z"), logger: silentLogger() },
    { loggingEndpoint: { apiEndpoint: "127.0.0.1", port: server.port, sslCreds: grpc.credentials.createInsecure() } },
  );
  expect(job.description.source).toBe(`cloud-logging project ${PROJECT}`);
  const summary = await runJob(job.options, job.deps);

  // What the peer was asked: one paged query per service, the window and severity in the filter.
  const filters = [...new Set(server.requests.map((r) => r.filter))];
  expect(filters).toHaveLength(2);
  for (const f of filters)
    expect(f).toContain(
      'timestamp>="2025-09-15T01:00:00.000Z" AND timestamp<"2025-09-15T02:00:00.000Z" AND (severity>=WARNING OR (severity=DEFAULT AND (jsonPayload.level=40 OR',
    );
  expect(server.requests.map((r) => r.status ?? r.returned)).toEqual([500, 500, 500, "UNAVAILABLE", 40]);

  expect(summary).toMatchObject({ read: 1240, clustered: 1240, truncated: true });
  const apiWorklog = await readFile(path.join(dir, worklogKey("api", WINDOW_START)), "utf8");
  expect(apiWorklog).toMatch(/failed to load order/);
  // The 1,200th entry of api is at 01:20:00; the source writes whole seconds without a fraction.
  expect(api[1199]!.timestamp).toBe("2025-09-15T01:20:00.000Z");
  expect(apiWorklog).toContain("Reading api stopped after 1,200 entries, up to 2025-09-15T01:20:00Z");
  expect(apiWorklog).toMatch(/the cap of 1200 entries per service \(LOG\\?_GARDENER\\?_MAX\\?_ENTRIES\) was reached/);
  const webWorklog = await readFile(path.join(dir, worklogKey("web", WINDOW_START)), "utf8");
  expect(webWorklog).toMatch(/template render took/);
  expect(webWorklog).not.toContain("Truncated Reads");
  expect(webWorklog).toMatch(/web: read 40 entries from Cloud Logging in 1 page, after 1 retried request \(UNAVAILABLE 1\)/);
});
