/**
 * A quick key for the shape lookup, computed in one pass over the characters with no
 * allocation. Two messages with the same key mask to the same shape: the key keeps every
 * character of the head line (see tokenize.ts) except the inside of words that hold a digit
 * (letters, digits, `_`, `-`), which masking turns into `<*>` whatever they are. For such a
 * word the key keeps only what masking looks at: whether it is all digits (and then its length
 * up to 5), and whether it is ASCII and fit for a host name. So the key may tell apart messages
 * that mask the same (a lookup miss: the full masking runs once more), never the other way.
 *
 * Only valid for the built-in masks; with user masks the miner always masks in full.
 * Two 32-bit hashes (FNV-1a and a polynomial one) make a 53-bit key; a collision needs ~10^8
 * distinct shapes to become likely.
 */
import { MAX_CHARS, MAX_TOKENS } from "./tokenize";

const WORD = 1;
const DIGIT = 2;
const HOST = 4; // A-Z a-z 0-9 -
const ASCII = 8;
const SPACE = 16; // space, \t, \r, \v, \f (not \n)
const NEWLINE = 32;
const CLASS = new Uint8Array(128);
(function fill(): void {
  for (let c = 0; c < 128; c++) CLASS[c] = ASCII;
  for (let c = 48; c <= 57; c++) CLASS[c]! |= WORD | DIGIT | HOST;
  for (let c = 65; c <= 90; c++) CLASS[c]! |= WORD | HOST;
  for (let c = 97; c <= 122; c++) CLASS[c]! |= WORD | HOST;
  CLASS[95]! |= WORD; // _
  CLASS[45]! |= WORD | HOST; // -
  for (const c of [32, 9, 13, 11, 12]) CLASS[c]! |= SPACE;
  CLASS[10]! |= NEWLINE;
})();

const TOKEN_START = 0x10000;
const NUMBER = 0x20000; // + length (1..5)
const DIGIT_WORD = 0x30000; // + 1 host-safe + 2 ASCII

/** Key of a message (its head line, as tokenize.headLine cuts it). */
export function shapeKey(message: string): number {
  let h1 = 0x811c9dc5 | 0;
  let h2 = 0x9747b28c | 0;
  let n = message.length;
  let lineStart = 0;
  let tokens = 0;
  let i = 0;
  let capped = false;
  while (i < n) {
    const c = message.charCodeAt(i);
    const cls = c < 128 ? CLASS[c]! : WORD;
    if (cls & (SPACE | NEWLINE)) {
      if (cls & NEWLINE) {
        if (tokens > 0) break; // the head line ends here
        lineStart = i + 1;
      }
      i++;
      continue;
    }
    if (!capped) {
      // The head line starts at lineStart: cut it to MAX_CHARS.
      capped = true;
      if (n > lineStart + MAX_CHARS) n = lineStart + MAX_CHARS;
    }
    if (tokens === MAX_TOKENS) break;
    tokens++;
    h1 = Math.imul(h1 ^ TOKEN_START, 0x01000193);
    h2 = (Math.imul(h2, 31) + TOKEN_START) | 0;
    while (i < n) {
      const d = message.charCodeAt(i);
      const k = d < 128 ? CLASS[d]! : WORD;
      if (k & (SPACE | NEWLINE)) break;
      if (!(k & WORD)) {
        h1 = Math.imul(h1 ^ d, 0x01000193);
        h2 = (Math.imul(h2, 31) + d) | 0;
        i++;
        continue;
      }
      // A word: hash it on the side until we know whether it holds a digit.
      const start = i;
      let w1 = h1;
      let w2 = h2;
      let all = HOST | DIGIT | ASCII; // what every character of the word is
      let digits = false;
      for (; i < n; i++) {
        const e = message.charCodeAt(i);
        const m = e < 128 ? CLASS[e]! : WORD;
        if (!(m & WORD)) break;
        if (m & DIGIT) digits = true;
        all &= m;
        w1 = Math.imul(w1 ^ e, 0x01000193);
        w2 = (Math.imul(w2, 31) + e) | 0;
      }
      if (!digits) {
        h1 = w1;
        h2 = w2;
        continue;
      }
      const code = all & DIGIT ? NUMBER + Math.min(i - start, 5) : DIGIT_WORD + (all & HOST ? 1 : 0) + (all & ASCII ? 2 : 0);
      h1 = Math.imul(h1 ^ code, 0x01000193);
      h2 = (Math.imul(h2, 31) + code) | 0;
    }
  }
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
}
