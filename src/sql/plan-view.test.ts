import { describe, expect, it } from 'vitest';
import {
  ViewRuntime,
  type Column,
  type EventRecord,
  type OutputRow,
  type StreamSpec,
  type ViewPlan,
} from '../engine/index.ts';
import { SqlError } from '../util/index.ts';
import { parse } from './parser.ts';
import { planStream } from './plan-stream.ts';
import { DEFAULT_EMIT_INTERVAL_MS, DEFAULT_KEEP_WINDOWS, planView } from './plan-view.ts';
import type { PlannerCatalog } from './planner-catalog.ts';

const T0 = Date.UTC(2024, 0, 1); // 2024-01-01T00:00:00.000Z
const MINUTE = 60_000;

const STREAMS = new Map<string, StreamSpec>(
  parse(`
    CREATE STREAM trades (symbol STRING, price DOUBLE, qty DOUBLE, ts TIMESTAMP, trade_id STRING)
      WITH (timestamp = 'ts', id = 'trade_id', lateness = '5s');
    CREATE STREAM readings (device STRING, temp DOUBLE, ts TIMESTAMP) WITH (timestamp = 'ts');
    CREATE STREAM game_events (player STRING, score DOUBLE, ts TIMESTAMP) WITH (timestamp = 'ts');
    CREATE STREAM posts (topic STRING, text STRING, user_id STRING, ts TIMESTAMP)
      WITH (timestamp = 'ts');
  `).map((statement) => {
    if (statement.kind !== 'create_stream') throw new Error('fixture: streams only');
    return [statement.name, planStream(statement)];
  }),
);

const VIEWS = new Map<string, { columns: Column[] }>([
  ['last_price', { columns: [{ name: 'symbol', type: 'STRING' }] }],
]);

const CATALOG: PlannerCatalog = {
  stream: (name) => STREAMS.get(name),
  view: (name) => VIEWS.get(name),
  names: () => [...STREAMS.keys(), ...VIEWS.keys()],
};

function plan(sql: string): ViewPlan {
  const statements = parse(sql);
  const statement = statements[0];
  if (statements.length !== 1 || statement?.kind !== 'create_view') {
    throw new Error(`not one CREATE VIEW: ${sql}`);
  }
  return planView(statement, CATALOG);
}

function planError(sql: string): SqlError {
  try {
    plan(sql);
  } catch (error) {
    if (error instanceof SqlError) return error;
    throw error;
  }
  throw new Error(`planned without error: ${sql}`);
}

/** Runs the plan over events (event time in `ts`) and returns the view's rows. */
function rowsOf(viewPlan: ViewPlan, events: EventRecord[]): OutputRow[] {
  const runtime = new ViewRuntime(viewPlan, -Infinity);
  runtime.process(
    events,
    events.map((event) => event.ts as number),
  );
  runtime.flush();
  return runtime.snapshot();
}

const names = (viewPlan: ViewPlan) => viewPlan.columns.map((column) => column.name);
const keyNames = (viewPlan: ViewPlan) =>
  viewPlan.keyColumns.map((index) => viewPlan.columns[index]!.name);

