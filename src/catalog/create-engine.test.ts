import { describe, expect, it } from 'vitest';
import { ManualClock, SqlError, VaneError } from '../util/index.ts';
import { createEngine } from './create-engine.ts';
import type { Engine } from './engine-api.ts';

const T0 = Date.UTC(2024, 0, 1); // 2024-01-01T00:00:00.000Z

const TRADES_SQL = `CREATE STREAM trades (symbol STRING, price DOUBLE, qty DOUBLE, ts TIMESTAMP, trade_id STRING)
  WITH (timestamp = 'ts', id = 'trade_id', lateness = '5s', retention = '1h')`;

const LAST_PRICE_SQL = `CREATE VIEW last_price AS
  SELECT symbol, last(price) AS price, ewma(price, 0.2) AS trend, count(*) AS n
  FROM trades GROUP BY symbol`;

/** The SPEC §2 example block (after the streams its views read). */
const SPEC_VIEWS_SQL = `
CREATE VIEW ohlc_1m AS
  SELECT symbol, window_start, window_end,
         first(price) AS open, max(price) AS high, min(price) AS low, last(price) AS close,
         sum(price * qty) / sum(qty) AS vwap, sum(qty) AS volume, count(*) AS trades
  FROM TUMBLE(trades, INTERVAL '1' MINUTE)
  GROUP BY symbol, window_start, window_end
  EMIT CHANGES;                               -- default; EMIT FINAL = only when the window closes

CREATE VIEW temp_5m AS
  SELECT device, window_start, window_end, avg(temp) AS avg_temp,
         approx_percentile(temp, 0.99) AS p99_temp, stddev(temp) AS sd_temp
  FROM HOP(readings, INTERVAL '1' MINUTE, INTERVAL '5' MINUTE)   -- slide, size
  WHERE temp IS NOT NULL
  GROUP BY device, window_start, window_end;

CREATE VIEW play_sessions AS
  SELECT player, window_start, window_end, count(*) AS events, max(score) AS best
  FROM SESSION(game_events, INTERVAL '30' SECOND)                 -- gap
  GROUP BY player, window_start, window_end
  EMIT FINAL;

CREATE VIEW mood AS
  SELECT topic, window_start, window_end, avg(sentiment(text)) AS mood,
         approx_count_distinct(user_id) AS users, top_k(hashtags(text), 5) AS top_tags
  FROM TUMBLE(posts, INTERVAL '10' SECOND)
  GROUP BY topic, window_start, window_end;

${LAST_PRICE_SQL};

CREATE VIEW overheating AS                     -- an alert: a row exists while the condition holds
  SELECT device, window_start, avg(temp) AS avg_temp
  FROM TUMBLE(readings, INTERVAL '1' MINUTE)
  GROUP BY device, window_start, window_end
  HAVING avg(temp) > 80;
`;

const SPEC_SCRIPT = `${TRADES_SQL};
CREATE STREAM readings (device STRING, temp DOUBLE, ts TIMESTAMP) WITH (timestamp = 'ts');
CREATE STREAM game_events (player STRING, score DOUBLE, ts TIMESTAMP) WITH (timestamp = 'ts');
CREATE STREAM posts (topic STRING, text STRING, user_id STRING, ts TIMESTAMP) WITH (timestamp = 'ts');
${SPEC_VIEWS_SQL}`;

function engineWith(sql: string): Engine {
  const engine = createEngine({ clock: new ManualClock(T0) });
  engine.execute(sql);
  return engine;
}

function executeError(engine: Engine, sql: string): SqlError {
  try {
    engine.execute(sql);
  } catch (error) {
    if (error instanceof SqlError) return error;
    throw error;
  }
  throw new Error(`executed without error: ${sql}`);
}

/** Everything observable about the catalog, to compare before and after a failed script. */
function catalogOf(engine: Engine) {
  const [streams, views] = engine.execute('SHOW STREAMS; SHOW VIEWS');
  return {
    streams: streams!.rows,
    views: views!.rows,
    sql: engine.views().map((view) => view.sql),
  };
}

