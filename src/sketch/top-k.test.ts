import { describe, expect, it } from 'vitest';
import { SketchError, TopK } from './index.ts';
import type { SketchValue } from './index.ts';
import { mulberry32, shuffle, zipfSampler } from './test-support.ts';

const N = 1_000_000;
const DISTINCT = 100_000;
const CAPACITY = 100;

/**
 * A Zipf(1) stream over 100,000 values. Ranks map to values through a shuffle, and half the values
 * are strings, so neither popularity nor type lines up with the tie order.
 */
function zipfStream(seed: number, length = N): SketchValue[] {
  const random = mulberry32(seed);
  const names = shuffle(
    Array.from({ length: DISTINCT }, (_, i): SketchValue => (i % 2 ? `v${i}` : i)),
    random,
  );
  const rank = zipfSampler(DISTINCT, 1, random);
  return Array.from({ length }, () => names[rank()]!);
}

function trueCounts(stream: SketchValue[]): Map<SketchValue, number> {
  const counts = new Map<SketchValue, number>();
  for (const v of stream) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

function trueTop(counts: Map<SketchValue, number>, k: number): SketchValue[] {
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  // The test is only meaningful if the true top k + 1 has no ties.
  for (let i = 0; i < k; i++) expect(sorted[i]![1]).toBeGreaterThan(sorted[i + 1]![1]);
  return sorted.slice(0, k).map(([value]) => value);
}

function sketchOf(stream: Iterable<SketchValue>, capacity = CAPACITY): TopK {
  const sketch = new TopK(capacity);
  for (const v of stream) sketch.add(v);
  return sketch;
}

/** Space-saving bound: never under the true count, over it by at most N / capacity. */
function expectWithinBound(sketch: TopK, counts: Map<SketchValue, number>, total: number): void {
  for (const { value, count } of sketch.top(CAPACITY)) {
    const truth = counts.get(value) ?? 0;
    expect(count).toBeGreaterThanOrEqual(truth);
    expect(count - truth).toBeLessThanOrEqual(total / CAPACITY);
  }
}

describe('TopK on a Zipf stream', () => {
  const stream = zipfStream(1);
  const counts = trueCounts(stream);
  const expected = trueTop(counts, 10);

  it('reports the true top 10 in order, each count within the space-saving bound', () => {
    const sketch = sketchOf(stream);
    expect(sketch.top(10).map((e) => e.value)).toEqual(expected);
    expectWithinBound(sketch, counts, N);
  });

  it('keeps the true top 10 when two halves are merged', () => {
    const first = sketchOf(stream.slice(0, N / 2));
    const second = sketchOf(stream.slice(N / 2));
    first.merge(second);
    expect(first.top(10).map((e) => e.value)).toEqual(expected);
    expectWithinBound(first, counts, N);
  });

  it('keeps the bound through merges of interleaved parts and further adds', () => {
    const random = mulberry32(2);
    const parts = [new TopK(CAPACITY), new TopK(CAPACITY), new TopK(CAPACITY)];
    for (const v of stream.slice(0, 800_000)) parts[Math.floor(random() * 3)]!.add(v);
    const merged = parts[0]!;
    merged.merge(parts[1]!);
    merged.merge(parts[2]!);
    for (const v of stream.slice(800_000)) merged.add(v);
    expect(merged.top(10).map((e) => e.value)).toEqual(expected);
    expectWithinBound(merged, counts, N);
  });
});

describe('TopK', () => {
  it('is exact while the distinct values fit the capacity', () => {
    const sketch = new TopK(5);
    sketch.add('a', 3);
    sketch.add(2);
    sketch.add('a');
    sketch.add(true, 2.5);
    expect(sketch.top(10)).toEqual([
      { value: 'a', count: 4 },
      { value: true, count: 2.5 },
      { value: 2, count: 1 },
    ]);
    expect(sketch.top(1)).toEqual([{ value: 'a', count: 4 }]);
    expect(sketch.top(0)).toEqual([]);
  });

  it('tells types apart, treats -0 as 0 and NaNs as one value', () => {
    const sketch = sketchOf([1, '1', true, 'true', -0, 0, NaN, Number('x')], 10);
    expect(sketch.top(10)).toEqual([
      { value: 0, count: 2 },
      { value: NaN, count: 2 },
      { value: 1, count: 1 },
      { value: '1', count: 1 },
      { value: 'true', count: 1 },
      { value: true, count: 1 },
    ]);
    expect(Object.is(sketch.top(1)[0]!.value, 0)).toBe(true);
  });

  it('orders ties: numbers ascending, then strings, then false, then true', () => {
    const values: SketchValue[] = ['b', true, 10, 'a', false, -1, 'B', 2.5, Infinity, NaN];
    const sketch = sketchOf(values, 20);
    expect(sketch.top(20).map((e) => e.value)).toEqual([
      -1,
      2.5,
      10,
      Infinity,
      NaN,
      'B',
      'a',
      'b',
      false,
      true,
    ]);
  });

  it('evicts the smallest count, and among ties the newest counter', () => {
    const sketch = new TopK(3);
    sketch.add('x', 5);
    sketch.add('c');
    sketch.add('b');
    sketch.add('new');
    // 'b' (count 1, monitored after 'c') was evicted; 'new' inherits its count as possible error.
    expect(sketch.top(3)).toEqual([
      { value: 'x', count: 5 },
      { value: 'new', count: 2 },
      { value: 'c', count: 1 },
    ]);
  });

  it('merges exactly while the union fits, with itself, and refuses another capacity', () => {
    const a = sketchOf(['a', 'a', 'b'], 4);
    a.merge(sketchOf(['b', 'c'], 4));
    expect(a.top(4)).toEqual([
      { value: 'a', count: 2 },
      { value: 'b', count: 2 },
      { value: 'c', count: 1 },
    ]);
    a.merge(a);
    expect(a.top(1)).toEqual([{ value: 'a', count: 4 }]);
    expect(() => a.merge(new TopK(5))).toThrow(RangeError);
  });

  it('charges an unmonitored value the smallest counter of a full side', () => {
    const full = sketchOf(['a', 'a', 'a', 'b', 'b', 'c'], 2); // c evicted b: {a: 3, c: 3}
    const other = sketchOf(['d'], 2);
    other.merge(full);
    // d: 1 + 3 (full's smallest counter, as d may have been counted there before eviction).
    expect(other.top(2)).toEqual([
      { value: 'd', count: 4 },
      { value: 'a', count: 3 },
    ]);
  });

  it('rejects bad arguments', () => {
    for (const capacity of [0, -1, 1.5, NaN]) expect(() => new TopK(capacity)).toThrow(RangeError);
    const sketch = new TopK(3);
    for (const count of [0, -1, NaN, Infinity])
      expect(() => sketch.add('a', count)).toThrow(RangeError);
    expect(() => sketch.top(-1)).toThrow(RangeError);
  });
});

describe('TopK serialization', () => {
  it('restores a sketch that behaves identically, through JSON text', () => {
    const stream = zipfStream(3, 200_000);
    const original = sketchOf(stream.slice(0, 100_000));
    for (const v of [NaN, Infinity, -Infinity, true, '', 0]) original.add(v, 1e6);
    const restored = TopK.restore(JSON.parse(JSON.stringify(original.serialize())));
    expect(restored.top(CAPACITY)).toEqual(original.top(CAPACITY));
    expect(restored.serialize()).toEqual(original.serialize());
    // Evictions among tied counts must pick the same victims in both.
    for (const v of stream.slice(100_000)) {
      original.add(v);
      restored.add(v);
    }
    expect(restored.serialize()).toEqual(original.serialize());
  });

  it('rejects malformed state with SketchError', () => {
    const good = sketchOf(['a', 1, true], 3).serialize();
    const bad: unknown[] = [
      null,
      [],
      {},
      { ...good, type: 'distinct' },
      { ...good, version: 2 },
      { ...good, capacity: 0 },
      { ...good, capacity: 2 }, // more items than counters
      { ...good, items: {} },
      { ...good, items: [['a']] },
      { ...good, items: [['a', 0]] },
      { ...good, items: [['a', -2]] },
      { ...good, items: [['a', '2']] },
      { ...good, items: [[null, 1]] },
      { ...good, items: [[{ number: 'one' }, 1]] },
      { ...good, items: [[{ number: 'NaN', x: 1 }, 1]] },
      { ...good, items: [[[1], 1]] },
      {
        ...good,
        items: [
          ['a', 2],
          ['a', 1],
        ],
      }, // the same value twice
      {
        ...good,
        items: [
          ['a', 1],
          ['b', 2],
        ],
      }, // not in keep order
    ];
    for (const data of bad) {
      expect(() => TopK.restore(data), JSON.stringify(data)).toThrow(SketchError);
    }
  });
});
