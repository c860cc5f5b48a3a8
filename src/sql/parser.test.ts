import { describe, expect, it } from 'vitest';
import type { CreateViewStatement, SelectStatement } from './ast.ts';
import { parse } from './parser.ts';

const col = (name: string) => ({ kind: 'column', name });
const call = (name: string, ...args: object[]) => ({ kind: 'call', name, args, star: false });
const star = (name: string) => ({ kind: 'call', name, args: [], star: true });
const item = (expr: object, alias: string | null = null) => ({ kind: 'expr', expr, alias });
const minutes = (n: number) => ({ kind: 'interval', ms: n * 60_000 });

function parseOne(sql: string) {
  const statements = parse(sql);
  expect(statements).toHaveLength(1);
  return statements[0]!;
}

function view(sql: string): SelectStatement {
  const statement = parseOne(sql);
  if (statement.kind !== 'create_view') throw new Error(`not a view: ${statement.kind}`);
  return statement.query;
}

/** SPEC §2's example block, verbatim. */
const SPEC_SQL = `
CREATE STREAM trades (symbol STRING, price DOUBLE, qty DOUBLE, ts TIMESTAMP, trade_id STRING)
  WITH (timestamp = 'ts', id = 'trade_id', lateness = '5s', retention = '1h');

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

CREATE VIEW last_price AS                      -- no window: a running aggregate per key
  SELECT symbol, last(price) AS price, ewma(price, 0.2) AS trend, count(*) AS n
  FROM trades GROUP BY symbol;

CREATE VIEW overheating AS                     -- an alert: a row exists while the condition holds
  SELECT device, window_start, avg(temp) AS avg_temp
  FROM TUMBLE(readings, INTERVAL '1' MINUTE)
  GROUP BY device, window_start, window_end
  HAVING avg(temp) > 80;

SELECT * FROM ohlc_1m WHERE symbol = 'AAPL';   -- a snapshot of a view's current rows
SELECT symbol, price FROM last_price ORDER BY price DESC LIMIT 5;
SHOW STREAMS; SHOW VIEWS; DESCRIBE ohlc_1m; DROP VIEW ohlc_1m; DROP STREAM trades;
`;

