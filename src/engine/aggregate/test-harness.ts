import type { Accumulator, AggregateFunction, GroupState } from './accumulator.ts';
import type { ExprType, SqlType, Value, WindowBounds } from '../types.ts';
import { AGGREGATE_FUNCTIONS } from './registry.ts';

/** Test-only: one event as an aggregate sees it: first argument, second argument, event time. */
export type AggEvent = readonly [a: Value, b: Value, timeMs: number];

/** What a padding slot holds, so a test sees an accumulator writing outside its own slots. */
export const PADDING = 7.25;
export const PADDING_OBJECT = Object.freeze({ padding: true });

/** Places the accumulator away from index 0 of the group arrays, as it would be in a real view. */
const LAYOUT = { numAt: 3, objAt: 2 };

export interface Harness {
  readonly fn: AggregateFunction;
  readonly acc: Accumulator;
  readonly type: SqlType;
  /** A group state after `init`, with padding around the accumulator's own slots. */
  fresh(): GroupState;
  /** A fresh state with these events added in order. */
  run(events: readonly AggEvent[]): GroupState;
  addAll(state: GroupState, events: readonly AggEvent[]): GroupState;
  result(state: GroupState, window?: WindowBounds | null): Value;
  /** Whether every slot outside the accumulator's own still holds its padding. */
  paddingIntact(state: GroupState): boolean;
}

/** Builds the accumulator for `name(args)`; `constants[i]` is the value of argument i. */
export function harness(
  name: string,
  argTypes: readonly ExprType[],
  constants: readonly Value[] = [],
): Harness {
  const fn = AGGREGATE_FUNCTIONS.get(name);
  if (fn === undefined) throw new Error(`no aggregate ${name}`);
  const type = fn.check(argTypes, constants);
  if (typeof type !== 'string') throw new Error(`${name}: ${type.error}`);
  const acc = fn.create(LAYOUT, argTypes, constants);
  const numLength = LAYOUT.numAt + acc.numSlots + 2;
  const objLength = LAYOUT.objAt + (acc.usesObject ? 1 : 0) + 2;
  const ownNum = (i: number) => i >= LAYOUT.numAt && i < LAYOUT.numAt + acc.numSlots;
  const ownObj = (i: number) => acc.usesObject && i === LAYOUT.objAt;
  const h: Harness = {
    fn,
    acc,
    type,
    fresh() {
      const state: GroupState = {
        nums: new Array<number>(numLength).fill(PADDING),
        objs: new Array<unknown>(objLength).fill(PADDING_OBJECT),
      };
      acc.init(state);
      return state;
    },
    run: (events) => h.addAll(h.fresh(), events),
    addAll(state, events) {
      for (const [a, b, timeMs] of events) acc.add(state, a, b, timeMs);
      return state;
    },
    result: (state, window = null) => acc.result(state, window),
    paddingIntact: (state) =>
      state.nums.length === numLength &&
      state.objs.length === objLength &&
      state.nums.every((x, i) => ownNum(i) || x === PADDING) &&
      state.objs.every((x, i) => ownObj(i) || x === PADDING_OBJECT),
  };
  return h;
}

/** Adds the value list as events with increasing times (1000, 2000, …) and no second argument. */
export function values(...items: Value[]): AggEvent[] {
  return items.map((item, i) => [item, null, (i + 1) * 1000]);
}

/** |a − b| within `relative` of the larger magnitude (or of 1 near zero). */
export function close(a: number, b: number, relative = 1e-9): boolean {
  if (Object.is(a, b)) return true;
  return Math.abs(a - b) <= relative * Math.max(1, Math.abs(a), Math.abs(b));
}
