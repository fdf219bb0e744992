/**
 * Drops entries delivered twice (same insertId + logName + timestamp). Memory is bounded and
 * small: each key is kept as a 52-bit hash (a number, not the string), in two generations of
 * at most `capacity` each; the older generation is dropped when the newer fills up. Cloud
 * Logging returns entries in timestamp order and redeliveries sit next to the original, so a
 * window of recent keys catches them; in a file export, copies further apart than 2 ×
 * capacity entries are not compared (stated in the README). Two different keys share a hash
 * with a probability of about n²/2⁵³ (about 1 in 200,000 runs at 200,000 keys); such an entry would be
 * counted as a duplicate, never silently lost.
 */
export class RecentKeys {
  private current = new Set<number>();
  private previous = new Set<number>();

  constructor(private readonly capacity = 100_000) {}

  /** True if the key was seen recently; records it otherwise. */
  seen(key: string): boolean {
    const h = hash52(key);
    if (this.current.has(h) || this.previous.has(h)) return true;
    if (this.current.size >= this.capacity) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(h);
    return false;
  }
}

/** Two 32-bit FNV-1a hashes with different offsets, folded into a 52-bit integer. */
export function hash52(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 0) * 0x100000 + ((b >>> 0) & 0xfffff);
}