describe('planView: the SPEC §2 views', () => {
  it('ohlc_1m: a tumbling window keyed by symbol and window_start', () => {
    const ohlc = plan(`CREATE VIEW ohlc_1m AS
      SELECT symbol, window_start, window_end,
             first(price) AS open, max(price) AS high, min(price) AS low, last(price) AS close,
             sum(price * qty) / sum(qty) AS vwap, sum(qty) AS volume, count(*) AS trades
      FROM TUMBLE(trades, INTERVAL '1' MINUTE)
      GROUP BY symbol, window_start, window_end
      EMIT CHANGES`);
    expect(ohlc.columns).toEqual([
      { name: 'symbol', type: 'STRING' },
      { name: 'window_start', type: 'TIMESTAMP' },
      { name: 'window_end', type: 'TIMESTAMP' },
      { name: 'open', type: 'DOUBLE' },
      { name: 'high', type: 'DOUBLE' },
      { name: 'low', type: 'DOUBLE' },
      { name: 'close', type: 'DOUBLE' },
      { name: 'vwap', type: 'DOUBLE' },
      { name: 'volume', type: 'DOUBLE' },
      { name: 'trades', type: 'BIGINT' },
    ]);
    expect(ohlc.keyColumns).toEqual([0, 1]);
    expect(ohlc).toMatchObject({
      name: 'ohlc_1m',
      stream: 'trades',
      window: { kind: 'tumble', sizeMs: MINUTE },
      latenessMs: 5000,
      emit: 'changes',
      emitIntervalMs: DEFAULT_EMIT_INTERVAL_MS,
      keep: { kind: 'windows', windows: DEFAULT_KEEP_WINDOWS },
      filter: null,
      having: null,
    });
    // window_start and window_end are implicit: the only explicit key is symbol.
    expect(ohlc.groupKeys).toEqual([{ kind: 'field', name: 'symbol', type: 'STRING' }]);
    // first, max, min, last, sum(price * qty), sum(qty), count(*): sum(qty) is kept once.
    expect(ohlc.aggregates).toHaveLength(7);

    expect(
      rowsOf(ohlc, [
        { symbol: 'AAPL', price: 10, qty: 2, ts: T0 + 10_000 },
        { symbol: 'AAPL', price: 13, qty: 1, ts: T0 + 20_000 },
        { symbol: 'AAPL', price: 9, qty: 1, ts: T0 + 30_000 },
      ]),
    ).toEqual([
      {
        symbol: 'AAPL',
        window_start: '2024-01-01T00:00:00.000Z',
        window_end: '2024-01-01T00:01:00.000Z',
        open: 10,
        high: 13,
        low: 9,
        close: 9,
        vwap: (20 + 13 + 9) / 4,
        volume: 4,
        trades: 3,
      },
    ]);
  });

  it('temp_5m: a hopping window (slide, size) with a WHERE filter', () => {
    const temp = plan(`CREATE VIEW temp_5m AS
      SELECT device, window_start, window_end, avg(temp) AS avg_temp,
             approx_percentile(temp, 0.99) AS p99_temp, stddev(temp) AS sd_temp
      FROM HOP(readings, INTERVAL '1' MINUTE, INTERVAL '5' MINUTE)
      WHERE temp IS NOT NULL
      GROUP BY device, window_start, window_end`);
    expect(temp.window).toEqual({ kind: 'hop', slideMs: MINUTE, sizeMs: 5 * MINUTE });
    expect(temp.filter).toEqual({
      kind: 'op',
      op: 'is_not_null',
      args: [{ kind: 'field', name: 'temp', type: 'DOUBLE' }],
      type: 'BOOLEAN',
    });
    expect(temp.columns.slice(3)).toEqual([
      { name: 'avg_temp', type: 'DOUBLE' },
      { name: 'p99_temp', type: 'DOUBLE' },
      { name: 'sd_temp', type: 'DOUBLE' },
    ]);
    expect(keyNames(temp)).toEqual(['device', 'window_start']);
    // An event at 00:02:30 belongs to the five windows starting 23:58 … 00:02.
    const rows = rowsOf(temp, [{ device: 'd1', temp: 20, ts: T0 + 150_000 }]);
    expect(rows.map((row) => row.window_start as string).sort()).toEqual(
      [-2, -1, 0, 1, 2].map((m) => new Date(T0 + m * MINUTE).toISOString()),
    );
  });

  it('play_sessions: a session window with EMIT FINAL', () => {
    const sessions = plan(`CREATE VIEW play_sessions AS
      SELECT player, window_start, window_end, count(*) AS events, max(score) AS best
      FROM SESSION(game_events, INTERVAL '30' SECOND)
      GROUP BY player, window_start, window_end
      EMIT FINAL`);
    expect(sessions.window).toEqual({ kind: 'session', gapMs: 30_000 });
    expect(sessions.emit).toBe('final');
    expect(keyNames(sessions)).toEqual(['player', 'window_start']);
  });

  it('mood: scalar functions inside aggregates', () => {
    const mood = plan(`CREATE VIEW mood AS
      SELECT topic, window_start, window_end, avg(sentiment(text)) AS mood,
             approx_count_distinct(user_id) AS users, top_k(hashtags(text), 5) AS top_tags
      FROM TUMBLE(posts, INTERVAL '10' SECOND)
      GROUP BY topic, window_start, window_end`);
    expect(mood.window).toEqual({ kind: 'tumble', sizeMs: 10_000 });
    expect(names(mood)).toEqual([
      'topic',
      'window_start',
      'window_end',
      'mood',
      'users',
      'top_tags',
    ]);
    expect(mood.aggregates).toHaveLength(3);
  });

  it('last_price: no window, a running aggregate keyed by symbol only', () => {
    const last = plan(`CREATE VIEW last_price AS
      SELECT symbol, last(price) AS price, ewma(price, 0.2) AS trend, count(*) AS n
      FROM trades GROUP BY symbol`);
    expect(last.window).toEqual({ kind: 'none' });
    expect(names(last)).toEqual(['symbol', 'price', 'trend', 'n']);
    expect(last.keyColumns).toEqual([0]);
    expect(
      rowsOf(last, [
        { symbol: 'A', price: 1, ts: T0 },
        { symbol: 'B', price: 5, ts: T0 + 1 },
        { symbol: 'A', price: 3, ts: T0 + 2 },
      ]).map(({ symbol, price, n }) => ({ symbol, price, n })),
    ).toEqual([
      { symbol: 'A', price: 3, n: 2 },
      { symbol: 'B', price: 5, n: 1 },
    ]);
  });

  it('overheating: HAVING keeps only the groups where the condition holds', () => {
    const alert = plan(`CREATE VIEW overheating AS
      SELECT device, window_start, avg(temp) AS avg_temp
      FROM TUMBLE(readings, INTERVAL '1' MINUTE)
      GROUP BY device, window_start, window_end
      HAVING avg(temp) > 80`);
    expect(names(alert)).toEqual(['device', 'window_start', 'avg_temp']);
    expect(keyNames(alert)).toEqual(['device', 'window_start']);
    // avg(temp) in HAVING is the select list's avg(temp): one accumulator.
    expect(alert.aggregates).toHaveLength(1);
    expect(
      rowsOf(alert, [
        { device: 'cool', temp: 20, ts: T0 },
        { device: 'hot', temp: 85, ts: T0 },
        { device: 'hot', temp: 90, ts: T0 + 1 },
      ]),
    ).toEqual([{ device: 'hot', window_start: '2024-01-01T00:00:00.000Z', avg_temp: 87.5 }]);
  });
});

