import { describe, expect, it } from 'vitest';
import type { Column, StreamSpec } from '../engine/index.ts';
import { SqlError } from '../util/index.ts';
import { parse } from './parser.ts';
import { planQuery, type QueryPlan } from './plan-query.ts';
import type { PlannerCatalog } from './planner-catalog.ts';

const NOW_MS = Date.UTC(2024, 0, 1, 12); // 2024-01-01T12:00:00.000Z
const HOUR = 3_600_000;

const TRADES: StreamSpec = {
  name: 'trades',
  columns: [
    { name: 'symbol', type: 'STRING' },
    { name: 'ts', type: 'TIMESTAMP' },
  ],
  timestampColumn: 'ts',
  idColumn: null,
  latenessMs: 1000,
  retentionMs: HOUR,
};

const VIEWS = new Map<string, { columns: Column[] }>([
  [
    'last_price',
    {
      columns: [
        { name: 'symbol', type: 'STRING' },
        { name: 'price', type: 'DOUBLE' },
        { name: 'n', type: 'BIGINT' },
      ],
    },
  ],
  [
    'ohlc',
    {
      columns: [
        { name: 'symbol', type: 'STRING' },
        { name: 'window_start', type: 'TIMESTAMP' },
        { name: 'volume', type: 'DOUBLE' },
      ],
    },
  ],
]);

const CATALOG: PlannerCatalog = {
  stream: (name) => (name === 'trades' ? TRADES : undefined),
  view: (name) => VIEWS.get(name),
  names: () => ['trades', ...VIEWS.keys()],
};

