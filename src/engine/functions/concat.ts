import type { Value } from '../types.ts';
import type { ScalarFunction } from './scalar-function.ts';
import { VARIADIC, arityError } from './signature.ts';

/**
 * concat(…) joins its arguments as text and skips NULLs, as in PostgreSQL (so it is never NULL).
 * Numbers and booleans read as JavaScript prints them (1.5, 42, true); JSON and ARRAY values that
 * are not strings read as JSON text. TIMESTAMP is refused: inside the engine it is a bare number
 * of milliseconds, which is not what anyone wants to read.
 */
export const concat: ScalarFunction = {
  name: 'concat',
  minArgs: 1,
  maxArgs: VARIADIC,
  handlesNull: true,
  check(argTypes) {
    const arity = arityError('concat', 1, VARIADIC, argTypes.length);
    if (arity !== null) return arity;
    const at = argTypes.indexOf('TIMESTAMP');
    if (at >= 0) {
      return {
        error: `concat cannot take a TIMESTAMP (argument ${at + 1}); CAST it to STRING first`,
      };
    }
    return 'STRING';
  },
  invoke(args: readonly Value[]): Value {
    let result = '';
    for (let i = 0; i < args.length; i++) {
      const value = args[i];
      if (value === null || value === undefined) continue;
      result += typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
    return result;
  },
};
