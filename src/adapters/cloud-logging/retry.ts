/** Which failures of a page request are retried, and how retries are described in the worklog. */

export interface CloudLoggingRetry {
  /** Retries after the first attempt of one page request. */
  readonly retries: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Growth of the delay per retry (default 2). Each sleep is uniform in [0, delay): full jitter. */
  readonly multiplier?: number;
  /** Deadline of one attempt. */
  readonly timeoutMs: number;
}

/** gRPC status codes retried: DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, UNAVAILABLE. */
export const RETRIED_CODES = [4, 8, 14] as const;
export const CODE_NAMES: Record<number, string> = {
  1: "CANCELLED",
  2: "UNKNOWN",
  3: "INVALID_ARGUMENT",
  4: "DEADLINE_EXCEEDED",
  5: "NOT_FOUND",
  7: "PERMISSION_DENIED",
  8: "RESOURCE_EXHAUSTED",
  9: "FAILED_PRECONDITION",
  13: "INTERNAL",
  14: "UNAVAILABLE",
  16: "UNAUTHENTICATED",
};

export function isRetried(code: unknown): code is number {
  return typeof code === "number" && (RETRIED_CODES as readonly number[]).includes(code);
}

/** ", after 3 retried requests (RESOURCE_EXHAUSTED 2, UNAVAILABLE 1)", or nothing. */
export function describeRetries(retried: ReadonlyMap<string, number>): string {
  if (retried.size === 0) return "";
  const total = [...retried.values()].reduce((a, b) => a + b, 0);
  return `, after ${total} retried request${total === 1 ? "" : "s"} (${[...retried].map(([code, n]) => `${code} ${n}`).join(", ")})`;
}
