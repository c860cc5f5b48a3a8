import { describe, expect, it } from 'vitest';
import { harness, values } from './test-harness.ts';

describe('ewma', () => {
  it('starts at the first value and weights each newer one by alpha', () => {
    const h = harness('ewma', ['DOUBLE', 'DOUBLE'], [null, 0.5]);
    // s = 2; s = 0.5·4 + 0.5·2 = 3; s = 0.5·8 + 0.5·3 = 5.5
    expect(h.result(h.run(values(2, null, 4, 8)))).toBe(5.5);
    expect(h.result(h.run(values(2)))).toBe(2);
  });

  it('with alpha 1 is the latest value', () => {
    const h = harness('ewma', ['DOUBLE', 'DOUBLE'], [null, 1]);
    expect(h.result(h.run(values(3, 9, 4)))).toBe(4);
  });

  it('is NULL for no values', () => {
    const h = harness('ewma', ['DOUBLE', 'DOUBLE'], [null, 0.2]);
    expect(h.result(h.fresh())).toBeNull();
  });

  it('merges exactly: the later partition continues from the earlier one', () => {
    const h = harness('ewma', ['DOUBLE', 'DOUBLE'], [null, 0.25]);
    // s = 4; s = 0.25·8 + 0.75·4 = 5; s = 0.25·0 + 0.75·5 = 3.75; s = 0.25·16 + 0.75·3.75 = 6.8125
    const into = h.run(values(4, 8));
    h.acc.merge(into, h.run(values(0, 16)));
    expect(h.result(into)).toBe(6.8125);
  });

  it('needs a constant alpha in (0, 1]', () => {
    const fn = harness('ewma', ['DOUBLE', 'DOUBLE'], [null, 0.5]).fn;
    expect(fn.constantArgs).toEqual([1]);
    expect(fn.check(['DOUBLE', 'DOUBLE'], [null, 0])).toEqual({
      error: 'ewma needs a constant alpha in (0, 1], got 0',
    });
    expect(fn.check(['DOUBLE', 'DOUBLE'], [null, 1.5])).toHaveProperty('error');
    expect(fn.check(['DOUBLE', 'STRING'], [null, '0.5'])).toHaveProperty('error');
    expect(fn.check(['DOUBLE', 'DOUBLE'], [])).toEqual({
      error: 'ewma needs a constant alpha in (0, 1], got a non-constant expression',
    });
    expect(fn.check(['STRING', 'DOUBLE'], [null, 0.5])).toHaveProperty('error');
  });
});
