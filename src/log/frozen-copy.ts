import { VaneError } from '../util/index.ts';

/**
 * A deep copy of JSON-like data (plain objects, arrays, strings, numbers, booleans, null and
 * undefined), frozen all the way down. Anything else (functions, symbols, bigints, class
 * instances such as Date or Map, cycles) throws INVALID_ARGUMENT: the memory stores refuse what a
 * disk-backed store could not give back unchanged, so tests catch it before production does.
 */
export function frozenCopy(value: unknown, what: string): unknown {
  return copy(value, what, []);
}

/**
 * `ancestors` is the path from the root: events are shallow, so a short array beats a Set.
 * Keys are assigned, except `__proto__`, which defineProperty keeps an ordinary property (as
 * JSON.parse does); a descriptor per key cost ~2.5 µs per event.
 */
function copy(value: unknown, what: string, ancestors: object[]): unknown {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
      throw notData(what, `a ${typeof value}`);
    }
    return value;
  }
  if (ancestors.includes(value)) throw notData(what, 'a cycle');
  ancestors.push(value);
  let result: unknown[] | Record<string, unknown>;
  if (Array.isArray(value)) {
    result = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) result[i] = copy(value[i], what, ancestors);
  } else {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      throw notData(what, `an instance of ${value.constructor?.name ?? 'a class'}`);
    }
    const record: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const item = copy((value as Record<string, unknown>)[key], what, ancestors);
      if (key === '__proto__') {
        Object.defineProperty(record, key, {
          value: item,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        record[key] = item;
      }
    }
    result = record;
  }
  ancestors.pop();
  return Object.freeze(result);
}

function notData(what: string, found: string): VaneError {
  return new VaneError('INVALID_ARGUMENT', `${what} is not storable data: it holds ${found}`);
}
