import { describe, expect, it } from 'vitest';
import { harness, values } from './test-harness.ts';

describe('avg', () => {
  it('averages the non-NULL values as DOUBLE', () => {
    const h = harness('avg', ['BIGINT']);
    expect(h.type).toBe('DOUBLE');
    expect(h.result(h.run(values(1, 2, null, 4)))).toBe(7 / 3);
  });

  it('is NULL for no values', () => {
    const h = harness('avg', ['DOUBLE']);
    expect(h.result(h.fresh())).toBeNull();
    expect(h.result(h.run(values(null)))).toBeNull();
  });

  it('rejects non-numeric arguments', () => {
    const fn = harness('avg', ['DOUBLE']).fn;
    expect(fn.check(['BOOLEAN'], [])).toEqual({
      error: 'avg needs a numeric argument, got BOOLEAN',
    });
  });
});
