import { describe, expect, it } from 'vitest';
import { harness, values } from './test-harness.ts';

describe('count', () => {
  it('count(*) counts every event, NULL arguments included', () => {
    const h = harness('count', []);
    expect(h.type).toBe('BIGINT');
    expect(
      h.result(
        h.run([
          [null, null, 1],
          [null, null, 2],
          [null, null, 2],
        ]),
      ),
    ).toBe(3);
  });

  it('count(x) counts the non-NULL values of x', () => {
    const h = harness('count', ['STRING']);
    expect(h.result(h.run(values('a', null, 'b', null, '')))).toBe(3);
  });

  it('is 0 for an empty group', () => {
    expect(harness('count', []).result(harness('count', []).fresh())).toBe(0);
    const h = harness('count', ['DOUBLE']);
    expect(h.result(h.run(values(null, null)))).toBe(0);
  });

  it('takes any type and at most one argument', () => {
    const fn = harness('count', []).fn;
    expect(fn.check(['JSON'], [])).toBe('BIGINT');
    expect(fn.check(['DOUBLE', 'DOUBLE'], [])).toEqual({
      error: 'count expects count(*) or count(x), got 2 arguments',
    });
  });
});
