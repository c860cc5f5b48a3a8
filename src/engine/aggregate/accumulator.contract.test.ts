import { describe, expect, it } from 'vitest';
import { VaneError } from '../../util/index.ts';
import type { ExprType, SqlType, Value, WindowBounds } from '../types.ts';
import { AGGREGATE_FUNCTIONS } from './registry.ts';
import type { AggEvent } from './test-harness.ts';
import { close, harness } from './test-harness.ts';
import { Prng } from '../../util/index.ts';
import { topKCapacity } from './top-k.ts';

/**
 * The contract every registered aggregate keeps (accumulator.ts), run over random inputs:
 * (1) adding events to 2-4 partitions and merging them in order gives the result of adding them
 *     all to one state, and the merged state goes on like it;
 * (2) serialize → JSON text → restore gives the same result, the same serialized form, and the
 *     same results after more events;
 * (3) `check` rejects wrong argument counts, types and constants;
 * and an accumulator touches only its own slots.
 */

type Gen = (rng: Prng) => Value;
/** How a merged result must compare with the sequential one. */
type Agreement = 'exact' | 'close' | ((merged: Value, events: readonly AggEvent[]) => void);

interface ContractCase {
  fn: string;
  argTypes: ExprType[];
  constants?: Value[];
  args: (rng: Prng) => [Value, Value];
  /** 'random': ties and out-of-order times (the default); 'ordered': non-decreasing. */
  times?: 'random' | 'ordered';
  maxEvents?: number;
  merge: Agreement;
  badTypes?: ExprType[][];
  badConstants?: Value[][];
}

const SEEDS_PER_CASE = 30;
const WINDOW: WindowBounds = { startMs: 0, endMs: 60_000 };

const maybe =
  (gen: Gen, nullChance = 0.15): Gen =>
  (rng) =>
    rng.chance(nullChance) ? null : gen(rng);
const integer: Gen = (rng) => rng.intIn(-1000, 1000);
const real: Gen = (rng) => (rng.chance(0.3) ? rng.intIn(-50, 50) : 100 + rng.normal() * 30);
const word: Gen = (rng) => rng.pick(['a', 'b', 'c', 'dd', 'B', '', '1']);
const bool: Gen = (rng) => rng.chance(0.5);
const timestamp: Gen = (rng) => 1.7e12 + rng.intIn(0, 1_000_000);
const json: Gen = (rng) => rng.pick([1, '1', true, [1], { a: 1 }, 'x', 2.5, [1, 2], { b: [] }]);
const tags: Gen = (rng) =>
  Array.from({ length: rng.intIn(0, 3) }, () => rng.pick(['#a', '#b', '#c', '#d', null]));
/** Skewed over a thousand values, so a top-k sketch of capacity 100 must evict. */
const skewed: Gen = (rng) => Math.floor(1000 * rng.next() ** 3);

const one =
  (gen: Gen) =>
  (rng: Prng): [Value, Value] => [gen(rng), null];
const constant =
  (gen: Gen, second: Value) =>
  (rng: Prng): [Value, Value] => [gen(rng), second];
/** (y, x) pairs with y ≈ 2x + 5 plus noise, either side sometimes NULL. */
const line = (rng: Prng): [Value, Value] => {
  const x = 10 + rng.normal() * 4;
  return [rng.chance(0.1) ? null : 2 * x + 5 + rng.normal(), rng.chance(0.1) ? null : x];
};
const overTime = (rng: Prng): [Value, Value] => [maybe(real)(rng), maybe(timestamp)(rng)];

const NOT_NUMERIC: ExprType[][] = [['STRING'], ['BOOLEAN'], ['TIMESTAMP'], ['JSON'], ['ARRAY']];

/** Top-k counts may only overestimate, by at most events / capacity (space-saving). */
function withinTopKBound(k: number): Agreement {
  return (merged, events) => {
    const truth = new Map<Value, number>();
    for (const [a] of events) if (a !== null) truth.set(a, (truth.get(a) ?? 0) + 1);
    const slack = events.length / topKCapacity(k);
    for (const { value, count } of merged as { value: Value; count: number }[]) {
      const exact = truth.get(value) ?? 0;
      expect(count).toBeGreaterThanOrEqual(exact);
      expect(count).toBeLessThanOrEqual(exact + slack);
    }
  };
}

