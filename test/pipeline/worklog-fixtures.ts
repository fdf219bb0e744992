// Worklog inputs as the pipeline builds them (rendered markdown, sidecar JSON, metadata), from
// the seed model, for the writer, lock and `worklogs` command tests.
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createGcsObjectStore } from "../../src/adapters/gcs-object-store";
import { LocalObjectStore } from "../../src/adapters/local-object-store";
import { buildSidecar, sidecarJsonChunks } from "../../src/core/report/sidecar";
import { renderWorklog } from "../../src/core/report/worklog";
import type { WorklogModel } from "../../src/core/report/worklog-model";
import type { ObjectStore } from "../../src/ports";
import { worklogMetadata, type PublishWorklogInput } from "../../src/pipeline/worklog-writer";
import { startGcsServer, type GcsServer } from "../peers/gcs-server";
import { seedModel, WINDOW } from "../core/fixtures/seed-worklog-model";

export { WINDOW };
export const HOUR = 3_600_000;

/** The model for `service` at `windowStart` (default: the seed window), with overrides. */
export function modelAt(windowStart: number = WINDOW.start, overrides: Partial<WorklogModel> = {}): WorklogModel {
  const base = seedModel(overrides);
  return { ...base, window: { start: windowStart, end: windowStart + HOUR }, generatedAt: windowStart + HOUR + 60_000 };
}

export function worklogInput(model: WorklogModel): PublishWorklogInput {
  const sidecar = buildSidecar(model);
  return {
    service: model.service,
    windowStart: model.window.start,
    markdown: renderWorklog(model),
    sidecarJson: sidecarJsonChunks(sidecar),
    metadata: worklogMetadata(model, sidecar),
  };
}

const roots: string[] = [];
export async function tempStore(): Promise<LocalObjectStore> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "lg-worklogs-"));
  roots.push(root);
  return new LocalObjectStore({ root });
}
export async function removeTempStores(): Promise<void> {
  await Promise.all(roots.splice(0).map((r) => fs.rm(r, { recursive: true, force: true })));
}

/**
 * The two stores the store-facing tests run on, as a `describe.each` table: a temporary folder,
 * and a fresh prefix of a bucket on the loopback GCS peer. Registers the hooks that start the
 * peer before the file's tests and stop it (and remove the folders) after them.
 */
export function storesUnderTest(prefix: string): [string, () => Promise<ObjectStore>][] {
  let server: GcsServer | undefined;
  let seq = 0;
  beforeAll(async () => {
    server = await startGcsServer();
  });
  afterAll(async () => {
    await server?.close();
    await removeTempStores();
  });
  return [
    ["a local folder", () => tempStore()],
    [
      "a GCS bucket",
      async () =>
        createGcsObjectStore(`gs://worklogs-bucket/${prefix}-${++seq}`, {
          apiEndpoint: server!.url,
          retry: { maxRetries: 2, maxDelayMs: 1000 },
        }),
    ],
  ];
}

/** A log that keeps what was said, for asserting on the lines people will read. */
export function recordingLog(): { lines: { fields: object; message: string }[]; warn(fields: object, message: string): void } {
  const lines: { fields: object; message: string }[] = [];
  return { lines, warn: (fields, message) => lines.push({ fields, message }) };
}
