import { describe, expect, it } from 'vitest';
import { harness, values } from './test-harness.ts';

describe('approx_count_distinct', () => {
  const h = harness('approx_count_distinct', ['JSON']);

  it('counts small sets exactly, by type and value, ignoring NULL', () => {
    expect(h.type).toBe('BIGINT');
    expect(h.result(h.run(values(1, '1', 1, true, null, 'a', [1], '[1]', { a: 1 })))).toBe(7);
    expect(h.result(h.fresh())).toBe(0);
  });

  it('stays within 2% of the true count for many values', () => {
    const state = h.fresh();
    for (let i = 0; i < 100_000; i++) h.acc.add(state, `user-${i % 50_000}`, null, i);
    const estimate = h.result(state) as number;
    expect(Math.abs(estimate - 50_000) / 50_000).toBeLessThan(0.02);
  });
});
