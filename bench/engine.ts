/**
 * Engine throughput and memory benchmark (issue #2). Prints events/s per scenario (median of
 * rounds, with min-max) and bytes per live key. Run: `npm run bench:engine` (add `-- --quick` for a
 * short run). It is a benchmark, not a test: figures go to BENCHMARKS.md with the command.
 */
import { createEngine, ManualClock } from '../src/index.ts';

interface Scenario {
  name: string;
  sql: string;
  keys: number;
}

const STREAM = `CREATE STREAM trades (symbol STRING, price DOUBLE, qty DOUBLE, ts TIMESTAMP)
  WITH (timestamp = 'ts', lateness = '1s');`;

const BASIC = (name: string) =>
  `CREATE VIEW ${name} AS SELECT symbol, window_start, count(*) AS n, sum(qty) AS volume,
     avg(price) AS avg_price FROM TUMBLE(trades, INTERVAL '1' SECOND) GROUP BY symbol, window_start;`;

const SCENARIOS: Scenario[] = [
  { name: 'count/sum/avg, 1,000 keys, TUMBLE 1s', sql: BASIC('v'), keys: 1000 },
  {
    name: '+ approx_percentile, 1,000 keys, TUMBLE 1s',
    sql: `CREATE VIEW v AS SELECT symbol, window_start, count(*) AS n, sum(qty) AS volume,
      avg(price) AS avg_price, approx_percentile(price, 0.99) AS p99
      FROM TUMBLE(trades, INTERVAL '1' SECOND) GROUP BY symbol, window_start;`,
    keys: 1000,
  },
  {
    name: 'HOP 10s slide / 1 min size, count/sum/avg, 1,000 keys',
    sql: `CREATE VIEW v AS SELECT symbol, window_start, count(*) AS n, sum(qty) AS volume,
      avg(price) AS avg_price FROM HOP(trades, INTERVAL '10' SECOND, INTERVAL '1' MINUTE)
      GROUP BY symbol, window_start;`,
    keys: 1000,
  },
  {
    name: 'SESSION 5s gap, count/sum/max, 1,000 keys',
    sql: `CREATE VIEW v AS SELECT symbol, window_start, count(*) AS n, sum(qty) AS volume,
      max(price) AS high FROM SESSION(trades, INTERVAL '5' SECOND) GROUP BY symbol, window_start;`,
    keys: 1000,
  },
  {
    name: '10 views on one stream (count/sum/avg, TUMBLE 1s)',
    sql: Array.from({ length: 10 }, (_, i) => BASIC(`v${i}`)).join('\n'),
    keys: 1000,
  },
];

const quick = process.argv.includes('--quick');
const EVENTS = quick ? 1_000_000 : 4_000_000;
const ROUNDS = quick ? 3 : 5;
const BATCH = 1000;
/** Event-time rate: how many events fall into one second of event time. */
const EVENTS_PER_SECOND = 200_000;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Trade = { symbol: string; price: number; qty: number; ts: number };

function makeBatches(keys: number, events: number, sessionGaps: boolean): Trade[][] {
  const random = mulberry32(42);
  const symbols = Array.from({ length: keys }, (_, i) => `SYM${i}`);
  const batches: Trade[][] = [];
  const start = Date.UTC(2026, 0, 1);
  for (let b = 0; b < events / BATCH; b++) {
    const batch: Trade[] = new Array<Trade>(BATCH);
    for (let i = 0; i < BATCH; i++) {
      const n = b * BATCH + i;
      let ts = start + Math.floor((n * 1000) / EVENTS_PER_SECOND) - Math.floor(random() * 500);
      // Sessions need pauses: every 10 s of event time each key goes quiet for 6 s.
      if (sessionGaps) ts += Math.floor(n / (EVENTS_PER_SECOND * 4)) * 6000;
      batch[i] = {
        symbol: symbols[Math.floor(random() * keys)]!,
        price: 100 + random() * 10,
        qty: 1 + Math.floor(random() * 100),
        ts,
      };
    }
    batches.push(batch);
  }
  return batches;
}

interface RoundResult {
  /** Events per second of wall-clock time. */
  eventsPerSecond: number;
  /** Events per second of this process's CPU time: steadier on a shared, noisy machine. */
  eventsPerCpuSecond: number;
  changes: number;
}

function runOnce(scenario: Scenario, batches: Trade[][]): RoundResult {
  const clock = new ManualClock(0);
  const engine = createEngine({ clock });
  engine.execute(STREAM + scenario.sql);
  let changes = 0;
  for (const view of engine.views()) {
    engine.onChanges(
      view.name,
      (batch) => (changes += batch.upserts.length + batch.deletes.length),
    );
  }
  const began = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  for (const batch of batches) {
    engine.ingest('trades', batch);
    // Processing time follows event time, so views emit every 100 ms of it.
    engine.advanceTo(batch[batch.length - 1]!.ts);
  }
  engine.flush();
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const events = batches.length * BATCH;
  return {
    eventsPerSecond: events / seconds,
    eventsPerCpuSecond: events / ((cpu.user + cpu.system) / 1e6),
    changes,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function format(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Heap bytes per key of a running count/sum/avg view: state alone, then with the live rows. */
function memoryPerKey(keys: number): { state: number; withRows: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return { state: NaN, withRows: NaN };
  const clock = new ManualClock(0);
  const engine = createEngine({ clock });
  engine.execute(`${STREAM}
    CREATE VIEW v AS SELECT symbol, count(*) AS n, sum(qty) AS volume, avg(price) AS avg_price
    FROM trades GROUP BY symbol;`);
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let b = 0; b < keys / BATCH; b++) {
    const batch = Array.from({ length: BATCH }, (_, i) => ({
      symbol: `key-${b * BATCH + i}`,
      price: 1.5,
      qty: 2,
      ts: 1000,
    }));
    engine.ingest('trades', batch);
  }
  gc();
  const state = process.memoryUsage().heapUsed;
  engine.flush();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (engine.stats().views.v!.rows !== keys) throw new Error('memory run lost keys');
  return { state: (state - before) / keys, withRows: (after - before) / keys };
}

console.log(
  `Vane engine benchmark: ${format(EVENTS)} events per round, ${ROUNDS} rounds, batches of ${BATCH}`,
);
console.log(`node ${process.version}, ${process.platform}/${process.arch}\n`);
for (const scenario of SCENARIOS) {
  const batches = makeBatches(scenario.keys, EVENTS, scenario.name.startsWith('SESSION'));
  runOnce(scenario, batches.slice(0, 200)); // warm-up
  const rates: number[] = [];
  const cpuRates: number[] = [];
  let changes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const result = runOnce(scenario, batches);
    rates.push(result.eventsPerSecond);
    cpuRates.push(result.eventsPerCpuSecond);
    changes = result.changes;
  }
  console.log(
    `${scenario.name.padEnd(52)} ${format(median(rates)).padStart(11)} events/s ` +
      `(min ${format(Math.min(...rates))}, max ${format(Math.max(...rates))}); ` +
      `${format(median(cpuRates))} per CPU-second; ${format(changes)} changes emitted`,
  );
}
const keys = quick ? 200_000 : 1_000_000;
const bytes = memoryPerKey(keys);
console.log(
  Number.isNaN(bytes.state)
    ? '\nmemory per key: run with node --expose-gc (npm run bench:engine does) to measure'
    : `\nmemory per key (running count/sum/avg, ${format(keys)} keys): ` +
        `${bytes.state.toFixed(0)} bytes of state (group, aggregates, key, map entry); ` +
        `${bytes.withRows.toFixed(0)} bytes with the live row`,
);
