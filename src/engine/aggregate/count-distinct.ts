import type { Accumulator, AggregateFunction, GroupState } from './accumulator.ts';
import type { Value } from '../types.ts';
import { arityError } from './arg-check.ts';
import { corruptState, expectArray } from './state-codec.ts';

/**
 * The identity of a value for distinct counting: its kind and its value, so 1 and '1' differ
 * while a BIGINT 1 and a DOUBLE 1.0 (the same JS number) and 0 and -0 are one. Arrays and JSON
 * compare by their JSON text, so objects with keys in another order are different values.
 */
export function distinctKey(value: string | number | boolean | object): string {
  switch (typeof value) {
    case 'number':
      return `n${value}`;
    case 'string':
      return `s${value}`;
    case 'boolean':
      return value ? 'b1' : 'b0';
    default:
      return `j${JSON.stringify(value)}`;
  }
}

/**
 * The object slot holds the Set of keys seen. Exact, so memory grows with the number of distinct
 * values: approx_count_distinct is the bounded alternative.
 */
class CountDistinctAccumulator implements Accumulator {
  readonly numSlots = 0;
  readonly usesObject = true;

  constructor(private readonly at: number) {}

  init(state: GroupState): void {
    state.objs[this.at] = new Set<string>();
  }

  add(state: GroupState, a: Value): void {
    if (a !== null) (state.objs[this.at] as Set<string>).add(distinctKey(a));
  }

  merge(into: GroupState, from: GroupState): void {
    const keys = into.objs[this.at] as Set<string>;
    for (const key of from.objs[this.at] as Set<string>) keys.add(key);
  }

  result(state: GroupState): Value {
    return (state.objs[this.at] as Set<string>).size;
  }

  serialize(state: GroupState): unknown {
    return [...(state.objs[this.at] as Set<string>)];
  }

  restore(state: GroupState, data: unknown): void {
    const keys = expectArray(data, 'count_distinct');
    if (!keys.every((key) => typeof key === 'string')) {
      throw corruptState('count_distinct: expected an array of strings');
    }
    state.objs[this.at] = new Set(keys);
  }
}

const SIGNATURE = { name: 'count_distinct', usage: 'count_distinct(x)', minArgs: 1, maxArgs: 1 };

/** count_distinct(x): BIGINT, the exact number of distinct non-NULL values; 0 for none. */
export const COUNT_DISTINCT: AggregateFunction = {
  ...SIGNATURE,
  acceptsStar: false,
  constantArgs: [],
  check: (argTypes) => arityError(SIGNATURE, argTypes) ?? 'BIGINT',
  create: (layout) => new CountDistinctAccumulator(layout.objAt),
};
