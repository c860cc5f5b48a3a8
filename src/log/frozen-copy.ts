import { VaneError } from '../util/index.ts';

/**
 * A deep copy of JSON-like data (plain objects, arrays, strings, numbers, booleans, null and
 * undefined), frozen all the way down. Anything else (functions, symbols, bigints, class
 * instances such as Date or Map, cycles) throws INVALID_ARGUMENT: the memory stores refuse what a
 * disk-backed store could not give back unchanged, so tests catch it before production does.
 */
export function frozenCopy(value: unknown, what: string): unknown {
  return copy(value, what, new Set());
}

function copy(value: unknown, what: string, ancestors: Set<object>): unknown {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
      throw notData(what, `a ${typeof value}`);
    }
    return value;
  }
  if (ancestors.has(value)) throw notData(what, 'a cycle');
  ancestors.add(value);
  let result: unknown[] | Record<string, unknown>;
  if (Array.isArray(value)) {
    result = value.map((item) => copy(item, what, ancestors));
  } else {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      throw notData(what, `an instance of ${value.constructor?.name ?? 'a class'}`);
    }
    result = {};
    for (const [key, item] of Object.entries(value)) {
      // defineProperty keeps a key named __proto__ an ordinary property, as JSON.parse does.
      Object.defineProperty(result, key, {
        value: copy(item, what, ancestors),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  ancestors.delete(value);
  return Object.freeze(result);
}

function notData(what: string, found: string): VaneError {
  return new VaneError('INVALID_ARGUMENT', `${what} is not storable data: it holds ${found}`);
}
