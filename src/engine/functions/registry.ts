import { coalesce, nullif } from './conditional.ts';
import { concat } from './concat.ts';
import { greatest, least } from './greatest-least.ts';
import { hashtags } from './hashtags.ts';
import { jsonGet } from './json-get.ts';
import { abs, exp, ln, log10, pow, power, sqrt } from './math.ts';
import { ceil, ceiling, floor, round } from './rounding.ts';
import type { ScalarFunction } from './scalar-function.ts';
import { sentiment } from './sentiment.ts';
import { substr, substringFunction } from './substr.ts';
import { length, lower, ltrim, replace, rtrim, trim, upper } from './text.ts';
import { dateTrunc, epochMs, toTimestamp } from './time.ts';

const ALL: readonly ScalarFunction[] = [
  abs,
  round,
  floor,
  ceil,
  ceiling,
  sqrt,
  ln,
  exp,
  log10,
  power,
  pow,
  greatest,
  least,
  lower,
  upper,
  length,
  concat,
  substr,
  substringFunction,
  trim,
  ltrim,
  rtrim,
  replace,
  coalesce,
  nullif,
  jsonGet,
  sentiment,
  hashtags,
  toTimestamp,
  dateTrunc,
  epochMs,
];

/**
 * Every scalar function of the dialect by its lowercase name (the parser lowercases call names).
 * Variadic functions have `maxArgs` Infinity. Operators, CASE, CAST and now() are not here: the
 * expression compiler and the planner own them.
 */
export const SCALAR_FUNCTIONS: ReadonlyMap<string, ScalarFunction> = new Map(
  ALL.map((fn) => [fn.name, fn]),
);
