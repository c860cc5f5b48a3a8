/**
 * View checkpoint cost: builds a view of 100,000 groups (count/sum/avg, TUMBLE, one key each),
 * then times `checkpointView`, JSON encode and decode, and `restoreView` into a new engine.
 * Run: `node --expose-gc --import tsx bench/engine/checkpoint.ts [groups]`.
 */
import { createEngine, ManualClock } from '../../src/index.ts';

const GROUPS = Number(process.argv[2] ?? 100_000);
const ROUNDS = 5;
const T0 = Date.UTC(2024, 0, 1);
const SQL = `CREATE STREAM trades (symbol STRING, price DOUBLE, qty DOUBLE, ts TIMESTAMP)
    WITH (timestamp = 'ts', lateness = '1s');
  CREATE VIEW v AS SELECT symbol, window_start, count(*) AS n, sum(qty) AS volume,
    avg(price) AS avg_price FROM TUMBLE(trades, INTERVAL '1' MINUTE) GROUP BY symbol, window_start;`;

function engineWithGroups() {
  const engine = createEngine({ clock: new ManualClock(T0) });
  engine.execute(SQL);
  const batch = [];
  for (let i = 0; i < GROUPS; i++) {
    batch.push({
      symbol: `S${i}`,
      price: 100 + (i % 97) / 7,
      qty: 1 + (i % 13),
      ts: T0 + (i % 1000),
    });
    if (batch.length === 1000) {
      engine.ingest('trades', batch);
      batch.length = 0;
    }
  }
  engine.ingest('trades', batch);
  engine.flush();
  return engine;
}

function time<T>(run: () => T): { ms: number; value: T } {
  globalThis.gc?.();
  const start = performance.now();
  const value = run();
  return { ms: performance.now() - start, value };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

const original = engineWithGroups();
const restored = createEngine({ clock: new ManualClock(T0) });
restored.execute(SQL);
const figures = {
  checkpoint: [] as number[],
  stringify: [] as number[],
  parse: [] as number[],
  restore: [] as number[],
};
let bytes = 0;
for (let round = 0; round < ROUNDS; round++) {
  const checkpoint = time(() => original.checkpointView('v'));
  const text = time(() => JSON.stringify(checkpoint.value));
  const data = time(() => JSON.parse(text.value) as unknown);
  const restore = time(() => restored.restoreView('v', data.value));
  figures.checkpoint.push(checkpoint.ms);
  figures.stringify.push(text.ms);
  figures.parse.push(data.ms);
  figures.restore.push(restore.ms);
  bytes = Buffer.byteLength(text.value);
}
if (restored.stats().views.v!.rows !== GROUPS) throw new Error('restore lost rows');
console.log(
  `view checkpoint, ${GROUPS.toLocaleString('en-US')} groups of count/sum/avg (median of ${ROUNDS}):`,
);
for (const [step, values] of Object.entries(figures)) {
  console.log(`  ${step.padEnd(10)} ${median(values).toFixed(1).padStart(8)} ms`);
}
console.log(
  `  JSON size  ${(bytes / 1e6).toFixed(2).padStart(8)} MB (${(bytes / GROUPS).toFixed(0)} bytes per group)`,
);
