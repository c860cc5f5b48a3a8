import { describe, expect, it } from 'vitest';
import type { StreamSpec } from '../engine/index.ts';
import { SqlError } from '../util/index.ts';
import { parse } from './parser.ts';
import { DEFAULT_LATENESS_MS, DEFAULT_RETENTION_MS, planStream } from './plan-stream.ts';

function plan(sql: string): StreamSpec {
  const statements = parse(sql);
  const statement = statements[0];
  if (statements.length !== 1 || statement?.kind !== 'create_stream') {
    throw new Error(`not one CREATE STREAM: ${sql}`);
  }
  return planStream(statement);
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

describe('planStream', () => {
  it('plans the SPEC §2 trades stream', () => {
    expect(
      plan(`CREATE STREAM trades (symbol STRING, price DOUBLE, qty DOUBLE, ts TIMESTAMP, trade_id STRING)
        WITH (timestamp = 'ts', id = 'trade_id', lateness = '5s', retention = '1h')`),
    ).toEqual({
      name: 'trades',
      columns: [
        { name: 'symbol', type: 'STRING' },
        { name: 'price', type: 'DOUBLE' },
        { name: 'qty', type: 'DOUBLE' },
        { name: 'ts', type: 'TIMESTAMP' },
        { name: 'trade_id', type: 'STRING' },
      ],
      timestampColumn: 'ts',
      idColumn: 'trade_id',
      latenessMs: 5000,
      retentionMs: 3_600_000,
    });
  });

  it('defaults to arrival time, no id, 1s lateness and 1h retention', () => {
    expect(DEFAULT_LATENESS_MS).toBe(1000);
    expect(DEFAULT_RETENTION_MS).toBe(3_600_000);
    expect(plan('CREATE STREAM clicks (page STRING)')).toEqual({
      name: 'clicks',
      columns: [{ name: 'page', type: 'STRING' }],
      timestampColumn: null,
      idColumn: null,
      latenessMs: 1000,
      retentionMs: 3_600_000,
    });
  });

  it.each([
    ["'250ms'", 250],
    ["'1.5s'", 1500],
    ["'0s'", 0],
    ["'2m'", 120_000],
    ["'7d'", 604_800_000],
  ])('reads the duration %s as %i ms', (text, ms) => {
    expect(plan(`CREATE STREAM s (a STRING) WITH (lateness = ${text})`).latenessMs).toBe(ms);
  });

  it('takes option names in any case and a BIGINT id column', () => {
    const spec = plan(
      "CREATE STREAM s (n BIGINT, at TIMESTAMP) WITH (TIMESTAMP = 'at', Id = 'n', RETENTION = '1d')",
    );
    expect([spec.timestampColumn, spec.idColumn, spec.retentionMs]).toEqual([
      'at',
      'n',
      86_400_000,
    ]);
  });

  it('keeps quoted column names as written', () => {
    const spec = plan(`CREATE STREAM s ("Price" DOUBLE, "ts" TIMESTAMP) WITH (timestamp = 'ts')`);
    expect(spec.columns.map((column) => column.name)).toEqual(['Price', 'ts']);
  });
});

describe('planStream errors', () => {
  /** [sql, code, message without the position suffix, line, column]. */
  const CASES: [string, string, string, number, number][] = [
    [
      'CREATE STREAM s (\n  a STRING,\n  a DOUBLE)',
      'SQL_SYNTAX',
      "column 'a' is declared twice",
      3,
      3,
    ],
    [
      "CREATE STREAM s (a STRING, ts TIMESTAMP)\n  WITH (timestamp = 'ts',\n        latenes = '5s')",
      'INVALID_OPTION',
      "unknown stream option 'latenes'; did you mean 'lateness'? (options: timestamp, id, lateness, retention)",
      3,
      9,
    ],
    [
      "CREATE STREAM s (a STRING)\n  WITH (colour = 'red')",
      'INVALID_OPTION',
      "unknown stream option 'colour' (options: timestamp, id, lateness, retention)",
      2,
      9,
    ],
    [
      "CREATE STREAM s (a STRING)\n  WITH (lateness = '1s', lateness = '2s')",
      'INVALID_OPTION',
      "option 'lateness' is given twice",
      2,
      26,
    ],
    [
      "CREATE STREAM s (a STRING)\n  WITH (lateness = '5 seconds')",
      'INVALID_OPTION',
      "option 'lateness': '5 seconds' is not a duration; write a number and a unit: '250ms', '5s', '1m', '1h' or '7d'",
      2,
      9,
    ],
    [
      "CREATE STREAM s (a STRING)\n  WITH (retention = '1.5ms')",
      'INVALID_OPTION',
      "option 'retention': '1.5ms' is not a whole number of milliseconds",
      2,
      9,
    ],
    [
      'CREATE STREAM s (a STRING)\n  WITH (lateness = 5)',
      'INVALID_OPTION',
      "option 'lateness' takes a duration string such as '5s', got 5",
      2,
      9,
    ],
    [
      'CREATE STREAM s (a STRING)\n  WITH (lateness = true)',
      'INVALID_OPTION',
      "option 'lateness' takes a duration string such as '5s', got true",
      2,
      9,
    ],
    [
      'CREATE STREAM s (a STRING, ts TIMESTAMP)\n  WITH (timestamp = 5)',
      'INVALID_OPTION',
      "option 'timestamp' takes a string",
      2,
      9,
    ],
    [
      "CREATE STREAM s (a STRING, tstamp TIMESTAMP)\n  WITH (timestamp = 'tstam')",
      'UNKNOWN_COLUMN',
      "timestamp option names 'tstam', which is not a column of s; did you mean 'tstamp'?",
      2,
      9,
    ],
    [
      "CREATE STREAM s (a STRING)\n  WITH (id = 'event_id')",
      'UNKNOWN_COLUMN',
      "id option names 'event_id', which is not a column of s",
      2,
      9,
    ],
    [
      "CREATE STREAM s (a STRING, ts STRING)\n  WITH (timestamp = 'ts')",
      'SQL_TYPE',
      "the timestamp column 'ts' must be TIMESTAMP, not STRING",
      2,
      9,
    ],
    [
      "CREATE STREAM s (a STRING, ts BIGINT)\n  WITH (timestamp = 'ts')",
      'SQL_TYPE',
      "the timestamp column 'ts' must be TIMESTAMP, not BIGINT",
      2,
      9,
    ],
    [
      "CREATE STREAM s (a DOUBLE)\n  WITH (id = 'a')",
      'SQL_TYPE',
      "the id column 'a' must be STRING or BIGINT, not DOUBLE",
      2,
      9,
    ],
  ];

  it.each(
    CASES.map(([sql, code, message, line, column]) => [message, code, line, column, sql] as const),
  )('%s', (message, code, line, column, sql) => {
    const error = planError(sql);
    expect({ code: error.code, line: error.line, column: error.column }).toEqual({
      code,
      line,
      column,
    });
    expect(error.message).toBe(`${message} (line ${line}, column ${column})`);
  });
});
