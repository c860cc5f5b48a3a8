import type { AggregateFunction, GroupState } from './accumulator.ts';
import type { Value } from '../types.ts';
import { arityError, numericError } from './arg-check.ts';
import { compensatedValue } from './compensated-sum.ts';
import { SumAccumulator } from './sum.ts';

/** The state of sum (count and compensated sum); the result divides. */
class AvgAccumulator extends SumAccumulator {
  override result(state: GroupState): Value {
    const count = state.nums[this.at]!;
    if (count === 0) return null;
    return compensatedValue(state.nums, this.at + 1) / count;
  }
}

const SIGNATURE = { name: 'avg', usage: 'avg(x)', minArgs: 1, maxArgs: 1 };

/** avg(x): DOUBLE, NULL when x was never non-NULL. */
export const AVG: AggregateFunction = {
  ...SIGNATURE,
  acceptsStar: false,
  constantArgs: [],
  check: (argTypes) =>
    arityError(SIGNATURE, argTypes) ?? numericError('avg', argTypes[0]) ?? 'DOUBLE',
  create: (layout) => new AvgAccumulator(layout.numAt, 'avg'),
};
