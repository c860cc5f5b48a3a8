import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../util/index.ts';
import { createEngine } from './create-engine.ts';
import type { Engine } from './engine-api.ts';

const T0 = Date.UTC(2024, 0, 1); // 2024-01-01T00:00:00.000Z
const MINUTE = 60_000;

let clock: ManualClock;
let engine: Engine;

/**
 * last_price after the events below:
 *   A: price 12, n 2, venue X   B: price 30, n 1, venue NULL
 *   C: price 20, n 1, venue Y   D: price NULL, n 1, venue X
 */
beforeEach(() => {
  clock = new ManualClock(T0 + 10 * MINUTE);
  engine = createEngine({ clock });
  engine.execute(`
    CREATE STREAM trades (symbol STRING, price DOUBLE, venue STRING, ts TIMESTAMP)
      WITH (timestamp = 'ts');
    CREATE VIEW last_price AS
      SELECT symbol, last(price) AS price, count(*) AS n, last(venue) AS venue
      FROM trades GROUP BY symbol;
    CREATE VIEW per_min AS
      SELECT symbol, window_start, count(*) AS n
      FROM TUMBLE(trades, INTERVAL '1' MINUTE) GROUP BY symbol;`);
  engine.ingest('trades', [
    { symbol: 'A', price: 10, venue: 'X', ts: T0 },
    { symbol: 'B', price: 30, ts: T0 + 1000 },
    { symbol: 'C', price: 20, venue: 'Y', ts: T0 + 2000 },
    { symbol: 'D', venue: 'X', ts: T0 + MINUTE },
    { symbol: 'A', price: 12, venue: 'X', ts: T0 + MINUTE + 1000 },
  ]);
  engine.flush();
});

function rows(sql: string) {
  const [result] = engine.execute(sql);
  return result!.rows!;
}

const symbols = (sql: string) => rows(sql).map((row) => row.symbol);

describe('snapshot queries', () => {
  it('SELECT * returns every column of every row', () => {
    expect(rows('SELECT * FROM last_price ORDER BY symbol')).toEqual([
      { symbol: 'A', price: 12, n: 2, venue: 'X' },
      { symbol: 'B', price: 30, n: 1, venue: null },
      { symbol: 'C', price: 20, n: 1, venue: 'Y' },
      { symbol: 'D', price: null, n: 1, venue: 'X' },
    ]);
  });

  it.each([
    ['price > 15', ['B', 'C']],
    ['NOT (price > 15)', ['A']],
    ['venue IS NULL', ['B']],
    ["symbol IN ('A', 'D', 'Z')", ['A', 'D']],
    ["venue = 'X' AND n = 1", ['D']],
    ["lower(symbol) LIKE 'c%' OR price IS NULL", ['C', 'D']],
  ])('WHERE %s', (condition, expected) => {
    expect(symbols(`SELECT symbol FROM last_price WHERE ${condition} ORDER BY symbol`)).toEqual(
      expected,
    );
  });

  it.each([
    ['price', ['A', 'C', 'B', 'D']],
    ['price ASC', ['A', 'C', 'B', 'D']],
    ['price DESC', ['B', 'C', 'A', 'D']],
    ['venue, symbol', ['A', 'D', 'C', 'B']],
    ['venue DESC, symbol DESC', ['C', 'D', 'A', 'B']],
    ['n DESC, symbol', ['A', 'B', 'C', 'D']],
  ])('ORDER BY %s (NULLs last in both directions)', (order, expected) => {
    expect(symbols(`SELECT symbol FROM last_price ORDER BY ${order}`)).toEqual(expected);
  });

  it('orders by an output alias and by ordinal', () => {
    expect(
      rows('SELECT symbol AS s, price * n AS notional FROM last_price ORDER BY notional DESC'),
    ).toEqual([
      { s: 'B', notional: 30 },
      { s: 'A', notional: 24 },
      { s: 'C', notional: 20 },
      { s: 'D', notional: null },
    ]);
    expect(rows('SELECT symbol, n FROM last_price ORDER BY 2 DESC, 1 DESC')).toEqual([
      { symbol: 'A', n: 2 },
      { symbol: 'D', n: 1 },
      { symbol: 'C', n: 1 },
      { symbol: 'B', n: 1 },
    ]);
  });

  it.each([
    [0, []],
    [2, ['A', 'B']],
    [10, ['A', 'B', 'C', 'D']],
  ])('LIMIT %i applies after ORDER BY', (limit, expected) => {
    expect(symbols(`SELECT symbol FROM last_price ORDER BY symbol LIMIT ${limit}`)).toEqual(
      expected,
    );
  });

  it('applies LIMIT after WHERE and ORDER BY', () => {
    expect(
      symbols('SELECT symbol FROM last_price WHERE n = 1 ORDER BY price DESC LIMIT 2'),
    ).toEqual(['B', 'C']);
  });

  it('now() is the clock time when the statement runs, formatted as ISO-8601', () => {
    expect(rows("SELECT symbol, now() AS at FROM last_price WHERE symbol = 'A'")).toEqual([
      { symbol: 'A', at: '2024-01-01T00:10:00.000Z' },
    ]);
    clock.advance(1500);
    expect(rows("SELECT now() FROM last_price WHERE symbol = 'A'")).toEqual([
      { now: '2024-01-01T00:10:01.500Z' },
    ]);
  });

  it('compares window_start with ISO strings and now() arithmetic', () => {
    expect(
      rows("SELECT * FROM per_min WHERE window_start = '2024-01-01T00:01:00Z' ORDER BY symbol"),
    ).toEqual([
      { symbol: 'A', window_start: '2024-01-01T00:01:00.000Z', n: 1 },
      { symbol: 'D', window_start: '2024-01-01T00:01:00.000Z', n: 1 },
    ]);
    clock.set(T0 + 2 * MINUTE);
    expect(
      symbols(
        "SELECT symbol FROM per_min WHERE window_start >= now() - INTERVAL '1' MINUTE ORDER BY symbol",
      ),
    ).toEqual(['A', 'D']);
  });

  it('orders TIMESTAMP columns by instant and formats computed TIMESTAMPs', () => {
    expect(
      rows(`SELECT symbol, window_start + INTERVAL '1' MINUTE AS window_end FROM per_min
            ORDER BY window_start DESC, symbol`),
    ).toEqual([
      { symbol: 'A', window_end: '2024-01-01T00:02:00.000Z' },
      { symbol: 'D', window_end: '2024-01-01T00:02:00.000Z' },
      { symbol: 'A', window_end: '2024-01-01T00:01:00.000Z' },
      { symbol: 'B', window_end: '2024-01-01T00:01:00.000Z' },
      { symbol: 'C', window_end: '2024-01-01T00:01:00.000Z' },
    ]);
  });

  it('returns the result columns with their types', () => {
    const [result] = engine.execute('SELECT symbol, n * 2 AS twice, now() AS at FROM per_min');
    expect(result!.columns).toEqual([
      { name: 'symbol', type: 'STRING' },
      { name: 'twice', type: 'BIGINT' },
      { name: 'at', type: 'TIMESTAMP' },
    ]);
  });

  it('does not change the view', () => {
    rows('SELECT * FROM last_price WHERE price > 15 ORDER BY price LIMIT 1');
    expect(engine.snapshot('last_price')).toHaveLength(4);
  });
});
