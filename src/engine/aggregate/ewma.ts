import type { AggregateFunction, GroupState } from './accumulator.ts';
import type { Value } from '../types.ts';
import { arityError, formatConstant, numericConstant, numericError } from './arg-check.ts';
import type { CheckResult } from './arg-check.ts';
import { SlotAccumulator } from './slot-accumulator.ts';

/**
 * Exponentially weighted moving average in arrival order: s1 = x1, s_k = alpha·x_k +
 * (1 − alpha)·s_(k−1). Slots: [count, s, first value, decay = (1 − alpha)^count].
 *
 * The recurrence is affine in its starting point, which makes the merge exact: run over the later
 * partition b from a's s instead of from b's own first value, and the result moves by
 * decay_b·(s_a − first_b).
 */
class EwmaAccumulator extends SlotAccumulator {
  readonly numSlots = 4;
  private readonly keep: number;

  constructor(
    at: number,
    private readonly alpha: number,
  ) {
    super(at, 'ewma');
    this.keep = 1 - alpha;
  }

  override init(state: GroupState): void {
    super.init(state);
    state.nums[this.at + 3] = 1;
  }

  add(state: GroupState, a: Value): void {
    if (typeof a !== 'number') return;
    const nums = state.nums;
    const at = this.at;
    if (nums[at] === 0) {
      nums[at + 1] = a;
      nums[at + 2] = a;
    } else {
      nums[at + 1] = this.alpha * a + this.keep * nums[at + 1]!;
    }
    nums[at] = nums[at]! + 1;
    nums[at + 3] = nums[at + 3]! * this.keep;
  }

  merge(into: GroupState, from: GroupState): void {
    const at = this.at;
    const count = from.nums[at]!;
    if (count === 0) return;
    const a = into.nums;
    const b = from.nums;
    if (a[at] === 0) {
      for (let i = 0; i < this.numSlots; i++) a[at + i] = b[at + i]!;
      return;
    }
    a[at + 1] = b[at + 1]! + b[at + 3]! * (a[at + 1]! - b[at + 2]!);
    a[at + 3] = a[at + 3]! * b[at + 3]!;
    a[at] = a[at]! + count;
  }

  result(state: GroupState): Value {
    return state.nums[this.at] === 0 ? null : state.nums[this.at + 1]!;
  }
}

const SIGNATURE = { name: 'ewma', usage: 'ewma(x, alpha)', minArgs: 2, maxArgs: 2 };

/** ewma(x, alpha): DOUBLE, alpha a constant in (0, 1] (the weight of the newest value). */
export const EWMA: AggregateFunction = {
  ...SIGNATURE,
  acceptsStar: false,
  constantArgs: [1],
  check(argTypes, constants): CheckResult {
    const invalid = arityError(SIGNATURE, argTypes) ?? numericError('ewma', argTypes[0]);
    if (invalid !== null) return invalid;
    const alpha = numericConstant(constants, 1);
    if (alpha === null || !(alpha > 0 && alpha <= 1)) {
      return {
        error: `ewma needs a constant alpha in (0, 1], got ${formatConstant(constants[1])}`,
      };
    }
    return 'DOUBLE';
  },
  create: (layout, _argTypes, constants) =>
    new EwmaAccumulator(layout.numAt, numericConstant(constants, 1)!),
};
