import type { Accumulator, AggregateFunction, GroupState } from './accumulator.ts';
import type { Value } from '../types.ts';
import { arityError, isNumberLike, typeOfValue } from './arg-check.ts';
import { SlotAccumulator } from './slot-accumulator.ts';
import {
  corruptState,
  decodeNumber,
  decodeValue,
  encodeNumber,
  encodeValue,
  expectRecord,
} from './state-codec.ts';

/**
 * Whether a value at `timeMs` replaces the kept one at `keptMs`. Values come in arrival order
 * (`merge` sees the later partition second), so on equal times first keeps the earlier arrival
 * and last takes the later one.
 */
function replaces(isLast: boolean, timeMs: number, keptMs: number): boolean {
  return isLast ? timeMs >= keptMs : timeMs < keptMs;
}

/** Numbers and TIMESTAMPs. Slots: [has a value (0/1), its event time, the value]. */
class NumericFirstLast extends SlotAccumulator {
  readonly numSlots = 3;

  constructor(
    at: number,
    label: string,
    private readonly isLast: boolean,
  ) {
    super(at, label);
  }

  add(state: GroupState, a: Value, _b: Value, timeMs: number): void {
    if (typeof a !== 'number') return;
    const nums = state.nums;
    if (nums[this.at] === 0 || replaces(this.isLast, timeMs, nums[this.at + 1]!)) {
      nums[this.at] = 1;
      nums[this.at + 1] = timeMs;
      nums[this.at + 2] = a;
    }
  }

  merge(into: GroupState, from: GroupState): void {
    if (from.nums[this.at] === 0) return;
    this.add(into, from.nums[this.at + 2]!, null, from.nums[this.at + 1]!);
  }

  result(state: GroupState): Value {
    return state.nums[this.at] === 0 ? null : state.nums[this.at + 2]!;
  }
}

/** Any other type: the value in the object slot (null before the first), its time in one slot. */
class ValueFirstLast implements Accumulator {
  readonly numSlots = 1;
  readonly usesObject = true;

  constructor(
    private readonly numAt: number,
    private readonly objAt: number,
    private readonly label: string,
    private readonly isLast: boolean,
  ) {}

  init(state: GroupState): void {
    state.nums[this.numAt] = 0;
    state.objs[this.objAt] = null;
  }

  add(state: GroupState, a: Value, _b: Value, timeMs: number): void {
    if (a === null) return;
    if (state.objs[this.objAt] === null || replaces(this.isLast, timeMs, state.nums[this.numAt]!)) {
      state.nums[this.numAt] = timeMs;
      state.objs[this.objAt] = a;
    }
  }

  merge(into: GroupState, from: GroupState): void {
    // Values are immutable inside the engine, so sharing one between states is safe.
    const value = from.objs[this.objAt] as Value;
    if (value !== null) this.add(into, value, null, from.nums[this.numAt]!);
  }

  result(state: GroupState): Value {
    return state.objs[this.objAt] as Value;
  }

  serialize(state: GroupState): unknown {
    return {
      timeMs: encodeNumber(state.nums[this.numAt]!),
      value: encodeValue(state.objs[this.objAt] as Value),
    };
  }

  restore(state: GroupState, data: unknown): void {
    const record = expectRecord(data, this.label);
    if (!('value' in record)) throw corruptState(`${this.label}: no value`);
    state.nums[this.numAt] = decodeNumber(record.timeMs, this.label);
    state.objs[this.objAt] = decodeValue(record.value, this.label);
  }
}

function firstLastFunction(name: 'first' | 'last'): AggregateFunction {
  const signature = { name, usage: `${name}(x)`, minArgs: 1, maxArgs: 1 };
  const isLast = name === 'last';
  return {
    ...signature,
    acceptsStar: false,
    constantArgs: [],
    check: (argTypes) => arityError(signature, argTypes) ?? typeOfValue(argTypes[0]!),
    create: (layout, argTypes) =>
      isNumberLike(argTypes[0]!, true)
        ? new NumericFirstLast(layout.numAt, name, isLast)
        : new ValueFirstLast(layout.numAt, layout.objAt, name, isLast),
  };
}

/**
 * first(x) and last(x): the non-NULL x with the earliest / latest event time, of x's type; NULL
 * when there is none.
 */
export const FIRST = firstLastFunction('first');
export const LAST = firstLastFunction('last');
