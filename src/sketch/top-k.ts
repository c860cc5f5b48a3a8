/**
 * Space-saving heavy hitters (Metwally, Agrawal, El Abbadi, ICDT 2005) with `capacity` counters in
 * a map plus a min-heap by count, so `add` is O(log capacity).
 *
 * Guarantee (a stream of total weight N, counters full): every reported count overestimates the
 * true count by at most the smallest counter, which is at most N / capacity, and never
 * underestimates it; any value whose true count exceeds N / capacity is reported.
 *
 * Merge (Cafaro, Pulimeno, Tempesta 2016, "parallel space saving"): for each value monitored by
 * either side, sum its counts, taking for the side that does not monitor it that side's smallest
 * counter when it is full (the most it can have counted there unmonitored) and 0 otherwise; then
 * keep the `capacity` largest. Every kept count is still an upper bound, off by at most the sides'
 * smallest counters (<= N_a / capacity + N_b / capacity), and the kept counts sum to at most
 * N_a + N_b, so the guarantee above holds for the combined stream and survives further adds and
 * merges. Both sides must have the same capacity.
 *
 * Values are distinct by type and value (1, '1' and true are three values; 0 and -0 are one, and
 * so are all NaNs). `top` breaks ties in count by `compareValues` (numbers, then strings, then
 * booleans). Eviction breaks them by age instead: among the smallest counters the one that started
 * monitoring its value last goes first, since its count is mostly inherited error. (An integer
 * comparison: comparing values there cost about half the time of `add` on string streams.)
 *
 * Serialization (version 2) lists the counters in keep order (count descending, then oldest first)
 * and gives each its age: its rank among all counters by when it started monitoring its value. A
 * restored sketch therefore holds the same counters in the same age order as the original, and
 * behaves identically under any further `add`, `merge`, `top` and `serialize`. Version 1 (written
 * before ages were recorded) is still read: its counters are aged by their position in keep order,
 * which is the true age order among equal counts only, so a sketch restored from version 1 may later
 * evict differently from the original once counters that differed in count come to tie.
 */
import type { SketchValue } from './hash.ts';
import { SketchError } from './sketch-error.ts';
import { isRecord } from './validate.ts';
import { compareValues } from './value-order.ts';

interface Counter {
  value: SketchValue;
  count: number;
  /** When this counter started monitoring `value`: a larger `since` is evicted first among ties. */
  since: number;
  /** Position in `heap`. */
  at: number;
}

export interface TopKEntry {
  value: SketchValue;
  count: number;
}

/** A counter as serialized or loaded: its `since` orders it by age among the loaded counters. */
interface AgedEntry extends TopKEntry {
  since: number;
}

export class TopK {
  readonly capacity: number;
  private readonly counters = new Map<SketchValue, Counter>();
  /** Min-heap in `evictsBefore` order: the root is the counter evicted next. */
  private heap: Counter[] = [];
  private nextSince = 0;

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  add(value: SketchValue, count = 1): void {
    if (!(count > 0 && count < Infinity)) {
      throw new RangeError(`count must be a positive finite number, got ${count}`);
    }
    if (value === 0) value = 0; // -0 is 0
    const counter = this.counters.get(value);
    if (counter !== undefined) {
      counter.count += count;
      this.siftDown(counter.at);
    } else if (this.heap.length < this.capacity) {
      const added = { value, count, since: this.nextSince++, at: this.heap.length };
      this.heap.push(added);
      this.counters.set(value, added);
      this.siftUp(added.at);
    } else {
      // The new value may have occurred up to `evicted.count` times while unmonitored.
      const evicted = this.heap[0]!;
      this.counters.delete(evicted.value);
      evicted.value = value;
      evicted.count += count;
      evicted.since = this.nextSince++;
      this.counters.set(value, evicted);
      this.siftDown(0);
    }
  }

