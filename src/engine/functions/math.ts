import { isNumericType } from '../types.ts';
import type { ExprType, SqlType, Value } from '../types.ts';
import type { ScalarFunction } from './scalar-function.ts';
import { argError, arityError, finiteOrNull } from './signature.ts';

/*
 * abs, sqrt, ln, exp, log10, power. Domain errors and overflow (sqrt(-1), ln(0), exp(1000),
 * power(0, -1), power(-8, 0.5)) return NULL instead of raising as PostgreSQL does: a function runs
 * per event and one bad value must not stop a view. Every result is a finite number or NULL.
 */

function unary(
  name: string,
  resultType: (argType: ExprType) => SqlType,
  apply: (x: number) => number | null,
): ScalarFunction {
  return {
    name,
    minArgs: 1,
    maxArgs: 1,
    handlesNull: false,
    check(argTypes) {
      const arity = arityError(name, 1, 1, argTypes.length);
      if (arity !== null) return arity;
      const type = argTypes[0]!;
      if (!isNumericType(type)) return argError(name, 'a numeric', type);
      return resultType(type);
    },
    invoke(args: readonly Value[]): Value {
      return apply(args[0] as number);
    },
  };
}

const double = (): SqlType => 'DOUBLE';

/** abs keeps its argument's type; abs(NULL) is DOUBLE. */
export const abs = unary(
  'abs',
  (type) => (type === 'BIGINT' ? 'BIGINT' : 'DOUBLE'),
  (x) => Math.abs(x),
);
export const sqrt = unary('sqrt', double, (x) => finiteOrNull(Math.sqrt(x)));
export const ln = unary('ln', double, (x) => finiteOrNull(Math.log(x)));
export const exp = unary('exp', double, (x) => finiteOrNull(Math.exp(x)));
export const log10 = unary('log10', double, (x) => finiteOrNull(Math.log10(x)));

function powerNamed(name: string): ScalarFunction {
  return {
    name,
    minArgs: 2,
    maxArgs: 2,
    handlesNull: false,
    check(argTypes) {
      const arity = arityError(name, 2, 2, argTypes.length);
      if (arity !== null) return arity;
      const [base, exponent] = argTypes as [ExprType, ExprType];
      if (!isNumericType(base)) return argError(name, 'a numeric', base, 'the base');
      if (!isNumericType(exponent)) return argError(name, 'a numeric', exponent, 'the exponent');
      return 'DOUBLE';
    },
    invoke(args) {
      return finiteOrNull(Math.pow(args[0] as number, args[1] as number));
    },
  };
}

export const power = powerNamed('power');
/** PostgreSQL's other spelling of power. */
export const pow = powerNamed('pow');
