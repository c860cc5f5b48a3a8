import type { OutputRow } from '../../src/index.ts';
import {
  approxDistinct,
  EXACT,
  FLOAT,
  percentile,
  TIMESTAMP,
  type Columns,
} from './compare-rows.ts';
import { SENTINEL_SYMBOL, type OracleEvent } from './generate-events.ts';

/** Which events a view must report late; the reference for each comes from DuckDB or a replay. */
export type LatenessRule =
  | { kind: 'aligned'; slideMs: number; sizeMs: number }
  | { kind: 'session'; gapMs: number; keyOf: (event: OracleEvent) => string }
  | { kind: 'never' };

/** One view under test: its DDL, and how DuckDB computes its final rows from the same events. */
export interface OracleView {
  name: string;
  sql: string;
  key: string[];
  /** Every output column and how it is checked. */
  columns: Columns;
  /** The engine's WHERE, also valid DuckDB; `passes` is the same predicate in TypeScript. */
  filter: string;
  passes: (event: OracleEvent) => boolean;
  lateness: LatenessRule;
  /** DuckDB's final rows (timestamps as epoch ms), plus any helper columns the checks name. */
  expectedSql: string;
  /** When the window of a row ends (null: running aggregate, never closed). */
  windowEndMs: ((row: OutputRow) => number) | null;
  emitFinal: boolean;
}

const NOT_SENTINEL = `symbol <> '${SENTINEL_SYMBOL}'`;
const notSentinel = (event: OracleEvent): boolean => event.symbol !== SENTINEL_SYMBOL;
const BIG_TRADES = `${NOT_SENTINEL} AND qty >= 10`;

/** Event time then arrival: the order first/last follow. `seq` < 100000, so this is exact. */
const ORDER = 'ts * 100000 + seq';
const firstOf = (column: string): string =>
  `arg_min(${column}, ${ORDER}) FILTER (WHERE ${column} IS NOT NULL)`;
const lastOf = (column: string): string =>
  `arg_max(${column}, ${ORDER}) FILTER (WHERE ${column} IS NOT NULL)`;

/** The exact order statistics around q * (n - 1) of the non-NULL values, as `<alias>_lo/_hi`. */
function percentileBounds(column: string, q: number, alias: string): string {
  const sorted = `list_sort(list(${column}) FILTER (WHERE ${column} IS NOT NULL))`;
  const position = `${q} * (count(${column}) - 1)`;
  const at = (round: string): string =>
    `CASE WHEN count(${column}) = 0 THEN NULL
          ELSE ${sorted}[${round}(${position})::BIGINT + 1] END`;
  return `${at('floor')} AS ${alias}_lo, ${at('ceil')} AS ${alias}_hi`;
}

/**
 * The filtered events of an aligned-window view, one row per window they were accepted into
 * (`ws` = window start): a window takes an event unless it was closed (end <= the watermark the
 * event met); that is the whole lateness rule for TUMBLE (one window) and HOP (several).
 */
function alignedEvents(filter: string, slideMs: number, sizeMs: number): string {
  const windows = sizeMs / slideMs;
  return `(SELECT e.*, (ts // ${slideMs}) * ${slideMs} - k * ${slideMs} AS ws
    FROM evw e CROSS JOIN range(0, ${windows}) AS r(k)
    WHERE (${filter}) AND (ts // ${slideMs}) * ${slideMs} - k * ${slideMs} + ${sizeMs} > wm)`;
}

/**
 * The accepted events of a SESSION view (the filtered ones it did not report late), numbered by
 * session per key: gaps and islands, a new session where the previous event of the key (by time,
 * then arrival) is `gap` or more before.
 */
