import { isNumericType } from '../types.ts';
import type { ExprType, SqlType, Value } from '../types.ts';

/** What `AggregateFunction.check` returns: the result type or a message for the user. */
export type CheckResult = SqlType | { error: string };

export interface Signature {
  name: string;
  /** How a call looks, for messages: `count(*) or count(x)`, `approx_percentile(x, q)`. */
  usage: string;
  minArgs: number;
  maxArgs: number;
}

/** The message for a call with the wrong number of arguments, or null when the count is right. */
export function arityError(
  sig: Signature,
  argTypes: readonly ExprType[],
): { error: string } | null {
  const count = argTypes.length;
  if (count >= sig.minArgs && count <= sig.maxArgs) return null;
  const got = count === 0 ? 'no arguments' : `${count} argument${count === 1 ? '' : 's'}`;
  return { error: `${sig.name} expects ${sig.usage}, got ${got}` };
}

/** NUMBER covers BIGINT, DOUBLE and an untyped NULL; TIMESTAMP is allowed only where it says so. */
export function isNumberLike(type: ExprType, allowTimestamp: boolean): boolean {
  return isNumericType(type) || (allowTimestamp && type === 'TIMESTAMP');
}

/** `sum needs a numeric argument, got STRING`, or null when the type is numeric. */
export function numericError(
  name: string,
  type: ExprType | undefined,
  argument = 'argument',
): { error: string } | null {
  if (type !== undefined && isNumericType(type)) return null;
  return { error: `${name} needs a numeric ${argument}, got ${type ?? 'nothing'}` };
}

/**
 * The result type of an aggregate whose result has its argument's type (min, first, …). An untyped
 * NULL argument (only ever NULL results) is given DOUBLE.
 */
export function typeOfValue(type: ExprType): SqlType {
  return type === 'NULL' ? 'DOUBLE' : type;
}

/** A constant as the user wrote it, for messages. */
export function formatConstant(value: Value | undefined): string {
  if (value === undefined) return 'a non-constant expression';
  if (value === null) return 'NULL';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * Reads the numeric constant at argument position `index` (`constants[i]` is the value of argument
 * i, as accumulator.ts states); null when it is absent, NULL or not a number.
 */
export function numericConstant(constants: readonly Value[], index: number): number | null {
  const value = constants[index];
  return typeof value === 'number' ? value : null;
}
