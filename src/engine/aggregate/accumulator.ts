import type { ExprType, SqlType, Value, WindowBounds } from '../types.ts';

/**
 * The state of one group (one key in one window): every aggregate of the view keeps its numbers in
 * `nums` (unboxed doubles, one contiguous array per group) and, if it needs one, a single object in
 * `objs` (a sketch, a set, a non-numeric value). Keeping numbers out of objects is what keeps a
 * count/sum/avg group to a few dozen bytes.
 */
export interface GroupState {
  nums: number[];
  objs: unknown[];
}

/**
 * One aggregate call of one view (e.g. `sum(price * qty)`), bound at plan time to its place in the
 * group state (`numAt`, `objAt`) and to its constant arguments (the 0.99 of approx_percentile).
 *
 * Contract:
 * - `add` is called once per event of the group, in arrival order, with the evaluated arguments
 *   (`a` the first, `b` the second; unused ones are `null`) and the event time in ms. It must not
 *   allocate for numeric aggregates: it runs per event.
 * - `merge(into, from)` folds another partial state of the same aggregate into `into`, as if every
 *   event added to `from` had been added to `into` after its own events (partitions in time order).
 * - `result` never changes the state; `window` is the group's window, or null for no window.
 * - `serialize` returns plain JSON data; `restore` rebuilds an equal state from it (checkpoints).
 */
export interface Accumulator {
  /** How many doubles this aggregate keeps in `nums`, starting at `numAt`. */
  readonly numSlots: number;
  /** Whether this aggregate keeps one object in `objs[objAt]`. */
  readonly usesObject: boolean;
  init(state: GroupState): void;
  add(state: GroupState, a: Value, b: Value, timeMs: number): void;
  merge(into: GroupState, from: GroupState): void;
  result(state: GroupState, window: WindowBounds | null): Value;
  serialize(state: GroupState): unknown;
  restore(state: GroupState, data: unknown): void;
}

/** Where an accumulator's state lives in its group, assigned by the planner. */
export interface StateLayout {
  numAt: number;
  objAt: number;
}

/**
 * An aggregate function of the dialect (`sum`, `approx_percentile`, …): its signature and a factory
 * for accumulators.
 */
export interface AggregateFunction {
  readonly name: string;
  /** `count(*)` and `rate(*)` take a star; the star is not an argument. */
  readonly acceptsStar: boolean;
  /** Argument count range (a star counts as zero arguments). */
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Argument positions that must be constant (literal) expressions, e.g. the q of a percentile. */
  readonly constantArgs: readonly number[];
  /**
   * The result type for these argument types, or a message saying what is wrong (shown to the user
   * as a SQL_TYPE error at the call's position).
   */
  check(argTypes: readonly ExprType[], constants: readonly Value[]): SqlType | { error: string };
  /** Builds the accumulator for one call; `constants[i]` holds the value of constant argument i. */
  create(
    layout: StateLayout,
    argTypes: readonly ExprType[],
    constants: readonly Value[],
  ): Accumulator;
}
