import { describe, expect, it } from 'vitest';
import { harness, values } from './test-harness.ts';

describe('top_k', () => {
  it('ranks values by count, ignoring NULL', () => {
    const h = harness('top_k', ['STRING', 'BIGINT'], [null, 2]);
    expect(h.type).toBe('JSON');
    const state = h.run(values('a', 'b', 'a', null, 'c', 'b', 'a'));
    expect(h.result(state)).toEqual([
      { value: 'a', count: 3 },
      { value: 'b', count: 2 },
    ]);
  });

  it('counts each element of an ARRAY argument', () => {
    const h = harness('top_k', ['ARRAY', 'BIGINT'], [null, 5]);
    const state = h.run(values(['x', 'y'], [], null, ['y', null], ['z', 'y']));
    const [first, ...rest] = h.result(state) as unknown[];
    expect(first).toEqual({ value: 'y', count: 3 });
    // equal counts come in the sketch's own tie order
    expect(rest).toHaveLength(2);
    expect(rest).toEqual(
      expect.arrayContaining([
        { value: 'x', count: 1 },
        { value: 'z', count: 1 },
      ]),
    );
  });

  it('reports JSON values as they came, distinct from their text', () => {
    const h = harness('top_k', ['JSON', 'BIGINT'], [null, 3]);
    const state = h.run(values({ a: 1 }, { a: 1 }, '{"a":1}', '\u0000x'));
    const [first, ...rest] = h.result(state) as unknown[];
    expect(first).toEqual({ value: { a: 1 }, count: 2 });
    expect(rest).toHaveLength(2);
    expect(rest).toEqual(
      expect.arrayContaining([
        { value: '\u0000x', count: 1 },
        { value: '{"a":1}', count: 1 },
      ]),
    );
  });

  it('is an empty array when nothing was counted', () => {
    const h = harness('top_k', ['ARRAY', 'BIGINT'], [null, 5]);
    expect(h.result(h.fresh())).toEqual([]);
    expect(h.result(h.run(values([], null)))).toEqual([]);
  });

  it('needs a constant whole k from 1 to 1000', () => {
    const fn = harness('top_k', ['STRING', 'BIGINT'], [null, 1]).fn;
    expect(fn.check(['STRING', 'BIGINT'], [null, 0])).toEqual({
      error: 'top_k needs a constant whole number k from 1 to 1000, got 0',
    });
    expect(fn.check(['STRING', 'BIGINT'], [null, 1001])).toHaveProperty('error');
    expect(fn.check(['STRING', 'DOUBLE'], [null, 2.5])).toHaveProperty('error');
    expect(fn.check(['STRING', 'STRING'], [null, '5'])).toHaveProperty('error');
    expect(fn.check(['STRING', 'BIGINT'], [null, 1000])).toBe('JSON');
  });
});
