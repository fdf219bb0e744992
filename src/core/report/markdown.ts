/**
 * Putting untrusted text (anything that came from a log) into markdown that GitHub renders.
 * A log line must not be able to inject HTML, break out of a code fence, break a table, ping
 * someone (@user, @org/team) or link an issue (#123, owner/repo#123, GH-123).
 *
 *   escapeText(s)   for prose: HTML and markdown characters escaped, mentions and refs defused
 *   codeSpan(s)     `s` inline, on one line, with a backtick run longer than any inside
 *   fence(s, lang)  a fenced block whose backtick run is longer than any inside
 *   tableCell(s)    any of the above, with pipes escaped so the row holds
 */

/** Zero-width space: splits "@name" and "#123" so GitHub doesn't link or notify. */
const ZWSP = "\u200b";

/** Collapses newlines and other control characters to single spaces. */
export function oneLine(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ")
      .replace(/ {2,}/g, " ")
      .trim()
  );
}

/** Prose-safe text on one line. */
export function escapeText(text: string): string {
  return oneLine(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_[\]|~])/g, "\\$1")
    .replace(/@(?=[A-Za-z0-9_-])/g, `@${ZWSP}`)
    .replace(/#(?=\d)/g, `#${ZWSP}`)
    .replace(/\b(GH)-(?=\d)/gi, `$1-${ZWSP}`)
    .replace(/:\/\//g, `:${ZWSP}//`) // no autolinked URLs from logs
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${ZWSP}.`);
}

function longestRun(text: string, ch: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === ch ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

/**
 * Inline code. Code spans show their content literally (no HTML, no mentions, no links), so
 * only the backticks and line breaks need care. Empty text shows as `""`.
 */
export function codeSpan(text: string): string {
  const t = oneLine(text);
  if (t === "") return '`""`';
  const ticks = "`".repeat(longestRun(t, "`") + 1);
  const pad = t.startsWith("`") || t.endsWith("`") ? " " : "";
  return `${ticks}${pad}${t}${pad}${ticks}`;
}

/** A fenced code block; the fence is longer than any backtick run in the content. */
export function fence(content: string, lang = ""): string {
  const ticks = "`".repeat(Math.max(3, longestRun(content, "`") + 1));
  const body = content.endsWith("\n") ? content : `${content}\n`;
  return `${ticks}${lang}\n${body}${ticks}`;
}

/** Makes already-rendered inline markdown (text or code spans) safe inside a table cell. */
export function tableCell(markdown: string): string {
  // GFM splits rows on unescaped pipes even inside code spans; "\|" holds in both.
  return oneLine(markdown)
    .replace(/(^|[^\\])\|/g, "$1\\|")
    .replace(/(^|[^\\])\|/g, "$1\\|");
}

/** Shortens text to at most `max` characters, ending in "…" when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join("")}…`;
}

/** A link to a URL we built ourselves; the destination is wrapped in <> with <, >, spaces encoded. */
export function link(label: string, url: string): string {
  const safe = url.replace(/[<>\s]/g, (c) => encodeURIComponent(c));
  return `[${label}](<${safe}>)`;
}
