import { VaneError } from '../../util/index.ts';

/**
 * Serialized aggregate state is plain JSON, and JSON has no NaN or ±Infinity (a sum can overflow, a
 * slot can start at Infinity): those three are written as strings and read back exactly.
 */
export type EncodedNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export function encodeNumber(x: number): EncodedNumber {
  if (Number.isFinite(x)) return x;
  if (Number.isNaN(x)) return 'NaN';
  return x > 0 ? 'Infinity' : '-Infinity';
}

/** Reads an encoded number; anything else means the checkpoint is damaged. */
export function decodeNumber(data: unknown, what: string): number {
  if (typeof data === 'number' && Number.isFinite(data)) return data;
  if (data === 'NaN') return NaN;
  if (data === 'Infinity') return Infinity;
  if (data === '-Infinity') return -Infinity;
  throw corruptState(`${what}: expected a number, got ${describeData(data)}`);
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
  return new VaneError('CORRUPT_STATE', `aggregate state ${message}`, { cause });
}

function describeData(data: unknown): string {
  if (data === null) return 'null';
  if (Array.isArray(data)) return 'an array';
  return typeof data === 'string' ? JSON.stringify(data) : typeof data;
}
