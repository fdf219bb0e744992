/** Pacing under the entries.list quota (60 requests per minute per project). */

/**
 * At most `perMinute` request starts in any sliding minute. Keeps one timestamp per allowed
 * request, so memory is bounded by the quota, not by the run.
 */
export class RequestPacer {
  private readonly starts: number[] = [];

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Resolves when one more request may start; returns how long it waited (ms). */
  async acquire(): Promise<number> {
    if (this.perMinute <= 0) return 0;
    let waited = 0;
    for (;;) {
      const t = this.now();
      while (this.starts.length > 0 && this.starts[0]! <= t - 60_000) this.starts.shift();
      if (this.starts.length < this.perMinute) {
        this.starts.push(t);
        return waited;
      }
      const wait = this.starts[0]! + 60_000 - t;
      waited += wait;
      await this.sleep(wait);
    }
  }
}

/** The share of the project's entries.list quota one task may use; 0 stays unpaced. */
export function readsPerMinuteOfTask(readsPerMinute: number, taskCount: number): number {
  if (readsPerMinute <= 0) return 0;
  return Math.max(1, Math.floor(readsPerMinute / Math.max(1, taskCount)));
}
