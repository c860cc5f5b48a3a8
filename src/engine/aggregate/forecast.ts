import type { Accumulator, AggregateFunction, GroupState } from './accumulator.ts';
import type { Value } from '../types.ts';
import { arityError, formatConstant, numericConstant, numericError } from './arg-check.ts';
import type { CheckResult } from './arg-check.ts';
import { foldValue, holtForecast, HOLT_SLOTS, mergeFolded } from './holt.ts';
import {
  corruptState,
  decodeNumbers,
  encodeNumbers,
  expectRecord,
  restoreSlots,
  serializeSlots,
} from './state-codec.ts';

/** Values kept unfolded so that out-of-order arrivals still reach Holt in event-time order. */
export const FORECAST_BUFFER_SIZE = 64;

/** The newest values, sorted by event time, equal times in arrival order. */
interface ReorderBuffer {
  times: number[];
  values: number[];
}

/**
 * forecast(x, steps) over the group's values in event-time order (see holt.ts).
 *
 * Slots: the Holt state of the folded values, then the latest folded event time. Object: the
 * reorder buffer of the newest FORECAST_BUFFER_SIZE values. A value leaves the buffer (oldest
 * first) into the Holt state when the buffer overflows; a value older than the latest folded one
 * is folded at once. So the order is exact for values no more than FORECAST_BUFFER_SIZE places out
 * of order and approximate beyond. `result` folds a copy of the buffer into a copy of the state.
 *
 * Merge is exact when `from` has folded nothing (its buffer is replayed into `into`; the only
 * difference from adding its events one by one is that a replay in time order may fold fewer
 * values out of order) and when the partitions are in event-time order (every value of `into` no
 * later than every value of `from`): `into`'s buffer is folded, then `from`'s folded run is
 * appended exactly (holt.ts) and `from`'s buffer becomes the buffer. Otherwise that same merge is
 * an approximation: `into`'s buffered values count as older than all of `from`'s folded ones.
 */
class ForecastAccumulator implements Accumulator {
  readonly numSlots = HOLT_SLOTS + 1;
  readonly usesObject = true;
  private readonly foldedAt: number;

  constructor(
    private readonly numAt: number,
    private readonly objAt: number,
    private readonly steps: number,
  ) {
    this.foldedAt = numAt + HOLT_SLOTS;
  }

  init(state: GroupState): void {
    for (let i = 0; i < this.numSlots; i++) state.nums[this.numAt + i] = 0;
    state.objs[this.objAt] = { times: [], values: [] } satisfies ReorderBuffer;
  }

  add(state: GroupState, a: Value, _b: Value, timeMs: number): void {
    if (typeof a === 'number') this.insert(state, timeMs, a);
  }

  merge(into: GroupState, from: GroupState): void {
    const incoming = from.objs[this.objAt] as ReorderBuffer;
    if (from.nums[this.numAt] === 0) {
      for (let i = 0; i < incoming.times.length; i++) {
        this.insert(into, incoming.times[i]!, incoming.values[i]!);
      }
      return;
    }
    const buffer = into.objs[this.objAt] as ReorderBuffer;
    for (let i = 0; i < buffer.times.length; i++) {
      this.fold(into.nums, buffer.times[i]!, buffer.values[i]!);
    }
    const fromFoldedMs = from.nums[this.foldedAt]!;
    const intoFoldedMs = into.nums[this.numAt] === 0 ? fromFoldedMs : into.nums[this.foldedAt]!;
    mergeFolded(into.nums, from.nums, this.numAt);
    into.nums[this.foldedAt] = Math.max(intoFoldedMs, fromFoldedMs);
    into.objs[this.objAt] = {
      times: incoming.times.slice(),
      values: incoming.values.slice(),
    } satisfies ReorderBuffer;
  }

  result(state: GroupState): Value {
    const scratch = state.nums.slice(this.numAt, this.numAt + HOLT_SLOTS);
    for (const value of (state.objs[this.objAt] as ReorderBuffer).values) {
      foldValue(scratch, 0, value);
    }
    return holtForecast(scratch, 0, this.steps);
  }

  serialize(state: GroupState): unknown {
    const buffer = state.objs[this.objAt] as ReorderBuffer;
    return {
      folded: serializeSlots(state.nums, this.numAt, this.numSlots),
      times: encodeNumbers(buffer.times),
      values: encodeNumbers(buffer.values),
    };
  }

  restore(state: GroupState, data: unknown): void {
    const record = expectRecord(data, 'forecast');
    const times = decodeNumbers(record.times, 'forecast');
    const values = decodeNumbers(record.values, 'forecast');
    if (times.length !== values.length || times.length > FORECAST_BUFFER_SIZE) {
      throw corruptState('forecast: the reorder buffer has a wrong length');
    }
    restoreSlots(state.nums, this.numAt, this.numSlots, record.folded, 'forecast');
    state.objs[this.objAt] = { times, values } satisfies ReorderBuffer;
  }

  private insert(state: GroupState, timeMs: number, value: number): void {
    const nums = state.nums;
    if (nums[this.numAt] !== 0 && timeMs < nums[this.foldedAt]!) {
      foldValue(nums, this.numAt, value);
      return;
    }
    const { times, values } = state.objs[this.objAt] as ReorderBuffer;
    let i = times.length;
    times.push(timeMs);
    values.push(value);
    for (; i > 0 && times[i - 1]! > timeMs; i--) {
      times[i] = times[i - 1]!;
      values[i] = values[i - 1]!;
    }
    times[i] = timeMs;
    values[i] = value;
    if (times.length > FORECAST_BUFFER_SIZE) this.fold(nums, times.shift()!, values.shift()!);
  }

  /** Folds a value that left the buffer; the buffer's values are never older than folded ones. */
  private fold(nums: number[], timeMs: number, value: number): void {
    const latestMs = nums[this.numAt] === 0 ? timeMs : Math.max(nums[this.foldedAt]!, timeMs);
    foldValue(nums, this.numAt, value);
    nums[this.foldedAt] = latestMs;
  }
}

const SIGNATURE = { name: 'forecast', usage: 'forecast(x, steps)', minArgs: 2, maxArgs: 2 };

/**
 * forecast(x, steps): DOUBLE, the value Holt's linear trend expects `steps` values after the
 * latest (steps a constant integer ≥ 0; 0 gives the smoothed level). One value forecasts itself;
 * no value gives NULL.
 */
export const FORECAST: AggregateFunction = {
  ...SIGNATURE,
  acceptsStar: false,
  constantArgs: [1],
  check(argTypes, constants): CheckResult {
    const invalid = arityError(SIGNATURE, argTypes) ?? numericError('forecast', argTypes[0]);
    if (invalid !== null) return invalid;
    const steps = numericConstant(constants, 1);
    if (steps === null || !Number.isSafeInteger(steps) || steps < 0) {
      return {
        error: `forecast needs a constant whole number of steps >= 0, got ${formatConstant(constants[1])}`,
      };
    }
    return 'DOUBLE';
  },
  create: (layout, _argTypes, constants) =>
    new ForecastAccumulator(layout.numAt, layout.objAt, numericConstant(constants, 1)!),
};