function sessionEvents(view: string, filter: string, keys: string, gapMs: number): string {
  return `(SELECT *, sum(starts) OVER (PARTITION BY ${keys} ORDER BY ts, seq
                                       ROWS UNBOUNDED PRECEDING) AS session
    FROM (SELECT *, CASE WHEN ts - lag(ts) OVER (PARTITION BY ${keys} ORDER BY ts, seq) < ${gapMs}
                         THEN 0 ELSE 1 END AS starts
          FROM evw
          WHERE (${filter}) AND seq NOT IN (SELECT seq FROM late WHERE view = '${view}')))`;
}

const startPlus =
  (sizeMs: number) =>
  (row: OutputRow): number =>
    Date.parse(row.window_start as string) + sizeMs;
const endOf = (row: OutputRow): number => Date.parse(row.window_end as string);

export const ORACLE_VIEWS: OracleView[] = [
  {
    name: 'symbol_10s',
    sql: `CREATE VIEW symbol_10s WITH (keep = '1000d') AS
      SELECT symbol, window_start, window_end, count(*) AS n, count(price) AS priced,
             sum(qty) AS volume, min(price) AS low, max(price) AS high, first(price) AS open,
             last(price) AS close, avg(price) AS mean, stddev(price) AS sd,
             variance(price) AS var, count_distinct(account) AS accounts,
             first(qty) AS first_qty, last(account) AS last_account, min(ts) AS first_ts
      FROM TUMBLE(trades, INTERVAL '10' SECOND)
      WHERE ${NOT_SENTINEL}
      GROUP BY symbol, window_start, window_end;`,
    key: ['symbol', 'window_start'],
    columns: {
      symbol: EXACT,
      window_start: TIMESTAMP,
      window_end: TIMESTAMP,
      n: EXACT,
      priced: EXACT,
      volume: EXACT,
      low: EXACT,
      high: EXACT,
      open: EXACT,
      close: EXACT,
      mean: FLOAT,
      sd: FLOAT,
      var: FLOAT,
      accounts: EXACT,
      first_qty: EXACT,
      last_account: EXACT,
      first_ts: TIMESTAMP,
    },
    filter: NOT_SENTINEL,
    passes: notSentinel,
    lateness: { kind: 'aligned', slideMs: 10_000, sizeMs: 10_000 },
    expectedSql: `SELECT symbol, ws AS window_start, ws + 10000 AS window_end, count(*) AS n,
        count(price) AS priced, sum(qty) AS volume, min(price) AS low, max(price) AS high,
        ${firstOf('price')} AS open, ${lastOf('price')} AS close, avg(price) AS mean,
        stddev_samp(price) AS sd, var_samp(price) AS var, count(DISTINCT account) AS accounts,
        ${firstOf('qty')} AS first_qty, ${lastOf('account')} AS last_account, min(ts) AS first_ts
      FROM ${alignedEvents(NOT_SENTINEL, 10_000, 10_000)}
      GROUP BY symbol, ws`,
    windowEndMs: endOf,
    emitFinal: false,
  },
  {
    name: 'symbol_hop',
    sql: `CREATE VIEW symbol_hop WITH (keep = '1000d') AS
      SELECT symbol, window_start, window_end, avg(price) AS mean, count(*) AS n,
             sum(qty) AS volume, max(price) AS high
      FROM HOP(trades, INTERVAL '2' SECOND, INTERVAL '10' SECOND)
      WHERE ${NOT_SENTINEL} AND price IS NOT NULL
      GROUP BY symbol, window_start, window_end;`,
    key: ['symbol', 'window_start'],
    columns: {
      symbol: EXACT,
      window_start: TIMESTAMP,
      window_end: TIMESTAMP,
      mean: FLOAT,
      n: EXACT,
      volume: EXACT,
      high: EXACT,
    },
    filter: `${NOT_SENTINEL} AND price IS NOT NULL`,
    passes: (event) => notSentinel(event) && event.price !== null,
    lateness: { kind: 'aligned', slideMs: 2_000, sizeMs: 10_000 },
    expectedSql: `SELECT symbol, ws AS window_start, ws + 10000 AS window_end, avg(price) AS mean,
        count(*) AS n, sum(qty) AS volume, max(price) AS high
      FROM ${alignedEvents(`${NOT_SENTINEL} AND price IS NOT NULL`, 2_000, 10_000)}
      GROUP BY symbol, ws`,
    windowEndMs: endOf,
    emitFinal: false,
  },
  {
    name: 'account_sessions',
    sql: `CREATE VIEW account_sessions WITH (keep = '1000d') AS
      SELECT account, window_start, window_end, count(*) AS n, sum(qty) AS volume,
             min(price) AS low, max(price) AS high, first(price) AS open, last(price) AS close,
             avg(price) AS mean, last(symbol) AS last_symbol
      FROM SESSION(trades, INTERVAL '3' SECOND)
      WHERE ${NOT_SENTINEL}
      GROUP BY account, window_start, window_end;`,
    key: ['account', 'window_start'],
    columns: {
      account: EXACT,
      window_start: TIMESTAMP,
      window_end: TIMESTAMP,
      n: EXACT,
      volume: EXACT,
      low: EXACT,
      high: EXACT,
      open: EXACT,
      close: EXACT,
      mean: FLOAT,
      last_symbol: EXACT,
    },
    filter: NOT_SENTINEL,
    passes: notSentinel,
    lateness: { kind: 'session', gapMs: 3_000, keyOf: (event) => event.account },
    expectedSql: `SELECT account, min(ts) AS window_start, max(ts) + 3000 AS window_end,
        count(*) AS n, sum(qty) AS volume, min(price) AS low, max(price) AS high,
        ${firstOf('price')} AS open, ${lastOf('price')} AS close, avg(price) AS mean,
        ${lastOf('symbol')} AS last_symbol
      FROM ${sessionEvents('account_sessions', NOT_SENTINEL, 'account', 3_000)}
      GROUP BY account, session`,
    windowEndMs: endOf,
    emitFinal: false,
  },
  {
    // A composite key with NULLs; merges before closing must never show in a final view.
    name: 'account_venue_sessions',
    sql: `CREATE VIEW account_venue_sessions WITH (keep = '1000d') AS
      SELECT account, venue, window_start, window_end, count(*) AS n, sum(qty) AS volume,
             max(price) AS high, first(user_id) AS first_user
      FROM SESSION(trades, INTERVAL '5' SECOND)
      WHERE ${BIG_TRADES}
      GROUP BY account, venue, window_start, window_end
      EMIT FINAL;`,
    key: ['account', 'venue', 'window_start'],
    columns: {
      account: EXACT,
      venue: EXACT,
      window_start: TIMESTAMP,
      window_end: TIMESTAMP,
      n: EXACT,
      volume: EXACT,
      high: EXACT,
      first_user: EXACT,
    },
    filter: BIG_TRADES,
    passes: (event) => notSentinel(event) && event.qty !== null && event.qty >= 10,
    lateness: {
      kind: 'session',
      gapMs: 5_000,
      keyOf: (event) => JSON.stringify([event.account, event.venue]),
    },
    expectedSql: `SELECT account, venue, min(ts) AS window_start, max(ts) + 5000 AS window_end,
        count(*) AS n, sum(qty) AS volume, max(price) AS high, ${firstOf('user_id')} AS first_user
      FROM ${sessionEvents('account_venue_sessions', BIG_TRADES, 'account, venue', 5_000)}
      GROUP BY account, venue, session`,
    windowEndMs: endOf,
    emitFinal: true,
  },
  {
    name: 'symbol_totals',
    sql: `CREATE VIEW symbol_totals AS
      SELECT symbol, count(*) AS n, sum(qty) AS volume, last(price) AS price,
             first(venue) AS first_venue, max(ts) AS latest
      FROM trades
      WHERE ${NOT_SENTINEL} AND qty > 3
      GROUP BY symbol;`,
    key: ['symbol'],
    columns: {
      symbol: EXACT,
      n: EXACT,
      volume: EXACT,
      price: EXACT,
      first_venue: EXACT,
      latest: TIMESTAMP,
    },
    filter: `${NOT_SENTINEL} AND qty > 3`,
    passes: (event) => notSentinel(event) && event.qty !== null && event.qty > 3,
    lateness: { kind: 'never' },
    expectedSql: `SELECT symbol, count(*) AS n, sum(qty) AS volume, ${lastOf('price')} AS price,
        ${firstOf('venue')} AS first_venue, max(ts) AS latest
      FROM evw
      WHERE ${NOT_SENTINEL} AND qty > 3
      GROUP BY symbol`,
    windowEndMs: null,
    emitFinal: false,
  },
  {
    name: 'venue_30s',
    sql: `CREATE VIEW venue_30s WITH (keep = '1000d') AS
      SELECT venue, window_start, window_end, count(*) AS n,
             approx_percentile(price, 0.5) AS p50, approx_percentile(price, 0.9) AS p90,
             approx_percentile(price, 0.99) AS p99, approx_count_distinct(account) AS accounts,
             approx_count_distinct(user_id) AS users, count_distinct(user_id) AS users_exact
      FROM TUMBLE(trades, INTERVAL '30' SECOND)
      WHERE ${NOT_SENTINEL}
      GROUP BY venue, window_start, window_end;`,
    key: ['venue', 'window_start'],
    columns: {
      venue: EXACT,
      window_start: TIMESTAMP,
      window_end: TIMESTAMP,
      n: EXACT,
      p50: percentile('p50_lo', 'p50_hi'),
      p90: percentile('p90_lo', 'p90_hi'),
      p99: percentile('p99_lo', 'p99_hi'),
      accounts: approxDistinct('accounts_exact'),
      users: approxDistinct('users_exact'),
      users_exact: EXACT,
    },
    filter: NOT_SENTINEL,
    passes: notSentinel,
    lateness: { kind: 'aligned', slideMs: 30_000, sizeMs: 30_000 },
    expectedSql: `SELECT venue, ws AS window_start, ws + 30000 AS window_end, count(*) AS n,
        ${percentileBounds('price', 0.5, 'p50')}, ${percentileBounds('price', 0.9, 'p90')},
        ${percentileBounds('price', 0.99, 'p99')}, count(DISTINCT account) AS accounts_exact,
        count(DISTINCT user_id) AS users_exact
      FROM ${alignedEvents(NOT_SENTINEL, 30_000, 30_000)}
      GROUP BY venue, ws`,
    windowEndMs: endOf,
    emitFinal: false,
  },
  {
    // Thousands of distinct values per window: the distinct-count sketch leaves its exact mode.
    name: 'all_5m',
    sql: `CREATE VIEW all_5m WITH (keep = '1000d') AS
      SELECT window_start, window_end, count(*) AS n, approx_count_distinct(user_id) AS users,
             approx_count_distinct(seq) AS events, approx_percentile(price, 0.01) AS p01,
             approx_percentile(price, 0.5) AS p50, approx_percentile(qty, 0.75) AS q75
      FROM TUMBLE(trades, INTERVAL '5' MINUTE)
      WHERE ${NOT_SENTINEL}
      GROUP BY window_start, window_end;`,
    key: ['window_start'],
    columns: {
      window_start: TIMESTAMP,
      window_end: TIMESTAMP,
      n: EXACT,
      users: approxDistinct('users_exact'),
      events: approxDistinct('events_exact'),
      p01: percentile('p01_lo', 'p01_hi'),
      p50: percentile('p50_lo', 'p50_hi'),
      q75: percentile('q75_lo', 'q75_hi'),
    },
    filter: NOT_SENTINEL,
    passes: notSentinel,
    lateness: { kind: 'aligned', slideMs: 300_000, sizeMs: 300_000 },
    expectedSql: `SELECT ws AS window_start, ws + 300000 AS window_end, count(*) AS n,
        count(DISTINCT user_id) AS users_exact, count(DISTINCT seq) AS events_exact,
        ${percentileBounds('price', 0.01, 'p01')}, ${percentileBounds('price', 0.5, 'p50')},
        ${percentileBounds('qty', 0.75, 'q75')}
      FROM ${alignedEvents(NOT_SENTINEL, 300_000, 300_000)}
      GROUP BY ws`,
    windowEndMs: endOf,
    emitFinal: false,
  },
  {
    name: 'symbol_venue_final',
    sql: `CREATE VIEW symbol_venue_final WITH (keep = '1000d') AS
      SELECT symbol, venue, window_start, window_end, count(*) AS n, sum(qty) AS volume,
             max(price) AS high, last(price) AS close, last(user_id) AS last_user
      FROM TUMBLE(trades, INTERVAL '5' SECOND)
      WHERE ${NOT_SENTINEL}
      GROUP BY symbol, venue, window_start, window_end
      EMIT FINAL;`,
    key: ['symbol', 'venue', 'window_start'],
    columns: {
      symbol: EXACT,
      venue: EXACT,
      window_start: TIMESTAMP,
      window_end: TIMESTAMP,
      n: EXACT,
      volume: EXACT,
      high: EXACT,
      close: EXACT,
      last_user: EXACT,
    },
    filter: NOT_SENTINEL,
    passes: notSentinel,
    lateness: { kind: 'aligned', slideMs: 5_000, sizeMs: 5_000 },
    expectedSql: `SELECT symbol, venue, ws AS window_start, ws + 5000 AS window_end, count(*) AS n,
        sum(qty) AS volume, max(price) AS high, ${lastOf('price')} AS close,
        ${lastOf('user_id')} AS last_user
      FROM ${alignedEvents(NOT_SENTINEL, 5_000, 5_000)}
      GROUP BY symbol, venue, ws`,
    windowEndMs: endOf,
    emitFinal: true,
  },
  {
    // Rows come and go: min(qty) only falls, so a row can leave after it appeared.
    name: 'busy_10s',
    sql: `CREATE VIEW busy_10s WITH (keep = '1000d', emit_interval = '250ms') AS
      SELECT symbol, window_start, count(*) AS n, min(qty) AS min_qty, avg(price) AS mean
      FROM TUMBLE(trades, INTERVAL '10' SECOND)
      WHERE ${NOT_SENTINEL}
      GROUP BY symbol, window_start, window_end
      HAVING count(*) >= 10 AND min(qty) >= 5;`,
    key: ['symbol', 'window_start'],
    columns: {
      symbol: EXACT,
      window_start: TIMESTAMP,
      n: EXACT,
      min_qty: EXACT,
      mean: FLOAT,
    },
    filter: NOT_SENTINEL,
    passes: notSentinel,
    lateness: { kind: 'aligned', slideMs: 10_000, sizeMs: 10_000 },
    expectedSql: `SELECT symbol, ws AS window_start, count(*) AS n, min(qty) AS min_qty,
        avg(price) AS mean
      FROM ${alignedEvents(NOT_SENTINEL, 10_000, 10_000)}
      GROUP BY symbol, ws
      HAVING count(*) >= 10 AND min(qty) >= 5`,
    windowEndMs: startPlus(10_000),
    emitFinal: false,
  },
];

/** DuckDB: the filtered events an aligned-window view must drop (all their windows closed). */
export function expectedAlignedLateSql(view: OracleView): string {
  const rule = view.lateness;
  if (rule.kind !== 'aligned') throw new Error(`${view.name} is not an aligned-window view`);
  return `SELECT seq FROM evw
    WHERE (${view.filter}) AND (ts // ${rule.slideMs}) * ${rule.slideMs} + ${rule.sizeMs} <= wm
    ORDER BY seq`;
}
