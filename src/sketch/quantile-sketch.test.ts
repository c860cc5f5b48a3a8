import { describe, expect, it } from 'vitest';
import { QuantileSketch, SketchError } from './index.ts';
import { exactQuantile, mulberry32, normal, relativeError } from './test-support.ts';

const QUANTILES = [0, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1];
const N = 1_000_000;

/** Each distribution draws from its own seeded generator. */
const distributions: Record<string, (random: () => number) => number> = {
  uniform: (random) => random() * 1000,
  'lognormal (heavy tail)': (random) => Math.exp(2 * normal(random)),
  negative: (random) => -1 - random() * 1e6,
  constant: () => 42.5,
  'mixed signs with zeros': (random) => {
    const u = random();
    if (u < 0.1) return 0;
    return (u < 0.5 ? -1 : 1) * Math.exp(3 * normal(random));
  },
};

function sample(name: string, n: number, seed: number): Float64Array {
  const random = mulberry32(seed);
  const draw = distributions[name]!;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = draw(random);
  return values;
}

function sketchOf(values: ArrayLike<number>, relativeAccuracy?: number): QuantileSketch {
  const sketch = new QuantileSketch(relativeAccuracy);
  for (let i = 0; i < values.length; i++) sketch.add(values[i]!);
  return sketch;
}

function maxError(sketch: QuantileSketch, values: Float64Array, quantiles = QUANTILES): number {
  const sorted = Float64Array.from(values).sort();
  return Math.max(
    ...quantiles.map((q) => relativeError(sketch.quantile(q)!, exactQuantile(sorted, q))),
  );
}

describe('QuantileSketch accuracy', () => {
  // Exact quantile: the value at rank floor(q * (n - 1)) of the sorted values (test-support.ts).
  it.each(Object.keys(distributions))(
    'is within 1 percent of the exact quantiles on 1e6 values: %s',
    (name) => {
      const values = sample(name, N, 7);
      const sketch = sketchOf(values);
      expect(sketch.count).toBe(N);
      expect(maxError(sketch, values)).toBeLessThanOrEqual(0.01);
      // The extremes are tracked, not estimated.
      expect(sketch.quantile(0)).toBe(values.reduce((a, b) => Math.min(a, b)));
      expect(sketch.quantile(1)).toBe(values.reduce((a, b) => Math.max(a, b)));
    },
  );

  it('honours a coarser accuracy, and only that', () => {
    const values = sample('lognormal (heavy tail)', 200_000, 11);
    const fine = new Array(99).fill(0).map((_, i) => (i + 1) / 100);
    const coarse = sketchOf(values, 0.05);
    const error = maxError(coarse, values, fine);
    expect(error).toBeLessThanOrEqual(0.05);
    expect(error).toBeGreaterThan(0.01); // the guarantee is not accidentally much tighter
  });

  it('returns exact min and max, and 0 where the value is 0', () => {
    const sketch = sketchOf([3, -7.25, 0, 0, 0, 12.5]);
    expect(sketch.quantile(0)).toBe(-7.25);
    expect(sketch.quantile(1)).toBe(12.5);
    expect(sketch.quantile(0.5)).toBe(0);
  });

  it('handles one value, zeros only, and -0', () => {
    expect(sketchOf([-3.5]).quantile(0.5)).toBe(-3.5);
    const zeros = sketchOf([0, -0, 0]);
    expect(zeros.count).toBe(3);
    expect(Object.is(zeros.quantile(0), 0)).toBe(true);
    expect(Object.is(zeros.quantile(0.5), 0)).toBe(true);
  });

  it('ignores NaN and infinities', () => {
    const sketch = sketchOf([1, NaN, Infinity, -Infinity, 2]);
    expect(sketch.count).toBe(2);
    expect(sketch.quantile(1)).toBe(2);
    expect(sketch.quantile(0)).toBe(1);
  });

  it('is empty until a value is added', () => {
    const sketch = new QuantileSketch();
    expect(sketch.count).toBe(0);
    expect(sketch.quantile(0.5)).toBeNull();
  });

  it('rejects quantiles outside [0, 1] and accuracies outside (0, 1)', () => {
    const sketch = sketchOf([1]);
    for (const q of [-0.1, 1.1, NaN]) expect(() => sketch.quantile(q)).toThrow(RangeError);
    for (const a of [0, 1, -0.5, NaN]) expect(() => new QuantileSketch(a)).toThrow(RangeError);
  });

  it('keeps at most 2048 buckets per sign and stays accurate for the large values', () => {
    // 1e-300 .. 1e300 spans ~69,000 buckets at 1%; the lowest are folded together.
    const random = mulberry32(3);
    const values = new Float64Array(100_000);
    for (let i = 0; i < values.length; i++)
      values[i] = (i % 2 ? 1 : -1) * 10 ** (600 * random() - 300);
    const sketch = sketchOf(values);
    const state = sketch.serialize();
    expect(state.positive!.counts.length).toBe(2048);
    expect(state.negative!.counts.length).toBe(2048);
    // Values within 6e17 of the largest magnitude of each sign keep the guarantee.
    expect(maxError(sketch, values, [0, 0.001, 0.01, 0.99, 0.999, 1])).toBeLessThanOrEqual(0.01);
  });
});

