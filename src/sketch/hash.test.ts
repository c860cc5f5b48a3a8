import { describe, expect, it } from 'vitest';
import { hashNumber, hashString, hashValue } from './hash.ts';

/** Two bytes per UTF-16 code unit, little-endian: the bytes murmur3 sees for a string. */
function fromBytes(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 2) {
    out += String.fromCharCode(text.charCodeAt(i) | (text.charCodeAt(i + 1) << 8));
  }
  return out;
}

describe('hash', () => {
  it('is MurmurHash3 x86_32 (published test vectors of even byte length)', () => {
    const vectors: [string, number, number][] = [
      ['', 0, 0],
      ['', 1, 0x514e28b7],
      ['', 0xffffffff, 0x81f16f39],
      ['\0\0\0\0', 0, 0x2362f9de],
      ['aaaa', 0x9747b28c, 0x5a97808a],
      ['aa', 0x9747b28c, 0x5d211726],
      ['abcd', 0x9747b28c, 0xf0478627],
      ['ab', 0x9747b28c, 0x74875592],
      ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', 0, 0xee925b90],
    ];
    for (const [bytes, seed, expected] of vectors) {
      expect(hashString(fromBytes(bytes), seed), JSON.stringify(bytes)).toBe(expected);
    }
  });

  it('is stable: serialized sketches hold these values, so they must never change', () => {
    expect([hashValue('vane'), hashValue(1), hashValue(true), hashValue(false)]).toEqual([
      3727514162, 3574153038, 3541952705, 673045070,
    ]);
    expect(hashValue(-2.5)).toBe(hashNumber(-2.5));
  });

  it('tags types and normalizes -0 and NaN', () => {
    const hashes = [hashValue(1), hashValue('1'), hashValue(true), hashValue(0), hashValue('')];
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(hashValue(-0)).toBe(hashValue(0));
    expect(hashValue(Number('x'))).toBe(hashValue(NaN));
    expect(hashValue(1.5)).not.toBe(hashValue(1.5000000000000002));
  });

  it('returns unsigned 32-bit integers spread over all bits', () => {
    let or = 0;
    let and = 0xffffffff;
    for (let i = 0; i < 1000; i++) {
      for (const h of [hashValue(i), hashValue(`k${i}`)]) {
        expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
        or |= h;
        and &= h;
      }
    }
    expect(or >>> 0).toBe(0xffffffff);
    expect(and).toBe(0);
  });
});