const trade = (symbol: string, price: number, qty: number, offsetMs: number) => ({
  symbol,
  price,
  qty,
  ts: T0 + offsetMs,
  trade_id: `${symbol}-${offsetMs}`,
});

describe('execute: statements and their results', () => {
  it('runs the SPEC §2 script and reports each statement', () => {
    const results = createEngine({ clock: new ManualClock(T0) }).execute(SPEC_SCRIPT);
    expect(results).toEqual([
      { statement: 'CREATE STREAM', name: 'trades', message: 'created stream trades' },
      { statement: 'CREATE STREAM', name: 'readings', message: 'created stream readings' },
      { statement: 'CREATE STREAM', name: 'game_events', message: 'created stream game_events' },
      { statement: 'CREATE STREAM', name: 'posts', message: 'created stream posts' },
      { statement: 'CREATE VIEW', name: 'ohlc_1m', message: 'created view ohlc_1m' },
      { statement: 'CREATE VIEW', name: 'temp_5m', message: 'created view temp_5m' },
      { statement: 'CREATE VIEW', name: 'play_sessions', message: 'created view play_sessions' },
      { statement: 'CREATE VIEW', name: 'mood', message: 'created view mood' },
      { statement: 'CREATE VIEW', name: 'last_price', message: 'created view last_price' },
      { statement: 'CREATE VIEW', name: 'overheating', message: 'created view overheating' },
    ]);
  });

  it('answers the SPEC §2 snapshot queries with the view name, columns and rows', () => {
    const engine = engineWith(SPEC_SCRIPT);
    engine.ingest('trades', [
      trade('AAPL', 10, 2, 10_000),
      trade('MSFT', 400, 1, 15_000),
      trade('AAPL', 13, 1, 20_000),
      trade('IBM', 150, 1, 25_000),
    ]);
    engine.flush();
    const [ohlc, top] = engine.execute(`
      SELECT * FROM ohlc_1m WHERE symbol = 'AAPL';
      SELECT symbol, price FROM last_price ORDER BY price DESC LIMIT 2;`);
    expect(ohlc).toEqual({
      statement: 'SELECT',
      name: 'ohlc_1m',
      message: '',
      columns: [
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
      ],
      rows: [
        {
          symbol: 'AAPL',
          window_start: '2024-01-01T00:00:00.000Z',
          window_end: '2024-01-01T00:01:00.000Z',
          open: 10,
          high: 13,
          low: 10,
          close: 13,
          vwap: 11,
          volume: 3,
          trades: 2,
        },
      ],
    });
    expect(top).toEqual({
      statement: 'SELECT',
      name: 'last_price',
      message: '',
      columns: [
        { name: 'symbol', type: 'STRING' },
        { name: 'price', type: 'DOUBLE' },
      ],
      rows: [
        { symbol: 'MSFT', price: 400 },
        { symbol: 'IBM', price: 150 },
      ],
    });
  });

  it('runs the SPEC §2 catalog line once trades has no other reader', () => {
    const engine = engineWith(`${SPEC_SCRIPT}; DROP VIEW last_price;`);
    const ohlcSql = engine.views().find((view) => view.name === 'ohlc_1m')!.sql;
    expect(ohlcSql).toMatch(/^CREATE VIEW ohlc_1m AS\n {2}SELECT symbol, window_start/);
    const results = engine.execute(
      'SHOW STREAMS; SHOW VIEWS; DESCRIBE ohlc_1m; DROP VIEW ohlc_1m; DROP STREAM trades;',
    );
    expect(results.map((result) => [result.statement, result.name, result.message])).toEqual([
      ['SHOW STREAMS', undefined, '4 streams'],
      ['SHOW VIEWS', undefined, '5 views'],
      ['DESCRIBE', 'ohlc_1m', ohlcSql],
      ['DROP VIEW', 'ohlc_1m', 'dropped view ohlc_1m'],
      ['DROP STREAM', 'trades', 'dropped stream trades'],
    ]);
    expect(engine.streams().map((stream) => stream.name)).toEqual([
      'readings',
      'game_events',
      'posts',
    ]);
  });

  it('SHOW STREAMS lists each stream with its columns, options and views', () => {
    const [shown] = engineWith(SPEC_SCRIPT).execute('SHOW STREAMS');
    expect(shown!.statement).toBe('SHOW STREAMS');
    expect(shown!.message).toBe('4 streams');
    expect(shown!.rows).toEqual([
      {
        name: 'trades',
        columns: 'symbol STRING, price DOUBLE, qty DOUBLE, ts TIMESTAMP, trade_id STRING',
        timestamp: 'ts',
        id: 'trade_id',
        lateness: '5s',
        retention: '1h',
        views: 'ohlc_1m, last_price',
      },
      {
        name: 'readings',
        columns: 'device STRING, temp DOUBLE, ts TIMESTAMP',
        timestamp: 'ts',
        id: null,
        lateness: '1s',
        retention: '1h',
        views: 'temp_5m, overheating',
      },
      {
        name: 'game_events',
        columns: 'player STRING, score DOUBLE, ts TIMESTAMP',
        timestamp: 'ts',
        id: null,
        lateness: '1s',
        retention: '1h',
        views: 'play_sessions',
      },
      {
        name: 'posts',
        columns: 'topic STRING, text STRING, user_id STRING, ts TIMESTAMP',
        timestamp: 'ts',
        id: null,
        lateness: '1s',
        retention: '1h',
        views: 'mood',
      },
    ]);
  });

  it('SHOW VIEWS lists each view with its stream, window, emit mode, key and interval', () => {
    const [shown] = engineWith(SPEC_SCRIPT).execute('show views');
    expect(shown!.statement).toBe('SHOW VIEWS');
    expect(shown!.message).toBe('6 views');
    expect(shown!.rows).toEqual([
      {
        name: 'ohlc_1m',
        stream: 'trades',
        window: 'TUMBLE 1m',
        emit: 'CHANGES',
        key: 'symbol, window_start',
        emit_interval: '100ms',
      },
      {
        name: 'temp_5m',
        stream: 'readings',
        window: 'HOP 1m / 5m',
        emit: 'CHANGES',
        key: 'device, window_start',
        emit_interval: '100ms',
      },
      {
        name: 'play_sessions',
        stream: 'game_events',
        window: 'SESSION 30s',
        emit: 'FINAL',
        key: 'player, window_start',
        emit_interval: '100ms',
      },
      {
        name: 'mood',
        stream: 'posts',
        window: 'TUMBLE 10s',
        emit: 'CHANGES',
        key: 'topic, window_start',
        emit_interval: '100ms',
      },
      {
        name: 'last_price',
        stream: 'trades',
        window: null,
        emit: 'CHANGES',
        key: 'symbol',
        emit_interval: '100ms',
      },
      {
        name: 'overheating',
        stream: 'readings',
        window: 'TUMBLE 1m',
        emit: 'CHANGES',
        key: 'device, window_start',
        emit_interval: '100ms',
      },
    ]);
  });

  it('counts in words: no streams, one view', () => {
    const engine = createEngine({ clock: new ManualClock(T0) });
    expect(engine.execute('SHOW STREAMS; SHOW VIEWS')).toEqual([
      { statement: 'SHOW STREAMS', message: '0 streams', rows: [] },
      { statement: 'SHOW VIEWS', message: '0 views', rows: [] },
    ]);
    engine.execute(`${TRADES_SQL}; ${LAST_PRICE_SQL}`);
    const [streams, views] = engine.execute('SHOW STREAMS; SHOW VIEWS');
    expect([streams!.message, views!.message]).toEqual(['1 stream', '1 view']);
  });

  it('DESCRIBE a stream: its columns and roles, with its SQL as the message', () => {
    const [described] = engineWith(TRADES_SQL).execute('DESCRIBE trades');
    expect(described).toEqual({
      statement: 'DESCRIBE',
      name: 'trades',
      message: TRADES_SQL,
      rows: [
        { column: 'symbol', type: 'STRING', key: false, role: null },
        { column: 'price', type: 'DOUBLE', key: false, role: null },
        { column: 'qty', type: 'DOUBLE', key: false, role: null },
        { column: 'ts', type: 'TIMESTAMP', key: false, role: 'timestamp' },
        { column: 'trade_id', type: 'STRING', key: false, role: 'id' },
      ],
    });
  });

  it('DESCRIBE a view: its columns, which are key, and its SQL', () => {
    const engine = engineWith(`${TRADES_SQL};
      CREATE VIEW volume_1m AS SELECT sum(qty) AS volume
      FROM TUMBLE(trades, INTERVAL '1' MINUTE) GROUP BY symbol;`);
    const [described] = engine.execute('DESC volume_1m');
    expect(described).toEqual({
      statement: 'DESCRIBE',
      name: 'volume_1m',
      message: `CREATE VIEW volume_1m AS SELECT sum(qty) AS volume
      FROM TUMBLE(trades, INTERVAL '1' MINUTE) GROUP BY symbol`,
      rows: [
        { column: 'volume', type: 'DOUBLE', key: false, role: null },
        { column: 'symbol', type: 'STRING', key: true, role: null },
        { column: 'window_start', type: 'TIMESTAMP', key: true, role: null },
      ],
    });
  });

  it('DROP VIEW and DROP STREAM remove the objects and their running state', () => {
    const engine = engineWith(`${TRADES_SQL}; ${LAST_PRICE_SQL}`);
    engine.ingest('trades', [trade('AAPL', 10, 1, 0)]);
    expect(engine.execute('DROP VIEW last_price; DROP STREAM trades')).toEqual([
      { statement: 'DROP VIEW', name: 'last_price', message: 'dropped view last_price' },
      { statement: 'DROP STREAM', name: 'trades', message: 'dropped stream trades' },
    ]);
    expect(engine.streams()).toEqual([]);
    expect(engine.views()).toEqual([]);
    expect(engine.stats()).toEqual({ streams: {}, views: {} });
    expect(() => engine.snapshot('last_price')).toThrow("unknown view 'last_price'");
    expect(() => engine.ingest('trades', [])).toThrow("unknown stream 'trades'");
  });

  it('a view dropped and created again starts empty', () => {
    const engine = engineWith(`${TRADES_SQL}; ${LAST_PRICE_SQL}`);
    engine.ingest('trades', [trade('AAPL', 10, 1, 0)]);
    engine.flush();
    engine.execute(`DROP VIEW last_price; ${LAST_PRICE_SQL}`);
    expect(engine.snapshot('last_price')).toEqual([]);
    engine.ingest('trades', [trade('MSFT', 20, 1, 1000)]);
    engine.flush();
    expect(engine.snapshot('last_price').map((row) => row.symbol)).toEqual(['MSFT']);
  });

  it('reads keywords in any case and keeps quoted names as written', () => {
    const engine = createEngine({ clock: new ManualClock(T0) });
    const results = engine.execute(`create stream "Ticks" ("Sym" string, ts timestamp)
      with (timestamp = 'ts');
      Create View "PerSym" As Select "Sym", Count(*) As n From "Ticks" Group By "Sym";`);
    expect(results.map((result) => result.name)).toEqual(['Ticks', 'PerSym']);
    engine.ingest('Ticks', [{ Sym: 'a', ts: T0 }]);
    engine.flush();
    expect(engine.snapshot('PerSym')).toEqual([{ Sym: 'a', n: 1 }]);
  });

  it('lists streams and views with their SQL, specs, keys and plans', () => {
    const engine = engineWith(`${TRADES_SQL}; ${LAST_PRICE_SQL}`);
    const [stream] = engine.streams();
    expect(stream).toMatchObject({
      name: 'trades',
      sql: TRADES_SQL,
      views: ['last_price'],
      spec: { name: 'trades', timestampColumn: 'ts', idColumn: 'trade_id', latenessMs: 5000 },
    });
    const [view] = engine.views();
    expect(view).toMatchObject({
      name: 'last_price',
      stream: 'trades',
      sql: LAST_PRICE_SQL,
      columns: [
        { name: 'symbol', type: 'STRING' },
        { name: 'price', type: 'DOUBLE' },
        { name: 'trend', type: 'DOUBLE' },
        { name: 'n', type: 'BIGINT' },
      ],
      key: ['symbol'],
      plan: { name: 'last_price', window: { kind: 'none' } },
    });
  });

  it('runs nothing for an empty script', () => {
    const engine = engineWith(TRADES_SQL);
    expect(engine.execute('  ;; -- nothing\n')).toEqual([]);
  });
});

