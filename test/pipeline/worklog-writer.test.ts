import { dailyIndexKey, sidecarKey, worklogKey } from "../../src/core/report/object-keys";
import { PreconditionFailedError } from "../../src/errors";
import type { ObjectStore, PutOptions } from "../../src/ports";
import { buildIndexRow, publishWorklog } from "../../src/pipeline/worklog-writer";
import { HOUR, modelAt, recordingLog, storesUnderTest, tempStore, WINDOW, worklogInput } from "./worklog-fixtures";

const SERVICE = "netra-backend-staging";

const STORES = storesUnderTest("writer");

describe.each(STORES)("publishWorklog to %s", (name, open) => {
  it("creates the worklog, its sidecar and the day's index, with content types and metadata", async () => {
    const store = await open();
    const input = worklogInput(modelAt());
    const result = await publishWorklog(store, input);

    expect(result.worklog).toMatchObject({ key: "netra-backend-staging/2025/09/15/0100Z.md", outcome: "created" });
    expect(result.sidecar).toMatchObject({ key: "netra-backend-staging/2025/09/15/0100Z.json", outcome: "created" });
    expect(result.index).toMatchObject({ key: "netra-backend-staging/2025/09/15/index.md", outcome: "created", hours: 1 });
    expect(await store.get(worklogKey(SERVICE, WINDOW.start))).toMatchObject({ body: input.markdown, metadata: input.metadata });
    expect(JSON.parse((await store.get(sidecarKey(SERVICE, WINDOW.start)))!.body)).toMatchObject({
      service: SERVICE,
      window: { start: "2025-09-15T01:00:00.000Z" },
    });
    const index = (await store.get(dailyIndexKey(SERVICE, WINDOW.start)))!.body;
    expect(index).toContain("| 01:00Z | 5 | 108 |");
    // Beside a local folder the link is relative; in a bucket it is the browser URL a person can click.
    if (name === "a GCS bucket")
      expect(index).toMatch(
        /\(<https:\/\/storage\.cloud\.google\.com\/worklogs-bucket\/[^>]*\/netra-backend-staging\/2025\/09\/15\/0100Z\.md>\)/,
      );
    else expect(index).toContain("(./0100Z.md)");
  });

  it("replaces its own window on a rerun, and leaves identical bytes alone", async () => {
    const store = await open();
    const first = await publishWorklog(store, worklogInput(modelAt()));
    const rerun = worklogInput(modelAt(WINDOW.start, { executionId: "log-gardener-rerun" }));
    const second = await publishWorklog(store, rerun);
    expect(second.worklog.outcome).toBe("replaced");
    expect(second.worklog.generation).not.toBe(first.worklog.generation);
    expect((await store.get(worklogKey(SERVICE, WINDOW.start)))?.metadata.executionId).toBe("log-gardener-rerun");
    const third = await publishWorklog(store, rerun);
    expect([third.worklog.outcome, third.sidecar.outcome, third.index.outcome]).toEqual(["unchanged", "unchanged", "unchanged"]);
    expect(third.worklog.generation).toBe(second.worklog.generation);
  });

  it("keeps every hour in the index when the day's runs overlap", async () => {
    const store = await open();
    const hours = [0, 1, 2, 3, 4, 5].map((h) => Date.UTC(2025, 8, 15, h));
    const log = recordingLog();
    await Promise.all(hours.map((start) => publishWorklog(store, worklogInput(modelAt(start)), { log, maxAttempts: 10 })));
    const index = (await store.get(dailyIndexKey(SERVICE, hours[0]!)))!.body;
    for (const h of ["00", "01", "02", "03", "04", "05"]) expect(index).toContain(`| ${h}:00Z |`);
    expect(index).toContain("6 hourly worklogs");
    // The next day starts its own index.
    await publishWorklog(store, worklogInput(modelAt(Date.UTC(2025, 8, 16, 0))));
    expect((await store.get(dailyIndexKey(SERVICE, Date.UTC(2025, 8, 16, 0))))!.body).toContain("1 hourly worklog,");
  });
});

/** A store where another writer changes `key` just before each of our next `times` writes of it. */
function contendedStore(inner: ObjectStore, key: string, times: number): ObjectStore {
  let left = times;
  return Object.assign(Object.create(inner) as ObjectStore, {
    async put(k: string, body: string, options: PutOptions): Promise<string> {
      if (k === key && left > 0 && options.ifGeneration !== undefined) {
        left--;
        await inner.put(k, `someone else's write ${left}\n`, { contentType: options.contentType });
      }
      return inner.put(k, body, options);
    },
  });
}

