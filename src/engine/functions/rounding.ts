import { isNumericType } from '../types.ts';
import type { ExprType, Value } from '../types.ts';
import type { ScalarFunction } from './scalar-function.ts';
import { argError, arityError } from './signature.ts';

/*
 * round, floor, ceil. Results are never -0 (ceil(-0.5) is 0), so output reads as written.
 * Rounding an integer keeps BIGINT: round(x) and floor/ceil of a BIGINT are BIGINT, the rest DOUBLE.
 */

/** Digits beyond this make the scale 10^digits overflow; nothing changes there anyway. */
const MAX_DIGITS = 308;
/** Above 2^52 every double is a whole number: scaled values that large have nothing to round. */
const ALREADY_WHOLE = 2 ** 52;
/**
 * Scaling by 10^digits is inexact: 1.005 * 100 is 100.49999999999999. A fraction within this many
 * units in the last place of .5 counts as a tie, so round(1.005, 2) is 1.01 as the decimal reads.
 */
const TIE_ULPS = 4;

/**
 * Rounds half away from zero to `digits` decimal places; negative digits round to tens, hundreds,
 * …; fractional digits are truncated toward zero. NULL when digits is NaN.
 */
export function roundHalfAwayFromZero(x: number, digits: number): number | null {
  const magnitude = Math.abs(x);
  let rounded: number;
  if (digits === 0) {
    rounded = Math.round(magnitude);
  } else {
    const d = Math.trunc(digits);
    if (Number.isNaN(d)) return null;
    const places = Math.min(Math.abs(d), MAX_DIGITS);
    const scale = 10 ** places;
    const scaled = d > 0 ? magnitude * scale : magnitude / scale;
    if (!(scaled < ALREADY_WHOLE)) return x;
    let whole = Math.floor(scaled);
    if (scaled - whole >= 0.5 - TIE_ULPS * Number.EPSILON * Math.max(scaled, 1)) whole += 1;
    rounded = d > 0 ? whole / scale : whole * scale;
  }
  if (rounded === 0) return 0;
  return x < 0 ? -rounded : rounded;
}

/** The error in round/floor/ceil's first argument or count, or null. */
function checkNumeric(
  name: string,
  argTypes: readonly ExprType[],
  max: number,
): { error: string } | null {
  const arity = arityError(name, 1, max, argTypes.length);
  if (arity !== null) return arity;
  const type = argTypes[0]!;
  if (!isNumericType(type)) return argError(name, 'a numeric', type, max > 1 ? 'x' : undefined);
  return null;
}

export const round: ScalarFunction = {
  name: 'round',
  minArgs: 1,
  maxArgs: 2,
  handlesNull: false,
  check(argTypes) {
    const error = checkNumeric('round', argTypes, 2);
    if (error !== null) return error;
    if (argTypes.length === 1) return argTypes[0] === 'BIGINT' ? 'BIGINT' : 'DOUBLE';
    const digits = argTypes[1]!;
    if (!isNumericType(digits)) return argError('round', 'a numeric', digits, 'digits');
    return 'DOUBLE';
  },
  invoke(args: readonly Value[]): Value {
    return roundHalfAwayFromZero(args[0] as number, args.length > 1 ? (args[1] as number) : 0);
  },
};

function wholeNumber(name: string, apply: (x: number) => number): ScalarFunction {
  return {
    name,
    minArgs: 1,
    maxArgs: 1,
    handlesNull: false,
    check(argTypes) {
      const error = checkNumeric(name, argTypes, 1);
      if (error !== null) return error;
      return argTypes[0] === 'BIGINT' ? 'BIGINT' : 'DOUBLE';
    },
    invoke(args) {
      return apply(args[0] as number) + 0;
    },
  };
}

export const floor = wholeNumber('floor', Math.floor);
export const ceil = wholeNumber('ceil', Math.ceil);
/** The SQL-standard spelling of ceil. */
export const ceiling = wholeNumber('ceiling', Math.ceil);