const CASES: ContractCase[] = [
  { fn: 'count', argTypes: [], args: one(maybe(integer)), merge: 'exact' },
  { fn: 'count', argTypes: ['STRING'], args: one(maybe(word)), merge: 'exact' },
  {
    fn: 'sum',
    argTypes: ['BIGINT'],
    args: one(maybe(integer)),
    merge: 'exact',
    badTypes: NOT_NUMERIC,
  },
  { fn: 'sum', argTypes: ['DOUBLE'], args: one(maybe(real)), merge: 'close' },
  {
    fn: 'avg',
    argTypes: ['DOUBLE'],
    args: one(maybe(real)),
    merge: 'close',
    badTypes: NOT_NUMERIC,
  },
  ...['min', 'max'].flatMap((fn): ContractCase[] => [
    { fn, argTypes: ['DOUBLE'], args: one(maybe(real)), merge: 'exact' },
    { fn, argTypes: ['TIMESTAMP'], args: one(maybe(timestamp)), merge: 'exact' },
    { fn, argTypes: ['STRING'], args: one(maybe(word)), merge: 'exact' },
    {
      fn,
      argTypes: ['BOOLEAN'],
      args: one(maybe(bool)),
      merge: 'exact',
      badTypes: [['JSON'], ['ARRAY']],
    },
  ]),
  ...['first', 'last'].flatMap((fn): ContractCase[] => [
    { fn, argTypes: ['DOUBLE'], args: one(maybe(real)), merge: 'exact' },
    { fn, argTypes: ['STRING'], args: one(maybe(word)), merge: 'exact' },
    { fn, argTypes: ['JSON'], args: one(maybe(json)), merge: 'exact' },
  ]),
  ...['stddev', 'stddev_samp', 'stddev_pop', 'variance', 'var_samp', 'var_pop'].map(
    (fn): ContractCase => ({
      fn,
      argTypes: ['DOUBLE'],
      args: one(maybe(real)),
      merge: 'close',
      badTypes: NOT_NUMERIC,
    }),
  ),
  { fn: 'count_distinct', argTypes: ['JSON'], args: one(maybe(json)), merge: 'exact' },
  { fn: 'approx_count_distinct', argTypes: ['JSON'], args: one(maybe(json)), merge: 'exact' },
  {
    // past the sketch's exact phase (3072 hashes): still an exact merge
    fn: 'approx_count_distinct',
    argTypes: ['BIGINT'],
    args: one((rng) => rng.intIn(0, 1_000_000)),
    maxEvents: 6000,
    merge: 'exact',
  },
  {
    fn: 'approx_percentile',
    argTypes: ['DOUBLE', 'DOUBLE'],
    constants: [null, 0.9],
    args: constant(maybe(real), 0.9),
    merge: 'exact',
    badTypes: [
      ['STRING', 'DOUBLE'],
      ['TIMESTAMP', 'DOUBLE'],
    ],
    badConstants: [[null, -0.1], [null, 1.1], [null, null], [null, '0.5'], []],
  },
  {
    fn: 'top_k',
    argTypes: ['STRING', 'BIGINT'],
    constants: [null, 3],
    args: constant(maybe(word), 3),
    merge: 'exact',
    badConstants: [[null, 0], [null, 1001], [null, 2.5], [null, null], [null, '3'], []],
  },
  {
    fn: 'top_k',
    argTypes: ['ARRAY', 'BIGINT'],
    constants: [null, 2],
    args: constant(maybe(tags), 2),
    merge: 'exact',
  },
  {
    fn: 'top_k',
    argTypes: ['BIGINT', 'BIGINT'],
    constants: [null, 3],
    args: constant(skewed, 3),
    maxEvents: 600,
    merge: withinTopKBound(3),
  },
  {
    fn: 'ewma',
    argTypes: ['DOUBLE', 'DOUBLE'],
    constants: [null, 0.3],
    args: constant(maybe(real), 0.3),
    merge: 'close',
    badTypes: [['STRING', 'DOUBLE']],
    badConstants: [[null, 0], [null, 1.01], [null, -0.5], [null, null], []],
  },
  {
    fn: 'ewma',
    argTypes: ['BIGINT', 'DOUBLE'],
    constants: [null, 1],
    args: constant(maybe(integer), 1),
    merge: 'exact',
  },
  { fn: 'rate', argTypes: [], args: one(maybe(integer)), merge: 'exact' },
  ...['regr_slope', 'regr_intercept', 'corr'].map((fn): ContractCase => ({
    fn,
    argTypes: ['DOUBLE', 'DOUBLE'],
    args: line,
    merge: 'close',
    badTypes: [
      ['STRING', 'DOUBLE'],
      ['DOUBLE', 'BOOLEAN'],
      ['JSON', 'ARRAY'],
    ],
  })),
  ...['regr_slope', 'corr'].map((fn): ContractCase => ({
    fn,
    argTypes: ['DOUBLE', 'TIMESTAMP'],
    args: overTime,
    merge: 'close',
  })),
  {
    fn: 'zscore',
    argTypes: ['DOUBLE'],
    args: one(maybe(real)),
    merge: 'close',
    badTypes: NOT_NUMERIC,
  },
  {
    // partitions in event-time order: merge is exact even after values were folded
    fn: 'forecast',
    argTypes: ['DOUBLE', 'BIGINT'],
    constants: [null, 3],
    args: constant(maybe(real), 3),
    times: 'ordered',
    maxEvents: 400,
    merge: 'close',
    badTypes: [
      ['STRING', 'BIGINT'],
      ['TIMESTAMP', 'BIGINT'],
    ],
    badConstants: [[null, -1], [null, 0.5], [null, null], [null, '3'], []],
  },
  {
    // no value is ever folded: any arrival order merges exactly
    fn: 'forecast',
    argTypes: ['DOUBLE', 'BIGINT'],
    constants: [null, 0],
    args: constant(maybe(real), 0),
    maxEvents: 64,
    merge: 'close',
  },
];