function plan(sql: string): QueryPlan {
  const statements = parse(sql);
  const statement = statements[0];
  if (statements.length !== 1 || statement?.kind !== 'select') {
    throw new Error(`not one SELECT: ${sql}`);
  }
  return planQuery(statement, CATALOG, NOW_MS);
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

const slot = (index: number, type: string) => ({ kind: 'slot', index, type });

describe('planQuery', () => {
  it('reads every column of the view for SELECT *', () => {
    expect(plan('SELECT * FROM last_price')).toEqual({
      view: 'last_price',
      columns: VIEWS.get('last_price')!.columns,
      filter: null,
      outputs: [slot(0, 'STRING'), slot(1, 'DOUBLE'), slot(2, 'BIGINT')],
      orderBy: [],
      limit: null,
    });
  });

  it('names and types computed columns (alias, function name, else column_N)', () => {
    const computed = plan(
      'SELECT symbol AS s, upper(symbol), price * 2, n / 2 AS half FROM last_price',
    );
    expect(computed.columns).toEqual([
      { name: 's', type: 'STRING' },
      { name: 'upper', type: 'STRING' },
      { name: 'column_3', type: 'DOUBLE' },
      { name: 'half', type: 'DOUBLE' },
    ]);
    expect(computed.outputs[0]).toEqual(slot(0, 'STRING'));
  });

  it('lets * be followed by more columns', () => {
    const more = plan('SELECT *, price * n AS notional FROM last_price');
    expect(more.columns.map((column) => column.name)).toEqual(['symbol', 'price', 'n', 'notional']);
  });

  it('binds WHERE over the view columns', () => {
    expect(plan("SELECT * FROM last_price WHERE symbol = 'AAPL'").filter).toEqual({
      kind: 'op',
      op: 'eq',
      args: [slot(0, 'STRING'), { kind: 'const', value: 'AAPL', type: 'STRING' }],
      type: 'BOOLEAN',
    });
  });

  it('compares window_start with an ISO string as an instant', () => {
    expect(plan("SELECT * FROM ohlc WHERE window_start = '2024-01-01T00:00:00Z'").filter).toEqual({
      kind: 'op',
      op: 'eq',
      args: [
        slot(1, 'TIMESTAMP'),
        { kind: 'const', value: Date.UTC(2024, 0, 1), type: 'TIMESTAMP' },
      ],
      type: 'BOOLEAN',
    });
  });

  it('evaluates now() once, as the statement time', () => {
    const recent = plan(
      "SELECT symbol, now() AS at, now() FROM ohlc WHERE window_start > now() - INTERVAL '1' HOUR",
    );
    expect(recent.columns.slice(1)).toEqual([
      { name: 'at', type: 'TIMESTAMP' },
      { name: 'now', type: 'TIMESTAMP' },
    ]);
    expect(recent.outputs[1]).toEqual({ kind: 'const', value: NOW_MS, type: 'TIMESTAMP' });
    expect(recent.filter).toEqual({
      kind: 'op',
      op: 'gt',
      args: [
        slot(1, 'TIMESTAMP'),
        {
          kind: 'op',
          op: 'sub',
          args: [
            { kind: 'const', value: NOW_MS, type: 'TIMESTAMP' },
            { kind: 'const', value: HOUR, type: 'BIGINT' },
          ],
          type: 'TIMESTAMP',
        },
      ],
      type: 'BOOLEAN',
    });
  });

  it('orders by alias, ordinal and unselected column, with directions and LIMIT', () => {
    const top = plan(
      'SELECT symbol, price * n AS notional FROM last_price ORDER BY notional DESC, 1, n ASC LIMIT 5',
    );
    expect(top.orderBy).toEqual([
      { expr: top.outputs[1], descending: true },
      { expr: top.outputs[0], descending: false },
      { expr: slot(2, 'BIGINT'), descending: false },
    ]);
    expect(top.limit).toBe(5);
  });

  it('orders by an output alias before a view column of the same name', () => {
    const swapped = plan('SELECT n AS price FROM last_price ORDER BY price');
    expect(swapped.orderBy[0]!.expr).toEqual(slot(2, 'BIGINT'));
  });

  it('keeps LIMIT 0', () => {
    expect(plan('SELECT * FROM last_price LIMIT 0').limit).toBe(0);
  });
});

describe('planQuery errors', () => {
  /** [message without the position suffix, code, line, column, sql]. */
  const CASES: [string, string, number, number, string][] = [
    [
      "'trades' is a stream: a snapshot query reads a view (create one, or subscribe to the stream for raw events)",
      'SQL_UNSUPPORTED',
      2,
      6,
      'SELECT *\nFROM trades',
    ],
    [
      "unknown view 'last_prices'; did you mean 'last_price'?",
      'UNKNOWN_VIEW',
      2,
      6,
      'SELECT *\nFROM last_prices',
    ],
    ["unknown view 'nothing_like_it'", 'UNKNOWN_VIEW', 1, 15, 'SELECT * FROM nothing_like_it'],
    [
      'a snapshot query reads a view; windows belong in CREATE VIEW',
      'SQL_UNSUPPORTED',
      2,
      6,
      "SELECT *\nFROM TUMBLE(trades, INTERVAL '1' MINUTE)",
    ],
    [
      'snapshot queries do not aggregate; create a view that does',
      'SQL_UNSUPPORTED',
      3,
      10,
      'SELECT symbol\nFROM last_price\nGROUP BY symbol',
    ],
    [
      'snapshot queries do not aggregate; create a view that does',
      'SQL_UNSUPPORTED',
      1,
      1,
      'SELECT symbol FROM last_price HAVING n > 1',
    ],
    [
      'EMIT belongs in CREATE VIEW, not in a snapshot query',
      'SQL_UNSUPPORTED',
      1,
      1,
      'SELECT symbol FROM last_price EMIT CHANGES',
    ],
    [
      'aggregate functions like sum are not allowed in a snapshot query; create a view that aggregates',
      'SQL_TYPE',
      2,
      3,
      'SELECT symbol,\n  sum(n) AS total\nFROM last_price',
    ],
    [
      "unknown column 'pric' in last_price; did you mean 'price'?",
      'UNKNOWN_COLUMN',
      3,
      7,
      'SELECT symbol\nFROM last_price\nWHERE pric > 10',
    ],
    [
      'WHERE needs a BOOLEAN condition, got DOUBLE',
      'SQL_TYPE',
      3,
      7,
      'SELECT symbol\nFROM last_price\nWHERE price',
    ],
    [
      'ORDER BY 3 is not a select item position',
      'SQL_TYPE',
      3,
      13,
      'SELECT symbol, price\nFROM last_price\nORDER BY 1, 3',
    ],
    [
      "two columns are named 'symbol'; give one an alias with AS",
      'SQL_SYNTAX',
      1,
      11,
      'SELECT *, symbol FROM last_price',
    ],
    ['now() takes no arguments', 'SQL_TYPE', 1, 8, 'SELECT now(1) AS t FROM last_price'],
    [
      "unknown function 'nw'; did you mean 'now'?",
      'UNKNOWN_FUNCTION',
      1,
      8,
      'SELECT nw() AS t FROM last_price',
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