describe('planView: keys', () => {
  it('appends key columns the select list leaves out (GROUP BY columns, then window_start)', () => {
    const counts = plan(`CREATE VIEW v AS
      SELECT count(*) AS n FROM TUMBLE(trades, INTERVAL '1' MINUTE) GROUP BY symbol`);
    expect(counts.columns).toEqual([
      { name: 'n', type: 'BIGINT' },
      { name: 'symbol', type: 'STRING' },
      { name: 'window_start', type: 'TIMESTAMP' },
    ]);
    expect(counts.keyColumns).toEqual([1, 2]);
    expect(rowsOf(counts, [{ symbol: 'A', ts: T0 + 61_000 }])).toEqual([
      { n: 1, symbol: 'A', window_start: '2024-01-01T00:01:00.000Z' },
    ]);
  });

  it('uses a selected key column under its alias', () => {
    const renamed = plan(
      'CREATE VIEW v AS SELECT count(*) AS n, symbol AS s FROM trades GROUP BY symbol',
    );
    expect(names(renamed)).toEqual(['n', 's']);
    expect(renamed.keyColumns).toEqual([1]);
  });

  it('keys a view without GROUP BY by window_start alone', () => {
    const total = plan(
      "CREATE VIEW v AS SELECT sum(qty) AS volume FROM TUMBLE(trades, INTERVAL '1' MINUTE)",
    );
    expect(names(total)).toEqual(['volume', 'window_start']);
    expect(total.keyColumns).toEqual([1]);
    expect(total.groupKeys).toEqual([]);
  });

  it('has no key columns for a global running aggregate', () => {
    const total = plan('CREATE VIEW v AS SELECT count(*) AS n FROM trades');
    expect(total.keyColumns).toEqual([]);
    expect(rowsOf(total, [{ ts: T0 }, { ts: T0 + 1 }])).toEqual([{ n: 2 }]);
  });

  it('groups by a select alias', () => {
    const upper = plan(
      'CREATE VIEW v AS SELECT upper(symbol) AS sym, count(*) AS n FROM trades GROUP BY sym',
    );
    expect(upper.groupKeys).toHaveLength(1);
    expect(upper.groupKeys[0]).toMatchObject({ kind: 'call', type: 'STRING' });
    expect(upper.keyColumns).toEqual([0]);
    expect(
      rowsOf(upper, [
        { symbol: 'aapl', ts: T0 },
        { symbol: 'AAPL', ts: T0 + 1 },
      ]),
    ).toEqual([{ sym: 'AAPL', n: 2 }]);
  });

  it('groups by ordinal, including window_start and window_end', () => {
    const byOrdinal = plan(`CREATE VIEW v AS
      SELECT upper(symbol) AS sym, window_start, window_end, count(*) AS n
      FROM TUMBLE(trades, INTERVAL '1' MINUTE)
      GROUP BY 1, 2, 3`);
    expect(byOrdinal.groupKeys).toHaveLength(1);
    expect(keyNames(byOrdinal)).toEqual(['sym', 'window_start']);
    expect(rowsOf(byOrdinal, [{ symbol: 'a', ts: T0 }])).toEqual([
      {
        sym: 'A',
        window_start: '2024-01-01T00:00:00.000Z',
        window_end: '2024-01-01T00:01:00.000Z',
        n: 1,
      },
    ]);
  });

  it('groups by an alias of window_start', () => {
    const aliased = plan(`CREATE VIEW v AS
      SELECT window_start AS minute, count(*) AS n
      FROM TUMBLE(trades, INTERVAL '1' MINUTE) GROUP BY minute`);
    expect(aliased.groupKeys).toEqual([]);
    expect(keyNames(aliased)).toEqual(['minute']);
  });

  it('keeps one group key for a column named twice', () => {
    const twice = plan(
      'CREATE VIEW v AS SELECT symbol, count(*) AS n FROM trades GROUP BY symbol, 1',
    );
    expect(twice.groupKeys).toHaveLength(1);
    expect(twice.keyColumns).toEqual([0]);
  });
});

