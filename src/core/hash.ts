// The two lanes of the hash in progress. fnvPair feeds them one text; hash52Joined feeds its
// parts in turn, so no joined string is built.
let laneA = 0;
let laneB = 0;
function start(): void {
  laneA = 0x811c9dc5;
  laneB = 0x01000193 ^ 0x5bd1e995;
}
function feed(text: string): void {
  let a = laneA;
  let b = laneB;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  laneA = a;
  laneB = b;
}

/**
 * Two 32-bit FNV-1a-style hashes of a string in one pass: the first is plain FNV-1a, the second
 * uses another multiplier and a shift so the pair behaves like a 64-bit hash. Pure and fast; not
 * for anything adversarial. Callers format the pair (miner ids, de-duplication keys, entry
 * keys); those formats are contracts, so this function must not change.
 */
export function fnvPair(text: string): { readonly a: number; readonly b: number } {
  start();
  feed(text);
  return { a: laneA >>> 0, b: laneB >>> 0 };
}

/** fnvPair's two halves folded into a 52-bit integer (exact in a double): de-duplication keys. */
export function hash52(text: string): number {
  const { a, b } = fnvPair(text);
  return a * 0x100000 + (b & 0xfffff);
}

/**
 * hash52 of `${a}${separator}${b}${separator}${c}`, without building that string: hashing a
 * concatenation first flattens it, a copy per entry that cost more than the hashing itself.
 */
export function hash52Joined(a: string, b: string, c: string, separator: string): number {
  start();
  feed(a);
  feed(separator);
  feed(b);
  feed(separator);
  feed(c);
  return (laneA >>> 0) * 0x100000 + ((laneB >>> 0) & 0xfffff);
}
