import { isNumericType } from '../types.ts';
import type { Value } from '../types.ts';
import type { ScalarFunction } from './scalar-function.ts';
import { argError, arityError, isStringType } from './signature.ts';

/**
 * substr(s, start[, len]) with SQL semantics, counting Unicode code points from 1: the result is
 * the characters at positions [start, start + len) that exist in `s`, so substr('hello', 0, 3) is
 * 'he' and substr('hello', -1) is 'hello'. Fractional start and len are truncated toward zero. A
 * negative len (an error in PostgreSQL) or a NaN position gives NULL.
 */
export function substring(s: string, start: number, len?: number): string | null {
  const from = Math.trunc(start);
  if (Number.isNaN(from)) return null;
  let end = Infinity;
  if (len !== undefined) {
    const count = Math.trunc(len);
    if (!(count >= 0)) return null;
    end = from + count;
  }
  let unit = 0;
  let position = 1;
  while (position < from && unit < s.length) {
    unit += unitsAt(s, unit);
    position++;
  }
  const startUnit = unit;
  if (end === Infinity) return s.slice(startUnit);
  while (position < end && unit < s.length) {
    unit += unitsAt(s, unit);
    position++;
  }
  return s.slice(startUnit, unit);
}

/** 2 when a surrogate pair starts at `unit`, else 1. */
function unitsAt(s: string, unit: number): number {
  const code = s.charCodeAt(unit);
  if (code < 0xd800 || code > 0xdbff) return 1;
  const next = s.charCodeAt(unit + 1);
  return next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
}

const ROLES = ['the string', 'start', 'length'];

function substrNamed(name: string): ScalarFunction {
  return {
    name,
    minArgs: 2,
    maxArgs: 3,
    handlesNull: false,
    check(argTypes) {
      const arity = arityError(name, 2, 3, argTypes.length);
      if (arity !== null) return arity;
      const text = argTypes[0]!;
      if (!isStringType(text)) return argError(name, 'a STRING', text, ROLES[0]);
      for (let i = 1; i < argTypes.length; i++) {
        const type = argTypes[i]!;
        if (!isNumericType(type)) return argError(name, 'a numeric', type, ROLES[i]);
      }
      return 'STRING';
    },
    invoke(args: readonly Value[]): Value {
      const s = args[0] as string;
      const start = args[1] as number;
      return args.length > 2 ? substring(s, start, args[2] as number) : substring(s, start);
    },
  };
}

export const substr = substrNamed('substr');
/** PostgreSQL's substring(s, start, len) in function-call form (not `FROM … FOR …`). */
export const substringFunction = substrNamed('substring');
