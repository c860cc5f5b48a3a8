import { DistinctCountSketch } from '../../sketch/index.ts';
import type { Accumulator, AggregateFunction, GroupState } from './accumulator.ts';
import type { Value } from '../types.ts';
import { arityError } from './arg-check.ts';
import { restoreSketch, toSketchValue } from './sketch-bridge.ts';

/**
 * The object slot holds a HyperLogLog sketch: bounded memory, within 2% of the true count (exact
 * while small). Values are distinct by type and value as in count_distinct.
 */
class ApproxCountDistinctAccumulator implements Accumulator {
  readonly numSlots = 0;
  readonly usesObject = true;

  constructor(private readonly at: number) {}

  init(state: GroupState): void {
    state.objs[this.at] = new DistinctCountSketch();
  }

  add(state: GroupState, a: Value): void {
    if (a !== null) (state.objs[this.at] as DistinctCountSketch).add(toSketchValue(a));
  }

  merge(into: GroupState, from: GroupState): void {
    (into.objs[this.at] as DistinctCountSketch).merge(from.objs[this.at] as DistinctCountSketch);
  }

  result(state: GroupState): Value {
    return (state.objs[this.at] as DistinctCountSketch).estimate();
  }

  serialize(state: GroupState): unknown {
    return (state.objs[this.at] as DistinctCountSketch).serialize();
  }

  restore(state: GroupState, data: unknown): void {
    state.objs[this.at] = restoreSketch('approx_count_distinct', () =>
      DistinctCountSketch.restore(data),
    );
  }
}

const SIGNATURE = {
  name: 'approx_count_distinct',
  usage: 'approx_count_distinct(x)',
  minArgs: 1,
  maxArgs: 1,
};

/** approx_count_distinct(x): BIGINT, the estimated number of distinct non-NULL values; 0 for none. */
export const APPROX_COUNT_DISTINCT: AggregateFunction = {
  ...SIGNATURE,
  acceptsStar: false,
  constantArgs: [],
  check: (argTypes) => arityError(SIGNATURE, argTypes) ?? 'BIGINT',
  create: (layout) => new ApproxCountDistinctAccumulator(layout.objAt),
};
