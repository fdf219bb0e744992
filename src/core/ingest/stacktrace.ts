/**
 * Stack trace recognition for the runtimes we see on Cloud Run: Python, Java (JVM), Node, Go
 * and .NET. A trace gives the exception type, its message and the top frames, innermost first.
 *
 * Frames are normalized to `function (file)`: the file is a basename, line and column numbers,
 * addresses and arguments are dropped, so the same bug on the next deploy (lines moved) keeps
 * the same frames and therefore the same fingerprint.
 */

export interface StackTrace {
  readonly type: string;
  readonly message: string;
  readonly frames: string[];
}

/** A trace plus where it starts in the text (line index) and the line that led up to it. */
export interface LocatedStackTrace extends StackTrace {
  readonly startLine: number;
  /** The first non-blank line before the trace, trimmed, without a trailing colon ("Failed to charge order"). */
  readonly lead?: string;
}

export const MAX_FRAMES = 3;
/** Traces are parsed from the first 64 KiB only; nobody reads frame 2,000. */
const MAX_TRACE_CHARS = 64 * 1024;
const MAX_MESSAGE_CHARS = 500;
const MAX_LINE_CHARS = 1000;

export function parseStackTrace(text: string): StackTrace | undefined {
  const found = locateStackTrace(text);
  if (!found) return undefined;
  return { type: found.type, message: found.message, frames: found.frames };
}

export function locateStackTrace(text: string): LocatedStackTrace | undefined {
  if (typeof text !== "string" || !text.includes("\n")) return undefined;
  return parseLocated(text);
}

function parseLocated(text: string): LocatedStackTrace | undefined {
  // Lines are cut to 1,000 characters, longer than any real frame: the frame regexes backtrack
  // on long lines, and a 60 KB line of parentheses must not stall the run.
  const whole = text.slice(0, MAX_TRACE_CHARS).replace(/\r\n?/g, "\n").split("\n");
  const lines = whole.map((line) => (line.length > MAX_LINE_CHARS ? line.slice(0, MAX_LINE_CHARS) : line));
  const found = parsePython(lines) ?? parseGo(lines) ?? parseJvmOrNode(lines);
  if (!found) return undefined;
  // The lead is read from the uncut lines; Java's "Exception in thread …" is the trace itself.
  for (let i = 0; i < found.startLine; i++) {
    const line = whole[i]!.trim();
    if (line !== "") return { ...found, lead: line.replace(/:\s*$/, "") };
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Python: "Traceback (most recent call last):", frames as `  File "…", line N, in fn`, the
// exception last. Chained tracebacks ("During handling…") repeat the block: the last one wins,
// because that is the exception that escaped.

const PY_HEADER = /^\s*Traceback \(most recent call last\):\s*$/;
const PY_FRAME = /^\s+File "([^"]*)", line \d+(?:, in (.+))?$/;
const PY_EXCEPTION = /^([A-Za-z_][\w.]*)(?::\s?(.*))?$/;

function parsePython(lines: string[]): LocatedStackTrace | undefined {
  let header = -1;
  let first = -1;
  for (let i = 0; i < lines.length; i++) {
    if (PY_HEADER.test(lines[i] ?? "")) {
      header = i;
      if (first < 0) first = i;
    }
  }
  if (header < 0) return undefined;
  const frames: string[] = [];
  let type: string | undefined;
  let message = "";
  for (let i = header + 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const frame = PY_FRAME.exec(line);
    if (frame) {
      frames.push(formatFrame(frame[2] ?? "<module>", frame[1] ?? ""));
      continue;
    }
    if (/^\s/.test(line) || line === "") continue; // source line under a frame, or "^^^^"
    const exception = PY_EXCEPTION.exec(line);
    if (exception) {
      type = exception[1] ?? "Exception";
      message = exception[2] ?? "";
      break;
    }
  }
  if (!type) return undefined;
  // Python prints the innermost call last.
  return { type, message: boundMessage(message), frames: frames.reverse().slice(0, MAX_FRAMES), startLine: first };
}

