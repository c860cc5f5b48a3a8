import { describe, expect, it } from 'vitest';
import { VaneError } from '../../util/index.ts';
import { decodeNumber, encodeNumber, restoreSlots, serializeSlots } from './state-codec.ts';

describe('state codec', () => {
  it('carries NaN and infinities through JSON', () => {
    const nums = [5, NaN, Infinity, -Infinity, -0.5, 9];
    const text = JSON.stringify(serializeSlots(nums, 1, 4));
    const back = [0, 0, 0, 0, 0, 0];
    restoreSlots(back, 1, 4, JSON.parse(text), 'test');
    expect(back).toEqual([0, NaN, Infinity, -Infinity, -0.5, 0]);
    expect(encodeNumber(3)).toBe(3);
  });

  it('rejects anything else as CORRUPT_STATE', () => {
    for (const data of ['infinity', null, {}, undefined]) {
      expect(() => decodeNumber(data, 'test')).toThrow(VaneError);
    }
    expect(() => restoreSlots([0, 0], 0, 2, [1], 'test')).toThrow(/expected 2 numbers, got 1/);
  });
});