describe('planView: aggregates and HAVING', () => {
  it('computes identical aggregate calls once, wherever they are written', () => {
    const doubled = plan(`CREATE VIEW v AS
      SELECT symbol, sum(qty) AS a, SUM(qty) * 2 AS b, sum(qty) / count(*) AS c
      FROM trades GROUP BY symbol HAVING sum(qty) > 0`);
    expect(doubled.aggregates).toHaveLength(2);
    // Group context: [symbol, sum(qty), count(*)].
    expect(doubled.outputs[1]).toEqual({ kind: 'slot', index: 1, type: 'DOUBLE' });
    expect(doubled.outputs[2]).toMatchObject({
      kind: 'op',
      op: 'mul',
      args: [
        { kind: 'slot', index: 1 },
        { kind: 'const', value: 2 },
      ],
    });
    expect(doubled.having).toMatchObject({ op: 'gt', args: [{ kind: 'slot', index: 1 }, {}] });
    expect(
      rowsOf(doubled, [
        { symbol: 'A', qty: 3, ts: T0 },
        { symbol: 'A', qty: 5, ts: T0 + 1 },
      ]),
    ).toEqual([{ symbol: 'A', a: 8, b: 16, c: 4 }]);
  });

  it('sizes the group state by distinct aggregate calls', () => {
    const once = plan('CREATE VIEW v AS SELECT symbol, sum(qty) AS a FROM trades GROUP BY symbol');
    const twice = plan(
      'CREATE VIEW v AS SELECT symbol, sum(qty) AS a, sum(qty) AS b FROM trades GROUP BY symbol',
    );
    expect(twice.numSlots).toBe(once.numSlots);
    expect(twice.objSlots).toBe(once.objSlots);
  });

  it('lets HAVING use a select alias and an aggregate that is not selected', () => {
    const busy = plan(`CREATE VIEW v AS
      SELECT symbol, sum(qty) AS volume FROM trades GROUP BY symbol
      HAVING volume > 10 AND max(price) >= 100`);
    expect(names(busy)).toEqual(['symbol', 'volume']);
    expect(busy.aggregates).toHaveLength(2);
    expect(busy.having).toMatchObject({
      op: 'and',
      args: [
        { op: 'gt', args: [{ kind: 'slot', index: 1 }, { value: 10 }] },
        { op: 'ge', args: [{ kind: 'slot', index: 2 }, { value: 100 }] },
      ],
    });
    expect(
      rowsOf(busy, [
        { symbol: 'cheap', qty: 50, price: 1, ts: T0 },
        { symbol: 'thin', qty: 1, price: 500, ts: T0 },
        { symbol: 'both', qty: 20, price: 100, ts: T0 },
      ]),
    ).toEqual([{ symbol: 'both', volume: 20 }]);
  });

  it('reads window_start and window_end in the select list and HAVING', () => {
    const late = plan(`CREATE VIEW v AS
      SELECT symbol, window_end, count(*) AS n
      FROM TUMBLE(trades, INTERVAL '1' MINUTE)
      GROUP BY symbol
      HAVING window_start >= '2024-01-01T00:01:00Z'`);
    expect(names(late)).toEqual(['symbol', 'window_end', 'n', 'window_start']);
    expect(keyNames(late)).toEqual(['symbol', 'window_start']);
    // Group context: [symbol, count(*), window_start, window_end].
    expect(late.outputs[1]).toEqual({ kind: 'slot', index: 3, type: 'TIMESTAMP' });
    expect(late.having).toEqual({
      kind: 'op',
      op: 'ge',
      args: [
        { kind: 'slot', index: 2, type: 'TIMESTAMP' },
        { kind: 'const', value: T0 + MINUTE, type: 'TIMESTAMP' },
      ],
      type: 'BOOLEAN',
    });
    expect(
      rowsOf(late, [
        { symbol: 'A', ts: T0 + 30_000 },
        { symbol: 'A', ts: T0 + 90_000 },
      ]),
    ).toEqual([
      {
        symbol: 'A',
        window_end: '2024-01-01T00:02:00.000Z',
        n: 1,
        window_start: '2024-01-01T00:01:00.000Z',
      },
    ]);
  });

  it('binds constant aggregate arguments into the accumulator, not per event', () => {
    const trend = plan(
      'CREATE VIEW v AS SELECT symbol, approx_percentile(price, 0.5) AS p FROM trades GROUP BY symbol',
    );
    expect(trend.aggregates[0]!.args).toEqual([
      { kind: 'field', name: 'price', type: 'DOUBLE' },
      { kind: 'const', value: null, type: 'DOUBLE' },
    ]);
  });
});

