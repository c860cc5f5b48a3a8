import type { OutputRow } from '../../src/index.ts';
import type { PlainRow } from './duckdb-oracle.ts';

/**
 * How one output column is checked against DuckDB:
 * - `exact`: the same value (numbers, strings, NULL);
 * - `timestamp`: DuckDB's epoch ms equal to the engine's ISO-8601 string;
 * - `relative`: within `tolerance` relative error (and 1e-12 absolute, for results that are 0);
 * - `percentile`: within `tolerance` relative error of some value between the DuckDB columns
 *   `lo` and `hi` (the order statistics around q * (n - 1)); NULL when they are NULL;
 * - `distinct`: within `tolerance` relative error of the DuckDB column `exact`.
 */
export type ColumnCheck =
  | { kind: 'exact' }
  | { kind: 'timestamp' }
  | { kind: 'relative'; tolerance: number }
  | { kind: 'percentile'; lo: string; hi: string; tolerance: number }
  | { kind: 'distinct'; exact: string; tolerance: number };

export const EXACT: ColumnCheck = { kind: 'exact' };
export const TIMESTAMP: ColumnCheck = { kind: 'timestamp' };
export const FLOAT: ColumnCheck = { kind: 'relative', tolerance: 1e-9 };

export function percentile(lo: string, hi: string): ColumnCheck {
  return { kind: 'percentile', lo, hi, tolerance: 0.01 };
}

export function approxDistinct(exact: string): ColumnCheck {
  return { kind: 'distinct', exact, tolerance: 0.02 };
}

export type Columns = Record<string, ColumnCheck>;

/** The primary key of a row as one string (key columns in order, timestamps as ISO-8601). */
export function rowKey(row: Readonly<Record<string, unknown>>, key: readonly string[]): string {
  return JSON.stringify(key.map((name) => row[name] ?? null));
}

/** DuckDB rows with their timestamp columns turned into the engine's ISO-8601 strings. */
export function normalizeExpected(rows: readonly PlainRow[], columns: Columns): PlainRow[] {
  return rows.map((row) => {
    const normalized: PlainRow = { ...row };
    for (const [name, check] of Object.entries(columns)) {
      const value = row[name];
      if (check.kind === 'timestamp' && typeof value === 'number') {
        normalized[name] = new Date(value).toISOString();
      }
    }
    return normalized;
  });
}

/**
 * Compares the engine's final rows with DuckDB's (already normalized) on the key and on every
 * column; returns one message per difference (empty when they agree).
 */
export function compareRows(
  actual: readonly OutputRow[],
  expected: readonly PlainRow[],
  key: readonly string[],
  columns: Columns,
): string[] {
  const problems: string[] = [];
  const expectedByKey = new Map<string, PlainRow>();
  for (const row of expected) {
    const k = rowKey(row, key);
    if (expectedByKey.has(k)) problems.push(`DuckDB returned key ${k} twice (oracle SQL bug)`);
    expectedByKey.set(k, row);
  }
  const columnNames = Object.keys(columns).sort();
  const seen = new Set<string>();
  for (const row of actual) {
    const k = rowKey(row, key);
    const want = expectedByKey.get(k);
    if (want === undefined) {
      problems.push(`unexpected row ${k}: ${JSON.stringify(row)}`);
      continue;
    }
    seen.add(k);
    const names = Object.keys(row).sort();
    if (JSON.stringify(names) !== JSON.stringify(columnNames)) {
      problems.push(`row ${k} has columns ${names.join(',')}, expected ${columnNames.join(',')}`);
    }
    for (const [name, check] of Object.entries(columns)) {
      const problem = checkValue(row[name] ?? null, want, name, check);
      if (problem !== null) problems.push(`row ${k} column ${name}: ${problem}`);
    }
  }
  for (const [k, row] of expectedByKey) {
    if (!seen.has(k)) problems.push(`missing row ${k}: expected ${JSON.stringify(row)}`);
  }
  return problems;
}

function checkValue(
  value: unknown,
  want: PlainRow,
  name: string,
  check: ColumnCheck,
): string | null {
  const expected = want[name] ?? null;
  switch (check.kind) {
    case 'exact':
    case 'timestamp':
      return Object.is(value, expected) || (value === 0 && expected === 0)
        ? null
        : `got ${show(value)}, expected ${show(expected)}`;
    case 'relative':
      if (value === null && expected === null) return null;
      if (typeof value !== 'number' || typeof expected !== 'number') {
        return `got ${show(value)}, expected ${show(expected)}`;
      }
      return withinRelative(value, expected, check.tolerance)
        ? null
        : `got ${value}, expected ${expected} (relative error ${relativeError(value, expected)})`;
    case 'percentile': {
      const lo = want[check.lo] ?? null;
      const hi = want[check.hi] ?? null;
      if (lo === null || hi === null) {
        return value === null ? null : `got ${show(value)}, expected NULL (no values)`;
      }
      if (typeof value !== 'number' || typeof lo !== 'number' || typeof hi !== 'number') {
        return `got ${show(value)}, expected a number in [${show(lo)}, ${show(hi)}]`;
      }
      const low = Math.min(lo * (1 - check.tolerance), lo * (1 + check.tolerance));
      const high = Math.max(hi * (1 - check.tolerance), hi * (1 + check.tolerance));
      return value >= low && value <= high
        ? null
        : `got ${value}, expected within ${check.tolerance} of [${lo}, ${hi}]`;
    }
    case 'distinct': {
      const exact = want[check.exact];
      if (typeof value !== 'number' || typeof exact !== 'number') {
        return `got ${show(value)}, exact count ${show(exact)}`;
      }
      return Math.abs(value - exact) <= check.tolerance * exact
        ? null
        : `got ${value}, exact count ${exact} (relative error ${relativeError(value, exact)})`;
    }
  }
}

function withinRelative(a: number, b: number, tolerance: number): boolean {
  const difference = Math.abs(a - b);
  return difference <= tolerance * Math.max(Math.abs(a), Math.abs(b)) || difference <= 1e-12;
}

function relativeError(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined';
}
