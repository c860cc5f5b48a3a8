import { describe, expect, it } from 'vitest';
import { KeyedRows } from './keyed-rows.ts';

interface Bar {
  symbol: string;
  window_start: string;
  close: number;
}

const W1 = '2024-01-01T00:00:00.000Z';
const W2 = '2024-01-01T00:01:00.000Z';

function table(): KeyedRows<Bar> {
  const rows = new KeyedRows<Bar>();
  rows.setKey(['symbol', 'window_start']);
  return rows;
}

describe('KeyedRows', () => {
  it('replaces all rows with a snapshot and reports the rows that disappeared', () => {
    const rows = table();
    rows.replace([
      { symbol: 'AAPL', window_start: W1, close: 1 },
      { symbol: 'MSFT', window_start: W1, close: 2 },
    ]);
    const change = rows.replace([{ symbol: 'AAPL', window_start: W1, close: 3 }]);
    expect(change).toEqual({
      upserts: [{ symbol: 'AAPL', window_start: W1, close: 3 }],
      deletes: [{ symbol: 'MSFT', window_start: W1, close: 2 }],
      snapshot: true,
    });
    expect(rows.rows()).toEqual([{ symbol: 'AAPL', window_start: W1, close: 3 }]);
  });

  it('applies deletes before upserts, so a delta may delete and re-insert one key', () => {
    const rows = table();
    rows.replace([{ symbol: 'AAPL', window_start: W1, close: 1 }]);
    const change = rows.apply(
      [
        { symbol: 'AAPL', window_start: W1, close: 5 },
        { symbol: 'AAPL', window_start: W2, close: 6 },
      ],
      [
        { symbol: 'AAPL', window_start: W1 },
        { symbol: 'NONE', window_start: W1 },
      ],
    );
    expect(change.deletes).toEqual([{ symbol: 'AAPL', window_start: W1, close: 1 }]);
    expect(rows.get(['AAPL', W1])).toEqual({ symbol: 'AAPL', window_start: W1, close: 5 });
    expect(rows.getByKey({ symbol: 'AAPL', window_start: W2 })?.close).toBe(6);
    expect(rows.size).toBe(2);
  });

  it('keeps one row when the key is empty (a view without GROUP BY)', () => {
    const rows = new KeyedRows<{ n: number }>();
    rows.replace([{ n: 1 }]);
    rows.apply([{ n: 2 }], []);
    expect(rows.rows()).toEqual([{ n: 2 }]);
  });

  it('sorts rows by orderBy, later columns breaking ties', () => {
    const rows = new KeyedRows<Bar>([
      ['close', 'desc'],
      ['symbol', 'asc'],
    ]);
    rows.setKey(['symbol']);
    rows.replace([
      { symbol: 'C', window_start: W1, close: 1 },
      { symbol: 'B', window_start: W1, close: 3 },
      { symbol: 'A', window_start: W1, close: 3 },
    ]);
    expect(rows.rows().map((row) => row.symbol)).toEqual(['A', 'B', 'C']);
  });
});
