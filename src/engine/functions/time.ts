import { isNumericType } from '../types.ts';
import type { ExprType, Value } from '../types.ts';
import { MS_PER_DAY, startOfCalendarUnit } from './calendar.ts';
import { parseIsoTimestamp } from './iso-timestamp.ts';
import type { ScalarFunction } from './scalar-function.ts';
import { argError, arityError, isStringType } from './signature.ts';

/*
 * to_timestamp, date_trunc, epoch_ms. A TIMESTAMP is whole epoch milliseconds in UTC; every
 * function here yields whole milliseconds within JavaScript's date range (±8.64e15 ms, about
 * ±273,000 years), so the ISO-8601 output formatting can always print it. Anything else is NULL.
 */

/** The largest distance from the epoch a JavaScript Date can represent. */
const MAX_EPOCH_MS = 8.64e15;

function timestampOrNull(ms: number): number | null {
  return ms >= -MAX_EPOCH_MS && ms <= MAX_EPOCH_MS ? Math.floor(ms) : null;
}

/**
 * to_timestamp(x): x as epoch milliseconds (a number, floored to a whole millisecond) or an
 * ISO-8601 string (iso-timestamp.ts). JSON is accepted for json_get results and is read the same
 * way at run time; a JSON value that is neither a number nor a string is NULL, as is an
 * unparseable string or a number outside the date range.
 */
export const toTimestamp: ScalarFunction = {
  name: 'to_timestamp',
  minArgs: 1,
  maxArgs: 1,
  handlesNull: false,
  check(argTypes) {
    const arity = arityError('to_timestamp', 1, 1, argTypes.length);
    if (arity !== null) return arity;
    const type = argTypes[0]!;
    if (isNumericType(type) || isStringType(type) || type === 'TIMESTAMP' || type === 'JSON') {
      return 'TIMESTAMP';
    }
    return argError('to_timestamp', 'an epoch-milliseconds number, ISO-8601 STRING or JSON', type);
  },
  invoke(args: readonly Value[]): Value {
    const value = args[0];
    if (typeof value === 'number') return timestampOrNull(value);
    if (typeof value === 'string') return parseIsoTimestamp(value);
    return null;
  },
};

/** Units date_trunc knows, by name; a week starts on Monday (ISO 8601), as in PostgreSQL. */
type Unit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';
const FIXED_UNIT_MS: Partial<Record<Unit, number>> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: MS_PER_DAY,
};
const UNITS: ReadonlyMap<string, Unit> = new Map(
  (['second', 'minute', 'hour', 'day', 'week', 'month', 'year'] as const).flatMap(
    (unit): [string, Unit][] => [
      [unit, unit],
      [`${unit}s`, unit],
    ],
  ),
);

/** 1970-01-01 was a Thursday: the days since the epoch of Monday 1970-01-05, mod 7, are 4. */
const MONDAY_OFFSET_DAYS = 3;

/** The start (UTC) of the `unit` that `ms` falls in; pre-1970 instants round down too. */
export function truncateTimestamp(unit: Unit, ms: number): number {
  const fixed = FIXED_UNIT_MS[unit];
  if (fixed !== undefined) return Math.floor(ms / fixed) * fixed;
  const days = Math.floor(ms / MS_PER_DAY);
  if (unit === 'week') {
    const sinceMonday = (((days + MONDAY_OFFSET_DAYS) % 7) + 7) % 7;
    return (days - sinceMonday) * MS_PER_DAY;
  }
  return startOfCalendarUnit(days, unit === 'month' ? 'month' : 'year') * MS_PER_DAY;
}

/**
 * date_trunc(unit, ts) for 'second', 'minute', 'hour', 'day', 'week', 'month', 'year' (plurals
 * and any letter case too), in UTC. The unit is usually a literal, but `check` sees only types,
 * so an unknown unit is found per call and gives NULL.
 */
export const dateTrunc: ScalarFunction = {
  name: 'date_trunc',
  minArgs: 2,
  maxArgs: 2,
  handlesNull: false,
  check(argTypes: readonly ExprType[]) {
    const arity = arityError('date_trunc', 2, 2, argTypes.length);
    if (arity !== null) return arity;
    const unit = argTypes[0]!;
    const ts = argTypes[1]!;
    if (!isStringType(unit)) return argError('date_trunc', 'a STRING', unit, 'the unit');
    if (ts !== 'TIMESTAMP' && ts !== 'NULL') {
      const hint = isNumericType(ts) || ts === 'STRING' ? ' (convert it with to_timestamp)' : '';
      return { error: `date_trunc needs a TIMESTAMP argument to truncate, got ${ts}${hint}` };
    }
    return 'TIMESTAMP';
  },
  invoke(args) {
    const name = args[0] as string;
    const unit = UNITS.get(name) ?? UNITS.get(name.toLowerCase());
    return unit === undefined ? null : truncateTimestamp(unit, args[1] as number);
  },
};

/** epoch_ms(ts): the TIMESTAMP as a BIGINT count of milliseconds since 1970-01-01 UTC. */
export const epochMs: ScalarFunction = {
  name: 'epoch_ms',
  minArgs: 1,
  maxArgs: 1,
  handlesNull: false,
  check(argTypes) {
    const arity = arityError('epoch_ms', 1, 1, argTypes.length);
    if (arity !== null) return arity;
    const type = argTypes[0]!;
    return type === 'TIMESTAMP' || type === 'NULL'
      ? 'BIGINT'
      : argError('epoch_ms', 'a TIMESTAMP', type);
  },
  invoke(args) {
    return Math.floor(args[0] as number);
  },
};