describe('SPEC §2 examples', () => {
  const statements = parse(SPEC_SQL);
  const query = (index: number) => (statements[index] as CreateViewStatement).query;

  it('parses every statement of the block, in order', () => {
    expect(statements.map((s) => [s.kind, 'name' in s ? s.name : null])).toEqual([
      ['create_stream', 'trades'],
      ['create_view', 'ohlc_1m'],
      ['create_view', 'temp_5m'],
      ['create_view', 'play_sessions'],
      ['create_view', 'mood'],
      ['create_view', 'last_price'],
      ['create_view', 'overheating'],
      ['select', null],
      ['select', null],
      ['show', null],
      ['show', null],
      ['describe', 'ohlc_1m'],
      ['drop', 'ohlc_1m'],
      ['drop', 'trades'],
    ]);
  });

  it('CREATE STREAM trades: columns, types and options', () => {
    expect(statements[0]).toEqual({
      kind: 'create_stream',
      name: 'trades',
      ifNotExists: false,
      columns: [
        { name: 'symbol', type: 'STRING', pos: { line: 2, column: 23 } },
        { name: 'price', type: 'DOUBLE', pos: { line: 2, column: 38 } },
        { name: 'qty', type: 'DOUBLE', pos: { line: 2, column: 52 } },
        { name: 'ts', type: 'TIMESTAMP', pos: { line: 2, column: 64 } },
        { name: 'trade_id', type: 'STRING', pos: { line: 2, column: 78 } },
      ],
      options: [
        { key: 'timestamp', value: 'ts', pos: { line: 3, column: 9 } },
        { key: 'id', value: 'trade_id', pos: { line: 3, column: 27 } },
        { key: 'lateness', value: '5s', pos: { line: 3, column: 44 } },
        { key: 'retention', value: '1h', pos: { line: 3, column: 61 } },
      ],
      pos: { line: 2, column: 1 },
      text:
        'CREATE STREAM trades (symbol STRING, price DOUBLE, qty DOUBLE, ts TIMESTAMP, trade_id STRING)\n' +
        "  WITH (timestamp = 'ts', id = 'trade_id', lateness = '5s', retention = '1h')",
    });
  });

  it('ohlc_1m: aggregates with keyword-like aliases, a tumbling window and EMIT CHANGES', () => {
    expect(statements[1]).toMatchObject({ kind: 'create_view', ifNotExists: false, options: [] });
    expect(query(1)).toMatchObject({
      kind: 'select',
      items: [
        item(col('symbol')),
        item(col('window_start')),
        item(col('window_end')),
        item(call('first', col('price')), 'open'),
        item(call('max', col('price')), 'high'),
        item(call('min', col('price')), 'low'),
        item(call('last', col('price')), 'close'),
        item(
          {
            kind: 'binary',
            op: '/',
            left: call('sum', { kind: 'binary', op: '*', left: col('price'), right: col('qty') }),
            right: call('sum', col('qty')),
          },
          'vwap',
        ),
        item(call('sum', col('qty')), 'volume'),
        item(star('count'), 'trades'),
      ],
      from: {
        kind: 'window',
        window: 'tumble',
        source: 'trades',
        sourcePos: { line: 9, column: 15 },
        args: [minutes(1)],
        pos: { line: 9, column: 8 },
      },
      where: null,
      groupBy: [col('window_start'), col('window_end')].reduce(
        (list, c) => [...list, c],
        [col('symbol')],
      ),
      having: null,
      orderBy: [],
      limit: null,
      emit: 'changes',
      pos: { line: 6, column: 3 },
    });
    expect(query(1).text.startsWith('SELECT symbol, window_start')).toBe(true);
    expect(
      query(1).text.endsWith('GROUP BY symbol, window_start, window_end\n  EMIT CHANGES'),
    ).toBe(true);
  });

  it('temp_5m: HOP with slide then size, and WHERE … IS NOT NULL', () => {
    expect(query(2)).toMatchObject({
      items: [
        item(col('device')),
        item(col('window_start')),
        item(col('window_end')),
        item(call('avg', col('temp')), 'avg_temp'),
        item(
          call('approx_percentile', col('temp'), { kind: 'number', value: 0.99, isInteger: false }),
          'p99_temp',
        ),
        item(call('stddev', col('temp')), 'sd_temp'),
      ],
      from: { kind: 'window', window: 'hop', source: 'readings', args: [minutes(1), minutes(5)] },
      where: { kind: 'is_null', operand: col('temp'), negated: true },
      groupBy: [col('device'), col('window_start'), col('window_end')],
      emit: null,
    });
  });

  it('play_sessions: SESSION with a gap and EMIT FINAL', () => {
    expect(query(3)).toMatchObject({
      items: [
        item(col('player')),
        item(col('window_start')),
        item(col('window_end')),
        item(star('count'), 'events'),
        item(call('max', col('score')), 'best'),
      ],
      from: {
        kind: 'window',
        window: 'session',
        source: 'game_events',
        args: [{ kind: 'interval', ms: 30_000 }],
      },
      emit: 'final',
    });
  });

  it('mood: nested calls, `text` as a column and `mood`/`users` as aliases', () => {
    expect(statements[4]).toMatchObject({ name: 'mood' });
    expect(query(4)).toMatchObject({
      items: [
        item(col('topic')),
        item(col('window_start')),
        item(col('window_end')),
        item(call('avg', call('sentiment', col('text'))), 'mood'),
        item(call('approx_count_distinct', col('user_id')), 'users'),
        item(
          call('top_k', call('hashtags', col('text')), {
            kind: 'number',
            value: 5,
            isInteger: true,
          }),
          'top_tags',
        ),
      ],
      from: { window: 'tumble', source: 'posts', args: [{ kind: 'interval', ms: 10_000 }] },
    });
  });

  it('last_price: a plain FROM and GROUP BY on one line', () => {
    expect(query(5)).toMatchObject({
      items: [
        item(col('symbol')),
        item(call('last', col('price')), 'price'),
        item(call('ewma', col('price'), { kind: 'number', value: 0.2 }), 'trend'),
        item(star('count'), 'n'),
      ],
      from: { kind: 'relation', name: 'trades', pos: { line: 34, column: 8 } },
      groupBy: [col('symbol')],
    });
  });

  it('overheating: HAVING over an aggregate', () => {
    expect(query(6)).toMatchObject({
      having: {
        kind: 'binary',
        op: '>',
        left: call('avg', col('temp')),
        right: { kind: 'number', value: 80, isInteger: true },
      },
      emit: null,
    });
  });

  it('snapshot SELECTs: star, WHERE, ORDER BY … DESC and LIMIT', () => {
    expect(statements[7]).toMatchObject({
      kind: 'select',
      items: [{ kind: 'star', pos: { line: 42, column: 8 } }],
      from: { kind: 'relation', name: 'ohlc_1m' },
      where: {
        kind: 'binary',
        op: '=',
        left: col('symbol'),
        right: { kind: 'string', value: 'AAPL' },
      },
      text: "SELECT * FROM ohlc_1m WHERE symbol = 'AAPL'",
    });
    expect(statements[8]).toMatchObject({
      items: [item(col('symbol')), item(col('price'))],
      from: { kind: 'relation', name: 'last_price' },
      orderBy: [{ expr: col('price'), direction: 'desc', pos: { line: 43, column: 47 } }],
      limit: 5,
    });
  });

  it('SHOW, DESCRIBE and DROP on one line, each with its own text', () => {
    expect(statements.slice(9)).toEqual([
      { kind: 'show', object: 'streams', pos: { line: 44, column: 1 }, text: 'SHOW STREAMS' },
      { kind: 'show', object: 'views', pos: { line: 44, column: 15 }, text: 'SHOW VIEWS' },
      {
        kind: 'describe',
        name: 'ohlc_1m',
        pos: { line: 44, column: 27 },
        text: 'DESCRIBE ohlc_1m',
      },
      {
        kind: 'drop',
        object: 'view',
        name: 'ohlc_1m',
        ifExists: false,
        pos: { line: 44, column: 45 },
        text: 'DROP VIEW ohlc_1m',
      },
      {
        kind: 'drop',
        object: 'stream',
        name: 'trades',
        ifExists: false,
        pos: { line: 44, column: 64 },
        text: 'DROP STREAM trades',
      },
    ]);
  });
});

