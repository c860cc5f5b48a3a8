import { QuantileSketch } from '../../sketch/index.ts';
import type { Accumulator, AggregateFunction, GroupState } from './accumulator.ts';
import type { Value } from '../types.ts';
import { arityError, formatConstant, numericConstant, numericError } from './arg-check.ts';
import type { CheckResult } from './arg-check.ts';
import { restoreSketch } from './sketch-bridge.ts';

/** The relative error SPEC §2 promises for approx_percentile. */
export const PERCENTILE_RELATIVE_ACCURACY = 0.01;

/**
 * The object slot holds a DDSketch. It ignores NaN and ±Infinity (they have no place on a
 * relative scale), so those values count as NULL here.
 */
class ApproxPercentileAccumulator implements Accumulator {
  readonly numSlots = 0;
  readonly usesObject = true;

  constructor(
    private readonly at: number,
    private readonly q: number,
  ) {}

  init(state: GroupState): void {
    state.objs[this.at] = new QuantileSketch(PERCENTILE_RELATIVE_ACCURACY);
  }

  add(state: GroupState, a: Value): void {
    if (typeof a === 'number') (state.objs[this.at] as QuantileSketch).add(a);
  }

  merge(into: GroupState, from: GroupState): void {
    (into.objs[this.at] as QuantileSketch).merge(from.objs[this.at] as QuantileSketch);
  }

  result(state: GroupState): Value {
    return (state.objs[this.at] as QuantileSketch).quantile(this.q);
  }

  serialize(state: GroupState): unknown {
    return (state.objs[this.at] as QuantileSketch).serialize();
  }

  restore(state: GroupState, data: unknown): void {
    state.objs[this.at] = restoreSketch('approx_percentile', () => QuantileSketch.restore(data));
  }
}

const SIGNATURE = {
  name: 'approx_percentile',
  usage: 'approx_percentile(x, q)',
  minArgs: 2,
  maxArgs: 2,
};

/**
 * approx_percentile(x, q): DOUBLE, the value at quantile q (a constant in [0, 1]) of the non-NULL
 * x, within 1% relative error; NULL for no values.
 */
export const APPROX_PERCENTILE: AggregateFunction = {
  ...SIGNATURE,
  acceptsStar: false,
  constantArgs: [1],
  check(argTypes, constants): CheckResult {
    const invalid =
      arityError(SIGNATURE, argTypes) ?? numericError('approx_percentile', argTypes[0]);
    if (invalid !== null) return invalid;
    const q = numericConstant(constants, 1);
    if (q === null || !(q >= 0 && q <= 1)) {
      return {
        error: `approx_percentile needs a constant q between 0 and 1, got ${formatConstant(constants[1])}`,
      };
    }
    return 'DOUBLE';
  },
  create: (layout, _argTypes, constants) =>
    new ApproxPercentileAccumulator(layout.objAt, numericConstant(constants, 1)!),
};
