import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeDigits, encodeBase64, encodeDigits } from './base64.ts';
import { mulberry32 } from './test-support.ts';

describe('base64', () => {
  it('matches btoa and round-trips every length mod 3', () => {
    const random = mulberry32(1);
    for (let length = 0; length < 40; length++) {
      const bytes = Uint8Array.from({ length }, () => Math.floor(random() * 256));
      const text = encodeBase64(bytes);
      expect(text).toBe(btoa(String.fromCharCode(...bytes)));
      expect(decodeBase64(text)).toEqual(bytes);
    }
  });

  it('rejects text that is not canonical padded base64', () => {
    for (const text of ['A', 'AB', 'ABC', 'AB=C', 'A===', '====', 'AB*D', 'QR==', 'QUJ=', 'é===']) {
      expect(decodeBase64(text), text).toBeNull();
    }
  });

  it('writes 6-bit values as one digit each', () => {
    const values = Uint8Array.from({ length: 64 }, (_, i) => i);
    const text = encodeDigits(values);
    expect(text).toBe('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
    expect(decodeDigits(text, 63)).toEqual(values);
    expect(decodeDigits('AAT', 19)).toEqual(Uint8Array.from([0, 0, 19]));
    expect(decodeDigits('AAU', 19)).toBeNull();
    expect(decodeDigits('A=A', 63)).toBeNull();
  });
});
