/**
 * How a message is cut into tokens before masking. Only the first line counts: a stack trace
 * or a dumped payload below it does not shape the template. Messages are capped so a huge one
 * costs no more than a normal one.
 */
export const MAX_CHARS = 2048;
export const MAX_TOKENS = 200;

/** The part of a message the miner looks at: its first non-blank line, at most MAX_CHARS. Blank: only spaces, \t, \r, \v, \f. */
export function headLine(message: string): string {
  let start = 0;
  const n = message.length;
  for (;;) {
    let end = message.indexOf("\n", start);
    if (end < 0) end = n;
    for (let i = start; i < end; i++) {
      if (!isSpace(message.charCodeAt(i))) {
        const line = end - start > MAX_CHARS ? message.slice(start, start + MAX_CHARS) : message.slice(start, end);
        return line;
      }
    }
    if (end >= n) return "";
    start = end + 1;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

/** Splits on runs of whitespace; at most MAX_TOKENS tokens. */
export function splitTokens(line: string): string[] {
  const tokens: string[] = [];
  const n = line.length;
  let i = 0;
  while (i < n && tokens.length < MAX_TOKENS) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isSpace(line.charCodeAt(i))) i++;
    tokens.push(line.slice(start, i));
  }
  return tokens;
}
