import { describe, expect, it } from 'vitest';
import { Prng } from '../../util/index.ts';
import { populationVariance, sampleVariance } from './test-reference.ts';
import { close, harness, values } from './test-harness.ts';

function resultOf(name: string, items: (number | null)[]) {
  const h = harness(name, ['DOUBLE']);
  return h.result(h.run(values(...items)));
}

describe('stddev and variance', () => {
  const data = [2, 4, 4, 4, null, 5, 5, 7, 9];

  it('compute the sample and population versions, ignoring NULL', () => {
    // mean 5, Σ(x − 5)² = 9 + 1 + 1 + 1 + 0 + 0 + 4 + 16 = 32 over 8 values
    expect(resultOf('variance', data)).toBeCloseTo(32 / 7, 14);
    expect(resultOf('var_samp', data)).toBeCloseTo(32 / 7, 14);
    expect(resultOf('var_pop', data)).toBeCloseTo(4, 14);
    expect(resultOf('stddev', data)).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(resultOf('stddev_samp', data)).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(resultOf('stddev_pop', data)).toBeCloseTo(2, 14);
  });

  it('are NULL below two values (sample) or for none (population)', () => {
    expect(resultOf('stddev', [])).toBeNull();
    expect(resultOf('stddev', [3, null])).toBeNull();
    expect(resultOf('variance', [3])).toBeNull();
    expect(resultOf('var_pop', [])).toBeNull();
    expect(resultOf('var_pop', [3])).toBe(0);
    expect(resultOf('stddev_pop', [3])).toBe(0);
  });

  it('are exactly 0 for a constant series, however inexact the constant', () => {
    expect(resultOf('variance', [0.1, 0.1, 0.1, 0.1])).toBe(0);
  });

  it('agree with a two-pass computation on a large offset', () => {
    for (const seed of [1, 2, 3]) {
      const rng = new Prng(seed);
      const xs = Array.from({ length: 500 }, () => 1e6 + rng.normal() * 3);
      const variance = resultOf('variance', xs) as number;
      expect(close(variance, sampleVariance(xs), 1e-9), `seed ${seed}`).toBe(true);
      expect(close(resultOf('var_pop', xs) as number, populationVariance(xs), 1e-9)).toBe(true);
      expect(close(resultOf('stddev', xs) as number, Math.sqrt(sampleVariance(xs)), 1e-9)).toBe(
        true,
      );
    }
  });
});