describe('execute: IF NOT EXISTS and IF EXISTS', () => {
  it('CREATE STREAM IF NOT EXISTS keeps the existing stream as it is', () => {
    const engine = engineWith(TRADES_SQL);
    expect(engine.execute('CREATE STREAM IF NOT EXISTS trades (other BIGINT)')).toEqual([
      { statement: 'CREATE STREAM', name: 'trades', message: 'stream trades already exists; kept' },
    ]);
    expect(engine.streams()[0]!.sql).toBe(TRADES_SQL);
    // Still validated against the original schema.
    expect(() => engine.ingest('trades', [{ ts: T0, other: 'x', symbol: 1 }])).toThrow(
      'event 0: symbol: expected STRING, got integer 1',
    );
  });

  it('CREATE VIEW IF NOT EXISTS keeps the existing view and its rows', () => {
    const engine = engineWith(`${TRADES_SQL}; ${LAST_PRICE_SQL}`);
    engine.ingest('trades', [trade('AAPL', 10, 1, 0)]);
    engine.flush();
    expect(
      engine.execute(
        'CREATE VIEW IF NOT EXISTS last_price AS SELECT count(*) AS total FROM trades',
      ),
    ).toEqual([
      {
        statement: 'CREATE VIEW',
        name: 'last_price',
        message: 'view last_price already exists; kept',
      },
    ]);
    expect(engine.views()[0]!.sql).toBe(LAST_PRICE_SQL);
    expect(engine.snapshot('last_price')).toEqual([{ symbol: 'AAPL', price: 10, trend: 10, n: 1 }]);
  });

  it('IF NOT EXISTS also keeps an object of the other kind with that name', () => {
    const engine = engineWith(TRADES_SQL);
    expect(
      engine.execute('CREATE VIEW IF NOT EXISTS trades AS SELECT count(*) AS n FROM trades'),
    ).toEqual([
      { statement: 'CREATE VIEW', name: 'trades', message: 'stream trades already exists; kept' },
    ]);
    expect(engine.views()).toEqual([]);
  });

  it('DROP … IF EXISTS of a missing object drops nothing and says so', () => {
    const engine = engineWith(TRADES_SQL);
    expect(engine.execute('DROP VIEW IF EXISTS nope; DROP STREAM IF EXISTS gone')).toEqual([
      {
        statement: 'DROP VIEW',
        name: 'nope',
        message: 'view nope does not exist; nothing dropped',
      },
      {
        statement: 'DROP STREAM',
        name: 'gone',
        message: 'stream gone does not exist; nothing dropped',
      },
    ]);
    expect(engine.streams().map((stream) => stream.name)).toEqual(['trades']);
  });

  it('DROP … IF EXISTS of an existing object drops it', () => {
    const engine = engineWith(`${TRADES_SQL}; ${LAST_PRICE_SQL}`);
    expect(engine.execute('DROP VIEW IF EXISTS last_price')).toEqual([
      { statement: 'DROP VIEW', name: 'last_price', message: 'dropped view last_price' },
    ]);
    expect(engine.views()).toEqual([]);
  });

  it('without IF NOT EXISTS, creating an existing name fails with ALREADY_EXISTS', () => {
    const engine = engineWith(`${TRADES_SQL}; ${LAST_PRICE_SQL}`);
    const stream = executeError(engine, 'SHOW VIEWS;\nCREATE STREAM trades (a STRING)');
    expect([stream.code, stream.line, stream.column]).toEqual(['ALREADY_EXISTS', 2, 1]);
    expect(stream.message).toBe("a stream named 'trades' already exists (line 2, column 1)");
    const view = executeError(engine, LAST_PRICE_SQL);
    expect(view.code).toBe('ALREADY_EXISTS');
    expect(view.message).toBe("a view named 'last_price' already exists (line 1, column 1)");
  });
});

