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

  it('writes version 2: items in keep order, each with its age rank (0 = oldest)', () => {
    const sketch = new TopK(3);
    sketch.add('a'); // age 0
    sketch.add('b'); // age 1
    sketch.add('c'); // age 2
    sketch.add('c', 2);
    sketch.add('b');
    expect(sketch.serialize()).toEqual({
      type: 'topk',
      version: 2,
      capacity: 3,
      items: [
        ['c', 3, 2],
        ['b', 2, 1],
        ['a', 1, 0],
      ],
    });
    expect(new TopK(4).serialize()).toEqual({ type: 'topk', version: 2, capacity: 4, items: [] });
  });

  it('keeps the age of counters of different counts: the old divergence, concretely', () => {
    // Capacity 2: 'a' starts before 'b'; 'b' pulls ahead, then 'a' catches up to tie with it.
    const original = new TopK(2);
    original.add('a');
    original.add('b', 2);
    const saved = original.serialize();
    expect(saved.items).toEqual([
      ['b', 2, 1],
      ['a', 1, 0],
    ]);
    const restored = TopK.restore(JSON.parse(JSON.stringify(saved)));
    // Version 1 of the same state lists b first, so a restore from it takes b for the older one.
    const fromV1 = TopK.restore({
      type: 'topk',
      version: 1,
      capacity: 2,
      items: [
        ['b', 2],
        ['a', 1],
      ],
    });
    for (const sketch of [original, restored, fromV1]) {
      sketch.add('a'); // a: 2 ties b: 2
      sketch.add('c'); // evicts the newer of the two
    }
    // b is the newer counter, so b goes and c inherits its 2.
    const expected = [
      { value: 'c', count: 3 },
      { value: 'a', count: 2 },
    ];
    expect(original.top(2)).toEqual(expected);
    expect(restored.top(2)).toEqual(expected);
    expect(restored.serialize()).toEqual(original.serialize());
    // Version 1 carried no age across counts, so that restore evicted a instead (documented).
    expect(fromV1.top(2)).toEqual([
      { value: 'c', count: 3 },
      { value: 'b', count: 2 },
    ]);
  });

  it('restores to a sketch identical under any later add, merge, top and serialize (property)', () => {
    const alphabet: SketchValue[] = ['a', 'b', 'c', 'd', 'e', 1, 2, 0, true, NaN, Infinity, ''];
    let disordered = 0; // splits where age order differs from keep order (v1 would lose it)
    let merges = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const random = mulberry32(seed);
      const int = (n: number): number => Math.floor(random() * n);
      const capacity = 1 + int(5);
      const values = alphabet.slice(0, capacity + 1 + int(4));
      const pick = (): SketchValue => values[int(values.length)]!;
      const weight = (): number => (random() < 0.1 ? 0.5 : 1 + int(3));
      type Step = (sketch: TopK) => void;
      const randomStep = (): Step => {
        const roll = random();
        if (roll < 0.85) {
          const [value, count] = [pick(), weight()];
          return (sketch) => sketch.add(value, count);
        }
        merges++;
        if (roll < 0.9) return (sketch) => sketch.merge(sketch);
        const other = new TopK(capacity);
        for (let i = int(2 * capacity + 2); i > 0; i--) other.add(pick(), weight());
        return (sketch) => sketch.merge(other);
      };
      const steps = Array.from({ length: 10 + int(50) }, randomStep);
      const split = int(steps.length + 1);
      const original = new TopK(capacity);
      for (const step of steps.slice(0, split)) step(original);
      const saved = original.serialize();
      if (saved.items.some(([, , age], at) => age !== at)) disordered++;
      const restored = TopK.restore(JSON.parse(JSON.stringify(saved)));
      const where = `seed ${seed}, capacity ${capacity}, split ${split} of ${steps.length}`;
      expect(restored.serialize(), where).toEqual(saved);
      for (const [i, step] of steps.slice(split).entries()) {
        step(original);
        step(restored);
        const at = `${where}, step ${split + i}`;
        expect(restored.serialize(), at).toEqual(original.serialize());
        expect(restored.top(capacity), at).toEqual(original.top(capacity));
      }
    }
    // The streams must exercise what version 1 lost, and merges, or the property proves little.
    expect(disordered).toBeGreaterThan(300);
    expect(merges).toBeGreaterThan(1000);
  });

  it('still restores version 1, aging counters by their position in keep order', () => {
    const restored = TopK.restore({
      type: 'topk',
      version: 1,
      capacity: 4,
      items: [
        [{ number: 'NaN' }, 3],
        ['b', 2],
        ['a', 2],
        [-0, 1],
      ],
    });
    expect(restored.top(4)).toEqual([
      { value: NaN, count: 3 },
      { value: 'a', count: 2 },
      { value: 'b', count: 2 },
      { value: 0, count: 1 },
    ]);
    expect(restored.serialize()).toEqual({
      type: 'topk',
      version: 2,
      capacity: 4,
      items: [
        [{ number: 'NaN' }, 3, 0],
        ['b', 2, 1],
        ['a', 2, 2],
        [0, 1, 3],
      ],
    });
    // a and b tie at the bottom once 0 pulls ahead; a is listed later, so it is the newer and goes.
    restored.add(0, 2);
    restored.add('x');
    expect(restored.top(4)).toEqual([
      { value: 0, count: 3 },
      { value: NaN, count: 3 },
      { value: 'x', count: 3 },
      { value: 'b', count: 2 },
    ]);
  });

  it('rejects malformed state with SketchError', () => {
    const good = sketchOf(['a', 1, true], 3).serialize();
    const goodV1 = {
      type: 'topk',
      version: 1,
      capacity: 3,
      items: [
        ['a', 1],
        [1, 1],
        [true, 1],
      ],
    };
    const bad: unknown[] = [
      null,
      [],
      {},
      { ...good, type: 'distinct' },
      { ...good, version: 3 },
      { ...good, version: 0 },
      { ...good, version: '2' },
      { ...good, capacity: 0 },
      { ...good, capacity: 2 }, // more items than counters
      { ...good, items: {} },
      { ...good, items: [['a']] },
      { ...good, items: [['a', 0, 0]] },
      { ...good, items: [['a', -2, 0]] },
      { ...good, items: [['a', '2', 0]] },
      { ...good, items: [[null, 1, 0]] },
      { ...good, items: [[{ number: 'one' }, 1, 0]] },
      { ...good, items: [[{ number: 'NaN', x: 1 }, 1, 0]] },
      { ...good, items: [[[1], 1, 0]] },
      {
        ...good,
        items: [
          ['a', 2, 0],
          ['a', 1, 1],
        ],
      }, // the same value twice
      {
        ...good,
        items: [
          ['a', 1, 0],
          ['b', 2, 1],
        ],
      }, // not in keep order
      { ...goodV1, capacity: 2 },
      { ...goodV1, items: [['a', 0]] },
      {
        ...goodV1,
        items: [
          ['a', 2],
          ['a', 1],
        ],
      },
      {
        ...goodV1,
        items: [
          ['a', 1],
          ['b', 2],
        ],
      },
    ];
    for (const data of bad) {
      expect(() => TopK.restore(data), JSON.stringify(data)).toThrow(SketchError);
    }
    expect(() => TopK.restore({ ...good, version: 3 })).toThrow(/version 1 or 2/);
  });

  it('rejects version 2 items with the wrong arity or ages that are not 0..n-1 each once', () => {
    const v2 = (items: unknown[]): unknown => ({ type: 'topk', version: 2, capacity: 4, items });
    const cases: [unknown, RegExp][] = [
      [v2([['a', 1]]), /items must be \[value, count, age\]/], // a version 1 item in version 2
      [v2([['a', 1, 0, 0]]), /items must be \[value, count, age\]/],
      [
        v2([
          ['a', 2, 0],
          ['b', 1],
        ]),
        /items must be \[value, count, age\]/,
      ],
      [{ type: 'topk', version: 1, capacity: 4, items: [['a', 1, 0]] }, /\[value, count\]/],
      [
        v2([
          ['a', 2, 0],
          ['b', 1, 0],
        ]),
        /age 0 is given twice/,
      ], // duplicate
      [
        v2([
          ['a', 2, 1],
          ['b', 1, 1],
        ]),
        /age 1 is given twice/,
      ],
      [
        v2([
          ['a', 2, 0],
          ['b', 1, 2],
        ]),
        /ages must be whole numbers from 0 to 1/,
      ], // out of range
      [
        v2([
          ['a', 2, -1],
          ['b', 1, 0],
        ]),
        /ages must be whole numbers/,
      ],
      [
        v2([
          ['a', 2, 0.5],
          ['b', 1, 1],
        ]),
        /ages must be whole numbers/,
      ],
      [
        v2([
          ['a', 2, NaN],
          ['b', 1, 1],
        ]),
        /ages must be whole numbers/,
      ],
      [
        v2([
          ['a', 2, '0'],
          ['b', 1, 1],
        ]),
        /ages must be whole numbers/,
      ],
      [
        v2([
          ['a', 2, null],
          ['b', 1, 1],
        ]),
        /ages must be whole numbers/,
      ],
      [v2([['a', 1, 1]]), /ages must be whole numbers from 0 to 0/],
      // Equal counts must be listed oldest first (keep order), as `serialize` writes them.
      [
        v2([
          ['a', 1, 1],
          ['b', 1, 0],
        ]),
        /equal count must be listed oldest/,
      ],
    ];
    for (const [data, message] of cases) {
      const where = JSON.stringify(data);
      expect(() => TopK.restore(data), where).toThrow(SketchError);
      expect(() => TopK.restore(data), where).toThrow(message);
    }
  });
});
