/**
 * MurmurHash3 (x86, 32-bit) of sketch values. Strings are hashed over their UTF-16 code units
 * (little-endian, the same bytes as murmur3 of the UTF-16LE encoding), numbers over the 8 bytes of
 * their float64 bits. Each type hashes with its own seed, so `1`, `'1'` and `true` are unrelated
 * values. Numbers are normalized first: -0 hashes as 0 and every NaN as the canonical NaN, matching
 * how JavaScript's Map and SQL equality treat them.
 *
 * Contract: the output is a uniformly distributed unsigned 32-bit integer and is stable across
 * versions and platforms (it is persisted inside serialized sketches: never change it).
 */

export type SketchValue = string | number | boolean;

const SEED_STRING = 0x5bd1e995;
const SEED_NUMBER = 0x27d4eb2f;
const SEED_BOOLEAN = 0x165667b1;

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function mixH(h: number, k: number): number {
  h ^= mixK(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finalize(h: number, byteLength: number): number {
  h ^= byteLength;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hashString(text: string, seed = SEED_STRING): number {
  const n = text.length;
  let h = seed | 0;
  let i = 0;
  for (; i + 1 < n; i += 2) h = mixH(h, text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16));
  if (i < n) h ^= mixK(text.charCodeAt(i));
  return finalize(h, n * 2);
}

const float = new Float64Array(1);
const words = new Uint32Array(float.buffer);
// Typed arrays use the platform's byte order; fix the word order so hashes match on big-endian.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LOW = LITTLE_ENDIAN ? 0 : 1;
const HIGH = 1 - LOW;

export function hashNumber(value: number): number {
  float[0] = value === 0 ? 0 : value === value ? value : NaN;
  return finalize(mixH(mixH(SEED_NUMBER, words[LOW]!), words[HIGH]!), 8);
}

const HASH_FALSE = finalize(mixH(SEED_BOOLEAN, 0), 4);
const HASH_TRUE = finalize(mixH(SEED_BOOLEAN, 1), 4);

export function hashValue(value: SketchValue): number {
  if (typeof value === 'string') return hashString(value);
  if (typeof value === 'number') return hashNumber(value);
  return value ? HASH_TRUE : HASH_FALSE;
}
