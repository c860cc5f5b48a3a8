import { describe, expect, it } from 'vitest';
import { abs, exp, ln, log10, pow, power, sqrt } from './math.ts';

describe('abs', () => {
  it('drops the sign and keeps the type', () => {
    expect(abs.invoke([-3])).toBe(3);
    expect(abs.invoke([2.5])).toBe(2.5);
    expect(abs.check(['BIGINT'])).toBe('BIGINT');
    expect(abs.check(['DOUBLE'])).toBe('DOUBLE');
    expect(abs.check(['NULL'])).toBe('DOUBLE');
  });

  it('rejects non-numbers and wrong argument counts', () => {
    expect(abs.check(['STRING'])).toEqual({ error: 'abs needs a numeric argument, got STRING' });
    expect(abs.check([])).toEqual({ error: 'abs takes 1 argument, got 0' });
    expect(abs.check(['BIGINT', 'BIGINT'])).toEqual({ error: 'abs takes 1 argument, got 2' });
  });
});

describe('sqrt, ln, exp, log10', () => {
  it('compute on their domain', () => {
    expect(sqrt.invoke([9])).toBe(3);
    expect(sqrt.invoke([0])).toBe(0);
    expect(ln.invoke([Math.E])).toBe(1);
    expect(ln.invoke([1])).toBe(0);
    expect(exp.invoke([0])).toBe(1);
    expect(log10.invoke([1000])).toBe(3);
  });

  it('return NULL outside their domain or on overflow', () => {
    expect(sqrt.invoke([-1])).toBeNull();
    expect(ln.invoke([0])).toBeNull();
    expect(ln.invoke([-2])).toBeNull();
    expect(log10.invoke([0])).toBeNull();
    expect(exp.invoke([1000])).toBeNull();
  });

  it('are DOUBLE for any numeric argument and say what is wrong otherwise', () => {
    for (const fn of [sqrt, ln, exp, log10]) {
      expect(fn.check(['BIGINT'])).toBe('DOUBLE');
      expect(fn.check(['NULL'])).toBe('DOUBLE');
      expect(fn.handlesNull).toBe(false);
    }
    expect(sqrt.check(['STRING'])).toEqual({ error: 'sqrt needs a numeric argument, got STRING' });
    expect(ln.check(['TIMESTAMP'])).toEqual({
      error: 'ln needs a numeric argument, got TIMESTAMP',
    });
  });
});

describe('power', () => {
  it('raises and returns NULL where the result is not a finite real number', () => {
    expect(power.invoke([2, 10])).toBe(1024);
    expect(power.invoke([2, -1])).toBe(0.5);
    expect(power.invoke([-2, 3])).toBe(-8);
    expect(power.invoke([0, -1])).toBeNull();
    expect(power.invoke([-8, 0.5])).toBeNull();
    expect(power.invoke([10, 400])).toBeNull();
    expect(pow.invoke([3, 2])).toBe(9);
  });

  it('checks both arguments by role', () => {
    expect(power.check(['BIGINT', 'BIGINT'])).toBe('DOUBLE');
    expect(power.check(['STRING', 'BIGINT'])).toEqual({
      error: 'power needs a numeric argument for the base, got STRING',
    });
    expect(pow.check(['DOUBLE', 'BOOLEAN'])).toEqual({
      error: 'pow needs a numeric argument for the exponent, got BOOLEAN',
    });
  });
});
