import type { ExprType, Value } from '../types.ts';
import type { ScalarFunction } from './scalar-function.ts';
import { argError, arityError, isStringType } from './signature.ts';

/*
 * lower, upper, trim, ltrim, rtrim, replace, length. Case mapping is locale-independent (the
 * server's locale must not change results). trim removes all Unicode white space (tabs and line
 * breaks included), not only the space PostgreSQL's trim removes: event text is messier than
 * typed SQL.
 */

function stringToString(name: string, apply: (s: string) => string): ScalarFunction {
  return {
    name,
    minArgs: 1,
    maxArgs: 1,
    handlesNull: false,
    check(argTypes) {
      const arity = arityError(name, 1, 1, argTypes.length);
      if (arity !== null) return arity;
      const type = argTypes[0]!;
      return isStringType(type) ? 'STRING' : argError(name, 'a STRING', type);
    },
    invoke(args: readonly Value[]): Value {
      return apply(args[0] as string);
    },
  };
}

export const lower = stringToString('lower', (s) => s.toLowerCase());
export const upper = stringToString('upper', (s) => s.toUpperCase());
export const trim = stringToString('trim', (s) => s.trim());
export const ltrim = stringToString('ltrim', (s) => s.trimStart());
export const rtrim = stringToString('rtrim', (s) => s.trimEnd());

/** The number of Unicode code points in `s` (a surrogate pair is one; a lone surrogate is one). */
export function codePointLength(s: string): number {
  let count = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const unit = s.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

/** length of a STRING counts code points ('🚀' is 1); length of an ARRAY counts its elements. */
export const length: ScalarFunction = {
  name: 'length',
  minArgs: 1,
  maxArgs: 1,
  handlesNull: false,
  check(argTypes) {
    const arity = arityError('length', 1, 1, argTypes.length);
    if (arity !== null) return arity;
    const type = argTypes[0]!;
    if (isStringType(type) || type === 'ARRAY') return 'BIGINT';
    return argError('length', 'a STRING or ARRAY', type);
  },
  invoke(args) {
    const value = args[0];
    return typeof value === 'string'
      ? codePointLength(value)
      : (value as readonly unknown[]).length;
  },
};

/**
 * Every occurrence of `from` in `s` replaced by `to`, taken literally (no `$&` patterns). An empty
 * `from` leaves `s` unchanged, as in PostgreSQL.
 */
export function replaceAll(s: string, from: string, to: string): string {
  if (from.length === 0) return s;
  let at = s.indexOf(from);
  if (at < 0) return s;
  let result = '';
  let copied = 0;
  while (at >= 0) {
    result += s.slice(copied, at) + to;
    copied = at + from.length;
    at = s.indexOf(from, copied);
  }
  return result + s.slice(copied);
}

const REPLACE_ROLES = ['the string', 'from', 'to'];

export const replace: ScalarFunction = {
  name: 'replace',
  minArgs: 3,
  maxArgs: 3,
  handlesNull: false,
  check(argTypes: readonly ExprType[]) {
    const arity = arityError('replace', 3, 3, argTypes.length);
    if (arity !== null) return arity;
    for (let i = 0; i < 3; i++) {
      const type = argTypes[i]!;
      if (!isStringType(type)) return argError('replace', 'a STRING', type, REPLACE_ROLES[i]);
    }
    return 'STRING';
  },
  invoke(args) {
    return replaceAll(args[0] as string, args[1] as string, args[2] as string);
  },
};
