import { VaneError } from '../../util/index.ts';
import type { Value } from '../types.ts';

/**
 * Serialized aggregate state is plain JSON, and JSON has no NaN or ±Infinity (a sum can overflow, a
 * slot can start at Infinity) and loses the sign of -0: those four are written as strings and read
 * back exactly.
 */
export type EncodedNumber = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';

export function encodeNumber(x: number): EncodedNumber {
  if (Number.isFinite(x)) return x === 0 && 1 / x < 0 ? '-0' : x;
  if (Number.isNaN(x)) return 'NaN';
  return x > 0 ? 'Infinity' : '-Infinity';
}

/** Reads an encoded number; anything else means the checkpoint is damaged. */
export function decodeNumber(data: unknown, what: string): number {
  const x = parseEncodedNumber(data);
  if (x === undefined) throw corruptState(`${what}: expected a number, got ${describeData(data)}`);
  return x;
}

/** The number `data` encodes, or undefined when it encodes none. */
export function parseEncodedNumber(data: unknown): number | undefined {
  if (typeof data === 'number') return Number.isFinite(data) ? data : undefined;
  switch (data) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return -0;
    default:
      return undefined;
  }
}

export function encodeNumbers(values: readonly number[]): EncodedNumber[] {
  return values.map(encodeNumber);
}

export function decodeNumbers(data: unknown, what: string): number[] {
  return expectArray(data, what).map((item) => decodeNumber(item, what));
}

/** The `count` doubles of an accumulator, starting at `at`. */
export function serializeSlots(
  nums: readonly number[],
  at: number,
  count: number,
): EncodedNumber[] {
  const out: EncodedNumber[] = [];
  for (let i = 0; i < count; i++) out.push(encodeNumber(nums[at + i]!));
  return out;
}

/** Writes back what `serializeSlots` produced, after checking its shape. */
export function restoreSlots(
  nums: number[],
  at: number,
  count: number,
  data: unknown,
  what: string,
): void {
  const items = expectArray(data, what);
  if (items.length !== count) {
    throw corruptState(`${what}: expected ${count} numbers, got ${items.length}`);
  }
  for (let i = 0; i < count; i++) nums[at + i] = decodeNumber(items[i], what);
}

export function expectArray(data: unknown, what: string): unknown[] {
  if (!Array.isArray(data))
    throw corruptState(`${what}: expected an array, got ${describeData(data)}`);
  return data as unknown[];
}

export function expectRecord(data: unknown, what: string): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw corruptState(`${what}: expected an object, got ${describeData(data)}`);
  }
  return data as Record<string, unknown>;
}

export function corruptState(message: string, cause?: unknown): VaneError {
  return new VaneError('CORRUPT_STATE', `damaged state: ${message}`, { cause });
}

export function describeData(data: unknown): string {
  if (data === null) return 'null';
  if (Array.isArray(data)) return 'an array';
  return typeof data === 'string' ? JSON.stringify(data) : typeof data;
}

/**
 * A Value in checkpoint form (JSON and msgpack alike). Strings, booleans, null, finite numbers other
 * than -0, and objects holding only such data stand as they are; the rest becomes a tagged array,
 * so an array is never a value itself:
 * - `['n', n]`: a number JSON cannot hold (n as `encodeNumber` writes it);
 * - `['a', array]`: an array holding only plain data;
 * - `['A', items]` and `['o', { key: item }]`: an array or object holding numbers JSON cannot
 *   hold, each item encoded in turn.
 */
export type EncodedValue = string | number | boolean | null | object;

export function encodeValue(value: Value | undefined): EncodedValue {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) && (value !== 0 || 1 / value > 0)
        ? value
        : ['n', encodeNumber(value)];
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      if (value === null) return null;
      if (isPlainData(value)) return Array.isArray(value) ? ['a', value] : value;
      if (Array.isArray(value)) return ['A', (value as readonly Value[]).map(encodeValue)];
      return ['o', encodeEntries(value)];
    default:
      return null;
  }
}

export function decodeValue(data: unknown, what: string): Value {
  switch (typeof data) {
    case 'string':
    case 'boolean':
      return data;
    case 'number':
      if (Number.isFinite(data)) return data;
      throw corruptState(`${what}: a bare number that is not finite`);
    case 'object':
      if (data === null) return null;
      if (!Array.isArray(data)) return data;
      break;
    default:
      throw corruptState(`${what}: expected a value, got ${typeof data}`);
  }
  const [tag, body] = data as unknown[];
  if (data.length === 2) {
    if (tag === 'n') return decodeNumber(body, what);
    if (tag === 'a' && Array.isArray(body)) return body as unknown[];
    if (tag === 'A' && Array.isArray(body)) return body.map((item) => decodeValue(item, what));
    if (tag === 'o' && typeof body === 'object' && body !== null && !Array.isArray(body)) {
      return Object.fromEntries(
        Object.entries(body).map(([key, item]) => [key, decodeValue(item, what)]),
      );
    }
  }
  throw corruptState(`${what}: not an encoded value (an array tagged ${describeData(tag)})`);
}

/** Own entries only, and `__proto__` stays a key (fromEntries defines, never assigns). */
function encodeEntries(value: object): Record<string, EncodedValue> {
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, encodeValue(item as Value)]),
  );
}

/** Whether JSON carries `value` exactly: no NaN, ±Infinity, -0 or undefined anywhere inside. */
function isPlainData(value: unknown): boolean {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) && (value !== 0 || 1 / value > 0);
    case 'string':
    case 'boolean':
      return true;
    case 'object':
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(isPlainData);
      for (const key in value) {
        if (!isPlainData((value as Record<string, unknown>)[key])) return false;
      }
      return true;
    default:
      return false;
  }
}
