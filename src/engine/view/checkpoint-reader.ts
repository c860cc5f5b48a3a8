import type { VaneError } from '../../util/index.ts';
import {
  corruptState,
  decodeValue,
  describeData,
  parseEncodedNumber,
} from '../aggregate/state-codec.ts';
import type { SqlType, Value } from '../types.ts';

/**
 * Reads the fields of a checkpoint, each check naming the field (and the item's index in a
 * column), so damaged data fails with a CORRUPT_STATE error that says where. Messages are built
 * only on failure: the readers run once per group of a view that may have 100,000.
 */
export class CheckpointReader {
  constructor(
    /** What is being read, e.g. "view ohlc_1m checkpoint". */
    readonly what: string,
  ) {}

  error(message: string, cause?: unknown): VaneError {
    return corruptState(`${this.what}: ${message}`, cause);
  }

  record(data: unknown, field: string): Record<string, unknown> {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw this.error(`${field}: expected an object, got ${describeData(data)}`);
    }
    return data as Record<string, unknown>;
  }

  /** A store's record, checked to be of `kind`. */
  store(data: unknown, kind: string): Record<string, unknown> {
    const record = this.record(data, 'store');
    if (record.kind !== kind) {
      throw this.error(`store: expected a ${kind} store, got ${describeData(record.kind)}`);
    }
    return record;
  }

  array(data: unknown, field: string, length?: number, index?: number): unknown[] {
    if (!Array.isArray(data) || (length !== undefined && data.length !== length)) {
      const got = Array.isArray(data) ? `${data.length} items` : describeData(data);
      const wanted = length === undefined ? 'an array' : `an array of ${length}`;
      throw this.error(`${at(field, index)}: expected ${wanted}, got ${got}`);
    }
    return data as unknown[];
  }

  number(data: unknown, field: string, index?: number): number {
    if (typeof data === 'number' && Number.isFinite(data)) return data;
    const x = parseEncodedNumber(data);
    if (x === undefined) {
      throw this.error(`${at(field, index)}: expected a number, got ${describeData(data)}`);
    }
    return x;
  }

  /** A whole number in [0, limit). */
  count(data: unknown, field: string, limit = Number.MAX_SAFE_INTEGER, index?: number): number {
    if (typeof data !== 'number' || !Number.isInteger(data) || data < 0 || data >= limit) {
      throw this.error(
        `${at(field, index)}: expected a whole number below ${limit}, got ${describeData(data)}`,
      );
    }
    return data;
  }

  /** An encoded Value (state-codec.ts). */
  value(data: unknown, field: string, index?: number): Value {
    switch (typeof data) {
      case 'string':
      case 'boolean':
        return data;
      case 'number':
        if (Number.isFinite(data)) return data;
        break;
      case 'object':
        if (data === null) return null;
        break;
    }
    return decodeValue(data, `${this.what}: ${at(field, index)}`);
  }

  /** An encoded row: `types.length` values, each NULL or of its column's type. */
  row(data: unknown, types: readonly SqlType[], field: string, index?: number): Value[] {
    const items = this.array(data, field, types.length, index);
    const out = new Array<Value>(types.length);
    for (let i = 0; i < types.length; i++) {
      const value = this.value(items[i], field, index);
      if (!this.hasType(value, types[i]!)) {
        throw this.error(`${at(field, index)}: value ${i} is not of type ${types[i]!}`);
      }
      out[i] = value;
    }
    return out;
  }

  /** Whether `value` is NULL or a value of `type`. */
  hasType(value: Value, type: SqlType): boolean {
    return value === null || hasType(value, type);
  }
}

function at(field: string, index: number | undefined): string {
  return index === undefined ? field : `${field}[${index}]`;
}

function hasType(value: Value, type: SqlType): boolean {
  switch (type) {
    case 'STRING':
      return typeof value === 'string';
    case 'DOUBLE':
    case 'BIGINT':
    case 'TIMESTAMP':
      return typeof value === 'number';
    case 'BOOLEAN':
      return typeof value === 'boolean';
    case 'ARRAY':
      return Array.isArray(value);
    case 'JSON':
      return true;
  }
}

/** Whether two map keys are one key to a Map (SameValueZero). */
export function sameKey(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b);
}
