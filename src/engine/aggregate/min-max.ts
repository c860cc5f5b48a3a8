import type { Accumulator, AggregateFunction, GroupState } from './accumulator.ts';
import type { ExprType, Value } from '../types.ts';
import { arityError, isNumberLike, typeOfValue } from './arg-check.ts';
import type { CheckResult } from './arg-check.ts';
import { SlotAccumulator } from './slot-accumulator.ts';
import { corruptState } from './state-codec.ts';

/**
 * Numbers and TIMESTAMPs (epoch ms). Slots: [count, extreme]. NaN has no place in an order, so it
 * is ignored like NULL; that keeps the result independent of arrival order and partitioning.
 */
class NumericExtreme extends SlotAccumulator {
  readonly numSlots = 2;

  constructor(
    at: number,
    label: string,
    private readonly isMax: boolean,
  ) {
    super(at, label);
  }

  add(state: GroupState, a: Value): void {
    if (typeof a !== 'number' || Number.isNaN(a)) return;
    const nums = state.nums;
    const count = nums[this.at]!;
    if (count === 0 || (this.isMax ? a > nums[this.at + 1]! : a < nums[this.at + 1]!)) {
      nums[this.at + 1] = a;
    }
    nums[this.at] = count + 1;
  }

  merge(into: GroupState, from: GroupState): void {
    const count = from.nums[this.at]!;
    if (count === 0) return;
    const value = from.nums[this.at + 1]!;
    const current = into.nums[this.at + 1]!;
    if (into.nums[this.at] === 0 || (this.isMax ? value > current : value < current)) {
      into.nums[this.at + 1] = value;
    }
    into.nums[this.at] = into.nums[this.at]! + count;
  }

  result(state: GroupState): Value {
    return state.nums[this.at] === 0 ? null : state.nums[this.at + 1]!;
  }
}

type Ordered = string | boolean;

/**
 * STRING (UTF-16 code-unit order, as JavaScript compares) and BOOLEAN (false < true). The object
 * slot holds the extreme so far, or null before the first non-NULL value.
 */
class OrderedExtreme implements Accumulator {
  readonly numSlots = 0;
  readonly usesObject = true;

  constructor(
    private readonly at: number,
    private readonly label: string,
    private readonly isMax: boolean,
  ) {}

  init(state: GroupState): void {
    state.objs[this.at] = null;
  }

  add(state: GroupState, a: Value): void {
    if (typeof a === 'string' || typeof a === 'boolean') this.offer(state, a);
  }

  merge(into: GroupState, from: GroupState): void {
    const value = from.objs[this.at] as Ordered | null;
    if (value !== null) this.offer(into, value);
  }

  result(state: GroupState): Value {
    return state.objs[this.at] as Ordered | null;
  }

  serialize(state: GroupState): unknown {
    return state.objs[this.at];
  }

  restore(state: GroupState, data: unknown): void {
    if (data !== null && typeof data !== 'string' && typeof data !== 'boolean') {
      throw corruptState(`${this.label}: expected a string, a boolean or null`);
    }
    state.objs[this.at] = data;
  }

  private offer(state: GroupState, value: Ordered): void {
    const current = state.objs[this.at] as Ordered | null;
    // Relational operators order strings by code unit and booleans as 0 < 1.
    if (current === null || (this.isMax ? value > current : value < current)) {
      state.objs[this.at] = value;
    }
  }
}

function extremeFunction(name: 'min' | 'max'): AggregateFunction {
  const signature = { name, usage: `${name}(x)`, minArgs: 1, maxArgs: 1 };
  const isMax = name === 'max';
  return {
    ...signature,
    acceptsStar: false,
    constantArgs: [],
    check(argTypes): CheckResult {
      const arity = arityError(signature, argTypes);
      if (arity !== null) return arity;
      const type = argTypes[0]!;
      if (isOrderedObject(type) || isNumberLike(type, true)) return typeOfValue(type);
      return {
        error: `${name} needs a number, TIMESTAMP, STRING or BOOLEAN argument, got ${type}`,
      };
    },
    create: (layout, argTypes) =>
      isOrderedObject(argTypes[0]!)
        ? new OrderedExtreme(layout.objAt, name, isMax)
        : new NumericExtreme(layout.numAt, name, isMax),
  };
}

function isOrderedObject(type: ExprType): boolean {
  return type === 'STRING' || type === 'BOOLEAN';
}

/** min(x) and max(x): the type of x; NULL when x was never non-NULL. */
export const MIN = extremeFunction('min');
export const MAX = extremeFunction('max');