describe('planView: WHERE and TIMESTAMP literals', () => {
  it.each([
    ["'2024-01-01T00:00:00Z'", T0],
    ["'2024-01-01T02:00:00+02:00'", T0],
    ["'2024-01-01'", T0],
    [String(T0), T0],
  ])('compares a TIMESTAMP column with %s as an instant', (literal, ms) => {
    const recent = plan(
      `CREATE VIEW v AS SELECT symbol, count(*) AS n FROM trades WHERE ts >= ${literal} GROUP BY symbol`,
    );
    expect(recent.filter).toEqual({
      kind: 'op',
      op: 'ge',
      args: [
        { kind: 'field', name: 'ts', type: 'TIMESTAMP' },
        { kind: 'const', value: ms, type: 'TIMESTAMP' },
      ],
      type: 'BOOLEAN',
    });
  });

  it('coerces ISO strings in IN and BETWEEN against a TIMESTAMP', () => {
    const between = plan(`CREATE VIEW v AS SELECT symbol, count(*) AS n FROM trades
      WHERE ts BETWEEN '2024-01-01T00:00:00Z' AND '2024-01-01T00:01:00Z'
        AND ts NOT IN ('2024-01-01T00:00:30Z')
      GROUP BY symbol`);
    expect(
      rowsOf(between, [
        { symbol: 'A', ts: T0 - 1 },
        { symbol: 'A', ts: T0 },
        { symbol: 'A', ts: T0 + 30_000 },
        { symbol: 'A', ts: T0 + MINUTE },
        { symbol: 'A', ts: T0 + MINUTE + 1 },
      ]),
    ).toEqual([{ symbol: 'A', n: 2 }]);
  });

  it('adds and subtracts intervals and numbers on a TIMESTAMP as durations', () => {
    const shifted = plan(`CREATE VIEW v AS
      SELECT symbol, window_start + INTERVAL '30' SECOND AS mid, max(ts - 1000) AS latest
      FROM TUMBLE(trades, INTERVAL '1' MINUTE)
      WHERE ts - INTERVAL '1' SECOND >= '2024-01-01T00:00:00Z'
      GROUP BY symbol`);
    expect(shifted.columns).toEqual([
      { name: 'symbol', type: 'STRING' },
      { name: 'mid', type: 'TIMESTAMP' },
      { name: 'latest', type: 'TIMESTAMP' },
      { name: 'window_start', type: 'TIMESTAMP' },
    ]);
    expect(
      rowsOf(shifted, [
        { symbol: 'A', ts: T0 + 500 },
        { symbol: 'A', ts: T0 + 5000 },
      ]),
    ).toEqual([
      {
        symbol: 'A',
        mid: '2024-01-01T00:00:30.000Z',
        latest: '2024-01-01T00:00:04.000Z',
        window_start: '2024-01-01T00:00:00.000Z',
      },
    ]);
  });

  it('filters events before they reach any group', () => {
    const big = plan(
      'CREATE VIEW v AS SELECT symbol, count(*) AS n FROM trades WHERE qty >= 10 GROUP BY symbol',
    );
    expect(
      rowsOf(big, [
        { symbol: 'A', qty: 10, ts: T0 },
        { symbol: 'A', qty: 9, ts: T0 },
        { symbol: 'B', qty: 1, ts: T0 },
        { symbol: 'A', ts: T0 },
      ]),
    ).toEqual([{ symbol: 'A', n: 1 }]);
  });
});

