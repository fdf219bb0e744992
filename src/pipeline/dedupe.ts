/**
 * Drops entries delivered twice (same insertId + logName + timestamp). Memory is bounded: keys
 * are kept in two generations of at most `capacity` each, and the older generation is dropped
 * when the newer fills up. Cloud Logging returns entries in timestamp order and redeliveries
 * sit next to the original, so a window of recent keys catches them; for a file export, keys
 * further apart than 2 × capacity entries are not compared (stated in the README).
 */
export class RecentKeys {
  private current = new Set<string>();
  private previous = new Set<string>();

  constructor(private readonly capacity = 200_000) {}

  /** True if the key was seen recently; records it otherwise. */
  seen(key: string): boolean {
    if (this.current.has(key) || this.previous.has(key)) return true;
    if (this.current.size >= this.capacity) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(key);
    return false;
  }
}
