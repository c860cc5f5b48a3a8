import type { Accumulator } from '../aggregate/accumulator.ts';
import { compileExpr } from '../expr/compile.ts';
import type { Value, WindowBounds } from '../types.ts';
import { Group } from './group.ts';
import type { ViewPlan } from './view-plan.ts';

type ArgEvaluator = (event: object) => Value;
const noArgument: ArgEvaluator = () => null;

/**
 * The aggregates of one view, compiled: creates groups with initialised state, adds events to
 * them, merges them (sessions) and reads their results.
 */
export class Aggregation {
  private readonly accumulators: Accumulator[];
  private readonly firstArgs: ArgEvaluator[];
  private readonly secondArgs: ArgEvaluator[];
  private readonly numTemplate: number[];
  private readonly objSlots: number;

  constructor(plan: ViewPlan) {
    this.accumulators = plan.aggregates.map((call) => call.accumulator);
    this.firstArgs = plan.aggregates.map((call) =>
      call.args[0] ? compileExpr(call.args[0]) : noArgument,
    );
    this.secondArgs = plan.aggregates.map((call) =>
      call.args[1] ? compileExpr(call.args[1]) : noArgument,
    );
    this.objSlots = plan.objSlots;
    const probe = new Group(
      null,
      [],
      0,
      0,
      doubles(plan.numSlots),
      new Array<unknown>(plan.objSlots),
    );
    for (const accumulator of this.accumulators) accumulator.init(probe);
    this.numTemplate = probe.nums;
  }

  get count(): number {
    return this.accumulators.length;
  }

  newGroup(mapKey: unknown, keyValues: readonly Value[], startMs: number, endMs: number): Group {
    const objs = this.objSlots === 0 ? [] : new Array<unknown>(this.objSlots);
    const group = new Group(mapKey, keyValues, startMs, endMs, this.numTemplate.slice(), objs);
    if (this.objSlots !== 0) for (const accumulator of this.accumulators) accumulator.init(group);
    return group;
  }

  /** Adds one event to a group: the per-event hot path. */
  add(group: Group, event: object, timeMs: number): void {
    const accumulators = this.accumulators;
    for (let i = 0; i < accumulators.length; i++) {
      accumulators[i]!.add(group, this.firstArgs[i]!(event), this.secondArgs[i]!(event), timeMs);
    }
  }

  /** Folds `from` (holding later events) into `into`. */
  merge(into: Group, from: Group): void {
    for (const accumulator of this.accumulators) accumulator.merge(into, from);
  }

  /** Writes the aggregate results of a group into `target` starting at `offset`. */
  writeResults(group: Group, window: WindowBounds | null, target: Value[], offset: number): void {
    const accumulators = this.accumulators;
    for (let i = 0; i < accumulators.length; i++) {
      target[offset + i] = accumulators[i]!.result(group, window);
    }
  }
}

/** An array V8 stores as unboxed doubles, so numeric state never allocates on update. */
function doubles(length: number): number[] {
  const array = [0.5];
  array.length = 0;
  for (let i = 0; i < length; i++) array.push(0.5);
  return array;
}
