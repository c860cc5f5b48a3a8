import { describe, expect, it } from 'vitest';
import type { AggEvent } from './test-harness.ts';
import { close, harness } from './test-harness.ts';
import { Prng } from '../../util/index.ts';
import { regression } from './test-reference.ts';

/** Events of (y, x) pairs. */
const pairs = (...items: [number | null, number | null][]): AggEvent[] =>
  items.map(([y, x], i) => [y, x, i]);

/** Results rounded to 12 decimals, so exact fits compare equal despite rounding. */
function rounded(events: AggEvent[]) {
  return stats(events).map((v) => (typeof v === 'number' ? Number(v.toFixed(12)) + 0 : v));
}

function stats(events: AggEvent[]) {
  return ['regr_slope', 'regr_intercept', 'corr'].map((name) => {
    const h = harness(name, ['DOUBLE', 'DOUBLE']);
    return h.result(h.run(events));
  });
}

describe('regr_slope, regr_intercept and corr', () => {
  it('fit a line through exact points', () => {
    expect(rounded(pairs([2, 1], [4, 2], [6, 3]))).toEqual([2, 0, 1]);
    expect(rounded(pairs([5, 0], [3, 1], [1, 2]))).toEqual([-2, 5, -1]);
  });

  it('compute the least-squares fit of scattered points', () => {
    // x̄ = 2, ȳ = 2, Sxx = 2, Syy = 2, Sxy = 1: slope 0.5, intercept 1, r 0.5
    const [slope, intercept, corr] = stats(pairs([1, 1], [3, 2], [2, 3])) as number[];
    expect(slope).toBeCloseTo(0.5, 14);
    expect(intercept).toBeCloseTo(1, 14);
    expect(corr).toBeCloseTo(0.5, 14);
  });

  it('use only pairs where both are non-NULL', () => {
    expect(rounded(pairs([2, 1], [null, 7], [100, null], [4, 2], [6, 3]))).toEqual([2, 0, 1]);
  });

  it('are NULL below two pairs or without variation', () => {
    expect(stats([])).toEqual([null, null, null]);
    expect(stats(pairs([1, 1], [null, 2]))).toEqual([null, null, null]);
    expect(stats(pairs([1, 3], [2, 3], [5, 3]))).toEqual([null, null, null]);
    // y constant: the slope is 0, the correlation undefined
    expect(stats(pairs([4, 1], [4, 2], [4, 3]))).toEqual([0, 4, null]);
  });

  it('agree with a two-pass computation on large offsets', () => {
    for (const seed of [11, 12, 13]) {
      const rng = new Prng(seed);
      const xs = Array.from({ length: 400 }, () => 1.7e12 + rng.between(0, 60_000));
      const ys = xs.map((x) => 3e-4 * (x - 1.7e12) + 100 + rng.normal());
      const [slope, intercept, corr] = stats(ys.map((y, i) => [y, xs[i]!, i])) as [
        number,
        number,
        number,
      ];
      const expected = regression(ys, xs);
      expect(close(slope, expected.slope, 1e-9), `seed ${seed}`).toBe(true);
      expect(close(intercept, expected.intercept, 1e-6), `seed ${seed}`).toBe(true);
      expect(close(corr, expected.corr, 1e-9), `seed ${seed}`).toBe(true);
    }
  });

  it('accept TIMESTAMP arguments and reject non-numeric ones', () => {
    const fn = harness('corr', ['DOUBLE', 'DOUBLE']).fn;
    expect(fn.check(['DOUBLE', 'TIMESTAMP'], [])).toBe('DOUBLE');
    expect(fn.check(['DOUBLE', 'STRING'], [])).toEqual({
      error: 'corr needs a numeric or TIMESTAMP x, got STRING',
    });
    expect(fn.check(['DOUBLE'], [])).toEqual({ error: 'corr expects corr(y, x), got 1 argument' });
  });
});
