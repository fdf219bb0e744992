/**
 * The request paths an application line names, so that a Cloud Run request log and the app's
 * own line about the same request can be told to be one problem (core/cluster/request-join.ts).
 *
 * Where apps put the path varies by framework (`httpRequest.requestUrl` promoted from the line,
 * pino-http's `req.url`, slog's `path`, tracing's `spans[].uri`, lograge's `path`, Django's
 * "Internal Server Error: /x/"), so nothing here knows field names: the payload's string values
 * (a few levels deep, a bounded number of them) and the tokens of the message's first line that
 * look like a URL or an absolute path are candidates. A candidate that is no request's path
 * (a file path in a traceback) simply never matches one.
 *
 * The paths stay in memory as join keys only; they never leave the process.
 */

const MAX_CANDIDATES = 4;
const MAX_VISITED = 60;
const MAX_DEPTH = 5;
const MAX_PATH_CHARS = 2048;

/** `https://host/a/b?q=1#x` and `/a/b?q=1` → `/a/b`; anything else → undefined. */
export function pathOf(urlOrPath: string): string | undefined {
  let s = urlOrPath.length > MAX_PATH_CHARS ? urlOrPath.slice(0, MAX_PATH_CHARS) : urlOrPath;
  if (s.startsWith("http://") || s.startsWith("https://")) {
    const slash = s.indexOf("/", s.indexOf("//") + 2);
    s = slash < 0 ? "/" : s.slice(slash);
  }
  if (s[0] !== "/" || s[1] === "/") return undefined;
  const cut = s.search(/[?#\s]/);
  return cut < 0 ? s : s.slice(0, cut);
}

/** Up to MAX_CANDIDATES distinct paths named by an application line's payload and message. */
export function requestPaths(payload: unknown, message: string): string[] | undefined {
  const out: string[] = [];
  const add = (text: string): void => {
    const p = pathOf(text);
    if (p !== undefined && !out.includes(p)) out.push(p);
  };
  let visited = 0;
  const walk = (v: unknown, depth: number): void => {
    if (out.length >= MAX_CANDIDATES || visited >= MAX_VISITED) return;
    visited++;
    if (typeof v === "string") {
      if (v.startsWith("/") || v.startsWith("http")) add(v);
      return;
    }
    if (depth >= MAX_DEPTH || v === null || typeof v !== "object") return;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length && i < 10; i++) walk(v[i], depth + 1);
      return;
    }
    for (const key in v as Record<string, unknown>) {
      // the message is read below, token by token; a stack is file paths
      if (key === "message" || key === "stack" || key === "stack_trace" || key === "stacktrace") continue;
      walk((v as Record<string, unknown>)[key], depth + 1);
      if (out.length >= MAX_CANDIDATES || visited >= MAX_VISITED) return;
    }
  };
  walk(payload, 0);
  const newline = message.indexOf("\n");
  const first = newline < 0 ? message : message.slice(0, newline);
  for (const token of first.slice(0, 1000).split(" ")) {
    if (out.length >= MAX_CANDIDATES) break;
    if (token.startsWith("/") || token.startsWith("http")) add(token.replace(/[,;:.)'"\]]+$/, ""));
  }
  return out.length > 0 ? out : undefined;
}
