import type { Accumulator } from '../aggregate/accumulator.ts';
import { corruptState } from '../aggregate/state-codec.ts';
import { compileExpr } from '../expr/compile.ts';
import type { PlanExpr } from '../expr/plan-expr.ts';
import type { Value, WindowBounds } from '../types.ts';
import { Group } from './group.ts';
import type { ViewPlan } from './view-plan.ts';

type ArgEvaluator = (event: object) => Value;
/** Shared by every group without object state; never written to. */
const NO_OBJECTS: unknown[] = [];

/**
 * The aggregates of one view, compiled: creates groups with initialised state, adds events to
 * them, merges them (sessions) and reads their results.
 */
export class Aggregation {
  private readonly accumulators: Accumulator[];
  /** Adds one event to a group: the per-event hot path (generated, see compileAdd). */
  readonly add: (group: Group, event: object, timeMs: number) => void;
  private readonly numTemplate: number[];
  private readonly objSlots: number;

  constructor(plan: ViewPlan) {
    this.accumulators = plan.aggregates.map((call) => call.accumulator);
    this.add = compileAdd(plan);
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

  newGroup(
    mapKey: unknown,
    keyValues: readonly Value[] | null,
    startMs: number,
    endMs: number,
  ): Group {
    const objs = this.objSlots === 0 ? NO_OBJECTS : new Array<unknown>(this.objSlots);
    const group = new Group(mapKey, keyValues, startMs, endMs, this.numTemplate.slice(), objs);
    if (this.objSlots !== 0) for (const accumulator of this.accumulators) accumulator.init(group);
    return group;
  }

  /** Folds `from` (holding later events) into `into`. */
  merge(into: Group, from: Group): void {
    for (const accumulator of this.accumulators) accumulator.merge(into, from);
  }

  /** Each aggregate's state as plain data (its `serialize`), in aggregate order. */
  serialize(group: Group): unknown[] {
    const accumulators = this.accumulators;
    const out = new Array<unknown>(accumulators.length);
    for (let i = 0; i < accumulators.length; i++) out[i] = accumulators[i]!.serialize(group);
    return out;
  }

  /** Loads what `serialize` wrote into a new group; damaged data throws CORRUPT_STATE. */
  restore(group: Group, data: readonly unknown[]): void {
    const accumulators = this.accumulators;
    if (data.length !== accumulators.length) {
      throw corruptState(
        `group state: expected ${accumulators.length} aggregates, got ${data.length}`,
      );
    }
    for (let i = 0; i < accumulators.length; i++) accumulators[i]!.restore(group, data[i]);
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

/**
 * Generates the per-event update of one view: one straight-line call per aggregate. Each view
 * gets its own function, so each call site sees a single accumulator class and V8 can inline it
 * (a shared loop over accumulators would be a megamorphic call per aggregate per event). Only
 * parameter names and integer indexes are spliced into the source; accumulators and argument
 * evaluators are passed in as values.
 */
function compileAdd(plan: ViewPlan): (group: Group, event: object, timeMs: number) => void {
  const names: string[] = [];
  const values: unknown[] = [];
  const lines: string[] = [];
  plan.aggregates.forEach((call, i) => {
    names.push(`accumulator${i}`);
    values.push(call.accumulator);
    const argument = (expr: PlanExpr | undefined, which: string): string => {
      if (expr === undefined || (expr.kind === 'const' && expr.value === null)) return 'null';
      names.push(`${which}${i}`);
      values.push(compileExpr(expr) satisfies ArgEvaluator);
      return `${which}${i}(event)`;
    };
    const a = argument(call.args[0], 'first');
    const b = argument(call.args[1], 'second');
    lines.push(`accumulator${i}.add(group, ${a}, ${b}, timeMs);`);
  });
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- source built from fixed identifiers only; see above
  const factory = new Function(
    ...names,
    `return function addEvent(group, event, timeMs) {\n${lines.join('\n')}\n};`,
  ) as (...args: unknown[]) => (group: Group, event: object, timeMs: number) => void;
  return factory(...values);
}
