/**
 * The server benchmark's workloads — schemas and load shapes — shared by `npm run bench:server`
 * (main.ts) and the side-by-side suite (bench/suite/), whose peers mirror these views by hand.
 */

export const INGEST_SQL = `
CREATE STREAM ingest (id STRING, ts TIMESTAMP, symbol STRING, price DOUBLE, qty DOUBLE)
  WITH (timestamp = 'ts', id = 'id');
CREATE VIEW ingest_by_symbol AS
  SELECT symbol, count(*) AS n, sum(qty) AS volume FROM ingest GROUP BY symbol;`;

/** `sent_at` is the publisher's monotonic clock in µs, carried into the view by max(). */
export const LIVE_SQL = `
CREATE STREAM ticks (symbol STRING, price DOUBLE, sent_at BIGINT);
CREATE VIEW live WITH (emit_interval = '10ms') AS
  SELECT symbol, last(price) AS price, max(sent_at) AS sent_at, count(*) AS n
  FROM ticks GROUP BY symbol;`;

/** The fan-out view's key count and the publisher's rate: a ticker of 20 symbols, 2,000 trades/s. */
export const FANOUT_SYMBOLS = 20;
export const FANOUT_BATCH = 10;
export const FANOUT_BATCH_EVERY_MS = 5;

/** Splits `total` into `parts` near-equal integers (connections over generator processes). */
export function split(total: number, parts: number): number[] {
  return Array.from(
    { length: parts },
    (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0),
  );
}