describe('execute: one namespace for streams and views', () => {
  it('a view cannot take a stream’s name, nor a stream a view’s', () => {
    const engine = engineWith(`${TRADES_SQL}; ${LAST_PRICE_SQL}`);
    expect(
      executeError(engine, 'CREATE VIEW trades AS SELECT count(*) AS n FROM trades').message,
    ).toBe("a stream named 'trades' already exists (line 1, column 1)");
    expect(executeError(engine, 'CREATE STREAM last_price (a STRING)').message).toBe(
      "a view named 'last_price' already exists (line 1, column 1)",
    );
  });

  it('DROP names the kind: DROP VIEW of a stream and DROP STREAM of a view fail', () => {
    const engine = engineWith(`${TRADES_SQL}; ${LAST_PRICE_SQL}`);
    const dropView = executeError(engine, 'DROP VIEW trades');
    expect([dropView.code, dropView.message]).toEqual([
      'UNKNOWN_VIEW',
      "unknown view 'trades' (line 1, column 1)",
    ]);
    const dropStream = executeError(engine, 'DROP STREAM last_price');
    expect([dropStream.code, dropStream.message]).toEqual([
      'UNKNOWN_STREAM',
      "unknown stream 'last_price' (line 1, column 1)",
    ]);
    expect(engine.views().map((view) => view.name)).toEqual(['last_price']);
  });

  it('DESCRIBE of an unknown name fails with UNKNOWN_VIEW', () => {
    const error = executeError(engineWith(TRADES_SQL), '\n  DESCRIBE nothing');
    expect([error.code, error.line, error.column]).toEqual(['UNKNOWN_VIEW', 2, 3]);
    expect(error.message).toBe("no stream or view named 'nothing' (line 2, column 3)");
  });
});

