import type { AggregateFunction, GroupState } from './accumulator.ts';
import type { Value } from '../types.ts';
import { arityError } from './arg-check.ts';
import { SlotAccumulator } from './slot-accumulator.ts';

/** count(*): every event of the group. One slot: the count. */
class CountStar extends SlotAccumulator {
  readonly numSlots = 1;

  add(state: GroupState, _a: Value): void {
    state.nums[this.at] = state.nums[this.at]! + 1;
  }

  merge(into: GroupState, from: GroupState): void {
    into.nums[this.at] = into.nums[this.at]! + from.nums[this.at]!;
  }

  result(state: GroupState): Value {
    return state.nums[this.at]!;
  }
}

/** count(x): events where x is not NULL. */
class CountValues extends CountStar {
  override add(state: GroupState, a: Value): void {
    if (a !== null) state.nums[this.at] = state.nums[this.at]! + 1;
  }
}

const SIGNATURE = { name: 'count', usage: 'count(*) or count(x)', minArgs: 0, maxArgs: 1 };

/**
 * count(*) and count(x), BIGINT; 0 for an empty group. A star reaches `check` and `create` as no
 * argument types, so `count()` without a star must be rejected by the caller, which sees the star.
 */
export const COUNT: AggregateFunction = {
  ...SIGNATURE,
  acceptsStar: true,
  constantArgs: [],
  check: (argTypes) => arityError(SIGNATURE, argTypes) ?? 'BIGINT',
  create: (layout, argTypes) =>
    argTypes.length === 0
      ? new CountStar(layout.numAt, 'count(*)')
      : new CountValues(layout.numAt, 'count(x)'),
};
