import { describe, expect, it } from 'vitest';
import { VaneError } from '../../util/index.ts';
import {
  decodeNumber,
  decodeValue,
  encodeNumber,
  encodeValue,
  restoreSlots,
  serializeSlots,
} from './state-codec.ts';

describe('state codec', () => {
  it('carries NaN and infinities through JSON', () => {
    const nums = [5, NaN, Infinity, -Infinity, -0, 9];
    const text = JSON.stringify(serializeSlots(nums, 1, 4));
    const back = [0, 0, 0, 0, 0, 0];
    restoreSlots(back, 1, 4, JSON.parse(text), 'test');
    expect(back).toEqual([0, NaN, Infinity, -Infinity, -0, 0]);
    expect(Object.is(decodeNumber(JSON.parse(JSON.stringify(encodeNumber(-0))), 't'), -0)).toBe(
      true,
    );
    expect(encodeNumber(3)).toBe(3);
  });

  it('rejects anything else as CORRUPT_STATE', () => {
    for (const data of ['infinity', null, {}, undefined]) {
      expect(() => decodeNumber(data, 'test')).toThrow(VaneError);
    }
    expect(() => restoreSlots([0, 0], 0, 2, [1], 'test')).toThrow(/expected 2 numbers, got 1/);
  });

  it('carries every kind of value through JSON exactly', () => {
    const values = [
      'NaN',
      '-0',
      ['n', 'NaN'],
      NaN,
      -0,
      0,
      Infinity,
      -Infinity,
      1.5,
      true,
      null,
      [1, 'a', [2]],
      [],
      { a: 1, b: [null, 'x'] },
      { a: NaN, b: [-0, { c: -Infinity }] },
      [Infinity, 'Infinity'],
      JSON.parse('{"__proto__": 5}') as object,
    ];
    for (const value of values) {
      const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(value))), 'test');
      expect(back, JSON.stringify(value)).toEqual(value);
      if (typeof value === 'number') expect(Object.is(back, value)).toBe(true);
    }
    expect(encodeValue('plain')).toBe('plain');
    expect(encodeValue(4)).toBe(4);
  });

  it('rejects what no value encodes to', () => {
    for (const data of [['x', 1], ['n', 'soon'], ['a', 5], ['o', []], ['n'], undefined, Infinity]) {
      expect(() => decodeValue(data, 'test'), JSON.stringify(data)).toThrow(
        expect.objectContaining({ code: 'CORRUPT_STATE' }),
      );
    }
  });
});
