import type { SqlType } from '../engine/index.ts';
import type { Cursor } from './cursor.ts';

/** Type names and their aliases, upper-cased, to the canonical type (DOUBLE PRECISION is special). */
const TYPE_NAMES = new Map<string, SqlType>([
  ['STRING', 'STRING'],
  ['VARCHAR', 'STRING'],
  ['TEXT', 'STRING'],
  ['DOUBLE', 'DOUBLE'],
  ['FLOAT', 'DOUBLE'],
  ['REAL', 'DOUBLE'],
  ['BIGINT', 'BIGINT'],
  ['INT', 'BIGINT'],
  ['INTEGER', 'BIGINT'],
  ['BOOLEAN', 'BOOLEAN'],
  ['BOOL', 'BOOLEAN'],
  ['TIMESTAMP', 'TIMESTAMP'],
  ['JSON', 'JSON'],
]);

const TYPE_LIST = 'STRING, DOUBLE, BIGINT, BOOLEAN, TIMESTAMP, JSON';

/**
 * A column or cast type, mapped to its canonical name. ARRAY is an engine-internal type with no
 * spelling in the dialect, so it is not accepted here.
 */
export function parseType(c: Cursor, expectation: string): SqlType {
  const token = c.peek();
  if (token.kind !== 'word') return c.fail(token, expectation);
  const upper = token.value.toUpperCase();
  const type = TYPE_NAMES.get(upper);
  if (type === undefined)
    return c.errorAt(token, `unknown type '${token.text}'; types are ${TYPE_LIST}`);
  c.next();
  if (upper === 'DOUBLE') c.acceptKeyword('PRECISION');
  return type;
}
