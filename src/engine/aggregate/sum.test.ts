import { describe, expect, it } from 'vitest';
import { harness, values } from './test-harness.ts';

describe('sum', () => {
  it('adds the non-NULL values and keeps the BIGINT type', () => {
    const h = harness('sum', ['BIGINT']);
    expect(h.type).toBe('BIGINT');
    expect(h.result(h.run(values(1, 2, null, 4)))).toBe(7);
  });

  it('is NULL with no non-NULL value and 0 for values summing to 0', () => {
    const h = harness('sum', ['DOUBLE']);
    expect(h.result(h.fresh())).toBeNull();
    expect(h.result(h.run(values(null, null)))).toBeNull();
    expect(h.result(h.run(values(2, -2)))).toBe(0);
  });

  it('compensates rounding: the sum is the correctly rounded exact sum', () => {
    const h = harness('sum', ['DOUBLE']);
    expect(0.1 + 0.2 + 0.3).not.toBe(0.6);
    expect(h.result(h.run(values(0.1, 0.2, 0.3)))).toBe(0.6);
    expect(h.result(h.run(values(1e100, 1, -1e100)))).toBe(1);
  });

  it('merges the compensations too', () => {
    const h = harness('sum', ['DOUBLE']);
    const into = h.run(values(1e100));
    h.acc.merge(into, h.run(values(1, -1e100)));
    expect(h.result(into)).toBe(1);
  });

  it('follows IEEE arithmetic for infinities', () => {
    const h = harness('sum', ['DOUBLE']);
    expect(h.result(h.run(values(1, Infinity, 2)))).toBe(Infinity);
    expect(h.result(h.run(values(Infinity, -Infinity)))).toBeNaN();
  });

  it('is DOUBLE for DOUBLE and untyped NULL arguments, and rejects the rest', () => {
    const fn = harness('sum', ['DOUBLE']).fn;
    expect(fn.check(['DOUBLE'], [])).toBe('DOUBLE');
    expect(fn.check(['NULL'], [])).toBe('DOUBLE');
    expect(fn.check(['STRING'], [])).toEqual({ error: 'sum needs a numeric argument, got STRING' });
    expect(fn.check(['TIMESTAMP'], [])).toHaveProperty('error');
    expect(fn.check([], [])).toEqual({ error: 'sum expects sum(x), got no arguments' });
  });
});