describe('execute: DROP STREAM with views', () => {
  it('fails with DEPENDENT_OBJECTS naming the view, and changes nothing', () => {
    const engine = engineWith(`${TRADES_SQL}; ${LAST_PRICE_SQL}`);
    const before = catalogOf(engine);
    const error = executeError(engine, 'DROP STREAM trades');
    expect(error.code).toBe('DEPENDENT_OBJECTS');
    expect(error.message).toBe(
      'stream trades is read by view last_price; drop it first (line 1, column 1)',
    );
    expect(catalogOf(engine)).toEqual(before);
    engine.ingest('trades', [trade('AAPL', 10, 1, 0)]);
    engine.flush();
    expect(engine.snapshot('last_price')).toHaveLength(1);
  });

  it('names every view that reads the stream', () => {
    const engine = engineWith(`${TRADES_SQL}; ${LAST_PRICE_SQL};
      CREATE VIEW volume AS SELECT symbol, sum(qty) AS v FROM trades GROUP BY symbol;`);
    expect(executeError(engine, 'DROP STREAM trades').message).toBe(
      'stream trades is read by views last_price, volume; drop them first (line 1, column 1)',
    );
  });

  it('succeeds once the views are dropped earlier in the same script', () => {
    const engine = engineWith(`${TRADES_SQL}; ${LAST_PRICE_SQL}`);
    expect(
      engine.execute('DROP VIEW last_price; DROP STREAM trades').map((r) => r.statement),
    ).toEqual(['DROP VIEW', 'DROP STREAM']);
    expect(engine.streams()).toEqual([]);
  });
});

