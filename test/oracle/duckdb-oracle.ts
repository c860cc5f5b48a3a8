import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { OracleEvent } from './generate-events.ts';

export type PlainValue = string | number | boolean | null | PlainValue[];
export type PlainRow = Record<string, PlainValue>;

/**
 * The reference side of the oracle: DuckDB in memory, holding the generated events as `ev`;
 * as `evw`, the same events with `wm`, the watermark each one met on arrival (max event time of
 * the events before it, minus the lateness; 0 before the first); and as `late`, the (view, seq)
 * pairs the engine reported late.
 */
export class DuckDbOracle {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<DuckDbOracle> {
    const instance = await DuckDBInstance.create(':memory:');
    return new DuckDbOracle(instance, await instance.connect());
  }

  async load(
    events: readonly OracleEvent[],
    latenessMs: number,
    late: ReadonlyMap<string, readonly number[]>,
  ): Promise<void> {
    await this.connection.run(`CREATE OR REPLACE TABLE ev (
      seq BIGINT, symbol VARCHAR, venue VARCHAR, price DOUBLE, qty BIGINT, ts BIGINT,
      user_id VARCHAR, account VARCHAR)`);
    const appender = await this.connection.createAppender('ev');
    for (const event of events) {
      appender.appendBigInt(BigInt(event.seq));
      appender.appendVarchar(event.symbol);
      if (event.venue === null) appender.appendNull();
      else appender.appendVarchar(event.venue);
      if (event.price === null) appender.appendNull();
      else appender.appendDouble(event.price);
      if (event.qty === null) appender.appendNull();
      else appender.appendBigInt(BigInt(event.qty));
      appender.appendBigInt(BigInt(event.tsMs));
      if (event.userId === null) appender.appendNull();
      else appender.appendVarchar(event.userId);
      appender.appendVarchar(event.account);
      appender.endRow();
    }
    appender.closeSync();
    await this.connection.run(`CREATE OR REPLACE TABLE evw AS
      SELECT *, coalesce(
          max(ts) OVER (ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
            - ${latenessMs},
          0) AS wm
      FROM ev`);
    await this.connection.run('CREATE OR REPLACE TABLE late (view VARCHAR, seq BIGINT)');
    const lateAppender = await this.connection.createAppender('late');
    for (const [view, seqs] of late) {
      for (const seq of seqs) {
        lateAppender.appendVarchar(view);
        lateAppender.appendBigInt(BigInt(seq));
        lateAppender.endRow();
      }
    }
    lateAppender.closeSync();
  }

  /** Runs a query; BIGINT and HUGEINT results come back as numbers (they must be safe integers). */
  async query(sql: string): Promise<PlainRow[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJS().map((row) => {
      const plain: PlainRow = {};
      for (const [name, value] of Object.entries(row)) plain[name] = toPlain(value);
      return plain;
    });
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function toPlain(value: unknown): PlainValue {
  if (typeof value === 'bigint') {
    const number = Number(value);
    if (!Number.isSafeInteger(number)) throw new Error(`DuckDB integer ${value} is not safe`);
    return number;
  }
  if (Array.isArray(value)) return value.map(toPlain);
  if (value === null || typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return value;
  throw new Error(`unexpected DuckDB value of type ${typeof value}`);
}
