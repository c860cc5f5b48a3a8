/**
 * Standard base64 (RFC 4648, with padding), written here because Buffer is Node-only and the
 * sketches must also run in browsers.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Character code → 6-bit value; -1 for characters outside the alphabet. */
const DIGIT_VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGIT_VALUES[ALPHABET.charCodeAt(i)] = i;

function digitValue(code: number): number {
  return code < 128 ? DIGIT_VALUES[code]! : -1;
}

export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out +=
      ALPHABET[n >>> 18]! +
      ALPHABET[(n >>> 12) & 63]! +
      ALPHABET[(n >>> 6) & 63]! +
      ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]! + '=';
  }
  return out;
}

/** Decodes canonical padded base64; null for anything else (wrong length, stray characters). */
export function decodeBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  let at = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    const a = digitValue(text.charCodeAt(i));
    const b = digitValue(text.charCodeAt(i + 1));
    const c = last && padding === 2 ? 0 : digitValue(text.charCodeAt(i + 2));
    const d = last && padding >= 1 ? 0 : digitValue(text.charCodeAt(i + 3));
    if ((a | b | c | d) < 0) return null;
    // Bits below the last full byte must be zero, or two texts would decode to the same bytes.
    if (last && ((padding === 2 && (b & 15) !== 0) || (padding === 1 && (c & 3) !== 0))) {
      return null;
    }
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    bytes[at++] = n >>> 16;
    if (at < bytes.length) bytes[at++] = (n >>> 8) & 255;
    if (at < bytes.length) bytes[at++] = n & 255;
  }
  return bytes;
}

/**
 * Small integers (0..63) as one base64 digit each: the densest plain-text form for values that fit
 * in 6 bits, such as HyperLogLog registers.
 */
export function encodeDigits(values: Uint8Array): string {
  let out = '';
  for (let i = 0; i < values.length; i++) out += ALPHABET[values[i]!]!;
  return out;
}

/** Inverse of `encodeDigits`; null when a character is not a base64 digit or exceeds `max`. */
export function decodeDigits(text: string, max: number): Uint8Array | null {
  const values = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const v = digitValue(text.charCodeAt(i));
    if (v < 0 || v > max) return null;
    values[i] = v;
  }
  return values;
}
