/**
 * Column types of the SQL dialect (SPEC §2). ARRAY is internal: the type of `hashtags(text)` and
 * similar functions; it can be an aggregate's argument (each element counts) and a result column.
 */
export type SqlType = 'STRING' | 'DOUBLE' | 'BIGINT' | 'BOOLEAN' | 'TIMESTAMP' | 'JSON' | 'ARRAY';

/** The type of a NULL literal before context gives it one. */
export type ExprType = SqlType | 'NULL';

export const SQL_TYPES: readonly SqlType[] = [
  'STRING',
  'DOUBLE',
  'BIGINT',
  'BOOLEAN',
  'TIMESTAMP',
  'JSON',
  'ARRAY',
];

/**
 * A value inside the engine. TIMESTAMP is epoch milliseconds (a number) inside the engine and an
 * ISO-8601 string only at the edges (formatted output). BIGINT is a JS number (exact to 2^53).
 * NULL is `null`; a missing field reads as `null`.
 */
export type Value = string | number | boolean | null | readonly unknown[] | object;

/** An event as ingested: a JSON object. Fields not declared by the stream are ignored. */
export type EventRecord = Record<string, unknown>;

/** A result row as emitted: column name to value, TIMESTAMP formatted as ISO-8601. */
export type OutputRow = Record<string, unknown>;

export interface Column {
  name: string;
  type: SqlType;
}

/** The window a group belongs to; `null` for a running aggregate (no window). */
export interface WindowBounds {
  startMs: number;
  endMs: number;
}

export function isNumericType(type: ExprType): boolean {
  return type === 'DOUBLE' || type === 'BIGINT' || type === 'NULL';
}
