import { describe, expect, it } from 'vitest';
import { harness, values } from './test-harness.ts';
import { Prng } from '../../util/index.ts';

const percentile = (q: number) => harness('approx_percentile', ['DOUBLE', 'DOUBLE'], [null, q]);

describe('approx_percentile', () => {
  it('is within 1% of the value at the quantile, ignoring NULL', () => {
    const rng = new Prng(3);
    const xs = Array.from({ length: 5000 }, () => Math.exp(rng.normal() * 2));
    const sorted = [...xs].sort((a, b) => a - b);
    for (const q of [0, 0.25, 0.5, 0.9, 0.99, 1]) {
      const h = percentile(q);
      const estimate = h.result(h.run(values(...xs, null))) as number;
      const exact = sorted[Math.floor(q * (sorted.length - 1))]!;
      expect(Math.abs(estimate - exact) / exact, `q ${q}`).toBeLessThanOrEqual(0.01);
    }
  });

  it('handles negative values and is NULL for no values', () => {
    const h = percentile(0);
    expect(h.result(h.run(values(-5, 3, 10)))).toBe(-5);
    expect(h.result(h.fresh())).toBeNull();
    expect(h.result(h.run(values(null)))).toBeNull();
  });

  it('needs a numeric x and a constant q in [0, 1]', () => {
    const fn = percentile(0.5).fn;
    expect(fn.check(['DOUBLE', 'DOUBLE'], [null, 1.5])).toEqual({
      error: 'approx_percentile needs a constant q between 0 and 1, got 1.5',
    });
    expect(fn.check(['DOUBLE', 'DOUBLE'], [null, null])).toHaveProperty('error');
    expect(fn.check(['STRING', 'DOUBLE'], [null, 0.5])).toHaveProperty('error');
    expect(fn.check(['BIGINT', 'BIGINT'], [null, 1])).toBe('DOUBLE');
  });
});
