/**
 * Checks that rendered markdown (worklogs, issue bodies, comments) is well-formed and that text
 * from logs did not get out of its escaping: fences all close (CommonMark rules: a fence closes
 * on a line of at least as many of the same character), and outside code there is no raw HTML
 * tag from input, no live @mention and no live issue reference.
 */

export interface MarkdownProblem {
  readonly line: number;
  readonly problem: string;
  readonly text: string;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** Splits markdown into the lines outside fenced code blocks; reports fences left open. */
function outsideFences(markdown: string, problems: MarkdownProblem[]): { line: number; text: string }[] {
  const lines = markdown.split("\n");
  const out: { line: number; text: string }[] = [];
  let open: { char: string; length: number; line: number } | undefined;
  lines.forEach((text, i) => {
    const m = FENCE.exec(text);
    if (open) {
      if (m && m[1]![0] === open.char && m[1]!.length >= open.length && m[2]!.trim() === "") open = undefined;
      return;
    }
    if (m && !(m[1]![0] === "`" && m[2]!.includes("`"))) {
      open = { char: m[1]![0]!, length: m[1]!.length, line: i + 1 };
      return;
    }
    out.push({ line: i + 1, text });
  });
  if (open)
    problems.push({
      line: open.line,
      problem: `unclosed ${open.char.repeat(open.length)} fence`,
      text: lines[open.line - 1]!.slice(0, 120),
    });
  return out;
}

/** Removes inline code spans (a backtick run up to the next run of the same length). */
export function withoutCodeSpans(line: string): string {
  let out = "";
  let i = 0;
  while (i < line.length) {
    if (line[i] !== "`") {
      out += line[i];
      i++;
      continue;
    }
    let n = 0;
    while (line[i + n] === "`") n++;
    const run = "`".repeat(n);
    let j = i + n;
    let close = -1;
    while (j < line.length) {
      const k = line.indexOf(run, j);
      if (k < 0) break;
      if (line[k + n] !== "`" && (k === 0 || line[k - 1] !== "`")) {
        close = k;
        break;
      }
      j = k + 1;
      while (line[j] === "`") j++;
    }
    if (close < 0) {
      out += run; // an unmatched run is literal text
      i += n;
    } else {
      out += " ";
      i = close + n;
    }
  }
  return out;
}

/** Our own HTML and links: comments (issue markers) and link destinations, which show no text. */
function withoutOwnHtml(text: string): string {
  return text
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/\]\(<[^<>\s]*>\)/g, "]()")
    .replace(/\]\([^()\s]*\)/g, "]()");
}

const CHECKS: readonly { problem: string; pattern: RegExp }[] = [
  {
    problem: "raw HTML tag",
    pattern: /<\/?(?:script|img|a|iframe|svg|style|details|div|span|table|input|form|object|embed|meta|link)(?=[\s/>])/i,
  },
  { problem: "live @mention", pattern: /(?<![\w`@.\\])@[A-Za-z0-9][\w-]*(?:\/[\w-]+)?/ },
  { problem: "live issue reference", pattern: /(?<![\w&\\])(?:[\w.-]+\/[\w.-]+)?#\d+\b/ },
  { problem: "live GH- reference", pattern: /(?<![\w-])GH-\d+\b/i },
];

/**
 * Problems with untrusted text in `markdown`. `ownRefs` are references the job itself wrote
 * (issue numbers it published), which are allowed outside code; `ownLines` are lines of the
 * template itself (the priority appendix's `<details>`), taken from a rendering of benign input.
 */
export function checkMarkdown(
  markdown: string,
  ownRefs: readonly string[] = [],
  ownLines: ReadonlySet<string> = new Set(),
): MarkdownProblem[] {
  const problems: MarkdownProblem[] = [];
  for (const { line, text } of outsideFences(markdown, problems)) {
    if (ownLines.has(text)) continue;
    let prose = withoutOwnHtml(withoutCodeSpans(text));
    for (const ref of ownRefs) prose = prose.split(ref).join(" ");
    for (const { problem, pattern } of CHECKS) {
      const m = pattern.exec(prose);
      if (m) problems.push({ line, problem: `${problem} ${JSON.stringify(m[0])}`, text: text.slice(0, 600) });
    }
  }
  return problems;
}
