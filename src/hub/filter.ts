import { ISO_TIMESTAMP, type WhereFilter } from '../protocol/index.ts';
import { HubError } from './hub-error.ts';
import type { SourceColumn } from './hub-source.ts';

type Row = Record<string, unknown>;

/** A compiled `where`: which rows pass, and a canonical key shared by every equal filter. */
export interface RowFilter {
  /** Equal for filters that accept the same rows, whatever the order of columns or values. */
  readonly key: string;
  /** The filter as the source's `snapshot` expects it (TIMESTAMP values as ISO-8601 strings). */
  readonly where: WhereFilter | undefined;
  matches(row: Row): boolean;
  /** The rows that pass; the same array when the filter is empty. */
  select(rows: Row[]): Row[];
}

const ACCEPT_ALL: RowFilter = {
  key: '',
  where: undefined,
  matches: () => true,
  select: (rows) => rows,
};

/**
 * Compiles a `where` (per column, a value or a list of values) against the columns it may use:
 * `allowed` names them (a view's key columns; every column of a stream). Values are scalars;
 * TIMESTAMP values may be ISO-8601 strings or epoch milliseconds and match either form in rows.
 */
export function compileFilter(
  where: unknown,
  columns: readonly SourceColumn[],
  allowed: readonly string[],
  what: string,
): RowFilter {
  if (where === undefined || where === null) return ACCEPT_ALL;
  if (typeof where !== 'object' || Array.isArray(where)) {
    throw new HubError('INVALID_FIELD', `where must be an object of column: value or [values]`);
  }
  const names = Object.keys(where).sort();
  if (names.length === 0) return ACCEPT_ALL;
  const tests: { column: string; accepted: Set<unknown> }[] = [];
  const canonical: [string, string[]][] = [];
  const normalized: WhereFilter = {};
  for (const name of names) {
    if (!allowed.includes(name)) {
      throw new HubError(
        'INVALID_FIELD',
        `where: ${what} cannot be filtered on '${name}' (allowed: ${allowed.join(', ')})`,
      );
    }
    const isTimestamp = columns.find((column) => column.name === name)?.type === 'TIMESTAMP';
    const raw = (where as Record<string, unknown>)[name];
    const values = Array.isArray(raw) ? (raw as unknown[]) : [raw];
    const accepted = new Set<unknown>();
    const wireValues: unknown[] = [];
    for (const value of values) {
      if (isTimestamp) {
        const ms = timestampMs(value, name);
        accepted.add(ms).add(new Date(ms).toISOString());
        wireValues.push(new Date(ms).toISOString());
      } else if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
        accepted.add(value);
        wireValues.push(value);
      } else {
        throw new HubError(
          'INVALID_FIELD',
          `where.${name}: values must be strings, numbers, booleans or null`,
        );
      }
    }
    tests.push({ column: name, accepted });
    canonical.push([name, [...new Set(wireValues.map((value) => JSON.stringify(value)))].sort()]);
    normalized[name] = wireValues;
  }
  const matches = (row: Row): boolean => {
    for (const test of tests) if (!test.accepted.has(row[test.column] ?? null)) return false;
    return true;
  };
  return {
    key: JSON.stringify(canonical),
    where: normalized,
    matches,
    select: (rows) => rows.filter(matches),
  };
}

function timestampMs(value: unknown, column: string): number {
  const ms =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && ISO_TIMESTAMP.test(value)
        ? Date.parse(value)
        : Number.NaN;
  if (!Number.isFinite(ms) || Number.isNaN(new Date(ms).getTime())) {
    throw new HubError(
      'INVALID_FIELD',
      `where.${column}: expected an ISO-8601 timestamp or epoch milliseconds, got ${JSON.stringify(value)}`,
    );
  }
  return ms;
}