describe('execute: all or nothing', () => {
  it('a script whose 3rd statement fails to plan leaves the catalog and running views as before', () => {
    const engine = engineWith(`${TRADES_SQL}; ${LAST_PRICE_SQL}`);
    engine.ingest('trades', [trade('AAPL', 10, 1, 0)]);
    engine.flush();
    const before = catalogOf(engine);
    const error = executeError(
      engine,
      `DROP VIEW last_price;
CREATE STREAM readings (device STRING, temp DOUBLE);
CREATE VIEW hot AS SELECT device, avg(temp) AS t FROM readings GROUP BY devise;
CREATE VIEW cold AS SELECT device, min(temp) AS t FROM readings GROUP BY device;`,
    );
    expect([error.code, error.line, error.column]).toEqual(['UNKNOWN_COLUMN', 3, 73]);
    expect(error.message).toBe(
      "unknown column 'devise' in readings; did you mean 'device'? (line 3, column 73)",
    );
    expect(catalogOf(engine)).toEqual(before);
    expect(() => engine.ingest('readings', [])).toThrow("unknown stream 'readings'");
    // last_price was not dropped: it still has its rows and still receives events.
    engine.ingest('trades', [trade('MSFT', 20, 1, 1000)]);
    engine.flush();
    expect(engine.snapshot('last_price').map((row) => row.symbol)).toEqual(['AAPL', 'MSFT']);
    expect(engine.stats().views.last_price!.rows).toBe(2);
  });

  it('a syntax error anywhere in a script runs none of it', () => {
    const engine = engineWith(TRADES_SQL);
    const before = catalogOf(engine);
    const error = executeError(
      engine,
      `${LAST_PRICE_SQL};\nDROP STREAM trades;\nSELEC * FROM last_price;`,
    );
    expect([error.code, error.line, error.column]).toEqual(['SQL_SYNTAX', 5, 1]);
    expect(catalogOf(engine)).toEqual(before);
  });

  it('a script can build on itself: create, query and drop in one go', () => {
    const engine = engineWith(TRADES_SQL);
    const results = engine.execute(`
      CREATE STREAM scratch (a STRING);
      CREATE VIEW scratch_counts AS SELECT a, count(*) AS n FROM scratch GROUP BY a;
      SELECT * FROM scratch_counts;
      DESCRIBE scratch_counts;
      DROP VIEW scratch_counts;
      DROP STREAM scratch;
      CREATE VIEW scratch_counts AS SELECT symbol, count(*) AS n FROM trades GROUP BY symbol;`);
    expect(results.map((result) => [result.statement, result.name])).toEqual([
      ['CREATE STREAM', 'scratch'],
      ['CREATE VIEW', 'scratch_counts'],
      ['SELECT', 'scratch_counts'],
      ['DESCRIBE', 'scratch_counts'],
      ['DROP VIEW', 'scratch_counts'],
      ['DROP STREAM', 'scratch'],
      ['CREATE VIEW', 'scratch_counts'],
    ]);
    expect(results[2]!.rows).toEqual([]);
    expect(results[3]!.rows!.map((row) => row.column)).toEqual(['a', 'n']);
    expect(engine.streams().map((stream) => stream.name)).toEqual(['trades']);
    expect(engine.views().map((view) => [view.name, view.stream])).toEqual([
      ['scratch_counts', 'trades'],
    ]);
    engine.ingest('trades', [trade('AAPL', 10, 1, 0)]);
    engine.flush();
    expect(engine.snapshot('scratch_counts')).toEqual([{ symbol: 'AAPL', n: 1 }]);
  });

  it('a script that creates and drops a stream and view leaves no running state', () => {
    const engine = createEngine({ clock: new ManualClock(T0) });
    expect(
      engine
        .execute(
          `CREATE STREAM s (a STRING); CREATE VIEW v AS SELECT a, count(*) AS n FROM s GROUP BY a;
           DROP VIEW v; DROP STREAM s;`,
        )
        .map((result) => result.message),
    ).toEqual(['created stream s', 'created view v', 'dropped view v', 'dropped stream s']);
    expect(engine.stats()).toEqual({ streams: {}, views: {} });
    expect(() => engine.ingest('s', [])).toThrow(VaneError);
  });
});