describe("publishWorklog under contention", () => {
  it("detects a lost race on the worklog, says so, and replaces it from a fresh read", async () => {
    // Three interfering writes: the first looks like a rerun (the worklog exists), the next two
    // land between our read and our compare-and-swap.
    const inner = await tempStore();
    await publishWorklog(inner, worklogInput(modelAt()));
    const log = recordingLog();
    const input = worklogInput(modelAt(WINDOW.start, { executionId: "second" }));
    const result = await publishWorklog(contendedStore(inner, worklogKey(SERVICE, WINDOW.start), 3), input, { log });

    expect(result.worklog).toMatchObject({ outcome: "replaced", racesLost: 2 });
    expect((await inner.get(worklogKey(SERVICE, WINDOW.start)))?.body).toBe(input.markdown);
    expect(log.lines.map((l) => l.message)).toEqual([
      "lost a race writing netra-backend-staging/2025/09/15/0100Z.md: it changed since it was read; reading it again",
      "lost a race writing netra-backend-staging/2025/09/15/0100Z.md: it changed since it was read; reading it again",
    ]);
  });

  it("gives up with PreconditionFailedError when it keeps losing, leaving the other write in place", async () => {
    const inner = await tempStore();
    await publishWorklog(inner, worklogInput(modelAt()));
    const key = dailyIndexKey(SERVICE, WINDOW.start);
    const store = contendedStore(inner, key, 100);
    await expect(publishWorklog(store, worklogInput(modelAt(WINDOW.start + HOUR)), { maxAttempts: 3 })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    expect((await inner.get(key))?.body).toMatch(/^someone else's write/);
  });
});

/** The store, recording the keys whose bodies are read. */
function readCounting(inner: ObjectStore): { store: ObjectStore; reads: string[] } {
  const reads: string[] = [];
  const store = Object.assign(Object.create(inner) as ObjectStore, {
    async get(key: string) {
      reads.push(key);
      return inner.get(key);
    },
  });
  return { store, reads };
}

describe("publishWorklog reads little back", () => {
  const hours = [0, 1, 2, 3].map((h) => Date.UTC(2025, 8, 15, h));
  const withoutIndexTop = (start: number) => {
    const input = worklogInput(modelAt(start, { executionId: `run-${start}` }));
    const { indexTop: _dropped, ...older } = input.metadata;
    return { ...input, metadata: older };
  };

  it("rebuilds the day's index from the sidecars' metadata, reading no sidecar", async () => {
    const { store, reads } = readCounting(await tempStore());
    for (const start of hours) await publishWorklog(store, worklogInput(modelAt(start, { executionId: `run-${start}` })));
    expect(reads.filter((k) => k.endsWith(".json"))).toEqual([]);
    const index = (await store.get(dailyIndexKey(SERVICE, hours[0]!)))!.body;
    expect(index).toContain("4 hourly worklogs");
  });

  it("gives the same index as reading the sidecars, which it still does for sidecars written before indexTop", async () => {
    const current = await tempStore();
    const { store: older, reads } = readCounting(await tempStore());
    for (const start of hours) {
      await publishWorklog(current, worklogInput(modelAt(start, { executionId: `run-${start}` })));
      await publishWorklog(older, withoutIndexTop(start));
    }
    expect(reads.filter((k) => k.endsWith(".json")).length).toBeGreaterThan(0);
    const a = (await current.get(dailyIndexKey(SERVICE, hours[0]!)))!.body;
    const b = (await older.get(dailyIndexKey(SERVICE, hours[0]!)))!.body;
    expect(a).toContain("| 01:00Z | 5 | 108 |");
    expect(a).toBe(b);
  });

  it("rewrites its own worklog by the generations it wrote, without reading it back", async () => {
    const inner = await tempStore();
    const first = await publishWorklog(inner, worklogInput(modelAt()));
    const { store, reads } = readCounting(inner);
    const outcome = worklogInput(modelAt(WINDOW.start, { executionId: "same-run-with-outcome" }));
    const second = await publishWorklog(store, {
      ...outcome,
      replaces: { worklog: first.worklog.generation, sidecar: first.sidecar.generation },
    });
    expect([second.worklog.outcome, second.sidecar.outcome]).toEqual(["replaced", "replaced"]);
    expect(reads.filter((k) => k === worklogKey(SERVICE, WINDOW.start) || k === sidecarKey(SERVICE, WINDOW.start))).toEqual([]);
    expect((await inner.get(worklogKey(SERVICE, WINDOW.start)))?.metadata.executionId).toBe("same-run-with-outcome");
  });

  it("still detects another writer between its two writes, and replaces from a fresh read", async () => {
    const inner = await tempStore();
    const first = await publishWorklog(inner, worklogInput(modelAt()));
    const log = recordingLog();
    const store = contendedStore(inner, worklogKey(SERVICE, WINDOW.start), 1);
    const outcome = worklogInput(modelAt(WINDOW.start, { executionId: "same-run-with-outcome" }));
    const second = await publishWorklog(
      store,
      { ...outcome, replaces: { worklog: first.worklog.generation, sidecar: first.sidecar.generation } },
      { log },
    );
    expect(second.worklog).toMatchObject({ outcome: "replaced", racesLost: 1 });
    expect((await inner.get(worklogKey(SERVICE, WINDOW.start)))?.body).toBe(outcome.markdown);
    expect(log.lines).toHaveLength(1);
  });
});

describe("buildIndexRow", () => {
  const key = "svc/2025/09/15/0300Z.md";
  it.each([
    ["no sidecar", undefined, "(no sidecar yet)"],
    ["text that is not JSON", "{oops", "(sidecar is not JSON)"],
    ["JSON that is not a sidecar", '{"schemaVersion": 9}', "(sidecar unreadable: schemaVersion: "],
  ])("still lists the hour for %s", (_what, text, top) => {
    const row = buildIndexRow(key, text);
    expect(row).toMatchObject({ windowStart: Date.UTC(2025, 8, 15, 3), clusters: 0, entries: 0, key });
    expect(row.top?.startsWith(top)).toBe(true);
  });
});
