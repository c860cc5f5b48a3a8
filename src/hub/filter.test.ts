import { describe, expect, it } from 'vitest';
import { compileFilter } from './filter.ts';
import { HubError } from './hub-error.ts';

const COLUMNS = [
  { name: 'symbol', type: 'STRING' },
  { name: 'window_start', type: 'TIMESTAMP' },
  { name: 'price', type: 'DOUBLE' },
];
const KEY = ['symbol', 'window_start'];
const ISO = '2024-01-01T00:00:00.000Z';
const MS = Date.UTC(2024, 0, 1);

describe('compileFilter', () => {
  it('accepts everything without a where, keeping the same arrays', () => {
    for (const where of [undefined, null, {}]) {
      const filter = compileFilter(where, COLUMNS, KEY, 'view v');
      const rows = [{ symbol: 'A' }];
      expect(filter.key).toBe('');
      expect(filter.select(rows)).toBe(rows);
      expect(filter.where).toBeUndefined();
    }
  });

  it('matches a value or any of a list, on every column given', () => {
    const filter = compileFilter({ symbol: ['A', 'B'], window_start: ISO }, COLUMNS, KEY, 'view v');
    expect(filter.matches({ symbol: 'A', window_start: ISO })).toBe(true);
    expect(filter.matches({ symbol: 'C', window_start: ISO })).toBe(false);
    expect(filter.matches({ symbol: 'B', window_start: '2024-01-01T00:01:00.000Z' })).toBe(false);
    expect(filter.matches({ symbol: 'B' })).toBe(false);
  });

  it('gives equal filters the same key whatever the order of columns and values', () => {
    const a = compileFilter({ symbol: ['A', 'B'], window_start: ISO }, COLUMNS, KEY, 'v');
    const b = compileFilter({ window_start: [MS], symbol: ['B', 'A', 'B'] }, COLUMNS, KEY, 'v');
    const c = compileFilter({ symbol: ['A'] }, COLUMNS, KEY, 'v');
    const d = compileFilter({ symbol: '1' }, COLUMNS, KEY, 'v');
    const e = compileFilter({ symbol: 1 }, COLUMNS, KEY, 'v');
    expect(a.key).toBe(b.key);
    expect(a.key).not.toBe(c.key);
    expect(d.key).not.toBe(e.key);
    expect(b.where).toEqual({ symbol: ['B', 'A', 'B'], window_start: [ISO] });
  });

  it('matches TIMESTAMP values written either way against either form in rows', () => {
    const filter = compileFilter({ window_start: MS }, COLUMNS, KEY, 'v');
    expect(filter.matches({ window_start: ISO })).toBe(true);
    expect(filter.matches({ window_start: MS })).toBe(true);
    expect(filter.matches({ window_start: MS + 1 })).toBe(false);
  });

  it('rejects columns outside the allowed ones and values that are not scalars', () => {
    const bad: unknown[] = [
      { price: 1 },
      { nope: 1 },
      { symbol: { a: 1 } },
      { symbol: [['A']] },
      { window_start: 'yesterday' },
      { window_start: '1' },
      ['symbol'],
      'symbol',
    ];
    for (const where of bad) {
      expect(() => compileFilter(where, COLUMNS, KEY, 'view v')).toThrow(HubError);
    }
    try {
      compileFilter({ price: 1 }, COLUMNS, KEY, 'view v');
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_FIELD' });
      expect((error as Error).message).toContain("view v cannot be filtered on 'price'");
    }
  });
});
