/**
 * A run lock per service and window (`_locks/<service>/<window>.lock`), so a retried task or an
 * overlapping execution does not publish the same window twice at once.
 *
 * The lock is an object created with ifGeneration "0": of two runs, exactly one creates it. It
 * holds its owner and an expiry. A lock past its expiry belongs to a run that crashed (or ran
 * far over its time), and is taken over by compare-and-swap on the generation that was read, as
 * is a lock held by an earlier attempt of the same Cloud Run task (see isEarlierAttempt):
 * of two runs taking over the same expired lock, exactly one wins. `release()` deletes it,
 * again only at the generation this run wrote, so it never removes a lock someone else took.
 *
 * The lock body is a contract between runs of different versions: keep `v`, and parse
 * leniently (an unreadable lock counts as expired rather than blocking every hour after it).
 */
import { lockKey } from "../core/report/object-keys";
import { PreconditionFailedError } from "../errors";
import type { ObjectStore } from "../ports";

export interface LockBody {
  readonly v: 1;
  readonly owner: string;
  /** ISO times, for people reading the bucket. */
  readonly acquiredAt: string;
  readonly expiresAt: string;
}

export type RunLock =
  | { readonly acquired: true; readonly key: string; readonly generation: string; readonly tookOverFrom?: string; release(): Promise<void> }
  | { readonly acquired: false; readonly key: string; readonly holder: string; readonly expiresAt: number };

export interface AcquireRunLockOptions {
  readonly ttlMs: number;
  /** Who is asking: execution, task and attempt ("exec-abc/task-0/attempt-1"). */
  readonly owner: string;
  /** The current time, epoch ms. */
  readonly now: number;
}

export function renderLockBody(owner: string, now: number, ttlMs: number): string {
  const body: LockBody = { v: 1, owner, acquiredAt: new Date(now).toISOString(), expiresAt: new Date(now + ttlMs).toISOString() };
  return `${JSON.stringify(body)}\n`;
}

/** The lock's holder and expiry; undefined for a body no version of us wrote. Pure. */
export function parseLockBody(text: string): { owner: string; expiresAt: number } | undefined {
  try {
    const json = JSON.parse(text) as Partial<LockBody>;
    const expiresAt = typeof json.expiresAt === "string" ? Date.parse(json.expiresAt) : NaN;
    if (json.v !== 1 || typeof json.owner !== "string" || Number.isNaN(expiresAt)) return undefined;
    return { owner: json.owner, expiresAt };
  } catch {
    return undefined;
  }
}

/**
 * True when `holder` is an earlier attempt of the same Cloud Run task as `owner`
 * ("exec-abc/task-0/attempt-0" before "exec-abc/task-0/attempt-1"). Cloud Run starts a retry only
 * once the attempt before it has ended, so that holder is dead: its lock is taken over at once,
 * or a task killed between publishing and rewriting its worklogs would leave them incomplete
 * until the lock expired, long after the retry gave up. Pure.
 */
export function isEarlierAttempt(holder: string, owner: string): boolean {
  const h = /^(.+)\/attempt-(\d+)$/.exec(holder);
  const o = /^(.+)\/attempt-(\d+)$/.exec(owner);
  return !!h && !!o && h[1] === o[1] && Number(h[2]) < Number(o[2]);
}

export async function acquireRunLock(
  store: ObjectStore,
  service: string,
  windowStart: number,
  options: AcquireRunLockOptions,
): Promise<RunLock> {
  const key = lockKey(service, windowStart);
  const body = renderLockBody(options.owner, options.now, options.ttlMs);
  const put = {
    contentType: "application/json",
    metadata: { owner: options.owner, expiresAt: new Date(options.now + options.ttlMs).toISOString() },
  };
  const held = (generation: string, tookOverFrom?: string): RunLock => ({
    acquired: true,
    key,
    generation,
    ...(tookOverFrom !== undefined ? { tookOverFrom } : {}),
    release: async () => {
      try {
        await store.delete(key, { ifGeneration: generation });
      } catch (error) {
        // Someone took it over after it expired: it is theirs now, leave it.
        if (!(error instanceof PreconditionFailedError)) throw error;
      }
    },
  });

  // Two rounds: create; or, if it exists and has expired, take it over. A lock that vanishes
  // between the two (released just now) is created in the second round.
  for (let round = 0; round < 2; round++) {
    try {
      return held(await store.put(key, body, { ...put, ifGeneration: "0" }));
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
    const current = await store.get(key);
    if (!current) continue;
    // Our own create, retried by the client after its response was lost.
    if (current.body === body) return held(current.generation);
    const lock = parseLockBody(current.body);
    if (lock && lock.expiresAt > options.now && !isEarlierAttempt(lock.owner, options.owner))
      return { acquired: false, key, holder: lock.owner, expiresAt: lock.expiresAt };
    try {
      return held(await store.put(key, body, { ...put, ifGeneration: current.generation }), lock?.owner ?? "(unreadable lock)");
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      // Another run took the expired lock over first: it holds it now.
      const winner = await store.get(key);
      const taken = winner ? parseLockBody(winner.body) : undefined;
      if (taken) return { acquired: false, key, holder: taken.owner, expiresAt: taken.expiresAt };
    }
  }
  const last = await store.get(key);
  const lock = last ? parseLockBody(last.body) : undefined;
  return { acquired: false, key, holder: lock?.owner ?? "(unknown)", expiresAt: lock?.expiresAt ?? options.now };
}
