import { mulberry32, Random } from './prng.ts';

/** The stream every oracle view reads; `seq` is the arrival index (ties in event time). */
export const STREAM_SQL = `CREATE STREAM trades (
    seq BIGINT, symbol STRING, venue STRING, price DOUBLE, qty BIGINT, ts TIMESTAMP,
    user_id STRING, account STRING
  ) WITH (timestamp = 'ts', lateness = '5s');`;

export const LATENESS_MS = 5_000;
/** Every view excludes this symbol: the sentinel only moves the watermark past every window. */
export const SENTINEL_SYMBOL = 'zz_sentinel';
/** Event times sit on this grid, so equal times (tie-breaking) and exact gaps occur often. */
const GRID_MS = 50;
const VENUES = ['XNAS', 'XNYS', 'BATS'];
const SYMBOLS = 20;

/** One generated event in plain form (NULLs explicit, time in epoch ms): what DuckDB loads. */
export interface OracleEvent {
  seq: number;
  symbol: string;
  venue: string | null;
  price: number | null;
  qty: number | null;
  tsMs: number;
  userId: string | null;
  account: string;
}

export interface GeneratedStream {
  /** In arrival order; the last one is the sentinel. */
  events: OracleEvent[];
  /** What is ingested for `events[i]`: NULLs sometimes missing, times sometimes ISO strings. */
  wire: Record<string, unknown>[];
}

/**
 * A seeded stream of trades: a mostly advancing time base with pauses; ~30% of events jittered
 * back by up to the lateness (exactly to the watermark at most), ~1% delayed just beyond it (by up
 * to 3 s more: sessions that just closed), ~1% by up to 40 s more (late for some windows, partly
 * late for HOP) and ~0.2% by minutes; skewed symbols, NULLs in every nullable column, and a final
 * sentinel one day later that closes every window.
 */
export function generateStream(seed: number, count: number): GeneratedStream {
  // The DuckDB side orders by `ts * 100000 + seq` (oracle-views.ts).
  if (count >= 100_000) throw new RangeError('at most 99,999 events per stream');
  const random = new Random(mulberry32(seed));
  const basePrices = Array.from({ length: SYMBOLS }, (_, i) => 10 + 23.7 * i + random.next());
  const events: OracleEvent[] = [];
  let base = Date.UTC(2024, 2, 1, 9, 30, 3, 250);
  for (let seq = 0; seq < count; seq++) {
    if (random.chance(0.002)) base += random.int(5, 25) * 1000;
    else if (random.chance(0.5)) base += GRID_MS;
    let tsMs = base;
    const delay = random.next();
    if (delay < 0.002) tsMs = base - random.int(60, 300) * 1000;
    else if (delay < 0.012) tsMs = base - LATENESS_MS - random.int(0, 3_000 / GRID_MS) * GRID_MS;
    else if (delay < 0.022) tsMs = base - LATENESS_MS - random.int(0, 40_000 / GRID_MS) * GRID_MS;
    else if (delay < 0.32) tsMs = base - random.int(0, LATENESS_MS / GRID_MS) * GRID_MS;
    const symbolIndex = Math.floor(SYMBOLS * random.next() ** 2);
    events.push({
      seq,
      symbol: `S${String(symbolIndex).padStart(2, '0')}`,
      venue: random.chance(0.05) ? null : VENUES[random.int(0, VENUES.length - 1)]!,
      price: random.chance(0.03)
        ? null
        : basePrices[symbolIndex]! * Math.exp(0.03 * random.normal()),
      qty: random.chance(0.02) ? null : random.int(1, 100),
      tsMs,
      userId: random.chance(0.01) ? null : `u${random.int(0, 19_999)}`,
      account: `a${random.int(0, 79)}`,
    });
  }
  const maxTsMs = events.reduce((max, event) => Math.max(max, event.tsMs), -Infinity);
  events.push({
    seq: count,
    symbol: SENTINEL_SYMBOL,
    venue: null,
    price: null,
    qty: null,
    tsMs: maxTsMs + 86_400_000,
    userId: null,
    account: 'a0',
  });
  return { events, wire: events.map((event) => toWire(event, random)) };
}

function toWire(event: OracleEvent, random: Random): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    seq: event.seq,
    symbol: event.symbol,
    ts: random.chance(0.1) ? new Date(event.tsMs).toISOString() : event.tsMs,
    account: event.account,
  };
  const nullable: [string, unknown][] = [
    ['venue', event.venue],
    ['price', event.price],
    ['qty', event.qty],
    ['user_id', event.userId],
  ];
  for (const [name, value] of nullable) {
    if (value !== null) wire[name] = value;
    else if (random.chance(0.5)) wire[name] = null;
  }
  return wire;
}