  merge(other: TopK): void {
    if (other.capacity !== this.capacity) {
      throw new RangeError(`cannot merge TopK of capacity ${other.capacity} into ${this.capacity}`);
    }
    const thisFloor = this.floor();
    const otherFloor = other.floor();
    const merged: TopKEntry[] = [];
    for (const { value, count } of this.heap) {
      merged.push({ value, count: count + (other.counters.get(value)?.count ?? otherFloor) });
    }
    for (const { value, count } of other.heap) {
      if (!this.counters.has(value)) merged.push({ value, count: count + thisFloor });
    }
    // Among equal counts the merged counters age in report order (the last value is evicted first).
    merged.sort(reportOrder);
    this.load(merged.slice(0, this.capacity));
  }

  /** The k largest counts, count descending, ties by `compareValues` ascending. */
  top(k: number): TopKEntry[] {
    if (!Number.isSafeInteger(k) || k < 0) {
      throw new RangeError(`k must be a non-negative integer, got ${k}`);
    }
    return this.heap
      .map(({ value, count }) => ({ value, count }))
      .sort(reportOrder)
      .slice(0, k);
  }

  /** Version 2: see `SerializedTopK`. */
  serialize(): SerializedTopK {
    const age = new Map<Counter, number>();
    [...this.heap].sort((a, b) => a.since - b.since).forEach((counter, i) => age.set(counter, i));
    return {
      type: 'topk',
      version: 2,
      capacity: this.capacity,
      items: [...this.heap]
        .sort((a, b) => b.count - a.count || a.since - b.since)
        .map((counter) => [encodeValue(counter.value), counter.count, age.get(counter)!]),
    };
  }

  /** Reads version 2 (`SerializedTopK`) and version 1 (`SerializedTopKV1`); see the class doc. */
  static restore(data: unknown): TopK {
    if (!isRecord(data) || data.type !== 'topk' || (data.version !== 1 && data.version !== 2)) {
      throw new SketchError('not a serialized TopK (version 1 or 2)');
    }
    const version = data.version;
    const { capacity, items } = data;
    if (typeof capacity !== 'number' || !Number.isSafeInteger(capacity) || capacity < 1) {
      throw new SketchError('TopK: capacity must be a positive integer');
    }
    if (!Array.isArray(items) || items.length > capacity) {
      throw new SketchError('TopK: items must be an array of at most capacity entries');
    }
    const arity = version === 1 ? 2 : 3;
    const seen = new Uint8Array(items.length);
    const counters = items.map((item: unknown, at): AgedEntry => {
      if (!Array.isArray(item) || item.length !== arity) {
        throw new SketchError(
          `TopK: version ${version} items must be [value, count${version === 1 ? '' : ', age'}]`,
        );
      }
      const [encoded, count, age] = item as unknown[];
      const value = decodeValue(encoded);
      if (typeof count !== 'number' || !(count > 0 && count < Infinity)) {
        throw new SketchError('TopK: counts must be positive finite numbers');
      }
      if (version === 1) return { value, count, since: at };
      if (typeof age !== 'number' || !Number.isInteger(age) || age < 0 || age >= items.length) {
        throw new SketchError(
          `TopK: ages must be whole numbers from 0 to ${items.length - 1} (the item count less one), got ${String(age)}`,
        );
      }
      if (seen[age] === 1) throw new SketchError(`TopK: age ${age} is given twice`);
      seen[age] = 1;
      return { value, count, since: age };
    });
    for (let i = 1; i < counters.length; i++) {
      const [before, after] = [counters[i - 1]!, counters[i]!];
      if (after.count > before.count) {
        throw new SketchError('TopK: items must be in descending count order');
      }
      if (after.count === before.count && after.since < before.since) {
        throw new SketchError(
          'TopK: items of equal count must be listed oldest (lowest age) first',
        );
      }
    }
    const sketch = new TopK(capacity);
    sketch.loadAged(counters);
    if (sketch.counters.size !== counters.length) throw new SketchError('TopK: duplicate values');
    return sketch;
  }

  /** What a value this sketch does not monitor may have counted here: 0 until counters are full. */
  private floor(): number {
    return this.heap.length < this.capacity ? 0 : this.heap[0]!.count;
  }