// ---------------------------------------------------------------------------------------------
// Go: "panic: …" then "goroutine N [running]:", then pairs of `pkg.fn(args)` / `\t/path/file.go:12 +0x1d`.

const GO_PANIC = /^panic: (.*)$/;
const GO_GOROUTINE = /^goroutine \d+ \[[^\]]*\]:\s*$/;
const GO_FUNC = /^(\S.*?)\((?:[^()]|\([^()]*\))*\)(?: \[[^\]]*\])?$/;
const GO_FILE = /^\t(\S+?\.go|\S+?):\d+(?: \+0x[0-9a-f]+)?/;
const GO_FILE_GO = /^\t\S+\.go:\d+/;
const GO_BARE_FUNC = /^([\w./*()-]+)$/;

function parseGo(lines: string[]): LocatedStackTrace | undefined {
  const start = lines.findIndex((l) => GO_PANIC.test(l));
  if (start < 0) return parseGoFramesOnly(lines);
  const goroutine = lines.findIndex((l, i) => i > start && GO_GOROUTINE.test(l));
  if (goroutine < 0) return undefined;
  const message = GO_PANIC.exec(lines[start] ?? "")?.[1] ?? "";
  const runtime = /^(runtime error): (.*)$/.exec(message);
  return {
    type: runtime ? "panic: runtime error" : "panic",
    message: boundMessage(runtime ? (runtime[2] ?? "") : message.replace(/^\s*\[recovered\]\s*/, "")),
    frames: goFrames(lines, goroutine + 1),
    startLine: start,
  };
}

/**
 * zap's `stacktrace` field and `debug.Stack()` without a panic: function lines (with or without
 * arguments) each followed by a tab-indented `file.go:line`. There is no exception line, so the
 * type is "error" and the message stays with the log entry.
 */
function parseGoFramesOnly(lines: string[]): LocatedStackTrace | undefined {
  let first = 0;
  if (GO_GOROUTINE.test(lines[0] ?? "")) first = 1;
  if (!GO_FILE_GO.test(lines[first + 1] ?? "") || !(GO_FUNC.test(lines[first] ?? "") || GO_BARE_FUNC.test(lines[first] ?? "")))
    return undefined;
  const frames = goFrames(lines, first);
  return frames.length > 0 ? { type: "error", message: "", frames, startLine: 0 } : undefined;
}

function goFrames(lines: string[], from: number): string[] {
  const frames: string[] = [];
  for (let i = from; i + 1 < lines.length && frames.length < MAX_FRAMES; i++) {
    const line = lines[i] ?? "";
    const fn = GO_FUNC.exec(line) ?? GO_BARE_FUNC.exec(line);
    const file = GO_FILE.exec(lines[i + 1] ?? "");
    if (!fn || !file) {
      if (line === "") break; // next goroutine
      continue;
    }
    i++;
    const name = fn[1] ?? "";
    // The panic machinery itself is the same for every panic; skip it.
    if (name === "panic" || name.startsWith("runtime.") || name.startsWith("runtime/")) continue;
    frames.push(formatFrame(name, file[1] ?? ""));
  }
  return frames;
}

// ---------------------------------------------------------------------------------------------
// JVM and Node share the "at …" frame lines. JVM: `\tat com.acme.Foo.bar(Foo.java:42)`.
// Node: `    at bar (/app/dist/foo.js:10:5)`, `    at /app/foo.js:1:2`, `    at async bar (file:///…)`.

