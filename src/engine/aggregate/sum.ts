import type { AggregateFunction, GroupState } from './accumulator.ts';
import type { Value } from '../types.ts';
import { arityError, numericError, typeOfValue } from './arg-check.ts';
import { addCompensated, compensatedValue, mergeCompensated } from './compensated-sum.ts';
import { SlotAccumulator } from './slot-accumulator.ts';

/**
 * Slots: [count of non-NULL values, compensated sum (2 slots)]. Also the state of avg. The count
 * tells "no values" (NULL) from a sum of 0.
 */
export class SumAccumulator extends SlotAccumulator {
  readonly numSlots = 3;

  add(state: GroupState, a: Value): void {
    if (typeof a !== 'number') return;
    const nums = state.nums;
    nums[this.at] = nums[this.at]! + 1;
    addCompensated(nums, this.at + 1, a);
  }

  merge(into: GroupState, from: GroupState): void {
    into.nums[this.at] = into.nums[this.at]! + from.nums[this.at]!;
    mergeCompensated(into.nums, from.nums, this.at + 1);
  }

  result(state: GroupState): Value {
    if (state.nums[this.at] === 0) return null;
    return compensatedValue(state.nums, this.at + 1);
  }
}

const SIGNATURE = { name: 'sum', usage: 'sum(x)', minArgs: 1, maxArgs: 1 };

/** sum(x): BIGINT for BIGINT x, DOUBLE otherwise; NULL when x was never non-NULL. */
export const SUM: AggregateFunction = {
  ...SIGNATURE,
  acceptsStar: false,
  constantArgs: [],
  check: (argTypes) =>
    arityError(SIGNATURE, argTypes) ??
    numericError('sum', argTypes[0]) ??
    typeOfValue(argTypes[0]!),
  create: (layout) => new SumAccumulator(layout.numAt, 'sum'),
};
