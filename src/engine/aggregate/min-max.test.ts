import { describe, expect, it } from 'vitest';
import type { ExprType, Value } from '../types.ts';
import { harness, values } from './test-harness.ts';

function extremes(type: ExprType, items: Value[]): [Value, Value] {
  const min = harness('min', [type]);
  const max = harness('max', [type]);
  return [min.result(min.run(values(...items))), max.result(max.run(values(...items)))];
}

describe('min and max', () => {
  it('order numbers, ignoring NULL', () => {
    expect(extremes('DOUBLE', [3, null, -1.5, 2])).toEqual([-1.5, 3]);
    expect(extremes('BIGINT', [-7])).toEqual([-7, -7]);
  });

  it('order TIMESTAMPs and keep their type', () => {
    expect(harness('min', ['TIMESTAMP']).type).toBe('TIMESTAMP');
    expect(extremes('TIMESTAMP', [1_700_000_000_000, 1_600_000_000_000])).toEqual([
      1_600_000_000_000, 1_700_000_000_000,
    ]);
  });

  it('order strings by code unit and booleans with false < true', () => {
    expect(harness('max', ['STRING']).type).toBe('STRING');
    expect(extremes('STRING', ['b', null, 'B', 'ab', 'c'])).toEqual(['B', 'c']);
    expect(extremes('BOOLEAN', [true, null, false])).toEqual([false, true]);
    expect(extremes('BOOLEAN', [true, true])).toEqual([true, true]);
  });

  it('ignore NaN, which has no place in the order', () => {
    expect(extremes('DOUBLE', [NaN, 2, NaN, 1])).toEqual([1, 2]);
    expect(extremes('DOUBLE', [NaN])).toEqual([null, null]);
  });

  it('are NULL with no non-NULL value', () => {
    expect(extremes('DOUBLE', [])).toEqual([null, null]);
    expect(extremes('STRING', [null])).toEqual([null, null]);
  });

  it('merge keeps the extreme of both sides', () => {
    for (const type of ['DOUBLE', 'STRING'] as const) {
      const h = harness('max', [type]);
      const [low, high] = type === 'DOUBLE' ? [1, 9] : ['a', 'z'];
      const into = h.run(values(high, low));
      const empty = h.fresh();
      h.acc.merge(empty, into);
      h.acc.merge(into, h.run(values(low)));
      expect([h.result(into), h.result(empty)]).toEqual([high, high]);
    }
  });

  it('reject types without an order', () => {
    const fn = harness('min', ['DOUBLE']).fn;
    expect(fn.check(['JSON'], [])).toEqual({
      error: 'min needs a number, TIMESTAMP, STRING or BOOLEAN argument, got JSON',
    });
    expect(fn.check(['ARRAY'], [])).toHaveProperty('error');
  });
});
