import type { AggregateFunction, GroupState } from './accumulator.ts';
import type { Value } from '../types.ts';
import { arityError, isNumberLike } from './arg-check.ts';
import type { CheckResult } from './arg-check.ts';
import {
  addPair,
  CO_MOMENT_SLOTS,
  correlation,
  intercept,
  mergePairs,
  slope,
} from './co-moments.ts';
import { SlotAccumulator } from './slot-accumulator.ts';

type Statistic = (nums: readonly number[], at: number) => number | null;

/** Slots: the co-moments of the pairs where both y (first argument) and x are non-NULL. */
class PairAccumulator extends SlotAccumulator {
  readonly numSlots = CO_MOMENT_SLOTS;

  constructor(
    at: number,
    label: string,
    private readonly statistic: Statistic,
  ) {
    super(at, label);
  }

  add(state: GroupState, y: Value, x: Value): void {
    if (typeof x === 'number' && typeof y === 'number') addPair(state.nums, this.at, x, y);
  }

  merge(into: GroupState, from: GroupState): void {
    mergePairs(into.nums, from.nums, this.at);
  }

  result(state: GroupState): Value {
    return this.statistic(state.nums, this.at);
  }
}

function pairFunction(name: string, statistic: Statistic): AggregateFunction {
  const signature = { name, usage: `${name}(y, x)`, minArgs: 2, maxArgs: 2 };
  return {
    ...signature,
    acceptsStar: false,
    constantArgs: [],
    check(argTypes): CheckResult {
      const arity = arityError(signature, argTypes);
      if (arity !== null) return arity;
      for (const [i, argument] of ['y', 'x'].entries()) {
        const type = argTypes[i]!;
        if (!isNumberLike(type, true)) {
          return { error: `${name} needs a numeric or TIMESTAMP ${argument}, got ${type}` };
        }
      }
      return 'DOUBLE';
    },
    create: (layout) => new PairAccumulator(layout.numAt, name, statistic),
  };
}

/**
 * The SQL-standard regression aggregates over the (y, x) pairs with both non-NULL, DOUBLE; NULL
 * below two pairs or when a variable the statistic divides by never varies. TIMESTAMP arguments
 * count as epoch milliseconds (so regr_slope(price, ts) is the change per millisecond).
 */
export const REGRESSION_FUNCTIONS: readonly AggregateFunction[] = [
  pairFunction('regr_slope', slope),
  pairFunction('regr_intercept', intercept),
  pairFunction('corr', correlation),
];
