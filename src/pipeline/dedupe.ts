import { fnvPair } from "../core/hash";

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

/** The two 32-bit halves of fnvPair folded into a 52-bit integer (exact in a double). */
export function hash52(text: string): number {
  const { a, b } = fnvPair(text);
  return a * 0x100000 + (b & 0xfffff);
}