describe('QuantileSketch merge', () => {
  it('equals one sketch fed everything (same quantiles, same state)', () => {
    const values = sample('mixed signs with zeros', 300_000, 5);
    const random = mulberry32(6);
    const a = new QuantileSketch();
    const b = new QuantileSketch();
    for (const v of values) (random() < 0.3 ? a : b).add(v);
    a.merge(b);
    const whole = sketchOf(values);
    expect(a.serialize()).toEqual(whole.serialize());
    const qs = new Array(1001).fill(0).map((_, i) => i / 1000);
    expect(qs.map((q) => a.quantile(q))).toEqual(qs.map((q) => whole.quantile(q)));
  });

  it('is order-independent even when buckets are folded', () => {
    const random = mulberry32(9);
    const values = Array.from({ length: 20_000 }, () => 10 ** (400 * random() - 200));
    const ascending = sketchOf([...values].sort((x, y) => x - y));
    const descending = sketchOf([...values].sort((x, y) => y - x));
    const low = sketchOf(values.filter((v) => v < 1));
    const high = sketchOf(values.filter((v) => v >= 1));
    low.merge(high);
    const highFirst = sketchOf(values.filter((v) => v >= 1));
    highFirst.merge(sketchOf(values.filter((v) => v < 1)));
    for (const other of [descending, low, highFirst]) {
      expect(other.serialize()).toEqual(ascending.serialize());
    }
  });

  it('merges into and from empty sketches, and with itself', () => {
    const values = sample('uniform', 1000, 1);
    const empty = new QuantileSketch();
    empty.merge(sketchOf(values));
    expect(empty.serialize()).toEqual(sketchOf(values).serialize());
    const full = sketchOf(values);
    full.merge(new QuantileSketch());
    expect(full.serialize()).toEqual(sketchOf(values).serialize());
    const doubled = sketchOf(values);
    doubled.merge(doubled);
    expect(doubled.serialize()).toEqual(sketchOf([...values, ...values]).serialize());
  });

  it('refuses sketches of another accuracy', () => {
    expect(() => new QuantileSketch(0.01).merge(new QuantileSketch(0.02))).toThrow(RangeError);
  });
});

describe('QuantileSketch serialization', () => {
  it('restores a sketch that behaves identically, through JSON text', () => {
    const values = sample('mixed signs with zeros', 50_000, 21);
    const more = sample('lognormal (heavy tail)', 50_000, 22);
    for (const accuracy of [0.01, 0.003]) {
      const original = sketchOf(values, accuracy);
      const restored = QuantileSketch.restore(JSON.parse(JSON.stringify(original.serialize())));
      expect(restored.relativeAccuracy).toBe(accuracy);
      expect(restored.serialize()).toEqual(original.serialize());
      for (const v of more) {
        original.add(v);
        restored.add(v);
      }
      const qs = new Array(101).fill(0).map((_, i) => i / 100);
      expect(qs.map((q) => restored.quantile(q))).toEqual(qs.map((q) => original.quantile(q)));
      expect(restored.serialize()).toEqual(original.serialize());
    }
  });

  it('round-trips an empty sketch', () => {
    const restored = QuantileSketch.restore(new QuantileSketch(0.02).serialize());
    expect(restored.count).toBe(0);
    expect(restored.relativeAccuracy).toBe(0.02);
  });

  it('rejects malformed state with SketchError', () => {
    const good = sketchOf([-2, 0, 5, 7]).serialize();
    const bad: unknown[] = [
      null,
      42,
      'x',
      [],
      {},
      { ...good, type: 'topk' },
      { ...good, version: 2 },
      { ...good, relativeAccuracy: 0 },
      { ...good, relativeAccuracy: '0.01' },
      { ...good, zeroCount: -1 },
      { ...good, zeroCount: 1.5 },
      { ...good, min: null },
      { ...good, min: 9 }, // min > max
      { ...good, min: 1 }, // negative bucket but positive min
      { ...good, max: -1 }, // positive bucket but negative max
      { ...good, positive: { minKey: 3, counts: [] } },
      { ...good, positive: { minKey: 3, counts: [0, 1] } },
      { ...good, positive: { minKey: 3, counts: [1, -1, 1] } },
      { ...good, positive: { minKey: 3.5, counts: [1] } },
      { ...good, positive: { minKey: 3, counts: new Array(2049).fill(1) } },
      { ...good, positive: [1, 2] },
      { ...good, positive: null, negative: null, zeroCount: 0 }, // empty but min/max set
    ];
    for (const data of bad) {
      expect(() => QuantileSketch.restore(data), JSON.stringify(data)).toThrow(SketchError);
    }
    try {
      QuantileSketch.restore({});
    } catch (error) {
      expect((error as SketchError).code).toBe('CORRUPT_STATE');
    }
  });
});
