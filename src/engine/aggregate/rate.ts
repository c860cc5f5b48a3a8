import type { AggregateFunction, GroupState } from './accumulator.ts';
import type { Value, WindowBounds } from '../types.ts';
import { arityError } from './arg-check.ts';
import { SlotAccumulator } from './slot-accumulator.ts';

/** Slots: [events, earliest event time, latest event time]; the times are valid once events > 0. */
class RateAccumulator extends SlotAccumulator {
  readonly numSlots = 3;

  add(state: GroupState, _a: Value, _b: Value, timeMs: number): void {
    const nums = state.nums;
    const at = this.at;
    if (nums[at] === 0) {
      nums[at + 1] = timeMs;
      nums[at + 2] = timeMs;
    } else {
      if (timeMs < nums[at + 1]!) nums[at + 1] = timeMs;
      if (timeMs > nums[at + 2]!) nums[at + 2] = timeMs;
    }
    nums[at] = nums[at]! + 1;
  }

  merge(into: GroupState, from: GroupState): void {
    const at = this.at;
    if (from.nums[at] === 0) return;
    if (into.nums[at] === 0) {
      for (let i = 0; i < this.numSlots; i++) into.nums[at + i] = from.nums[at + i]!;
      return;
    }
    into.nums[at] = into.nums[at]! + from.nums[at]!;
    into.nums[at + 1] = Math.min(into.nums[at + 1]!, from.nums[at + 1]!);
    into.nums[at + 2] = Math.max(into.nums[at + 2]!, from.nums[at + 2]!);
  }

  result(state: GroupState, window: WindowBounds | null): Value {
    const events = state.nums[this.at]!;
    const spanMs =
      window === null
        ? events === 0
          ? 0
          : state.nums[this.at + 2]! - state.nums[this.at + 1]!
        : window.endMs - window.startMs;
    return spanMs > 0 ? events / (spanMs / 1000) : null;
  }
}

const SIGNATURE = { name: 'rate', usage: 'rate(*)', minArgs: 0, maxArgs: 0 };

/**
 * rate(*): DOUBLE, events per second over the group's window; without a window, over the span
 * from the earliest to the latest event time seen (NULL while that span is 0).
 */
export const RATE: AggregateFunction = {
  ...SIGNATURE,
  acceptsStar: true,
  constantArgs: [],
  check: (argTypes) => arityError(SIGNATURE, argTypes) ?? 'DOUBLE',
  create: (layout) => new RateAccumulator(layout.numAt, 'rate'),
};