function makeEvents(c: ContractCase, rng: Prng, count: number): AggEvent[] {
  let timeMs = 0;
  return Array.from({ length: count }, (): AggEvent => {
    timeMs = c.times === 'ordered' ? timeMs + rng.intIn(0, 2) * 100 : rng.intIn(0, 100) * 500;
    return [...c.args(rng), timeMs];
  });
}

/** Sorted cut points splitting `length` items into `parts` slices, some possibly empty. */
function split<T>(rng: Prng, items: readonly T[], parts: number): T[][] {
  const cuts = Array.from({ length: parts - 1 }, () => rng.intIn(0, items.length)).sort(
    (a, b) => a - b,
  );
  return [0, ...cuts].map((start, i) => items.slice(start, cuts[i] ?? items.length));
}

function expectAgreement(
  how: Agreement,
  merged: Value,
  whole: Value,
  events: readonly AggEvent[],
  label: string,
) {
  if (typeof how === 'function') {
    how(merged, events);
  } else if (how === 'close' && typeof merged === 'number' && typeof whole === 'number') {
    expect(close(merged, whole), `${label}: ${merged} vs ${whole}`).toBe(true);
  } else {
    expect(merged, label).toEqual(whole);
  }
}

function fitsType(value: Value, type: SqlType): boolean {
  switch (type) {
    case 'BIGINT':
      return value === null || Number.isInteger(value);
    case 'DOUBLE':
    case 'TIMESTAMP':
      return value === null || typeof value === 'number';
    case 'STRING':
      return value === null || typeof value === 'string';
    case 'BOOLEAN':
      return value === null || typeof value === 'boolean';
    case 'ARRAY':
      return value === null || Array.isArray(value);
    case 'JSON':
      return true;
  }
}

function expectRejected(result: unknown, name: string, label: string) {
  expect(result, label).toEqual({ error: expect.stringContaining(name) as unknown });
}

describe('every registered aggregate has a contract case', () => {
  it.each([...AGGREGATE_FUNCTIONS.keys()])('%s', (name) => {
    expect(CASES.some((c) => c.fn === name)).toBe(true);
    expect(AGGREGATE_FUNCTIONS.get(name)!.name).toBe(name);
  });
});