describe('statements', () => {
  it('returns [] for empty input, whitespace, comments and lone semicolons', () => {
    expect(parse('')).toEqual([]);
    expect(parse('  \n -- nothing here\n /* at all */ ')).toEqual([]);
    expect(parse(';; ;')).toEqual([]);
  });

  it('makes the last semicolon optional and skips empty statements', () => {
    expect(parse('SHOW STREAMS').map((s) => s.kind)).toEqual(['show']);
    expect(parse(';SHOW STREAMS;;\nSHOW VIEWS;').map((s) => s.text)).toEqual([
      'SHOW STREAMS',
      'SHOW VIEWS',
    ]);
  });

  it('slices text from the first to the last token: no ;, no surrounding comments', () => {
    const sql = '-- header\n  SELECT a /* inner */\n  FROM t  -- tail\n;\n/* x */ DESC t';
    expect(parse(sql).map((s) => [s.text, s.pos])).toEqual([
      ['SELECT a /* inner */\n  FROM t', { line: 2, column: 3 }],
      ['DESC t', { line: 5, column: 9 }],
    ]);
  });

  it('CREATE STREAM IF NOT EXISTS maps type aliases to canonical names', () => {
    const sql = `create stream if not exists s (
      a varchar, b text, c string, d float, e real, f double precision, g Double,
      h int, i integer, j bigint, k bool, l boolean, m timestamp, n json)`;
    expect(parseOne(sql)).toMatchObject({
      kind: 'create_stream',
      name: 's',
      ifNotExists: true,
      columns: [
        { name: 'a', type: 'STRING' },
        { name: 'b', type: 'STRING' },
        { name: 'c', type: 'STRING' },
        { name: 'd', type: 'DOUBLE' },
        { name: 'e', type: 'DOUBLE' },
        { name: 'f', type: 'DOUBLE' },
        { name: 'g', type: 'DOUBLE' },
        { name: 'h', type: 'BIGINT' },
        { name: 'i', type: 'BIGINT' },
        { name: 'j', type: 'BIGINT' },
        { name: 'k', type: 'BOOLEAN' },
        { name: 'l', type: 'BOOLEAN' },
        { name: 'm', type: 'TIMESTAMP' },
        { name: 'n', type: 'JSON' },
      ],
      options: [],
    });
  });

  it('option values are strings, numbers (signed) and booleans; keys are lowercased', () => {
    expect(
      parseOne(
        `CREATE STREAM s (a STRING) WITH (Retention = '1h', N = 3, X = -2.5, B = TRUE, c = false)`,
      ),
    ).toMatchObject({
      options: [
        { key: 'retention', value: '1h' },
        { key: 'n', value: 3 },
        { key: 'x', value: -2.5 },
        { key: 'b', value: true },
        { key: 'c', value: false },
      ],
    });
  });

  it('CREATE VIEW with options, IF NOT EXISTS and a query text of its own', () => {
    const statement = parseOne(
      `CREATE VIEW IF NOT EXISTS v WITH (emit_interval = '250ms', keep = '1h', backfill = true)\nAS SELECT a FROM s`,
    );
    expect(statement).toMatchObject({
      kind: 'create_view',
      name: 'v',
      ifNotExists: true,
      options: [
        { key: 'emit_interval', value: '250ms' },
        { key: 'keep', value: '1h' },
        { key: 'backfill', value: true },
      ],
      query: { kind: 'select', text: 'SELECT a FROM s', pos: { line: 2, column: 4 } },
    });
    expect(statement.text).toMatch(/^CREATE VIEW IF NOT EXISTS v WITH .* FROM s$/s);
  });

  it('DROP … IF EXISTS, DESCRIBE and DESC, SHOW in any case', () => {
    expect(
      parse(
        'drop stream if exists "Trades"; drop view if exists v; describe x; Desc Y; show Views',
      ),
    ).toMatchObject([
      { kind: 'drop', object: 'stream', name: 'Trades', ifExists: true },
      { kind: 'drop', object: 'view', name: 'v', ifExists: true },
      { kind: 'describe', name: 'x' },
      { kind: 'describe', name: 'y' },
      { kind: 'show', object: 'views' },
    ]);
  });

  it('names like if, stream, view and session are plain identifiers where no keyword fits', () => {
    expect(
      parse('DROP STREAM if; DESCRIBE session; SELECT stream, view FROM session'),
    ).toMatchObject([
      { kind: 'drop', name: 'if', ifExists: false },
      { kind: 'describe', name: 'session' },
      {
        items: [item(col('stream')), item(col('view'))],
        from: { kind: 'relation', name: 'session' },
      },
    ]);
  });
});