describe('planView: options', () => {
  it('reads emit_interval and keep', () => {
    const tuned =
      plan(`CREATE VIEW v WITH (emit_interval = '250ms', keep = '10m', backfill = false) AS
      SELECT symbol, count(*) AS n FROM TUMBLE(trades, INTERVAL '1' MINUTE) GROUP BY symbol`);
    expect(tuned.emitIntervalMs).toBe(250);
    expect(tuned.keep).toEqual({ kind: 'duration', ms: 600_000 });
  });

  it('defaults to a 100ms emit interval and keeping the last 100 windows', () => {
    const plain = plan(`CREATE VIEW v AS
      SELECT symbol, count(*) AS n FROM TUMBLE(trades, INTERVAL '1' MINUTE) GROUP BY symbol`);
    expect(plain.emitIntervalMs).toBe(100);
    expect(plain.keep).toEqual({ kind: 'windows', windows: 100 });
  });

  it('accepts a HOP whose slide equals its size', () => {
    const hop = plan(`CREATE VIEW v AS SELECT symbol, count(*) AS n
      FROM HOP(trades, INTERVAL '1' MINUTE, INTERVAL '1' MINUTE) GROUP BY symbol`);
    expect(hop.window).toEqual({ kind: 'hop', slideMs: MINUTE, sizeMs: MINUTE });
  });
});