const JVM_FRAME = /^\s+at ([\w$.<>/-]+)\(([^)]*)\)\s*$/;
const NODE_FRAME = /^\s+at (?:async )?(?:new )?(?:(.+?) \((.+)\)|(\S+))\s*$/;
/** .NET (`Exception.ToString()`, Serilog's `@x`): `   at Acme.Orders.OrderService.Get(Int32 id) in /src/OrderService.cs:line 42`. */
const DOTNET_FRAME = /^\s+at ([^\s()]+)\([^()]*\)(?: in (.+?):line \d+)?\s*$/;
const EXCEPTION_LINE =
  /^(?:Exception in thread "[^"]*" )?(?:Caused by: )?(?:Uncaught )?([A-Za-z_$][\w$.]*(?:Error|Exception|Throwable|Failure|Fault)|Error|[a-z][\w]*(?:\.[\w$]+)+)(?: \[[\w-]+\])?(?::\s?(.*))?$/;

function parseJvmOrNode(lines: string[]): LocatedStackTrace | undefined {
  const firstFrame = lines.findIndex((l) => JVM_FRAME.test(l) || NODE_FRAME.test(l) || DOTNET_FRAME.test(l));
  if (firstFrame < 1) return undefined;
  // The exception line is the nearest line above the frames that looks like one; messages can
  // span lines, so look back a few.
  let start = -1;
  let type = "";
  let message = "";
  for (let i = firstFrame - 1; i >= 0 && i >= firstFrame - 6; i--) {
    const m = EXCEPTION_LINE.exec((lines[i] ?? "").trim());
    if (m) {
      start = i;
      type = m[1] ?? "Error";
      message = m[2] ?? "";
      break;
    }
  }
  const recognized = start >= 0;
  if (!recognized) {
    // Frames without a recognizable exception line: keep them, the line above is the message.
    start = firstFrame - 1;
    type = "Error";
    message = lines[start] ?? "";
    if (message.trim() === "") return undefined;
  }
  const frames: string[] = [];
  for (let i = firstFrame; i < lines.length && frames.length < MAX_FRAMES; i++) {
    const line = lines[i] ?? "";
    const jvm = JVM_FRAME.exec(line);
    if (jvm) {
      frames.push(formatFrame(jvm[1] ?? "", (jvm[2] ?? "").split(":")[0] ?? ""));
      continue;
    }
    const dotnet = DOTNET_FRAME.exec(line);
    if (dotnet) {
      frames.push(formatFrame(dotnet[1] ?? "", dotnet[2] ?? ""));
      continue;
    }
    const node = NODE_FRAME.exec(line);
    if (node) {
      const fn = node[1] ?? "<anonymous>";
      const location = node[2] ?? node[3] ?? "";
      if (location.startsWith("node:internal") || location === "<anonymous>") continue;
      // V8's frame for a combinator's element: `at async Promise.all (index 7)`, the index of
      // the promise that failed, not a place in the code.
      if (/^index \d+$/.test(location)) {
        frames.push(formatFrame(fn, ""));
        continue;
      }
      frames.push(formatFrame(fn, stripPosition(location)));
      continue;
    }
    if (/^\s*\.\.\. \d+ more/.test(line) || /^\s*Caused by: /.test(line)) break;
  }
  if (!recognized && frames.length === 0) return undefined;
  return { type, message: boundMessage(message), frames, startLine: start };
}

// ---------------------------------------------------------------------------------------------

function stripPosition(location: string): string {
  return location.replace(/(?::\d+)+$/, "");
}

function basename(file: string): string {
  const clean = file.replace(/^file:\/\//, "").replace(/[?#].*$/, "");
  const slash = Math.max(clean.lastIndexOf("/"), clean.lastIndexOf("\\"));
  return slash >= 0 ? clean.slice(slash + 1) : clean;
}

function formatFrame(fn: string, file: string): string {
  const name = fn
    .trim()
    .replace(/\(0x[0-9a-f, .]*\)$/i, "") // Go arguments
    .replace(/\s+/g, " ")
    .slice(0, 200);
  const base = basename(file.trim());
  return base ? `${name} (${base})` : name;
}

function boundMessage(message: string): string {
  const trimmed = message.trim();
  return trimmed.length > MAX_MESSAGE_CHARS ? `${trimmed.slice(0, MAX_MESSAGE_CHARS)}…` : trimmed;
}
