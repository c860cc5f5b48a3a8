/**
 * A small runnable example of the embedded engine: a generated stream of stock trades flows
 * through two continuous views, and their live rows are printed as they change.
 *
 *   npm start                 # runs for 10 seconds
 *   npm start -- --seconds 60
 */
import { createEngine, systemClock, type ChangeBatch } from '../src/index.ts';

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'AMD'];
const secondsArg = process.argv.indexOf('--seconds');
const runSeconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 10;

const engine = createEngine({ clock: systemClock });
engine.execute(`
  CREATE STREAM trades (symbol STRING, price DOUBLE, qty DOUBLE, ts TIMESTAMP, trade_id STRING)
    WITH (timestamp = 'ts', id = 'trade_id', lateness = '500ms');

  -- Candles over 5-second windows: open, high, low, close, volume-weighted average price.
  CREATE VIEW candles_5s WITH (emit_interval = '1s') AS
    SELECT symbol, window_start,
           first(price) AS open, max(price) AS high, min(price) AS low, last(price) AS close,
           sum(price * qty) / sum(qty) AS vwap, sum(qty) AS volume, count(*) AS trades
    FROM TUMBLE(trades, INTERVAL '5' SECOND)
    GROUP BY symbol, window_start;

  -- The latest price per symbol with a smoothed trend and a short-term forecast.
  CREATE VIEW last_price WITH (emit_interval = '1s') AS
    SELECT symbol, last(price) AS price, ewma(price, 0.2) AS trend,
           forecast(price, 10) AS next_10, count(*) AS trades
    FROM trades GROUP BY symbol;
`);

/** The live tables, kept from the change batches exactly as a subscriber would. */
const tables = new Map<string, Map<string, Record<string, unknown>>>();
function apply(batch: ChangeBatch, key: string[]): void {
  const table = tables.get(batch.view) ?? new Map<string, Record<string, unknown>>();
  tables.set(batch.view, table);
  const keyOf = (row: Record<string, unknown>) =>
    key.map((column) => String(row[column])).join('|');
  for (const row of batch.deletes) table.delete(keyOf(row));
  for (const row of batch.upserts) table.set(keyOf(row), row);
}
for (const view of engine.views()) engine.onChanges(view.name, (batch) => apply(batch, view.key));

const prices = new Map(SYMBOLS.map((symbol, i) => [symbol, 100 + i * 40]));
let tradeId = 0;
function produce(): void {
  const now = systemClock.now();
  const events = Array.from({ length: 50 }, () => {
    const symbol = SYMBOLS[Math.floor(Math.random() * SYMBOLS.length)]!;
    const price = Math.max(1, prices.get(symbol)! * (1 + (Math.random() - 0.5) * 0.004));
    prices.set(symbol, price);
    return {
      symbol,
      price: Math.round(price * 100) / 100,
      qty: 1 + Math.floor(Math.random() * 200),
      ts: now - Math.floor(Math.random() * 300),
      trade_id: `t${++tradeId}`,
    };
  });
  engine.ingest('trades', events);
  engine.advanceTo(now);
}

function fixed(value: unknown, digits = 2): string {
  return typeof value === 'number' ? value.toFixed(digits) : String(value);
}

function render(): void {
  const lines: string[] = [];
  lines.push(`last_price (${tradeId} trades so far)`);
  lines.push('symbol      price     trend   next_10   trades');
  const last = [...(tables.get('last_price')?.values() ?? [])].sort((a, b) =>
    String(a.symbol).localeCompare(String(b.symbol)),
  );
  for (const row of last) {
    lines.push(
      `${String(row.symbol).padEnd(8)}${fixed(row.price).padStart(9)}${fixed(row.trend).padStart(10)}` +
        `${fixed(row.next_10).padStart(10)}${String(row.trades).padStart(9)}`,
    );
  }
  lines.push('', 'candles_5s (latest window per symbol)');
  lines.push(
    'symbol  window_start                open     high      low    close     vwap   volume',
  );
  const latest = new Map<string, Record<string, unknown>>();
  for (const row of tables.get('candles_5s')?.values() ?? []) {
    const seen = latest.get(String(row.symbol));
    if (!seen || String(row.window_start) > String(seen.window_start))
      latest.set(String(row.symbol), row);
  }
  for (const row of [...latest.values()].sort((a, b) =>
    String(a.symbol).localeCompare(String(b.symbol)),
  )) {
    lines.push(
      `${String(row.symbol).padEnd(8)}${String(row.window_start).padEnd(26)}` +
        ['open', 'high', 'low', 'close', 'vwap'].map((c) => fixed(row[c]).padStart(9)).join('') +
        String(row.volume).padStart(9),
    );
  }
  console.log(`\n${lines.join('\n')}`);
}

const producer = setInterval(produce, 20);
const printer = setInterval(render, 1000);
setTimeout(() => {
  clearInterval(producer);
  clearInterval(printer);
  engine.flush();
  render();
  const stats = engine.stats();
  console.log(
    `\ndone: ${stats.streams.trades?.events ?? 0} events; ` +
      `late events dropped: ${Object.values(stats.views).reduce((n, v) => n + v.lateEvents, 0)}`,
  );
}, runSeconds * 1000);