describe('SELECT', () => {
  it('takes aliases with and without AS, quoted aliases and star among items', () => {
    expect(parseOne('SELECT *, a b, c AS "Total", d "x y", count(*) count FROM t')).toMatchObject({
      items: [
        { kind: 'star' },
        item(col('a'), 'b'),
        item(col('c'), 'Total'),
        item(col('d'), 'x y'),
        item(star('count'), 'count'),
      ],
    });
  });

  it('lets the SPEC column names be identifiers and aliases everywhere', () => {
    const names =
      'ts window_start window_end count first last open close high low volume trades n price mood users temp device';
    const list = names.split(' ');
    const statement = parseOne(
      `SELECT ${list.map((n) => `${n} AS ${n}, ${n} ${n}`).join(', ')} FROM trades`,
    );
    expect(statement).toMatchObject({
      items: list.flatMap((n) => [item(col(n), n), item(col(n), n)]),
    });
  });

  it('lowercases bare identifiers and keeps quoted ones as written, "" unescaped', () => {
    expect(parseOne('SELECT Price, "Price", "say ""hi""" FROM "MyStream"')).toMatchObject({
      items: [item(col('price')), item(col('Price')), item(col('say "hi"'))],
      from: { kind: 'relation', name: 'MyStream' },
    });
  });

  it('reads every clause, keywords in any case', () => {
    const statement = parseOne(
      'select a, sum(b) from t where a > 1 group by a having sum(b) > 2 order by 2 desc, a asc, a limit 10',
    );
    expect(statement).toMatchObject({
      where: { kind: 'binary', op: '>' },
      groupBy: [col('a')],
      having: { kind: 'binary', op: '>', left: call('sum', col('b')) },
      orderBy: [
        { expr: { kind: 'number', value: 2 }, direction: 'desc' },
        { expr: col('a'), direction: 'asc' },
        { expr: col('a'), direction: 'asc' },
      ],
      limit: 10,
      emit: null,
    });
  });

  it('accepts EMIT after HAVING or at the very end', () => {
    expect(
      parseOne('SELECT a FROM t GROUP BY a HAVING count(*) > 1 EMIT FINAL ORDER BY a LIMIT 3'),
    ).toMatchObject({
      emit: 'final',
      orderBy: [{ expr: col('a') }],
      limit: 3,
    });
    expect(parseOne('SELECT a FROM t ORDER BY a LIMIT 0 emit changes')).toMatchObject({
      emit: 'changes',
      limit: 0,
    });
    expect(parseOne('SELECT a FROM t EMIT CHANGES')).toMatchObject({ emit: 'changes' });
  });

  it('window functions take expressions after the stream name, in any case', () => {
    const query = view(
      `CREATE VIEW v AS SELECT a FROM hop("Readings", INTERVAL '10' SECOND * 6, interval '5 minutes')`,
    );
    expect(query.from).toMatchObject({
      kind: 'window',
      window: 'hop',
      source: 'Readings',
      sourcePos: { line: 1, column: 36 },
      args: [
        {
          kind: 'binary',
          op: '*',
          left: { kind: 'interval', ms: 10_000 },
          right: { kind: 'number', value: 6 },
        },
        minutes(5),
      ],
      pos: { line: 1, column: 32 },
    });
  });
});
