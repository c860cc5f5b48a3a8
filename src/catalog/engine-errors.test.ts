import { describe, expect, it } from 'vitest';
import { ManualClock, SqlError, type ErrorCode } from '../util/index.ts';
import { createEngine } from './create-engine.ts';
import type { Engine } from './engine-api.ts';

const T0 = Date.UTC(2024, 0, 1);

const SETUP = `
CREATE STREAM trades (symbol STRING, price DOUBLE, qty DOUBLE, ts TIMESTAMP, trade_id STRING)
  WITH (timestamp = 'ts', id = 'trade_id', lateness = '5s');
CREATE STREAM readings (device STRING, temp DOUBLE, ts TIMESTAMP) WITH (timestamp = 'ts');
CREATE VIEW last_price AS SELECT symbol, last(price) AS price FROM trades GROUP BY symbol;
`;

/** Two statements that succeed come first, so positions count from the start of the script. */
const PREFIX = 'SHOW STREAMS;\nSHOW VIEWS;\n';

function engine(): Engine {
  const created = createEngine({ clock: new ManualClock(T0) });
  created.execute(SETUP);
  return created;
}

function executeError(target: Engine, sql: string): SqlError {
  try {
    target.execute(sql);
  } catch (error) {
    if (error instanceof SqlError) return error;
    throw error;
  }
  throw new Error(`executed without error: ${sql}`);
}

/**
 * [code, statement after PREFIX, line, column, message without the position suffix]: each error
 * code of SPEC §2, pointing into the 3rd statement of a multi-line script.
 */
const CASES: [ErrorCode, string, number, number, string][] = [
  [
    'SQL_SYNTAX',
    `CREATE VIEW v AS
  SELECT symbol, count(*) AS n
  FROM trades
  GROUP symbol;`,
    6,
    9,
    "expected BY after GROUP, found 'symbol'",
  ],
  [
    'SQL_SYNTAX',
    `CREATE STREAM s (
  a STRING,
  a BIGINT);`,
    5,
    3,
    "column 'a' is declared twice",
  ],
  [
    'SQL_TYPE',
    `CREATE VIEW v AS
  SELECT symbol, count(*) AS n
  FROM trades
  WHERE price > 'abc'
  GROUP BY symbol;`,
    6,
    9,
    'cannot order DOUBLE against STRING',
  ],
  [
    'SQL_TYPE',
    `CREATE VIEW v AS
  SELECT symbol,
         sum(symbol) AS total
  FROM trades GROUP BY symbol;`,
    5,
    10,
    'sum needs a numeric argument, got STRING',
  ],
  [
    'SQL_TYPE',
    `CREATE STREAM s (a STRING, at STRING)
  WITH (timestamp = 'at');`,
    4,
    9,
    "the timestamp column 'at' must be TIMESTAMP, not STRING",
  ],
  [
    'SQL_UNSUPPORTED',
    `SELECT *
  FROM trades;`,
    4,
    8,
    "'trades' is a stream: a snapshot query reads a view (create one, or subscribe to the stream for raw events)",
  ],
  [
    'SQL_UNSUPPORTED',
    `CREATE VIEW v AS
  SELECT symbol, count(*) AS n FROM trades GROUP BY symbol
  EMIT FINAL;`,
    4,
    3,
    'EMIT FINAL needs a window (TUMBLE, HOP or SESSION): without one nothing is ever final',
  ],
  [
    'UNKNOWN_STREAM',
    `CREATE VIEW v AS
  SELECT device, count(*) AS n
  FROM TUMBLE(reading, INTERVAL '1' MINUTE) GROUP BY device;`,
    5,
    15,
    "unknown stream 'reading'; did you mean 'readings'?",
  ],
  ['UNKNOWN_STREAM', '\n  DROP STREAM trade;', 4, 3, "unknown stream 'trade'"],
  [
    'UNKNOWN_VIEW',
    `SELECT *
  FROM last_prices;`,
    4,
    8,
    "unknown view 'last_prices'; did you mean 'last_price'?",
  ],
  ['UNKNOWN_VIEW', 'DROP VIEW lastprice;', 3, 1, "unknown view 'lastprice'"],
  [
    'UNKNOWN_COLUMN',
    `SELECT symbol
  FROM last_price
  WHERE prise > 1;`,
    5,
    9,
    "unknown column 'prise' in last_price; did you mean 'price'?",
  ],
  [
    'UNKNOWN_COLUMN',
    `CREATE VIEW v AS
  SELECT device, avg(tmp) AS t
  FROM readings GROUP BY device;`,
    4,
    22,
    "unknown column 'tmp' in readings; did you mean 'temp'?",
  ],
  [
    'UNKNOWN_FUNCTION',
    `CREATE VIEW v AS
  SELECT device,
         stdev(temp) AS sd
  FROM readings GROUP BY device;`,
    5,
    10,
    "unknown function 'stdev'; did you mean 'stddev'?",
  ],
  [
    'ALREADY_EXISTS',
    `CREATE VIEW last_price AS
  SELECT symbol, count(*) AS n FROM trades GROUP BY symbol;`,
    3,
    1,
    "a view named 'last_price' already exists",
  ],
  [
    'DEPENDENT_OBJECTS',
    '  DROP STREAM trades;',
    3,
    3,
    'stream trades is read by view last_price; drop it first',
  ],
  [
    'INVALID_OPTION',
    `CREATE VIEW v
  WITH (emit_interval = '1s',
        kept = '1h')
  AS SELECT symbol, count(*) AS n FROM trades GROUP BY symbol;`,
    5,
    9,
    "unknown view option 'kept'; did you mean 'keep'? (options: emit_interval, keep, backfill)",
  ],
  [
    'INVALID_OPTION',
    `CREATE STREAM s (a STRING)
  WITH (lateness = '5 sec');`,
    4,
    9,
    "option 'lateness': '5 sec' is not a duration; write a number and a unit: '250ms', '5s', '1m', '1h' or '7d'",
  ],
];

describe('execute: error codes and positions', () => {
  it.each(
    CASES.map(
      ([code, statement, line, column, message]) =>
        [code, message, statement, line, column] as const,
    ),
  )('%s: %s', (code, message, statement, line, column) => {
    const target = engine();
    const before = target.execute('SHOW STREAMS; SHOW VIEWS');
    const error = executeError(target, `${PREFIX}${statement}`);
    expect({ code: error.code, line: error.line, column: error.column }).toEqual({
      code,
      line,
      column,
    });
    expect(error.message).toBe(`${message} (line ${line}, column ${column})`);
    expect(error.name).toBe('SqlError');
    expect(target.execute('SHOW STREAMS; SHOW VIEWS')).toEqual(before);
  });

  it('covers every SQL error code', () => {
    expect(new Set(CASES.map(([code]) => code))).toEqual(
      new Set([
        'SQL_SYNTAX',
        'SQL_TYPE',
        'SQL_UNSUPPORTED',
        'UNKNOWN_STREAM',
        'UNKNOWN_VIEW',
        'UNKNOWN_COLUMN',
        'UNKNOWN_FUNCTION',
        'ALREADY_EXISTS',
        'DEPENDENT_OBJECTS',
        'INVALID_OPTION',
      ]),
    );
  });
});
