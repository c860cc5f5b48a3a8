import { TopK } from '../../sketch/index.ts';
import type { Accumulator, AggregateFunction, GroupState } from './accumulator.ts';
import type { Value } from '../types.ts';
import { arityError, formatConstant, numericConstant } from './arg-check.ts';
import type { CheckResult } from './arg-check.ts';
import { fromSketchValue, restoreSketch, toSketchValue } from './sketch-bridge.ts';

export const TOP_K_MAX_K = 1000;

/**
 * Counters kept for top_k(x, k): ten per reported value and at least 100, so the reported counts
 * are exact while the group has at most that many distinct values, and off by at most
 * (events / capacity) beyond (space-saving's bound).
 */
export function topKCapacity(k: number): number {
  return Math.max(10 * k, 100);
}

/**
 * The object slot holds a space-saving sketch. An ARRAY argument counts each non-NULL element
 * (top_k(hashtags(text), 5) ranks tags); any other value counts once, arrays and JSON objects of a
 * JSON argument by their JSON text.
 */
class TopKAccumulator implements Accumulator {
  readonly numSlots = 0;
  readonly usesObject = true;

  constructor(
    private readonly at: number,
    private readonly k: number,
    private readonly elementwise: boolean,
  ) {}

  init(state: GroupState): void {
    state.objs[this.at] = new TopK(topKCapacity(this.k));
  }

  add(state: GroupState, a: Value): void {
    if (a === null) return;
    const sketch = state.objs[this.at] as TopK;
    if (!this.elementwise || !Array.isArray(a)) {
      sketch.add(toSketchValue(a));
      return;
    }
    for (const element of a as readonly Value[]) {
      if (element !== null) sketch.add(toSketchValue(element));
    }
  }

  merge(into: GroupState, from: GroupState): void {
    (into.objs[this.at] as TopK).merge(from.objs[this.at] as TopK);
  }

  /** The k most counted values, most counted first; an empty array when nothing was counted. */
  result(state: GroupState): Value {
    return (state.objs[this.at] as TopK)
      .top(this.k)
      .map(({ value, count }) => ({ value: fromSketchValue(value), count }));
  }

  serialize(state: GroupState): unknown {
    return (state.objs[this.at] as TopK).serialize();
  }

  restore(state: GroupState, data: unknown): void {
    state.objs[this.at] = restoreSketch('top_k', () => TopK.restore(data));
  }
}

const SIGNATURE = { name: 'top_k', usage: 'top_k(x, k)', minArgs: 2, maxArgs: 2 };

/** top_k(x, k): JSON, an array of {value, count} for the k most frequent values (k constant). */
export const TOP_K: AggregateFunction = {
  ...SIGNATURE,
  acceptsStar: false,
  constantArgs: [1],
  check(argTypes, constants): CheckResult {
    const invalid = arityError(SIGNATURE, argTypes);
    if (invalid !== null) return invalid;
    const k = numericConstant(constants, 1);
    if (k === null || !Number.isInteger(k) || k < 1 || k > TOP_K_MAX_K) {
      return {
        error: `top_k needs a constant whole number k from 1 to ${TOP_K_MAX_K}, got ${formatConstant(constants[1])}`,
      };
    }
    return 'JSON';
  },
  create: (layout, argTypes, constants) =>
    new TopKAccumulator(layout.objAt, numericConstant(constants, 1)!, argTypes[0] === 'ARRAY'),
};