describe('planView errors', () => {
  /** [message without the position suffix, code, line, column, sql]. */
  const CASES: [string, string, number, number, string][] = [
    [
      'sum needs a numeric argument, got STRING',
      'SQL_TYPE',
      3,
      10,
      `CREATE VIEW v AS
  SELECT symbol,
         sum(symbol) AS total
  FROM trades GROUP BY symbol`,
    ],
    [
      'cannot order DOUBLE against STRING',
      'SQL_TYPE',
      4,
      9,
      `CREATE VIEW v AS
  SELECT symbol, count(*) AS n
  FROM trades
  WHERE price > 'abc'
  GROUP BY symbol`,
    ],
    [
      'cannot order TIMESTAMP against STRING',
      'SQL_TYPE',
      4,
      9,
      `CREATE VIEW v AS
  SELECT symbol, count(*) AS n
  FROM trades
  WHERE ts > 'soon'
  GROUP BY symbol`,
    ],
    [
      'WHERE needs a BOOLEAN condition, got DOUBLE',
      'SQL_TYPE',
      4,
      9,
      `CREATE VIEW v AS
  SELECT symbol, count(*) AS n
  FROM trades
  WHERE price
  GROUP BY symbol`,
    ],
    [
      'IN list item of type BIGINT cannot match STRING',
      'SQL_TYPE',
      4,
      25,
      `CREATE VIEW v AS
  SELECT symbol, count(*) AS n
  FROM trades
  WHERE symbol IN ('A', 1)
  GROUP BY symbol`,
    ],
    [
      "column 'price' must appear in GROUP BY or be used inside an aggregate function",
      'SQL_TYPE',
      2,
      18,
      `CREATE VIEW v AS
  SELECT symbol, price
  FROM trades GROUP BY symbol`,
    ],
    [
      "column 'price' must appear in GROUP BY or be used inside an aggregate function",
      'SQL_TYPE',
      4,
      10,
      `CREATE VIEW v AS
  SELECT symbol, count(*) AS n
  FROM trades GROUP BY symbol
  HAVING price > 1`,
    ],
    [
      'aggregate functions like sum are not allowed in WHERE; filter groups with HAVING',
      'SQL_TYPE',
      4,
      9,
      `CREATE VIEW v AS
  SELECT symbol, count(*) AS n
  FROM trades
  WHERE sum(qty) > 10
  GROUP BY symbol`,
    ],
    [
      'aggregate functions cannot be nested (avg inside another aggregate)',
      'SQL_TYPE',
      3,
      14,
      `CREATE VIEW v AS
  SELECT symbol,
         max(avg(price)) AS m
  FROM trades GROUP BY symbol`,
    ],
    [
      'aggregate functions like count cannot be in GROUP BY',
      'SQL_TYPE',
      2,
      18,
      `CREATE VIEW v AS
  SELECT symbol, count(*) AS n
  FROM trades GROUP BY 1, 2`,
    ],
    [
      'now() is only allowed in snapshot queries: a view is computed in event time',
      'SQL_TYPE',
      4,
      14,
      `CREATE VIEW v AS
  SELECT symbol, count(*) AS n
  FROM trades
  WHERE ts > now()
  GROUP BY symbol`,
    ],
    [
      'argument 2 of approx_percentile must be a constant',
      'SQL_TYPE',
      2,
      42,
      `CREATE VIEW v AS
  SELECT device, approx_percentile(temp, temp / 100) AS p
  FROM readings GROUP BY device`,
    ],
    [
      'write count(*) to count every event',
      'SQL_TYPE',
      2,
      18,
      `CREATE VIEW v AS
  SELECT symbol, count() AS n
  FROM trades GROUP BY symbol`,
    ],
    [
      'sum(*) is not allowed; pass a column or expression',
      'SQL_TYPE',
      2,
      18,
      `CREATE VIEW v AS
  SELECT symbol, sum(*) AS n
  FROM trades GROUP BY symbol`,
    ],
    [
      'HOP slide (300000ms) is longer than its size (60000ms); write HOP(stream, slide, size)',
      'SQL_TYPE',
      3,
      22,
      `CREATE VIEW v AS
  SELECT device, count(*) AS n
  FROM HOP(readings, INTERVAL '5' MINUTE, INTERVAL '1' MINUTE)
  GROUP BY device`,
    ],
    [
      'HOP size / slide must be at most 1000 (each event updates that many windows)',
      'SQL_TYPE',
      3,
      22,
      `CREATE VIEW v AS
  SELECT device, count(*) AS n
  FROM HOP(readings, INTERVAL '1' SECOND, INTERVAL '1' HOUR)
  GROUP BY device`,
    ],
    [
      "TUMBLE takes positive intervals such as INTERVAL '1' MINUTE",
      'SQL_TYPE',
      3,
      25,
      `CREATE VIEW v AS
  SELECT device, count(*) AS n
  FROM TUMBLE(readings, 60000)
  GROUP BY device`,
    ],
    [
      'HAVING needs a BOOLEAN condition, got BIGINT',
      'SQL_TYPE',
      4,
      10,
      `CREATE VIEW v AS
  SELECT symbol, count(*) AS n
  FROM trades GROUP BY symbol
  HAVING count(*)`,
    ],
    [
      'a GROUP BY expression must also be selected (give it an alias), since it is part of the view key',
      'SQL_TYPE',
      2,
      3,
      `CREATE VIEW v AS
  SELECT count(*) AS n
  FROM trades GROUP BY upper(symbol)`,
    ],
    [
      "key column 'symbol' is not selected, and another column has that name",
      'SQL_TYPE',
      2,
      3,
      `CREATE VIEW v AS
  SELECT count(*) AS symbol
  FROM trades GROUP BY symbol`,
    ],
    [
      'GROUP BY 3 does not name a select item',
      'SQL_TYPE',
      3,
      24,
      `CREATE VIEW v AS
  SELECT symbol, count(*) AS n
  FROM trades GROUP BY 3`,
    ],
    [
      'window_start is known only after aggregation; use it in the select list or HAVING',
      'SQL_TYPE',
      4,
      9,
      `CREATE VIEW v AS
  SELECT symbol, count(*) AS n
  FROM TUMBLE(trades, INTERVAL '1' MINUTE)
  WHERE window_start > '2024-01-01T00:00:00Z'
  GROUP BY symbol`,
    ],
    [
      'EMIT FINAL needs a window (TUMBLE, HOP or SESSION): without one nothing is ever final',
      'SQL_UNSUPPORTED',
      2,
      3,
      `CREATE VIEW v AS
  SELECT symbol, count(*) AS n
  FROM trades GROUP BY symbol
  EMIT FINAL`,
    ],
    [
      'a view is a whole table: leave out ORDER BY and LIMIT and ask for them when subscribing (order_by, limit) or in a snapshot query',
      'SQL_UNSUPPORTED',
      4,
      12,
      `CREATE VIEW v AS
  SELECT symbol, count(*) AS n
  FROM trades GROUP BY symbol
  ORDER BY n DESC`,
    ],
    [
      'a view is a whole table: leave out ORDER BY and LIMIT and ask for them when subscribing (order_by, limit) or in a snapshot query',
      'SQL_UNSUPPORTED',
      2,
      3,
      `CREATE VIEW v AS
  SELECT symbol, count(*) AS n
  FROM trades GROUP BY symbol
  LIMIT 10`,
    ],
    [
      'SELECT * cannot be used in a view that aggregates; name the columns',
      'SQL_UNSUPPORTED',
      2,
      10,
      `CREATE VIEW v AS
  SELECT *, count(*) AS n
  FROM trades GROUP BY symbol`,
    ],
    [
      'a view aggregates: add GROUP BY or an aggregate such as count(*) (to watch raw events, subscribe to the stream)',
      'SQL_UNSUPPORTED',
      2,
      3,
      `CREATE VIEW v AS
  SELECT 'trade' AS kind
  FROM trades`,
    ],
    [
      'backfill needs the retained event log: the server has one, an embedded engine does not',
      'SQL_UNSUPPORTED',
      2,
      9,
      `CREATE VIEW v
  WITH (backfill = true)
  AS SELECT symbol, count(*) AS n FROM trades GROUP BY symbol`,
    ],
    [
      "'last_price' is a view; a view reads a stream (views over views are not supported yet)",
      'SQL_UNSUPPORTED',
      3,
      8,
      `CREATE VIEW v AS
  SELECT symbol, count(*) AS n
  FROM last_price GROUP BY symbol`,
    ],
    [
      "two columns are named 'count'; give one an alias with AS",
      'SQL_SYNTAX',
      2,
      28,
      `CREATE VIEW v AS
  SELECT symbol, count(*), count(price)
  FROM trades GROUP BY symbol`,
    ],
    [
      "two columns are named 'symbol'; give one an alias with AS",
      'SQL_SYNTAX',
      3,
      10,
      `CREATE VIEW v AS
  SELECT symbol,
         count(*) AS symbol
  FROM trades GROUP BY symbol`,
    ],
    [
      "unknown column 'qtty' in trades; did you mean 'qty'?",
      'UNKNOWN_COLUMN',
      3,
      14,
      `CREATE VIEW v AS
  SELECT symbol,
         sum(qtty) AS volume
  FROM trades GROUP BY symbol`,
    ],
    [
      "unknown column 'symbl' in trades; did you mean 'symbol'?",
      'UNKNOWN_COLUMN',
      2,
      10,
      `CREATE VIEW v AS
  SELECT symbl, count(*) AS n
  FROM trades GROUP BY symbol`,
    ],
    [
      "unknown column 'window_start' in trades",
      'UNKNOWN_COLUMN',
      2,
      18,
      `CREATE VIEW v AS
  SELECT symbol, window_start, count(*) AS n
  FROM trades GROUP BY symbol`,
    ],
    [
      "unknown function 'lowr'; did you mean 'lower'?",
      'UNKNOWN_FUNCTION',
      4,
      9,
      `CREATE VIEW v AS
  SELECT symbol, count(*) AS n
  FROM trades
  WHERE lowr(symbol) = 'a'
  GROUP BY symbol`,
    ],
    [
      "unknown function 'summ'; did you mean 'sum'?",
      'UNKNOWN_FUNCTION',
      2,
      18,
      `CREATE VIEW v AS
  SELECT symbol, summ(qty) AS volume
  FROM trades GROUP BY symbol`,
    ],
    [
      "unknown stream 'trade'; did you mean 'trades'?",
      'UNKNOWN_STREAM',
      3,
      8,
      `CREATE VIEW v AS
  SELECT symbol, count(*) AS n
  FROM trade GROUP BY symbol`,
    ],
    [
      "unknown stream 'reading'; did you mean 'readings'?",
      'UNKNOWN_STREAM',
      3,
      15,
      `CREATE VIEW v AS
  SELECT device, count(*) AS n
  FROM TUMBLE(reading, INTERVAL '1' MINUTE)
  GROUP BY device`,
    ],
    [
      "unknown view option 'emit_intervall'; did you mean 'emit_interval'? (options: emit_interval, keep, backfill)",
      'INVALID_OPTION',
      2,
      9,
      `CREATE VIEW v
  WITH (emit_intervall = '1s')
  AS SELECT symbol, count(*) AS n FROM trades GROUP BY symbol`,
    ],
    [
      "option 'keep': 'forever' is not a duration; write a number and a unit: '250ms', '5s', '1m', '1h' or '7d'",
      'INVALID_OPTION',
      2,
      31,
      `CREATE VIEW v
  WITH (emit_interval = '1s', keep = 'forever')
  AS SELECT symbol, count(*) AS n FROM trades GROUP BY symbol`,
    ],
    [
      "option 'backfill' takes true or false",
      'INVALID_OPTION',
      2,
      9,
      `CREATE VIEW v
  WITH (backfill = 'yes')
  AS SELECT symbol, count(*) AS n FROM trades GROUP BY symbol`,
    ],
  ];

  it.each(CASES)('%s', (message, code, line, column, sql) => {
    const error = planError(sql);
    expect({ code: error.code, line: error.line, column: error.column }).toEqual({
      code,
      line,
      column,
    });
    expect(error.message).toBe(`${message} (line ${line}, column ${column})`);
  });
});
