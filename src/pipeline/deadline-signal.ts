/**
 * Waits for an iterator's next value, but never past `until` (epoch ms, by `now`). One timer
 * for the whole read wakes whichever wait is pending; nothing is attached to a long-lived
 * promise, so memory does not grow with the entries (a plain Promise.race against one shared
 * deadline promise would keep a reaction per entry until the deadline).
 */
export function deadlineSignal(
  until: number,
  now: () => number,
): { next<T>(it: AsyncIterator<T>): Promise<IteratorResult<T> | "deadline">; cancel: () => void } {
  let expired = false;
  let wake: ((v: "deadline") => void) | undefined;
  const timer =
    until === Infinity
      ? undefined
      : setTimeout(
          () => {
            expired = true;
            wake?.("deadline");
          },
          Math.max(0, until - now()),
        );
  return {
    next<T>(it: AsyncIterator<T>): Promise<IteratorResult<T> | "deadline"> {
      if (timer === undefined) return it.next();
      if (expired) return Promise.resolve("deadline");
      return new Promise<IteratorResult<T> | "deadline">((resolve, reject) => {
        wake = resolve;
        it.next().then(resolve, reject);
      });
    },
    cancel: () => clearTimeout(timer),
  };
}
