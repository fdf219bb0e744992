const TRACE_PREFIX = "projects/";
const TRACE_INFIX = "/traces/";

/**
 * "projects/P/traces/ID" -> "ID"; anything else as it is. Equal to
 * `trace.replace(/^projects\/[^/]+\/traces\//, "")` (a property test holds the two equal),
 * without a regex replace per entry, which was a third of building an entry.
 */
export function traceId(trace: string): string {
  if (!trace.startsWith(TRACE_PREFIX)) return trace;
  const slash = trace.indexOf("/", TRACE_PREFIX.length);
  if (slash <= TRACE_PREFIX.length || !trace.startsWith(TRACE_INFIX, slash)) return trace;
  return trace.slice(slash + TRACE_INFIX.length);
}
