import { isNumericType } from '../types.ts';
import type { Value } from '../types.ts';
import type { ScalarFunction } from './scalar-function.ts';
import { VARIADIC, arityError } from './signature.ts';

/*
 * greatest(…) and least(…) over numbers, as in PostgreSQL: NULL arguments are ignored and the
 * result is NULL only when every argument is NULL. BIGINT when every typed argument is BIGINT,
 * else DOUBLE.
 */

function extreme(
  name: string,
  better: (candidate: number, best: number) => boolean,
): ScalarFunction {
  return {
    name,
    minArgs: 1,
    maxArgs: VARIADIC,
    handlesNull: true,
    check(argTypes) {
      const arity = arityError(name, 1, VARIADIC, argTypes.length);
      if (arity !== null) return arity;
      let allBigint = true;
      for (let i = 0; i < argTypes.length; i++) {
        const type = argTypes[i]!;
        if (!isNumericType(type)) {
          return { error: `${name} needs numeric arguments, got ${type} as argument ${i + 1}` };
        }
        if (type === 'DOUBLE') allBigint = false;
      }
      return allBigint && argTypes.includes('BIGINT') ? 'BIGINT' : 'DOUBLE';
    },
    invoke(args: readonly Value[]): Value {
      let best: number | null = null;
      for (let i = 0; i < args.length; i++) {
        const value = args[i] as number | null;
        if (value !== null && (best === null || better(value, best))) best = value;
      }
      return best;
    },
  };
}

export const greatest = extreme('greatest', (candidate, best) => candidate > best);
export const least = extreme('least', (candidate, best) => candidate < best);
