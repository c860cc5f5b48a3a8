import type { Accumulator, GroupState } from './accumulator.ts';
import type { Value, WindowBounds } from '../types.ts';
import { restoreSlots, serializeSlots } from './state-codec.ts';

/**
 * Base of the aggregates whose whole state is `numSlots` doubles starting at `at`: their
 * checkpoint is the slots themselves. `init` zeroes the slots; subclasses that start elsewhere
 * override it. Subclasses must keep every slot a double (never undefined) so the engine's numeric
 * array stays unboxed.
 */
export abstract class SlotAccumulator implements Accumulator {
  abstract readonly numSlots: number;
  readonly usesObject = false;

  constructor(
    protected readonly at: number,
    /** The call's name, for damaged-state messages. */
    protected readonly label: string,
  ) {}

  init(state: GroupState): void {
    for (let i = 0; i < this.numSlots; i++) state.nums[this.at + i] = 0;
  }

  abstract add(state: GroupState, a: Value, b: Value, timeMs: number): void;
  abstract merge(into: GroupState, from: GroupState): void;
  abstract result(state: GroupState, window: WindowBounds | null): Value;

  serialize(state: GroupState): unknown {
    return serializeSlots(state.nums, this.at, this.numSlots);
  }

  restore(state: GroupState, data: unknown): void {
    restoreSlots(state.nums, this.at, this.numSlots, data, this.label);
  }
}
