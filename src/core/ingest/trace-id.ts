/** "projects/P/traces/ID" -> "ID"; anything else as it is. */
export function traceId(trace: string): string {
  return trace.replace(/^projects\/[^/]+\/traces\//, "");
}