  /**
   * Replaces the counters with `entries` (at most `capacity` distinct values) in keep order: count
   * descending, and among equal counts the first is the oldest.
   */
  private load(entries: TopKEntry[]): void {
    this.loadAged(entries.map(({ value, count }, since) => ({ value, count, since })));
  }

  /**
   * Replaces the counters with `entries` (at most `capacity` distinct values, each `since` distinct
   * and from 0 to entries.length - 1) listed in keep order: count descending, then `since`
   * ascending.
   */
  private loadAged(entries: AgedEntry[]): void {
    this.heap = entries.map(({ value, count, since }) => ({ value, count, since, at: 0 }));
    this.nextSince = entries.length;
    // Eviction order (the reverse of keep order) is a valid heap.
    this.heap.reverse();
    this.counters.clear();
    this.heap.forEach((counter, at) => {
      counter.at = at;
      this.counters.set(counter.value, counter);
    });
  }

  private siftUp(at: number): void {
    const heap = this.heap;
    const counter = heap[at]!;
    while (at > 0) {
      const parentAt = (at - 1) >> 1;
      const parent = heap[parentAt]!;
      if (!evictsBefore(counter, parent)) break;
      heap[at] = parent;
      parent.at = at;
      at = parentAt;
    }
    heap[at] = counter;
    counter.at = at;
  }

  private siftDown(at: number): void {
    const heap = this.heap;
    const n = heap.length;
    const counter = heap[at]!;
    for (;;) {
      let childAt = 2 * at + 1;
      if (childAt >= n) break;
      if (childAt + 1 < n && evictsBefore(heap[childAt + 1]!, heap[childAt]!)) childAt++;
      const child = heap[childAt]!;
      if (!evictsBefore(child, counter)) break;
      heap[at] = child;
      child.at = at;
      at = childAt;
    }
    heap[at] = counter;
    counter.at = at;
  }
}

/** Count descending, then value ascending. */
function reportOrder(a: TopKEntry, b: TopKEntry): number {
  return b.count - a.count || compareValues(a.value, b.value);
}

/** The smallest count goes first, and among equal counts the newest counter. */
function evictsBefore(a: Counter, b: Counter): boolean {
  return a.count < b.count || (a.count === b.count && a.since > b.since);
}

/** JSON has no NaN or Infinity; those numbers are written as `{ number: 'NaN' }` and the like. */
type EncodedValue = SketchValue | { number: 'NaN' | 'Infinity' | '-Infinity' };

function encodeValue(value: SketchValue): EncodedValue {
  return typeof value === 'number' && !Number.isFinite(value)
    ? { number: String(value) as 'NaN' }
    : value;
}

function decodeValue(encoded: unknown): SketchValue {
  if (typeof encoded === 'string' || typeof encoded === 'boolean') return encoded;
  if (typeof encoded === 'number' && Number.isFinite(encoded)) return encoded === 0 ? 0 : encoded;
  if (isRecord(encoded) && Object.keys(encoded).length === 1) {
    const { number } = encoded;
    if (number === 'NaN' || number === 'Infinity' || number === '-Infinity') return Number(number);
  }
  throw new SketchError('TopK: values must be strings, numbers or booleans');
}

/**
 * What `serialize` writes. `items` are `[value, count, age]` in keep order: count descending, then
 * oldest counter first. `age` is the counter's rank by when it started monitoring its value among
 * all the counters (0 for the oldest): the ages are exactly 0 to items.length - 1, each once. With
 * them a restored sketch evicts, merges, reports and serializes exactly as the original would.
 */
export interface SerializedTopK {
  type: 'topk';
  version: 2;
  capacity: number;
  items: [EncodedValue, number, number][];
}

/**
 * The form written before ages were recorded, still read by `restore`. `items` are [value, count]
 * in keep order; a counter's age is taken to be its position there, which is its true age order
 * only among equal counts (see the class doc).
 */
export interface SerializedTopKV1 {
  type: 'topk';
  version: 1;
  capacity: number;
  items: [EncodedValue, number][];
}
