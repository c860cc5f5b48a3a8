import type { AggregateFunction, GroupState } from './accumulator.ts';
import type { Value } from '../types.ts';
import { arityError, numericError } from './arg-check.ts';
import { addMoment, mergeMoments, MOMENT_SLOTS, momentMean, momentVariance } from './moments.ts';
import { SlotAccumulator } from './slot-accumulator.ts';

/**
 * Slots: the moments of every value (count, mean, M2), then the latest value's event time and the
 * value, valid once the count is positive. "Latest" is by event time, the later arrival on a tie.
 */
class ZScoreAccumulator extends SlotAccumulator {
  readonly numSlots = MOMENT_SLOTS + 2;

  add(state: GroupState, a: Value, _b: Value, timeMs: number): void {
    if (typeof a !== 'number') return;
    const nums = state.nums;
    const latest = this.at + MOMENT_SLOTS;
    if (nums[this.at] === 0 || timeMs >= nums[latest]!) {
      nums[latest] = timeMs;
      nums[latest + 1] = a;
    }
    addMoment(nums, this.at, a);
  }

  merge(into: GroupState, from: GroupState): void {
    if (from.nums[this.at] === 0) return;
    const latest = this.at + MOMENT_SLOTS;
    if (into.nums[this.at] === 0 || from.nums[latest]! >= into.nums[latest]!) {
      into.nums[latest] = from.nums[latest]!;
      into.nums[latest + 1] = from.nums[latest + 1]!;
    }
    mergeMoments(into.nums, from.nums, this.at);
  }

  result(state: GroupState): Value {
    const variance = momentVariance(state.nums, this.at, true);
    if (variance === null || variance === 0) return null;
    const latest = state.nums[this.at + MOMENT_SLOTS + 1]!;
    return (latest - momentMean(state.nums, this.at)) / Math.sqrt(variance);
  }
}

const SIGNATURE = { name: 'zscore', usage: 'zscore(x)', minArgs: 1, maxArgs: 1 };

/**
 * zscore(x): DOUBLE, how many sample standard deviations the latest x lies from the group's mean
 * of x (the latest value included): an anomaly score. NULL below two values or when x never varies.
 */
export const ZSCORE: AggregateFunction = {
  ...SIGNATURE,
  acceptsStar: false,
  constantArgs: [],
  check: (argTypes) =>
    arityError(SIGNATURE, argTypes) ?? numericError('zscore', argTypes[0]) ?? 'DOUBLE',
  create: (layout) => new ZScoreAccumulator(layout.numAt, 'zscore'),
};
