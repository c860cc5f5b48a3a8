import { VaneError } from '../util/index.ts';

/** Well below LMDB's 1,978-byte key limit, and the same for every store. */
export const MAX_METADATA_KEY_BYTES = 1000;

/** Checks what `append` receives; the caller turns the throw into a rejection. */
export function checkAppendArguments(stream: string, events: unknown, arrivalMs: number): void {
  if (typeof stream !== 'string' || stream.length === 0) {
    throw new VaneError('INVALID_ARGUMENT', 'append: stream must be a non-empty string');
  }
  if (!Array.isArray(events)) {
    throw new VaneError('INVALID_ARGUMENT', 'append: events must be an array');
  }
  if (typeof arrivalMs !== 'number' || !Number.isFinite(arrivalMs)) {
    throw new VaneError('INVALID_ARGUMENT', 'append: arrivalMs must be a finite number');
  }
}

export function checkOffset(name: string, offset: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new VaneError('INVALID_ARGUMENT', `${name}: offset must be an integer >= 0`);
  }
}

export function checkMetadataKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.includes('\u0000')) {
    throw new VaneError(
      'INVALID_ARGUMENT',
      'metadata key must be a non-empty string without NUL characters',
    );
  }
  if (Buffer.byteLength(key, 'utf8') > MAX_METADATA_KEY_BYTES) {
    throw new VaneError(
      'INVALID_ARGUMENT',
      `metadata key is longer than ${MAX_METADATA_KEY_BYTES} UTF-8 bytes`,
    );
  }
}

export function checkMetadataValue(value: unknown): void {
  if (value === undefined) {
    throw new VaneError('INVALID_ARGUMENT', 'metadata value must not be undefined (use remove)');
  }
}

export function closedError(what: string): VaneError {
  return new VaneError('STORAGE_ERROR', `the ${what} is closed`);
}

/** Orders strings by Unicode code point, which is the UTF-8 byte order LMDB sorts keys in. */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (code points above U+FFFF) sort after every other BMP unit in code point order.
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** What a synchronous part of an async operation threw, as a rejection reason. */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new VaneError('INTERNAL', String(thrown));
}
