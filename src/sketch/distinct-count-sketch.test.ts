import { describe, expect, it } from 'vitest';
import { DistinctCountSketch, SketchError } from './index.ts';
import type { SketchValue } from './index.ts';
import { mulberry32, shuffle } from './test-support.ts';

/** The i-th of a run of distinct values; `label` keeps the runs of different tests apart. */
function valueAt(i: number, label: number): SketchValue {
  if (label % 3 === 0) return `user-${label}-${i}`;
  if (label % 3 === 1) return label * 1e9 + i;
  return i % 2 ? `${label}:${i}` : label + i / 1024;
}

function distinctValues(n: number, label: number): SketchValue[] {
  return Array.from({ length: n }, (_, i) => valueAt(i, label));
}

function sketchOf(values: Iterable<SketchValue>): DistinctCountSketch {
  const sketch = new DistinctCountSketch();
  for (const v of values) sketch.add(v);
  return sketch;
}

describe('DistinctCountSketch estimate', () => {
  it.each([0, 1, 10, 100, 1000, 3000])('is exact for %i distinct values', (n) => {
    for (const label of [0, 1, 2]) expect(sketchOf(distinctValues(n, label)).estimate()).toBe(n);
  });

  it.each([10_000, 100_000, 1_000_000])('is within 2 percent at %i distinct values', (n) => {
    for (const label of n === 1_000_000 ? [30, 31, 32] : [40, 41, 42, 43, 44, 45]) {
      const sketch = new DistinctCountSketch();
      for (let i = 0; i < n; i++) sketch.add(valueAt(i, label));
      const estimate = sketch.estimate();
      expect(Number.isInteger(estimate)).toBe(true);
      expect(Math.abs(estimate - n) / n, `label ${label}`).toBeLessThanOrEqual(0.02);
    }
  });

  it('is within 2 percent just past the switch to registers', () => {
    for (const n of [3073, 4000, 6000]) {
      const estimate = sketchOf(distinctValues(n, 50)).estimate();
      expect(Math.abs(estimate - n) / n, `n ${n}`).toBeLessThanOrEqual(0.02);
    }
  });

  it('switches from exact hashes to registers past 3072 distinct values', () => {
    const values = distinctValues(3073, 60);
    expect(sketchOf(values.slice(0, 3072)).serialize()).toHaveProperty('sparse');
    expect(sketchOf(values).serialize()).toHaveProperty('dense');
  });

  it('does not count duplicates', () => {
    const random = mulberry32(4);
    for (const n of [500, 50_000]) {
      const values = distinctValues(n, 70);
      const repeated = shuffle([...values, ...values, ...values], random);
      const once = sketchOf(values);
      const thrice = sketchOf(repeated);
      expect(thrice.estimate()).toBe(once.estimate());
      expect(thrice.serialize()).toEqual(once.serialize());
    }
  });

  it('tells types apart but not -0 from 0 or one NaN from another', () => {
    expect(sketchOf([1, '1', true, 'true', 0, '0', false, '']).estimate()).toBe(8);
    expect(sketchOf([0, -0, NaN, Number('x'), 0 / 0]).estimate()).toBe(2);
  });
});

describe('DistinctCountSketch merge', () => {
  // [size of a, size of b]: sparse+sparse, sparse+sparse crossing to registers, dense+sparse, dense+dense
  it.each([
    [100, 200],
    [2000, 2000],
    [20_000, 50],
    [30_000, 40_000],
  ])('equals one sketch fed everything (%i + %i values)', (sizeA, sizeB) => {
    const values = distinctValues(sizeA + sizeB, 80);
    const a = sketchOf(values.slice(0, sizeA));
    const b = sketchOf(values.slice(sizeA));
    const whole = sketchOf(values);
    const ab = sketchOf(values.slice(0, sizeA));
    ab.merge(b);
    const ba = sketchOf(values.slice(sizeA));
    ba.merge(a);
    for (const merged of [ab, ba]) {
      expect(merged.estimate()).toBe(whole.estimate());
      expect(merged.serialize()).toEqual(whole.serialize());
    }
  });

  it('counts the union of overlapping sketches', () => {
    const values = distinctValues(100_000, 90);
    const a = sketchOf(values.slice(0, 60_000));
    a.merge(sketchOf(values.slice(40_000)));
    const whole = sketchOf(values);
    expect(a.serialize()).toEqual(whole.serialize());
    expect(Math.abs(a.estimate() - 100_000) / 100_000).toBeLessThanOrEqual(0.02);
    const small = sketchOf(['a', 'b', 'c']);
    small.merge(sketchOf(['b', 'c', 'd']));
    expect(small.estimate()).toBe(4);
  });

  it('merges with empty sketches and with itself', () => {
    for (const n of [10, 10_000]) {
      const values = distinctValues(n, 100);
      const expected = sketchOf(values).serialize();
      const intoEmpty = new DistinctCountSketch();
      intoEmpty.merge(sketchOf(values));
      const fromEmpty = sketchOf(values);
      fromEmpty.merge(new DistinctCountSketch());
      const self = sketchOf(values);
      self.merge(self);
      for (const sketch of [intoEmpty, fromEmpty, self])
        expect(sketch.serialize()).toEqual(expected);
    }
  });
});

describe('DistinctCountSketch serialization', () => {
  it.each([0, 5, 3072, 20_000])('restores %i values to a sketch that behaves identically', (n) => {
    const values = distinctValues(n + 5000, 110);
    const original = sketchOf(values.slice(0, n));
    const restored = DistinctCountSketch.restore(JSON.parse(JSON.stringify(original.serialize())));
    expect(restored.estimate()).toBe(original.estimate());
    expect(restored.serialize()).toEqual(original.serialize());
    for (const v of values.slice(n)) {
      original.add(v);
      restored.add(v);
    }
    expect(restored.estimate()).toBe(original.estimate());
    expect(restored.serialize()).toEqual(original.serialize());
  });

  it('rejects malformed state with SketchError', () => {
    const sparse = sketchOf(['a', 'b']).serialize();
    const dense = sketchOf(distinctValues(5000, 120)).serialize();
    const bad: unknown[] = [
      null,
      'x',
      [],
      {},
      { ...sparse, type: 'quantile' },
      { ...sparse, version: 0 },
      { ...sparse, precision: 12 },
      { type: 'distinct', version: 1, precision: 14 },
      { ...sparse, dense: dense.dense },
      { ...sparse, sparse: 'not base64!' },
      { ...sparse, sparse: 'AAAAAAA=' }, // 5 bytes: hashes are 4 bytes each
      { ...sparse, sparse: 'AQAAAAEAAAA=' }, // the same hash twice
      { ...sparse, sparse: 'AgAAAAEAAAA=' }, // not ascending
      { ...sparse, sparse: 12 },
      { ...dense, dense: dense.dense!.slice(1) },
      { ...dense, dense: 'z' + dense.dense!.slice(1) }, // register value 51 > 19
      { ...dense, dense: '*' + dense.dense!.slice(1) },
    ];
    for (const data of bad) {
      expect(() => DistinctCountSketch.restore(data), JSON.stringify(data).slice(0, 80)).toThrow(
        SketchError,
      );
    }
  });
});
