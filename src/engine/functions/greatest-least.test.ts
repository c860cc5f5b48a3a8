import { describe, expect, it } from 'vitest';
import { greatest, least } from './greatest-least.ts';

describe('greatest and least', () => {
  it('pick the extreme and ignore NULLs', () => {
    expect(greatest.invoke([1, null, 3, 2])).toBe(3);
    expect(least.invoke([1, null, 3, 2])).toBe(1);
    expect(greatest.invoke([-5, -2])).toBe(-2);
    expect(least.invoke([null, -0.5])).toBe(-0.5);
    expect(greatest.invoke([4])).toBe(4);
  });

  it('are NULL when every argument is NULL', () => {
    expect(greatest.handlesNull).toBe(true);
    expect(greatest.invoke([null, null])).toBeNull();
    expect(least.invoke([null])).toBeNull();
  });

  it('are BIGINT when every typed argument is', () => {
    expect(greatest.check(['BIGINT', 'BIGINT'])).toBe('BIGINT');
    expect(greatest.check(['BIGINT', 'NULL'])).toBe('BIGINT');
    expect(greatest.check(['BIGINT', 'DOUBLE'])).toBe('DOUBLE');
    expect(least.check(['NULL', 'NULL'])).toBe('DOUBLE');
  });

  it('reject non-numbers and name the argument', () => {
    expect(greatest.check(['BIGINT', 'STRING'])).toEqual({
      error: 'greatest needs numeric arguments, got STRING as argument 2',
    });
    expect(least.check([])).toEqual({ error: 'least takes at least 1 argument, got 0' });
  });
});
