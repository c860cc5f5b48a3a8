import type { AggregateFunction } from './accumulator.ts';
import { APPROX_COUNT_DISTINCT } from './approx-count-distinct.ts';
import { APPROX_PERCENTILE } from './approx-percentile.ts';
import { AVG } from './avg.ts';
import { COUNT_DISTINCT } from './count-distinct.ts';
import { COUNT } from './count.ts';
import { EWMA } from './ewma.ts';
import { FIRST, LAST } from './first-last.ts';
import { FORECAST } from './forecast.ts';
import { MAX, MIN } from './min-max.ts';
import { RATE } from './rate.ts';
import { REGRESSION_FUNCTIONS } from './regression.ts';
import { SUM } from './sum.ts';
import { TOP_K } from './top-k.ts';
import { VARIANCE_FUNCTIONS } from './variance.ts';
import { ZSCORE } from './zscore.ts';

/** Every aggregate function of the dialect (SPEC §2), by lowercase name. */
export const AGGREGATE_FUNCTIONS: ReadonlyMap<string, AggregateFunction> = new Map(
  [
    COUNT,
    SUM,
    AVG,
    MIN,
    MAX,
    FIRST,
    LAST,
    ...VARIANCE_FUNCTIONS,
    COUNT_DISTINCT,
    APPROX_COUNT_DISTINCT,
    APPROX_PERCENTILE,
    TOP_K,
    EWMA,
    RATE,
    ...REGRESSION_FUNCTIONS,
    ZSCORE,
    FORECAST,
  ].map((fn) => [fn.name, fn]),
);

/** Whether a function name (any case) names an aggregate rather than a scalar function. */
export function isAggregateName(name: string): boolean {
  return AGGREGATE_FUNCTIONS.has(name.toLowerCase());
}
