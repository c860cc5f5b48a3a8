import { describe, expect, it } from 'vitest';
import type { AggEvent } from './test-harness.ts';
import { harness, values } from './test-harness.ts';

describe('zscore', () => {
  const h = harness('zscore', ['DOUBLE']);

  it("is the latest value's distance from the mean in sample standard deviations", () => {
    // mean 5, sample sd √(32/7)
    expect(h.result(h.run(values(2, 4, 4, null, 4, 5, 5, 7, 9)))).toBeCloseTo(
      4 / Math.sqrt(32 / 7),
      14,
    );
  });

  it('takes the latest by event time, the later arrival on equal times', () => {
    const events: AggEvent[] = [
      [9, null, 1000],
      [2, null, 3000],
      [4, null, 2000],
      [4, null, 3000],
      [5, null, 0],
    ];
    // values 9, 2, 4, 4, 5: mean 4.8, Σ(x − 4.8)² = 17.64 + 7.84 + 0.64 + 0.64 + 0.04 = 26.8
    expect(h.result(h.run(events))).toBeCloseTo((4 - 4.8) / Math.sqrt(26.8 / 4), 14);
  });

  it('is NULL below two values or when the values never vary', () => {
    expect(h.result(h.fresh())).toBeNull();
    expect(h.result(h.run(values(3, null)))).toBeNull();
    expect(h.result(h.run(values(0.3, 0.3, 0.3)))).toBeNull();
  });

  it('merge takes the latest of both sides', () => {
    const into = h.run([[10, null, 5000]]);
    h.acc.merge(
      into,
      h.run([
        [0, null, 1000],
        [20, null, 5000],
      ]),
    );
    // values 10, 0, 20: mean 10, sd 10; latest is 20 (later arrival at 5000)
    expect(h.result(into)).toBe(1);
  });
});
