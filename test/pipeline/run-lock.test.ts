import { lockKey } from "../../src/core/report/object-keys";
import type { ObjectStore } from "../../src/ports";
import { acquireRunLock, parseLockBody, renderLockBody } from "../../src/pipeline/run-lock";
import { storesUnderTest, WINDOW } from "./worklog-fixtures";

const SERVICE = "netra-backend-staging";
const TTL = 50 * 60_000;
const T0 = WINDOW.end + 60_000; // the hourly run starts a minute after the window closes

const STORES = storesUnderTest("locks");

describe.each(STORES)("acquireRunLock on %s", (_name, open) => {
  let store: ObjectStore;
  beforeEach(async () => {
    store = await open();
  });

  it("lets a retry of the same task take over at once from its dead attempt, and no one else", async () => {
    const dead = await acquireRunLock(store, SERVICE, WINDOW.start, { ttlMs: TTL, owner: "exec-a/task-0/attempt-0", now: T0 });
    expect(dead.acquired).toBe(true);
    // Another task or execution still waits for the lock to expire.
    expect(
      (await acquireRunLock(store, SERVICE, WINDOW.start, { ttlMs: TTL, owner: "exec-a/task-1/attempt-1", now: T0 + 60_000 })).acquired,
    ).toBe(false);
    expect(
      (await acquireRunLock(store, SERVICE, WINDOW.start, { ttlMs: TTL, owner: "exec-b/task-0/attempt-1", now: T0 + 60_000 })).acquired,
    ).toBe(false);
    // Cloud Run's retry of the same task: attempt 0 has ended.
    const retry = await acquireRunLock(store, SERVICE, WINDOW.start, { ttlMs: TTL, owner: "exec-a/task-0/attempt-1", now: T0 + 60_000 });
    expect(retry).toMatchObject({ acquired: true, tookOverFrom: "exec-a/task-0/attempt-0" });
    // ...and an earlier attempt never takes it back.
    expect(
      (await acquireRunLock(store, SERVICE, WINDOW.start, { ttlMs: TTL, owner: "exec-a/task-0/attempt-0", now: T0 + 61_000 })).acquired,
    ).toBe(false);
  });

  it("gives the window to the first run and tells the second who holds it until when", async () => {
    const first = await acquireRunLock(store, SERVICE, WINDOW.start, { ttlMs: TTL, owner: "exec-a/task-0/attempt-0", now: T0 });
    const second = await acquireRunLock(store, SERVICE, WINDOW.start, { ttlMs: TTL, owner: "exec-b/task-0/attempt-0", now: T0 + 5_000 });
    expect(first.acquired).toBe(true);
    expect(second).toEqual({
      acquired: false,
      key: "_locks/netra-backend-staging/2025-09-15T0100Z.lock",
      holder: "exec-a/task-0/attempt-0",
      expiresAt: T0 + TTL,
    });
    // Other windows and services are not affected.
    expect((await acquireRunLock(store, SERVICE, WINDOW.start + 3_600_000, { ttlMs: TTL, owner: "exec-b", now: T0 })).acquired).toBe(true);
    expect((await acquireRunLock(store, "other-service", WINDOW.start, { ttlMs: TTL, owner: "exec-b", now: T0 })).acquired).toBe(true);
  });

  it("lets exactly one of two concurrent runs win, and the lock names it", async () => {
    const [a, b] = await Promise.all(
      ["exec-a", "exec-b"].map((owner) => acquireRunLock(store, SERVICE, WINDOW.start, { ttlMs: TTL, owner, now: T0 })),
    );
    expect([a!.acquired, b!.acquired].sort()).toEqual([false, true]);
    const winner = a!.acquired ? "exec-a" : "exec-b";
    const loser = a!.acquired ? b! : a!;
    expect(loser).toMatchObject({ acquired: false, holder: winner });
    expect(parseLockBody((await store.get(lockKey(SERVICE, WINDOW.start)))!.body)?.owner).toBe(winner);
  });

  it("frees the window on release", async () => {
    const first = await acquireRunLock(store, SERVICE, WINDOW.start, { ttlMs: TTL, owner: "exec-a", now: T0 });
    if (!first.acquired) throw new Error("expected the lock");
    await first.release();
    expect(await store.get(lockKey(SERVICE, WINDOW.start))).toBeUndefined();
    expect((await acquireRunLock(store, SERVICE, WINDOW.start, { ttlMs: TTL, owner: "exec-b", now: T0 + 1000 })).acquired).toBe(true);
  });

  it("takes over a lock left by a crashed run once it expires, and the crashed run's release leaves it alone", async () => {
    const crashed = await acquireRunLock(store, SERVICE, WINDOW.start, { ttlMs: TTL, owner: "exec-crashed", now: T0 });
    if (!crashed.acquired) throw new Error("expected the lock");
    const early = await acquireRunLock(store, SERVICE, WINDOW.start, { ttlMs: TTL, owner: "exec-next", now: T0 + TTL - 1 });
    expect(early.acquired).toBe(false);
    const late = await acquireRunLock(store, SERVICE, WINDOW.start, { ttlMs: TTL, owner: "exec-next", now: T0 + TTL + 1 });
    expect(late).toMatchObject({ acquired: true, tookOverFrom: "exec-crashed" });
    await crashed.release(); // the crashed run wakes up after all
    expect(parseLockBody((await store.get(lockKey(SERVICE, WINDOW.start)))!.body)?.owner).toBe("exec-next");
  });

  it("lets exactly one of two runs take over the same expired lock", async () => {
    await acquireRunLock(store, SERVICE, WINDOW.start, { ttlMs: TTL, owner: "exec-crashed", now: T0 });
    const later = T0 + TTL + 60_000;
    const results = await Promise.all(
      ["exec-a", "exec-b"].map((owner) => acquireRunLock(store, SERVICE, WINDOW.start, { ttlMs: TTL, owner, now: later })),
    );
    expect(results.filter((r) => r.acquired)).toHaveLength(1);
    const winner = parseLockBody((await store.get(lockKey(SERVICE, WINDOW.start)))!.body)?.owner;
    expect(results.find((r) => !r.acquired)).toMatchObject({ holder: winner, expiresAt: later + TTL });
  });

  it("treats a lock it cannot read as expired rather than blocking every hour after it", async () => {
    await store.put(lockKey(SERVICE, WINDOW.start), "not a lock", { contentType: "text/plain", ifGeneration: "0" });
    expect(await acquireRunLock(store, SERVICE, WINDOW.start, { ttlMs: TTL, owner: "exec-a", now: T0 })).toMatchObject({
      acquired: true,
      tookOverFrom: "(unreadable lock)",
    });
  });

  it("recognises its own lock when a retried create finds it already there", async () => {
    await store.put(lockKey(SERVICE, WINDOW.start), renderLockBody("exec-a", T0, TTL), {
      contentType: "application/json",
      ifGeneration: "0",
    });
    expect((await acquireRunLock(store, SERVICE, WINDOW.start, { ttlMs: TTL, owner: "exec-a", now: T0 })).acquired).toBe(true);
  });
});

describe("lock bodies", () => {
  it("round-trip owner and expiry, and refuse anything else", () => {
    expect(parseLockBody(renderLockBody("exec-a/task-1/attempt-2", T0, TTL))).toEqual({
      owner: "exec-a/task-1/attempt-2",
      expiresAt: T0 + TTL,
    });
    expect(JSON.parse(renderLockBody("o", T0, TTL))).toEqual({
      v: 1,
      owner: "o",
      acquiredAt: new Date(T0).toISOString(),
      expiresAt: new Date(T0 + TTL).toISOString(),
    });
    for (const text of ["", "{}", '{"v":2,"owner":"o","expiresAt":"2025-09-15T02:00:00Z"}', '{"v":1,"owner":"o","expiresAt":"soon"}'])
      expect(parseLockBody(text)).toBeUndefined();
  });
});
