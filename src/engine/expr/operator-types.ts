import type { ExprType } from '../types.ts';
import { isNumericType } from '../types.ts';
import type { Operator } from './plan-expr.ts';

const ORDERED_TYPES: ReadonlySet<ExprType> = new Set([
  'DOUBLE',
  'BIGINT',
  'STRING',
  'TIMESTAMP',
  'BOOLEAN',
  'NULL',
]);

/** Two types can be compared when both are numeric, or equal, or one of them is NULL. */
export function comparable(a: ExprType, b: ExprType): boolean {
  if (a === 'NULL' || b === 'NULL') return true;
  if (isNumericType(a) && isNumericType(b)) return true;
  return a === b;
}

/**
 * The result type of an operator applied to arguments of these types, or a message saying what is
 * wrong. Division is always DOUBLE (as in DuckDB): `sum(qty) / count(*)` should not truncate.
 */
export function operatorType(
  op: Operator,
  args: readonly ExprType[],
): ExprType | { error: string } {
  const [a = 'NULL', b = 'NULL'] = args;
  switch (op) {
    case 'add':
    case 'sub':
      if (op === 'sub' && a === 'TIMESTAMP' && b === 'TIMESTAMP') return 'BIGINT';
      if (a === 'TIMESTAMP' && isNumericType(b)) return 'TIMESTAMP';
      if (op === 'add' && b === 'TIMESTAMP' && isNumericType(a)) return 'TIMESTAMP';
      return arithmetic(op, a, b);
    case 'mul':
    case 'mod':
      return arithmetic(op, a, b);
    case 'div': {
      const type = arithmetic(op, a, b);
      return typeof type === 'string' ? 'DOUBLE' : type;
    }
    case 'neg':
      return isNumericType(a) ? a : { error: `cannot negate a ${a} value` };
    case 'concat':
      return a === 'JSON' || a === 'ARRAY' || b === 'JSON' || b === 'ARRAY'
        ? {
            error: `|| joins text, numbers and booleans, not ${a === 'JSON' || a === 'ARRAY' ? a : b}`,
          }
        : 'STRING';
    case 'eq':
    case 'ne':
      if (!comparable(a, b)) return { error: `cannot compare ${a} with ${b}` };
      return 'BOOLEAN';
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge':
      if (!comparable(a, b) || !ORDERED_TYPES.has(a) || !ORDERED_TYPES.has(b)) {
        return { error: `cannot order ${a} against ${b}` };
      }
      return 'BOOLEAN';
    case 'and':
    case 'or':
      if ((a !== 'BOOLEAN' && a !== 'NULL') || (b !== 'BOOLEAN' && b !== 'NULL')) {
        return { error: `${op.toUpperCase()} needs BOOLEAN operands, got ${a} and ${b}` };
      }
      return 'BOOLEAN';
    case 'not':
      return a === 'BOOLEAN' || a === 'NULL'
        ? 'BOOLEAN'
        : { error: `NOT needs a BOOLEAN, got ${a}` };
    case 'like':
      return (a === 'STRING' || a === 'NULL') && (b === 'STRING' || b === 'NULL')
        ? 'BOOLEAN'
        : { error: `LIKE needs STRING operands, got ${a} and ${b}` };
    case 'is_null':
    case 'is_not_null':
      return 'BOOLEAN';
  }
}

const SYMBOL: Record<string, string> = { add: '+', sub: '-', mul: '*', div: '/', mod: '%' };

function arithmetic(op: Operator, a: ExprType, b: ExprType): ExprType | { error: string } {
  if (!isNumericType(a) || !isNumericType(b)) {
    return { error: `${SYMBOL[op] ?? op} needs numbers, got ${a} and ${b}` };
  }
  if (a === 'DOUBLE' || b === 'DOUBLE') return 'DOUBLE';
  if (a === 'NULL' && b === 'NULL') return 'NULL';
  return 'BIGINT';
}