describe.each(
  CASES.map((c, i) => [`${c.fn}(${c.argTypes.join(', ') || '*'}) #${i}`, c, i] as const),
)('%s', (_label, c, index) => {
  const h = harness(c.fn, c.argTypes, c.constants ?? []);
  const windows = [null, WINDOW];

  it('merges partitions to the result of one state, and stays live after', () => {
    for (let run = 0; run < SEEDS_PER_CASE; run++) {
      const seed = 1000 * index + run;
      const rng = new Prng(seed);
      const all = makeEvents(c, rng, rng.intIn(0, c.maxEvents ?? 200) + 10);
      const events = all.slice(0, -10);
      const more = all.slice(-10);
      const whole = h.run(events);
      const parts = split(rng, events, rng.intIn(2, 4)).map((part) => h.run(part));
      const merged = parts[0]!;
      const later = parts.slice(1);
      const laterResults = later.map((part) => h.result(part));
      for (const part of later) h.acc.merge(merged, part);
      for (const window of windows) {
        expectAgreement(
          c.merge,
          h.result(merged, window),
          h.result(whole, window),
          events,
          `seed ${seed}`,
        );
      }
      h.addAll(merged, more);
      h.addAll(whole, more);
      for (const window of windows) {
        expectAgreement(
          c.merge,
          h.result(merged, window),
          h.result(whole, window),
          all,
          `seed ${seed} after more`,
        );
      }
      // merge copied what it needed: the merged-in states are untouched by later adds
      expect(
        later.map((part) => h.result(part)),
        `seed ${seed}`,
      ).toEqual(laterResults);
      for (const state of [whole, ...parts])
        expect(h.paddingIntact(state), `seed ${seed}`).toBe(true);
      for (const window of windows) {
        expect(fitsType(h.result(whole, window), h.type), `seed ${seed}`).toBe(true);
      }
    }
  });

  it('restores from serialized JSON to an identical state', () => {
    for (let run = 0; run < SEEDS_PER_CASE; run++) {
      const seed = 1000 * index + run;
      const rng = new Prng(seed);
      const all = makeEvents(c, rng, rng.intIn(0, c.maxEvents ?? 200) + 20);
      const events = all.slice(0, -20);
      const original = h.run(events);
      const data: unknown = JSON.parse(JSON.stringify(h.acc.serialize(original)));
      // restore overwrites whatever the state held
      const restored = h.run(all.slice(-20, -10));
      h.acc.restore(restored, data);
      for (const window of windows) {
        expect(h.result(restored, window), `seed ${seed}`).toEqual(h.result(original, window));
      }
      expect(JSON.parse(JSON.stringify(h.acc.serialize(restored)))).toEqual(data);
      h.addAll(original, all.slice(-10));
      h.addAll(restored, all.slice(-10));
      for (const window of windows) {
        expect(h.result(restored, window), `seed ${seed}`).toEqual(h.result(original, window));
      }
      expect(h.paddingIntact(restored)).toBe(true);
    }
  });

  it('rejects damaged state with CORRUPT_STATE', () => {
    for (const data of [{ bogus: 1 }, undefined, 42]) {
      try {
        h.acc.restore(h.fresh(), data);
        expect.unreachable(`restored ${JSON.stringify(data)}`);
      } catch (error) {
        expect(error).toBeInstanceOf(VaneError);
        expect((error as VaneError).code).toBe('CORRUPT_STATE');
      }
    }
  });

  it('check accepts the call and rejects wrong arity, types and constants', () => {
    const fn = h.fn;
    const constants = c.constants ?? [];
    expect(typeof fn.check(c.argTypes, constants)).toBe('string');
    for (let count = 0; count <= 3; count++) {
      if (count >= fn.minArgs && count <= fn.maxArgs) continue;
      const types = Array.from({ length: count }, (_, i) => c.argTypes[i] ?? 'DOUBLE');
      expectRejected(fn.check(types, constants), fn.name, `${count} arguments`);
    }
    for (const types of c.badTypes ?? []) {
      expectRejected(fn.check(types, constants), fn.name, types.join(', '));
    }
    for (const bad of c.badConstants ?? []) {
      expectRejected(fn.check(c.argTypes, bad), fn.name, JSON.stringify(bad));
    }
  });
});
