import { describe, expect, it } from 'vitest';
import { harness, values } from './test-harness.ts';

describe('count_distinct', () => {
  it('counts distinct non-NULL values by type and value', () => {
    const h = harness('count_distinct', ['JSON']);
    const state = h.run(values(1, '1', 1, true, 'true', null, 1.0, 'b1', false));
    // 1, '1', true, 'true', 'b1', false
    expect(h.result(state)).toBe(6);
  });

  it('treats 0 and -0 as one value', () => {
    const h = harness('count_distinct', ['DOUBLE']);
    expect(h.result(h.run(values(0, -0)))).toBe(1);
  });

  it('compares arrays and JSON values by their JSON text', () => {
    const h = harness('count_distinct', ['JSON']);
    const state = h.run(values([1, 2], [1, 2], [2, 1], { a: 1 }, { a: 1 }, '[1,2]'));
    expect(h.result(state)).toBe(4);
  });

  it('is 0 for an empty group', () => {
    const h = harness('count_distinct', ['STRING']);
    expect(h.type).toBe('BIGINT');
    expect(h.result(h.fresh())).toBe(0);
    expect(h.result(h.run(values(null)))).toBe(0);
  });

  it('merges as a union', () => {
    const h = harness('count_distinct', ['STRING']);
    const into = h.run(values('a', 'b'));
    h.acc.merge(into, h.run(values('b', 'c')));
    expect(h.result(into)).toBe(3);
  });
});
