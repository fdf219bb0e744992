/**
 * Text that goes to GitHub. Log lines are untrusted: they may carry secrets, `@someone`,
 * `#123`, "fixes #1", raw HTML or markdown images. Everything from a log line passes through
 * here before it is sent, so it cannot leak a secret, ping a person, link or close an issue by
 * accident, or inject markup; and every body fits GitHub's 65,536-character limit.
 *
 * Two ways to embed untrusted text:
 *  - `renderInline` for prose, titles and table cells: redacted, one line, references broken
 *    with a zero-width joiner, markdown and HTML escaped;
 *  - `renderFence` for samples and templates: redacted, inside a code block whose fence is
 *    longer than any backtick run in the text (GitHub links nothing inside code).
 */

import { buildRedactor } from "../redact/redact";

/** GitHub rejects bodies over 65,536 characters; we stop well short of it. */
export const GITHUB_BODY_LIMIT = 65_536;
export const DEFAULT_BODY_CAP = 60_000;
export const GITHUB_TITLE_LIMIT = 256;
export const GITHUB_LABEL_LIMIT = 50;

/** U+2060 WORD JOINER: invisible, breaks GitHub's autolinking of mentions and references. */
const WJ = "\u2060";

/**
 * Defense in depth: normalization already masks secrets in entries; this catches what reaches
 * the GitHub edge anyway (a template or a variable value that kept one). It is the same
 * redactor as everywhere else (core/redact.ts), so one list of kinds is kept and tested, and
 * text that was already redacted passes unchanged.
 */
const defaultRedactor = buildRedactor();

/** Masks credentials: tokens, keys, passwords in key=value or JSON, userinfo in URLs. */
export function redactSecrets(text: string): string {
  return defaultRedactor(text);
}

/**
 * Breaks everything GitHub would turn into a notification, a cross-reference or a state
 * change: `@user`, `@org/team`, `#123`, `GH-123`, `owner/repo#123`, issue and pull URLs, and
 * closing keywords in front of any of them.
 */
export function neutralizeReferences(text: string): string {
  return (
    text
      // closing keywords in front of a reference: "fixes #1", "Closes: o/r#2", "resolved GH-3"
      .replace(
        /\b(clos(?:e|es|ed)|fix(?:es|ed)?|resolv(?:e|es|ed))(?=:?\s+(?:[\w.-]+\/[\w.-]+)?(?:#\d|GH-\d|https?:\/\/))/gi,
        (m) => `${m.slice(0, 2)}${WJ}${m.slice(2)}`,
      )
      // owner/repo#123 and #123
      .replace(/#(\d)/g, `#${WJ}$1`)
      // GH-123
      .replace(/\b(GH)-(\d)/gi, `$1-${WJ}$2`)
      // @user, @org/team (not e-mail addresses: those have a word character before the @)
      .replace(/(^|[^\w])@([A-Za-z0-9])/g, `$1@${WJ}$2`)
      // https://github.com/o/r/issues/1, /pull/1, /discussions/1: no backlink
      .replace(/(\/(?:issues|pull|pulls|discussions|commit))\/(\w)/gi, `$1/${WJ}$2`)
  );
}

/** Stops bare URLs and www. names from being autolinked. */
function neutralizeAutolinks(text: string): string {
  return text.replace(/:\/\//g, `:${WJ}//`).replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${WJ}.`);
}

/** Escapes what markdown or HTML would interpret: tags, entities, links, images, emphasis. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_[\]()!|~])/g, "\\$1")
    .replace(/^(\s*)([#+=-])/g, "$1\\$2");
}

/** Collapses whitespace (incl. newlines) to single spaces and trims. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Shortens to `max` characters with an ellipsis; never splits a surrogate pair. */
export function shorten(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join("")}…`;
}

/**
 * Untrusted text for prose, table cells and lists: redacted, on one line, shortened, with
 * references broken and markdown and HTML escaped.
 */
export function renderInline(text: string, max = 300): string {
  return escapeMarkdown(neutralizeAutolinks(neutralizeReferences(shorten(oneLine(redactSecrets(text)), max))));
}

/**
 * Untrusted text as an inline code span: redacted, one line, shortened. Inside code GitHub
 * neither links nor renders, so only backticks need care.
 */
export function renderCode(text: string, max = 300): string {
  const body = shorten(oneLine(redactSecrets(text)), max);
  const longest = Math.max(0, ...Array.from(body.matchAll(/`+/g), (m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  const pad = body.startsWith("`") || body.endsWith("`") ? " " : "";
  return `${ticks}${pad}${body}${pad}${ticks}`;
}

/**
 * Untrusted text for an issue title: redacted, one line, references broken, shortened to
 * `max` (GitHub's limit is 256). Titles are plain text; tag-like `<x` is broken all the same.
 */
export function renderTitle(text: string, max = 120): string {
  const text1 = neutralizeReferences(oneLine(redactSecrets(text))).replace(/<([A-Za-z/!?])/g, `<${WJ}$1`);
  return shorten(text1, Math.min(max, GITHUB_TITLE_LIMIT));
}

/** A label name GitHub accepts: one line, at most 50 characters. */
export function renderLabel(text: string): string {
  return shorten(oneLine(text).replace(/,/g, " "), GITHUB_LABEL_LIMIT);
}

/**
 * A fenced code block around untrusted text, redacted. The fence is longer than any run of
 * backticks inside, so the text cannot close it; `lang` is restricted to [a-z0-9-].
 */
export function renderFence(text: string, lang = "text", maxChars = 4_000): string {
  const body = shorten(redactSecrets(text).replace(/\r\n?/g, "\n"), maxChars);
  const longest = Math.max(0, ...Array.from(body.matchAll(/`{3,}/g), (m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${lang.replace(/[^a-z0-9-]/gi, "")}\n${body}\n${fence}`;
}

/**
 * Cuts a markdown body to `cap` characters (UTF-16 units, as GitHub counts) at a line boundary,
 * closes a code block left open, and says what was cut. `keepTail`, if given, is always kept
 * whole at the end (e.g. the "latest occurrences" section). Bodies under the cap are returned
 * unchanged.
 */
export function capBody(body: string, cap = DEFAULT_BODY_CAP, keepTail = ""): string {
  if (body.length + keepTail.length <= cap) return body + keepTail;
  const room = Math.max(0, cap - keepTail.length - 200);
  let head = body.slice(0, room);
  const lastNewline = head.lastIndexOf("\n");
  if (lastNewline > 0) head = head.slice(0, lastNewline);
  // Never leave half a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  const openFence = openFenceAt(head);
  const cut = body.length - head.length;
  const note = `\n\n_Log Gardener cut ${cut.toLocaleString("en-US")} characters here to stay under GitHub's ${GITHUB_BODY_LIMIT.toLocaleString("en-US")}-character limit._\n`;
  return `${head}${openFence ? `\n${openFence}` : ""}${note}${keepTail}`.slice(0, cap);
}

/** The fence that is still open at the end of `markdown`, or undefined. */
export function openFenceAt(markdown: string): string | undefined {
  let open: string | undefined;
  for (const line of markdown.split("\n")) {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (!m) continue;
    const run = m[1]!;
    if (open === undefined) open = run;
    else if (run[0] === open[0] && run.length >= open.length && line.trim() === run) open = undefined;
  }
  return open;
}
