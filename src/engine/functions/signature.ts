import { isNumericType } from '../types.ts';
import type { ExprType } from '../types.ts';

/** `maxArgs` of a variadic function. */
export const VARIADIC = Number.POSITIVE_INFINITY;

/**
 * The argument-count error for `name`, or null when `count` is within [min, max]. `check` repeats
 * the count test so that it is correct on its own, whoever calls it.
 */
export function arityError(
  name: string,
  min: number,
  max: number,
  count: number,
): { error: string } | null {
  if (count >= min && count <= max) return null;
  const expected =
    max === VARIADIC
      ? `at least ${min} argument${min === 1 ? '' : 's'}`
      : min === max
        ? `${min} argument${min === 1 ? '' : 's'}`
        : `${min} to ${max} arguments`;
  return { error: `${name} takes ${expected}, got ${count}` };
}

/**
 * "sqrt needs a numeric argument, got STRING"; with a role: "round needs a numeric argument for
 * digits, got STRING".
 */
export function argError(
  name: string,
  wanted: string,
  got: ExprType,
  role?: string,
): { error: string } {
  const forRole = role === undefined ? '' : ` for ${role}`;
  return { error: `${name} needs ${wanted} argument${forRole}, got ${got}` };
}

export function isStringType(type: ExprType): boolean {
  return type === 'STRING' || type === 'NULL';
}

/**
 * The type a value of either type can take without loss, or null if there is none: equal types;
 * BIGINT with DOUBLE is DOUBLE; JSON holds any scalar (STRING, DOUBLE, BIGINT, BOOLEAN) and
 * ARRAY; NULL takes the other side. TIMESTAMP mixes with nothing but itself, because its number
 * means milliseconds and an ordinary number does not.
 */
export function commonType(a: ExprType, b: ExprType): ExprType | null {
  if (a === b || b === 'NULL') return a;
  if (a === 'NULL') return b;
  if (isNumericType(a) && isNumericType(b)) return 'DOUBLE';
  if (a === 'JSON' && b !== 'TIMESTAMP') return 'JSON';
  if (b === 'JSON' && a !== 'TIMESTAMP') return 'JSON';
  return null;
}

/** `value` when it is a finite number, else NULL: overflow and domain errors read as NULL. */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
