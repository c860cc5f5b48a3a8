import { describe, expect, it } from 'vitest';
import { substr, substring, substringFunction } from './substr.ts';

describe('substr', () => {
  it('counts from 1', () => {
    expect(substr.invoke(['hello', 2])).toBe('ello');
    expect(substr.invoke(['hello', 2, 3])).toBe('ell');
    expect(substr.invoke(['hello', 1, 100])).toBe('hello');
    expect(substr.invoke(['hello', 10])).toBe('');
    expect(substr.invoke(['hello', 2, 0])).toBe('');
  });

  it('follows SQL for a start of 0 or below: positions before 1 take up length', () => {
    expect(substr.invoke(['hello', 0, 3])).toBe('he');
    expect(substr.invoke(['hello', -1])).toBe('hello');
    expect(substr.invoke(['hello', -1, 3])).toBe('h');
    expect(substr.invoke(['hello', -5, 3])).toBe('');
  });

  it('counts code points', () => {
    expect(substr.invoke(['a🚀b', 2, 1])).toBe('🚀');
    expect(substr.invoke(['a🚀b', 3])).toBe('b');
    expect(substr.invoke(['🚀🚀🚀', 2, 2])).toBe('🚀🚀');
  });

  it('truncates fractions and is NULL for a negative length or NaN start', () => {
    expect(substring('hello', 2.9, 2.9)).toBe('el');
    expect(substr.invoke(['hello', 1, -1])).toBeNull();
    expect(substring('hello', Number.NaN)).toBeNull();
  });

  it('checks each argument by role', () => {
    expect(substr.check(['STRING', 'BIGINT'])).toBe('STRING');
    expect(substr.check(['NULL', 'DOUBLE', 'NULL'])).toBe('STRING');
    expect(substr.check(['BIGINT', 'BIGINT'])).toEqual({
      error: 'substr needs a STRING argument for the string, got BIGINT',
    });
    expect(substringFunction.check(['STRING', 'STRING'])).toEqual({
      error: 'substring needs a numeric argument for start, got STRING',
    });
    expect(substr.check(['STRING', 'BIGINT', 'BOOLEAN'])).toEqual({
      error: 'substr needs a numeric argument for length, got BOOLEAN',
    });
    expect(substr.check(['STRING'])).toEqual({ error: 'substr takes 2 to 3 arguments, got 1' });
  });
});
