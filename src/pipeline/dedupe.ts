/**
 * Drops entries delivered twice (same insertId + logName + timestamp). Memory is bounded and
 * small: each key is kept as a 52-bit hash (a number, not the string), in two generations of
 * at most `capacity` each; the older generation is dropped when the newer fills up. Cloud
 * Logging returns entries in timestamp order and redeliveries sit next to the original, so a
 * window of recent keys catches them; in a file export, copies further apart than 2 ×
 * capacity entries are not compared (README.md says so, under "What a run does"). Two different keys share a hash
 * with a probability of about n²/2⁵³ (about 1 in 200,000 runs at 200,000 keys); such an entry would be
 * counted as a duplicate, never silently lost.
 */
export class RecentKeys {
  private current: HashSet52;
  private previous: HashSet52;

  constructor(private readonly capacity = 100_000) {
    this.current = new HashSet52(capacity);
    this.previous = new HashSet52(capacity);
  }

  /** True if the key (its hash52, NormalizedEntry.keyHash) was seen recently; records it otherwise. */
  seen(h: number): boolean {
    if (this.current.has(h) || this.previous.has(h)) return true;
    if (this.current.size >= this.capacity) {
      const emptied = this.previous;
      emptied.clear();
      this.previous = this.current;
      this.current = emptied;
    }
    this.current.add(h);
    return false;
  }
}

/**
 * A set of 52-bit integers in one Float64Array, open addressing with linear probing, at most
 * half full: no allocation per key (a Set<number> boxes each such number and rehashes as it
 * grows, which at a million entries is a visible part of the run's garbage collection).
 */
class HashSet52 {
  private readonly slots: Float64Array;
  private readonly mask: number;
  size = 0;

  constructor(capacity: number) {
    let length = 16;
    while (length < capacity * 2) length *= 2;
    this.slots = new Float64Array(length);
    this.mask = length - 1;
  }

  has(h: number): boolean {
    const v = h + 1; // 0 marks an empty slot
    for (let i = (h ^ (h / 0x100000000)) & this.mask; ; i = (i + 1) & this.mask) {
      const s = this.slots[i]!;
      if (s === v) return true;
      if (s === 0) return false;
    }
  }

  /** Adds a key known to be absent. */
  add(h: number): void {
    const v = h + 1;
    let i = (h ^ (h / 0x100000000)) & this.mask;
    while (this.slots[i] !== 0) i = (i + 1) & this.mask;
    this.slots[i] = v;
    this.size++;
  }

  clear(): void {
    if (this.size === 0) return;
    this.slots.fill(0);
    this.size = 0;
  }
}
