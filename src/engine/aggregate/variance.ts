import type { AggregateFunction, GroupState } from './accumulator.ts';
import type { Value } from '../types.ts';
import { arityError, numericError } from './arg-check.ts';
import { addMoment, mergeMoments, MOMENT_SLOTS, momentVariance } from './moments.ts';
import { SlotAccumulator } from './slot-accumulator.ts';

/** Slots: the moments (count, mean, M2). */
class VarianceAccumulator extends SlotAccumulator {
  readonly numSlots = MOMENT_SLOTS;

  constructor(
    at: number,
    label: string,
    private readonly sample: boolean,
    private readonly root: boolean,
  ) {
    super(at, label);
  }

  add(state: GroupState, a: Value): void {
    if (typeof a === 'number') addMoment(state.nums, this.at, a);
  }

  merge(into: GroupState, from: GroupState): void {
    mergeMoments(into.nums, from.nums, this.at);
  }

  result(state: GroupState): Value {
    const variance = momentVariance(state.nums, this.at, this.sample);
    if (variance === null) return null;
    return this.root ? Math.sqrt(variance) : variance;
  }
}

function varianceFunction(name: string, sample: boolean, root: boolean): AggregateFunction {
  const signature = { name, usage: `${name}(x)`, minArgs: 1, maxArgs: 1 };
  return {
    ...signature,
    acceptsStar: false,
    constantArgs: [],
    check: (argTypes) =>
      arityError(signature, argTypes) ?? numericError(name, argTypes[0]) ?? 'DOUBLE',
    create: (layout) => new VarianceAccumulator(layout.numAt, name, sample, root),
  };
}

/**
 * DOUBLE. The sample versions (as PostgreSQL's stddev and variance) are NULL below two values; the
 * population versions are NULL for no values and 0 for one.
 */
export const VARIANCE_FUNCTIONS: readonly AggregateFunction[] = [
  varianceFunction('stddev', true, true),
  varianceFunction('stddev_samp', true, true),
  varianceFunction('stddev_pop', false, true),
  varianceFunction('variance', true, false),
  varianceFunction('var_samp', true, false),
  varianceFunction('var_pop', false, false),
];
