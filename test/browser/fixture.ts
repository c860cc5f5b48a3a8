/**
 * The dashboard tests' world: a real Vane server (lmdb data dir, dev mode, loopback) with a small
 * schema of trades and sensor readings, and a publisher that feeds it through the SDK a few
 * times a second: prices random-walk per symbol, temperatures wobble per device, and `heat()`
 * pushes one device over the alert threshold. scripts/screenshot.ts uses it too.
 */
import WebSocket from 'ws';
import { connect, type VaneClient } from '../../src/client/index.ts';
import { resolveConfig, startServer, type VaneServer } from '../../src/node/index.ts';
import { Prng } from '../../src/util/index.ts';

export const SCHEMA = `
CREATE STREAM trades (symbol STRING, price DOUBLE, qty DOUBLE, ts TIMESTAMP, trade_id STRING)
  WITH (timestamp = 'ts', id = 'trade_id', lateness = '5s');
CREATE VIEW last_price WITH (emit_interval = '100ms') AS
  SELECT symbol, last(price) AS price, ewma(price, 0.2) AS trend, sum(qty) AS volume,
         count(*) AS trades
  FROM trades GROUP BY symbol;
CREATE VIEW ohlc_10s WITH (emit_interval = '250ms') AS
  SELECT symbol, window_start, first(price) AS open, max(price) AS high, min(price) AS low,
         last(price) AS close, count(*) AS trades
  FROM TUMBLE(trades, INTERVAL '10' SECOND)
  GROUP BY symbol, window_start, window_end;
CREATE STREAM readings (device STRING, temp DOUBLE, ts TIMESTAMP, reading_id STRING)
  WITH (timestamp = 'ts', id = 'reading_id', lateness = '5s');
CREATE VIEW device_temp WITH (emit_interval = '100ms') AS
  SELECT device, last(temp) AS temp, avg(temp) AS avg_temp, max(temp) AS max_temp,
         count(*) AS readings
  FROM readings GROUP BY device;
CREATE VIEW overheating WITH (emit_interval = '100ms') AS
  SELECT device, window_start, avg(temp) AS avg_temp, max(temp) AS max_temp, count(*) AS readings
  FROM TUMBLE(readings, INTERVAL '5' SECOND)
  GROUP BY device, window_start, window_end
  HAVING avg(temp) > 90;
`;

export const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'NFLX'];
export const DEVICES = ['dock-1', 'dock-2', 'press-1', 'press-2', 'oven-1', 'oven-2'];

/** A server on 127.0.0.1 (port 0 = any) over `dataDir`, silent, no auth. */
export function startFixtureServer(dataDir: string, port = 0): Promise<VaneServer> {
  return startServer(
    resolveConfig({
      host: '127.0.0.1',
      port,
      dataDir,
      dev: true,
      logLevel: (process.env['FIXTURE_LOG'] as 'info' | undefined) ?? 'silent',
      tickMs: 20,
    }),
  );
}

/**
 * Publishes a batch of trades and readings every `everyMs` through the SDK. The SDK queues
 * batches while the server is away and resends them after the reconnect (ids de-duplicate).
 */
export class Publisher {
  readonly client: VaneClient;
  private readonly prng = new Prng(7);
  private readonly random = (): number => this.prng.next();
  private readonly prices = new Map(SYMBOLS.map((symbol, i) => [symbol, 80 + i * 35]));
  private readonly hot = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private sequence = 0;
  published = 0;

  constructor(wsUrl: string) {
    this.client = connect(wsUrl, {
      WebSocket,
      reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
    });
  }

  start(everyMs = 100): void {
    this.timer = setInterval(() => this.tick(), everyMs);
  }

  /** From now on `device` reads above 90 degrees: its `overheating` window fires. */
  heat(device: string): void {
    this.hot.add(device);
  }

  stop(): void {
    clearInterval(this.timer);
    this.client.close();
  }

  private tick(): void {
    const now = Date.now();
    const trades = SYMBOLS.map((symbol) => {
      const price = this.prices.get(symbol)! * (1 + (this.random() - 0.5) * 0.01);
      this.prices.set(symbol, price);
      return {
        symbol,
        price: Math.round(price * 100) / 100,
        qty: 1 + Math.floor(this.random() * 50),
        ts: now,
        trade_id: `t${this.sequence++}`,
      };
    });
    const readings = DEVICES.map((device, i) => ({
      device,
      temp: (this.hot.has(device) ? 96 : 58 + i * 3) + (this.random() - 0.5) * 4,
      ts: now,
      reading_id: `r${this.sequence++}`,
    }));
    this.published += trades.length + readings.length;
    this.client.publish('trades', trades).catch(() => undefined);
    this.client.publish('readings', readings).catch(() => undefined);
  }
}
