/**
 * Two 32-bit FNV-1a-style hashes of a string in one pass: the first is plain FNV-1a, the second
 * uses another multiplier and a shift so the pair behaves like a 64-bit hash. Pure; not for
 * anything adversarial. Callers format the pair (miner ids, de-duplication keys, entry keys);
 * those formats are contracts, so this function must not change.
 */
export function fnvPair(text: string): { readonly a: number; readonly b: number } {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return { a: a >>> 0, b: b >>> 0 };
}

/** fnvPair's two halves folded into a 52-bit integer (exact in a double): de-duplication keys. */
export function hash52(text: string): number {
  const { a, b } = fnvPair(text);
  return a * 0x100000 + (b & 0xfffff);
}
