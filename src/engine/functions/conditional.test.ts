import { describe, expect, it } from 'vitest';
import { coalesce, nullif } from './conditional.ts';

describe('coalesce', () => {
  it('returns the first argument that is not NULL', () => {
    expect(coalesce.handlesNull).toBe(true);
    expect(coalesce.invoke([null, null, 3, 4])).toBe(3);
    expect(coalesce.invoke([false, true])).toBe(false);
    expect(coalesce.invoke([null, ''])).toBe('');
    expect(coalesce.invoke([null, null])).toBeNull();
  });

  it('has the common type of its arguments', () => {
    expect(coalesce.check(['NULL', 'BIGINT', 'DOUBLE'])).toBe('DOUBLE');
    expect(coalesce.check(['BIGINT', 'NULL'])).toBe('BIGINT');
    expect(coalesce.check(['JSON', 'STRING'])).toBe('JSON');
    expect(coalesce.check(['TIMESTAMP', 'TIMESTAMP'])).toBe('TIMESTAMP');
    expect(coalesce.check(['NULL'])).toBe('STRING');
  });

  it('refuses arguments with no common type', () => {
    expect(coalesce.check(['STRING', 'BIGINT'])).toEqual({
      error: 'coalesce arguments need one common type, got STRING and BIGINT (argument 2)',
    });
    expect(coalesce.check(['NULL', 'TIMESTAMP', 'BIGINT'])).toEqual({
      error: 'coalesce arguments need one common type, got TIMESTAMP and BIGINT (argument 3)',
    });
    expect(coalesce.check(['JSON', 'TIMESTAMP'])).toHaveProperty('error');
  });
});

describe('nullif', () => {
  it('is NULL when both are equal, else the first', () => {
    expect(nullif.invoke([1, 1])).toBeNull();
    expect(nullif.invoke([1, 2])).toBe(1);
    expect(nullif.invoke(['a', 'a'])).toBeNull();
    expect(nullif.invoke([{ a: 1 }, { a: 1 }])).toBeNull();
    expect(nullif.invoke([[1], [2]])).toEqual([1]);
    expect(nullif.invoke([1, '1'])).toBe(1);
  });

  it('treats a NULL second argument as unequal', () => {
    expect(nullif.handlesNull).toBe(true);
    expect(nullif.invoke([1, null])).toBe(1);
    expect(nullif.invoke([null, 1])).toBeNull();
  });

  it("has the first argument's type and refuses incomparable ones", () => {
    expect(nullif.check(['BIGINT', 'DOUBLE'])).toBe('BIGINT');
    expect(nullif.check(['NULL', 'STRING'])).toBe('STRING');
    expect(nullif.check(['STRING', 'BIGINT'])).toEqual({
      error: 'nullif cannot compare STRING with BIGINT',
    });
  });
});
