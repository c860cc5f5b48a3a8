import { describe, expect, it } from 'vitest';
import { close } from './test-harness.ts';
import {
  foldValue,
  holtForecast,
  HOLT_LEVEL_ALPHA,
  HOLT_SLOTS,
  HOLT_TREND_BETA,
  mergeFolded,
} from './holt.ts';
import { Prng } from '../../util/index.ts';
import { holt } from './test-reference.ts';

function folded(xs: readonly number[]): number[] {
  const nums = new Array<number>(HOLT_SLOTS).fill(0);
  for (const x of xs) foldValue(nums, 0, x);
  return nums;
}

describe('Holt state', () => {
  it('follows the definition, by hand', () => {
    // 1: level 1, trend 0; 3: level 3, trend 2;
    // 4: level 0.5·4 + 0.5·(3 + 2) = 4.5, trend 0.3·1.5 + 0.7·2 = 1.85
    const nums = folded([1, 3, 4]);
    expect(holtForecast(nums, 0, 0)).toBeCloseTo(4.5, 14);
    expect(holtForecast(nums, 0, 2)).toBeCloseTo(8.2, 14);
    expect(holtForecast(folded([7]), 0, 5)).toBe(7);
    expect(holtForecast(folded([]), 0, 1)).toBeNull();
  });

  it('appends a folded run exactly, for every split of a series', () => {
    const rng = new Prng(5);
    const xs = Array.from({ length: 40 }, (_, i) => 100 + 2 * i + 10 * rng.normal());
    for (let split = 0; split <= xs.length; split++) {
      for (const end of [split, Math.min(xs.length, split + 1), xs.length]) {
        const into = folded(xs.slice(0, split));
        mergeFolded(into, folded(xs.slice(split, end)), 0);
        const whole = xs.slice(0, end);
        if (whole.length === 0) continue;
        const expected = holt(whole, HOLT_LEVEL_ALPHA, HOLT_TREND_BETA, 3);
        expect(close(holtForecast(into, 0, 3)!, expected, 1e-12), `${split}..${end}`).toBe(true);
        // The merged state must itself append exactly.
        mergeFolded(into, folded(xs.slice(end)), 0);
        const all = holt(xs, HOLT_LEVEL_ALPHA, HOLT_TREND_BETA, 3);
        expect(close(holtForecast(into, 0, 3)!, all, 1e-12), `${split}..${end}..`).toBe(true);
      }
    }
  });
});
