import { describe, expect, it } from 'vitest';
import { AGGREGATE_FUNCTIONS, isAggregateName } from './registry.ts';

describe('aggregate registry', () => {
  it('holds every aggregate of the dialect under its lowercase name', () => {
    for (const name of [
      'count',
      'sum',
      'avg',
      'min',
      'max',
      'first',
      'last',
      'stddev',
      'variance',
      'count_distinct',
      'approx_count_distinct',
      'approx_percentile',
      'top_k',
      'ewma',
      'rate',
      'regr_slope',
      'regr_intercept',
      'corr',
      'zscore',
      'forecast',
    ]) {
      expect(AGGREGATE_FUNCTIONS.get(name)?.name, name).toBe(name);
    }
    for (const key of AGGREGATE_FUNCTIONS.keys()) expect(key).toBe(key.toLowerCase());
  });

  it('tells aggregate names from others, in any case', () => {
    expect(isAggregateName('COUNT')).toBe(true);
    expect(isAggregateName('Approx_Percentile')).toBe(true);
    expect(isAggregateName('abs')).toBe(false);
    expect(isAggregateName('hashtags')).toBe(false);
  });

  it('declares star and constant arguments', () => {
    const stars = [...AGGREGATE_FUNCTIONS.values()].filter((fn) => fn.acceptsStar);
    expect(stars.map((fn) => fn.name).sort()).toEqual(['count', 'rate']);
    for (const name of ['approx_percentile', 'top_k', 'ewma', 'forecast']) {
      expect(AGGREGATE_FUNCTIONS.get(name)?.constantArgs, name).toEqual([1]);
    }
  });
});
