// Relative links in markdown, checked the way GitHub renders them: a link names a file or
// folder of the repository, optionally with a #heading, or a heading of the same page. Links
// inside code (fenced blocks, `spans`) are text, not links, and URLs with a scheme are not
// checked.
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export interface DocLink {
  /** The page the link is on, relative to the repository root. */
  readonly from: string;
  readonly line: number;
  readonly target: string;
}

/** For each line of a page, whether it belongs to a fenced code block (fences included). */
export function inCodeBlock(lines: readonly string[]): boolean[] {
  let fence: string | undefined;
  return lines.map((line) => {
    const mark = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined) {
      if (mark) fence = mark;
      return mark !== undefined;
    }
    if (mark && mark[0] === fence[0] && mark.length >= fence.length && line.trim() === mark) fence = undefined;
    return true;
  });
}

/** The text of a page with code blocks and code spans blanked (lines are kept, for numbers). */
export function withoutCode(markdown: string): string {
  const lines = markdown.split("\n");
  const code = inCodeBlock(lines);
  return lines.map((line, i) => (code[i] ? "" : line.replace(/(`+)[\s\S]*?\1/g, ""))).join("\n");
}

/** Every inline link `[text](target)` and reference definition `[id]: target` of a page. */
export function linksOf(from: string, markdown: string): DocLink[] {
  const links: DocLink[] = [];
  withoutCode(markdown)
    .split("\n")
    .forEach((line, i) => {
      for (const m of line.matchAll(/\]\(\s*(?:<([^>]*)>|([^)\s]*))(?:\s+"[^"]*")?\s*\)/g))
        links.push({ from, line: i + 1, target: m[1] ?? m[2] ?? "" });
      const ref = /^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/.exec(line);
      if (ref) links.push({ from, line: i + 1, target: ref[1] ?? "" });
    });
  return links;
}

/** GitHub's anchor for a heading's text: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // a link's text
    .replace(/<[^>]+>/g, "")
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\p{M}\- _]/gu, "").replace(/ /g, "-");
}

/** The anchors of a page's headings, with -1, -2… on repeats as GitHub adds them. */
export function anchorsOf(markdown: string): Set<string> {
  const lines = markdown.split("\n");
  const code = inCodeBlock(lines);
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  lines.forEach((line, i) => {
    const m = code[i] ? null : /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (!m) return;
    const base = slug(m[1] ?? "");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  });
  return anchors;
}

/**
 * What is wrong with one link, or undefined when it resolves. `root` is the repository;
 * `pending` lists pages (relative to root) that may be missing because they are being written
 * elsewhere: a link to one of them without a #heading is accepted while it does not exist.
 */
export function brokenLink(root: string, link: DocLink, pending: ReadonlySet<string> = new Set()): string | undefined {
  const { target } = link;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) return undefined;
  const hash = target.indexOf("#");
  const filePart = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
  const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
  if (filePart.startsWith("/"))
    return `${target}: links relative to the repository root do not work on every renderer; use a path relative to ${link.from}`;
  const file = filePart === "" ? path.join(root, link.from) : path.resolve(path.dirname(path.join(root, link.from)), filePart);
  const relative = path.relative(root, file).split(path.sep).join("/");
  if (relative.startsWith("..")) return `${target}: points outside the repository`;
  if (!existsSync(file)) {
    if (pending.has(relative) && anchor === undefined) return undefined;
    return `${target}: no such file or folder (${relative})`;
  }
  if (anchor === undefined || anchor === "") return undefined;
  if (statSync(file).isDirectory() || !file.endsWith(".md")) return `${target}: #${anchor} on something that is not a markdown page`;
  if (!anchorsOf(readFileSync(file, "utf8")).has(anchor)) return `${target}: ${relative} has no heading #${anchor}`;
  return undefined;
}
