/**
 * Counts per integer bucket key for one sign of a DDSketch, kept dense between the lowest and the
 * highest key seen and bounded to `binLimit` keys: when a new key would widen the range past the
 * limit, the lowest keys are folded into the lowest kept one (DDSketch's "collapsing lowest" store).
 *
 * Invariants (whenever `count > 0`):
 * - every count lies in [minKey, maxKey], maxKey - minKey < binLimit, and the bins at minKey and
 *   maxKey are non-zero;
 * - the state depends only on the multiset of keys added, not on their order: a key k ends up at
 *   max(k, maxKey - binLimit + 1), because that floor only ever rises. This is what makes merging
 *   two stores exactly equal to adding everything to one.
 */
const INITIAL_LENGTH = 8;
/** Shared by every empty store: it is never written, since the first add replaces it. */
const EMPTY = new Float64Array(0);

export class CollapsingStore {
  /** Key of counts[0]; the array may hold empty slack on either side of [minKey, maxKey]. */
  private offset = 0;
  private counts = EMPTY;
  /** An empty store has minKey > maxKey, so every key takes the `extend` path. */
  minKey = 0;
  maxKey = -1;
  count = 0;

  constructor(readonly binLimit: number) {}

  add(key: number, n: number): void {
    if (key < this.minKey || key > this.maxKey) key = this.extend(key);
    this.counts[key - this.offset]! += n;
    this.count += n;
  }

  /** Count in the bin of `key` (0 outside [minKey, maxKey]). */
  countAt(key: number): number {
    return key < this.minKey || key > this.maxKey ? 0 : this.counts[key - this.offset]!;
  }

  /** The key holding the value of 0-based rank `rank` in ascending key order; rank < count. */
  keyAtRank(rank: number): number {
    let seen = 0;
    for (let key = this.minKey; key < this.maxKey; key++) {
      seen += this.counts[key - this.offset]!;
      if (seen > rank) return key;
    }
    return this.maxKey;
  }

  /** The key holding the value of 0-based rank `rank` in descending key order; rank < count. */
  keyAtRankDescending(rank: number): number {
    let seen = 0;
    for (let key = this.maxKey; key > this.minKey; key--) {
      seen += this.counts[key - this.offset]!;
      if (seen > rank) return key;
    }
    return this.minKey;
  }

  merge(other: CollapsingStore): void {
    if (other === this) {
      this.counts = this.counts.map((c) => c * 2);
      this.count *= 2;
      return;
    }
    // Highest keys first: the range is widened upwards once, then lower keys fold or extend down.
    for (let key = other.maxKey; key >= other.minKey; key--) {
      const n = other.countAt(key);
      if (n > 0) this.add(key, n);
    }
  }

  /** The counts from minKey to maxKey (empty when the store is). */
  bins(): Float64Array {
    return this.counts.subarray(this.minKey - this.offset, this.maxKey - this.offset + 1);
  }

  /** Replaces the content with `bins` starting at key `minKey`; the caller validated the bins. */
  load(minKey: number, bins: readonly number[]): void {
    this.counts = Float64Array.from(bins);
    this.offset = minKey;
    this.minKey = minKey;
    this.maxKey = minKey + bins.length - 1;
    this.count = bins.reduce((sum, n) => sum + n, 0);
  }

  /** Makes room for `key` and returns the key whose bin now counts it (higher if it was folded). */
  private extend(key: number): number {
    if (this.count === 0) {
      const length = Math.min(INITIAL_LENGTH, this.binLimit);
      this.counts = new Float64Array(length);
      this.offset = key - (length >> 1);
      this.minKey = this.maxKey = key;
      return key;
    }
    const hi = Math.max(key, this.maxKey);
    const lo = Math.max(Math.min(key, this.minKey), hi - this.binLimit + 1);
    this.reshape(lo, hi);
    return Math.max(key, lo);
  }

  /** Sets the range to [lo, hi], folding bins below lo into lo and growing the array if needed. */
  private reshape(lo: number, hi: number): void {
    let folded = 0;
    for (let key = this.minKey; key < lo && key <= this.maxKey; key++) {
      folded += this.counts[key - this.offset]!;
      this.counts[key - this.offset] = 0;
    }
    if (lo < this.offset || hi >= this.offset + this.counts.length) {
      // A quarter of slack, split between both ends, keeps reallocations rare (the range must grow
      // by an eighth before the next) and memory within 1.25 times the range, capped by the limit.
      const range = hi - lo + 1;
      const length = Math.min(
        this.binLimit,
        Math.max(this.counts.length, range + (range >> 2) + INITIAL_LENGTH),
      );
      const offset = lo - ((length - range) >> 1);
      const next = new Float64Array(length);
      const keepLo = Math.max(lo, this.minKey);
      if (keepLo <= this.maxKey) {
        next.set(
          this.counts.subarray(keepLo - this.offset, this.maxKey - this.offset + 1),
          keepLo - offset,
        );
      }
      this.counts = next;
      this.offset = offset;
    }
    this.counts[lo - this.offset]! += folded;
    this.minKey = lo;
    this.maxKey = hi;
  }
}
