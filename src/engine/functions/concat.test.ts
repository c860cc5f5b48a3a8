import { describe, expect, it } from 'vitest';
import { concat } from './concat.ts';

describe('concat', () => {
  it('joins values as text and skips NULLs', () => {
    expect(concat.handlesNull).toBe(true);
    expect(concat.invoke(['a', null, 1, true, 2.5])).toBe('a1true2.5');
    expect(concat.invoke([null, null])).toBe('');
    expect(concat.invoke([-0, 'x'])).toBe('0x');
  });

  it('writes JSON objects and arrays as JSON text, JSON strings as they are', () => {
    expect(concat.invoke([{ a: 1 }, ['x'], 'y'])).toBe('{"a":1}["x"]y');
  });

  it('is STRING for anything but TIMESTAMP', () => {
    expect(concat.check(['STRING', 'BIGINT', 'DOUBLE', 'BOOLEAN', 'JSON', 'ARRAY', 'NULL'])).toBe(
      'STRING',
    );
    expect(concat.check(['STRING', 'TIMESTAMP'])).toEqual({
      error: 'concat cannot take a TIMESTAMP (argument 2); CAST it to STRING first',
    });
    expect(concat.check([])).toEqual({ error: 'concat takes at least 1 argument, got 0' });
  });
});
