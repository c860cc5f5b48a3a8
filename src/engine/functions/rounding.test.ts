import { describe, expect, it } from 'vitest';
import { ceil, ceiling, floor, round } from './rounding.ts';

describe('round', () => {
  it('rounds half away from zero', () => {
    expect(round.invoke([2.5])).toBe(3);
    expect(round.invoke([-2.5])).toBe(-3);
    expect(round.invoke([2.4999])).toBe(2);
    expect(round.invoke([0.49999999999999994])).toBe(0);
    expect(round.invoke([7])).toBe(7);
  });

  it('never returns negative zero', () => {
    expect(Object.is(round.invoke([-0.4]), 0)).toBe(true);
    expect(Object.is(round.invoke([-0.004, 2]), 0)).toBe(true);
  });

  it('rounds to decimal places as the decimal reads', () => {
    expect(round.invoke([3.14159, 3])).toBe(3.142);
    expect(round.invoke([1.005, 2])).toBe(1.01);
    expect(round.invoke([-1.005, 2])).toBe(-1.01);
    expect(round.invoke([2.675, 2])).toBe(2.68);
    expect(round.invoke([1.0049, 2])).toBe(1);
  });

  it('rounds to tens, hundreds, … with negative digits', () => {
    expect(round.invoke([1234.5678, -2])).toBe(1200);
    expect(round.invoke([1250, -2])).toBe(1300);
    expect(round.invoke([-1250, -2])).toBe(-1300);
    expect(round.invoke([1249, -2])).toBe(1200);
    expect(round.invoke([49, -2])).toBe(0);
    expect(round.invoke([12345, -400])).toBe(0);
  });

  it('leaves values with nothing to round alone and truncates fractional digits', () => {
    expect(round.invoke([1e300, 5])).toBe(1e300);
    expect(round.invoke([5, 400])).toBe(5);
    expect(round.invoke([2.55, 1.9])).toBe(2.6);
    expect(round.invoke([2.5, Number.NaN])).toBeNull();
  });

  it('is BIGINT only for round of a BIGINT', () => {
    expect(round.check(['BIGINT'])).toBe('BIGINT');
    expect(round.check(['DOUBLE'])).toBe('DOUBLE');
    expect(round.check(['BIGINT', 'BIGINT'])).toBe('DOUBLE');
    expect(round.check(['NULL', 'NULL'])).toBe('DOUBLE');
    expect(round.check(['STRING'])).toEqual({
      error: 'round needs a numeric argument for x, got STRING',
    });
    expect(round.check(['DOUBLE', 'STRING'])).toEqual({
      error: 'round needs a numeric argument for digits, got STRING',
    });
    expect(round.check(['DOUBLE', 'BIGINT', 'BIGINT'])).toEqual({
      error: 'round takes 1 to 2 arguments, got 3',
    });
  });
});

describe('floor and ceil', () => {
  it('round down and up', () => {
    expect(floor.invoke([1.5])).toBe(1);
    expect(floor.invoke([-1.5])).toBe(-2);
    expect(ceil.invoke([1.2])).toBe(2);
    expect(ceil.invoke([-1.2])).toBe(-1);
    expect(ceiling.invoke([0.1])).toBe(1);
    expect(floor.invoke([7])).toBe(7);
  });

  it('never return negative zero', () => {
    expect(Object.is(ceil.invoke([-0.5]), 0)).toBe(true);
  });

  it('keep BIGINT and make everything else DOUBLE', () => {
    expect(floor.check(['BIGINT'])).toBe('BIGINT');
    expect(ceil.check(['DOUBLE'])).toBe('DOUBLE');
    expect(ceiling.check(['NULL'])).toBe('DOUBLE');
    expect(ceiling.check(['STRING'])).toEqual({
      error: 'ceiling needs a numeric argument, got STRING',
    });
  });
});
