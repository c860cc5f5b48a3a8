import type { ExprType, SqlType, Value } from '../types.ts';
import type { ScalarFunction } from './scalar-function.ts';
import { VARIADIC, arityError, commonType } from './signature.ts';

/*
 * coalesce and nullif. Their result type is the common type of the arguments (see commonType);
 * when every argument is a NULL literal it is STRING, as PostgreSQL resolves an unknown literal.
 */

function resolved(type: ExprType): SqlType {
  return type === 'NULL' ? 'STRING' : type;
}

/** The first non-NULL argument, or NULL when all are NULL. */
export const coalesce: ScalarFunction = {
  name: 'coalesce',
  minArgs: 1,
  maxArgs: VARIADIC,
  handlesNull: true,
  check(argTypes) {
    const arity = arityError('coalesce', 1, VARIADIC, argTypes.length);
    if (arity !== null) return arity;
    let type: ExprType = 'NULL';
    for (let i = 0; i < argTypes.length; i++) {
      const next = commonType(type, argTypes[i]!);
      if (next === null) {
        return {
          error: `coalesce arguments need one common type, got ${type} and ${argTypes[i]} (argument ${i + 1})`,
        };
      }
      type = next;
    }
    return resolved(type);
  },
  invoke(args: readonly Value[]): Value {
    for (let i = 0; i < args.length; i++) {
      const value = args[i];
      if (value !== null && value !== undefined) return value;
    }
    return null;
  },
};

/**
 * Whether two engine values are equal for nullif: numbers, strings and booleans by value (BIGINT 1
 * equals DOUBLE 1.0); arrays and JSON objects by their JSON text, so key order matters.
 */
function sameValue(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * nullif(a, b): NULL when a equals b, else a. A NULL b never equals anything, so nullif(a, NULL)
 * is a (PostgreSQL's rule); the type is a's, or b's when a is a NULL literal.
 */
export const nullif: ScalarFunction = {
  name: 'nullif',
  minArgs: 2,
  maxArgs: 2,
  handlesNull: true,
  check(argTypes) {
    const arity = arityError('nullif', 2, 2, argTypes.length);
    if (arity !== null) return arity;
    const [a, b] = argTypes as [ExprType, ExprType];
    if (commonType(a, b) === null) return { error: `nullif cannot compare ${a} with ${b}` };
    return resolved(a === 'NULL' ? b : a);
  },
  invoke(args) {
    const a = args[0] ?? null;
    const b = args[1] ?? null;
    return sameValue(a, b) ? null : a;
  },
};
