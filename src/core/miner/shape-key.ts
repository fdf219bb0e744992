/**
 * A quick key for the shape lookup, computed in one pass over the characters with no
 * allocation. Two lines with the same key mask to the same shape: the key keeps every
 * character except the inside of words that hold a digit (letters, digits, `_`, `-`), which
 * masking turns into `<*>` whatever they are. For such a word the key keeps only what masking
 * looks at: whether it is all digits (and then its length up to 5), and whether it is ASCII
 * and fit for a host name. So the key may tell apart lines that mask the same (a lookup miss:
 * the full masking runs once more), but never the other way round.
 *
 * Only valid for the built-in masks; with user masks the miner always masks in full.
 * Two 32-bit hashes (FNV-1a and a polynomial one) make a 53-bit key; a collision needs ~10^8 distinct shapes to be likely.
 */
import { MAX_TOKENS } from "./tokenize";

const WORD = 1;
const DIGIT = 2;
const HOST = 4; // A-Z a-z 0-9 -
const CLASS = new Uint8Array(128);
(function fill(): void {
  for (let c = 48; c <= 57; c++) CLASS[c] = WORD | DIGIT | HOST;
  for (let c = 65; c <= 90; c++) CLASS[c] = WORD | HOST;
  for (let c = 97; c <= 122; c++) CLASS[c] = WORD | HOST;
  CLASS[95] = WORD; // _
  CLASS[45] = WORD | HOST; // -
})();

const TOKEN_START = 0x10000;
const NUMBER = 0x20000; // + length (1..5)
const DIGIT_WORD = 0x30000; // + 1 host-safe + 2 ASCII

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

/** Key of a head line (see tokenize.headLine). */
export function shapeKey(line: string): number {
  let h1 = 0x811c9dc5 | 0;
  let h2 = 0x9747b28c | 0;
  const n = line.length;
  let tokens = 0;
  let i = 0;
  while (i < n) {
    let c = line.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (tokens === MAX_TOKENS) break;
    tokens++;
    h1 = Math.imul(h1 ^ TOKEN_START, 0x01000193);
    h2 = (Math.imul(h2, 31) + TOKEN_START) | 0;
    while (i < n) {
      c = line.charCodeAt(i);
      if (isSpace(c)) break;
      const cls = c < 128 ? CLASS[c]! : WORD;
      if (!(cls & WORD)) {
        h1 = Math.imul(h1 ^ c, 0x01000193);
        h2 = (Math.imul(h2, 31) + c) | 0;
        i++;
        continue;
      }
      // A word: hash it on the side until we know whether it holds a digit.
      const start = i;
      let w1 = h1;
      let w2 = h2;
      let flags = HOST | DIGIT | 8; // 8: ASCII; DIGIT here means "all digits so far"
      let digits = false;
      for (; i < n; i++) {
        const d = line.charCodeAt(i);
        const k = d < 128 ? CLASS[d]! : WORD;
        if (!(k & WORD)) break;
        if (k & DIGIT) digits = true;
        flags &= (k & (HOST | DIGIT)) | (d < 128 ? 8 : 0) | WORD;
        w1 = Math.imul(w1 ^ d, 0x01000193);
        w2 = (Math.imul(w2, 31) + d) | 0;
      }
      let code: number;
      if (!digits) {
        h1 = w1;
        h2 = w2;
        continue;
      } else if (flags & DIGIT) code = NUMBER + Math.min(i - start, 5);
      else code = DIGIT_WORD + (flags & HOST ? 1 : 0) + (flags & 8 ? 2 : 0);
      h1 = Math.imul(h1 ^ code, 0x01000193);
      h2 = (Math.imul(h2, 31) + code) | 0;
    }
  }
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
}
