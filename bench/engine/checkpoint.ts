/**
 * View checkpoint cost: builds a view of 100,000 groups (count/sum/avg, TUMBLE, one key each),
 * then times
 * - at once: `checkpointView`, JSON encode and decode, and `restoreView` into a new engine;
 * - in slices: `beginViewCheckpoint` stepped with maxMs = 4, one step per event-loop turn (the
 *   longest step is the stall ingest and fan-out see), the text's size, its first read (UTF-8
 *   encoding, which flattens the text built from pieces), and its restore; then the same while a
 *   batch of events arrives every turn, which the frozen view queues and the last steps apply.
 * A step overruns its budget by at most one slice of work (well under 1 ms here), plus whatever
 * the machine adds: a scavenge, or fresh memory for a growing array (slow on some VMs).
 * Run: `node --expose-gc --import tsx bench/engine/checkpoint.ts [groups]`.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createEngine, ManualClock, type Engine } from '../../src/index.ts';

const GROUPS = Number(process.argv[2] ?? 100_000);
const ROUNDS = 5;
const MAX_STEP_MS = 4;
/** Events that arrive per event-loop turn in the "with ingest" runs. */
const EVENTS_PER_TURN = 100;
const T0 = Date.UTC(2024, 0, 1);
const SQL = `CREATE STREAM trades (symbol STRING, price DOUBLE, qty DOUBLE, ts TIMESTAMP)
    WITH (timestamp = 'ts', lateness = '1s');
  CREATE VIEW v AS SELECT symbol, window_start, count(*) AS n, sum(qty) AS volume,
    avg(price) AS avg_price FROM TUMBLE(trades, INTERVAL '1' MINUTE) GROUP BY symbol, window_start;`;

const trade = (i: number) => ({
  symbol: `S${i}`,
  price: 100 + (i % 97) / 7,
  qty: 1 + (i % 13),
  ts: T0 + (i % 1000),
});

function engineWithGroups(): Engine {
  const engine = createEngine({ clock: new ManualClock(T0) });
  engine.execute(SQL);
  const batch = [];
  for (let i = 0; i < GROUPS; i++) {
    batch.push(trade(i));
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

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
const median = (values: number[]) => percentile(values, 0.5);
const ms = (value: number) => `${value.toFixed(1).padStart(8)} ms`;

interface SlicedRun {
  stepsMs: number[];
  longestStepMs: number;
  totalStepMs: number;
  steps: number;
  wallMs: number;
  mostQueued: number;
  json: string;
}

/** Steps a task to its end, one step per turn; `ingest` runs between steps when given. */
async function sliced(engine: Engine, ingest: (() => void) | null): Promise<SlicedRun> {
  globalThis.gc?.();
  const began = performance.now();
  const task = engine.beginViewCheckpoint('v');
  const run: SlicedRun = {
    stepsMs: [],
    longestStepMs: 0,
    totalStepMs: 0,
    steps: 0,
    wallMs: 0,
    mostQueued: 0,
    json: '',
  };
  for (;;) {
    run.mostQueued = Math.max(run.mostQueued, task.queuedEvents);
    const start = performance.now();
    const done = task.step(MAX_STEP_MS);
    const stepMs = performance.now() - start;
    run.steps++;
    run.stepsMs.push(stepMs);
    run.totalStepMs += stepMs;
    run.longestStepMs = Math.max(run.longestStepMs, stepMs);
    if (done) break;
    await nextTurn();
    ingest?.();
  }
  run.wallMs = performance.now() - began;
  run.json = task.json;
  return run;
}

const original = engineWithGroups();
const restored = createEngine({ clock: new ManualClock(T0) });
restored.execute(SQL);
const atOnce = {
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
  atOnce.checkpoint.push(checkpoint.ms);
  atOnce.stringify.push(text.ms);
  atOnce.parse.push(data.ms);
  atOnce.restore.push(restore.ms);
  bytes = Buffer.byteLength(text.value);
}
if (restored.stats().views.v!.rows !== GROUPS) throw new Error('restore lost rows');
console.log(
  `view checkpoint, ${GROUPS.toLocaleString('en-US')} groups of count/sum/avg (median of ${ROUNDS}):`,
);
console.log('at once (checkpointView, then JSON.stringify; one stall of both):');
for (const [step, values] of Object.entries(atOnce)) {
  console.log(`  ${step.padEnd(22)} ${ms(median(values))}`);
}
console.log(
  `  ${'JSON size'.padEnd(22)} ${(bytes / 1e6).toFixed(2).padStart(8)} MB (${(bytes / GROUPS).toFixed(0)} bytes per group)`,
);

const quiet = {
  longest: [] as number[],
  p50: [] as number[],
  p90: [] as number[],
  over: [] as number[],
  total: [] as number[],
  steps: [] as number[],
};
const wall: number[] = [];
const encode: number[] = [];
const parse: number[] = [];
const restore: number[] = [];
let slicedBytes = 0;
for (let round = 0; round < ROUNDS; round++) {
  const run = await sliced(original, null);
  if (run.json !== JSON.stringify(original.checkpointView('v'))) {
    throw new Error('the sliced checkpoint differs from checkpointView');
  }
  quiet.longest.push(run.longestStepMs);
  quiet.p50.push(percentile(run.stepsMs, 0.5));
  quiet.p90.push(percentile(run.stepsMs, 0.9));
  quiet.over.push(run.stepsMs.filter((stepMs) => stepMs > 2 * MAX_STEP_MS).length);
  quiet.total.push(run.totalStepMs);
  quiet.steps.push(run.steps);
  wall.push(run.wallMs);
  const utf8 = time(() => Buffer.from(run.json));
  encode.push(utf8.ms);
  slicedBytes = utf8.value.length;
  const data = time(() => JSON.parse(run.json) as unknown);
  parse.push(data.ms);
  restore.push(time(() => restored.restoreView('v', data.value)).ms);
}
if (restored.stats().views.v!.rows !== GROUPS) throw new Error('restore lost rows');
console.log(`in slices (beginViewCheckpoint, step(${MAX_STEP_MS}) once per event-loop turn):`);
console.log(
  `  ${'longest step (stall)'.padEnd(22)} ${ms(median(quiet.longest))} (median ${median(quiet.p50).toFixed(1)} ms, 90% under ${median(quiet.p90).toFixed(1)} ms, ${median(quiet.over)} over ${2 * MAX_STEP_MS} ms)`,
);
console.log(
  `  ${'total of steps'.padEnd(22)} ${ms(median(quiet.total))} in ${median(quiet.steps)} steps (${ms(median(wall)).trim()} wall)`,
);
console.log(
  `  ${'JSON size'.padEnd(22)} ${(slicedBytes / 1e6).toFixed(2).padStart(8)} MB (${(slicedBytes / GROUPS).toFixed(0)} bytes per group)`,
);
console.log(
  `  ${'first read (UTF-8)'.padEnd(22)} ${ms(median(encode))}  (the caller's, in one go)`,
);
console.log(`  ${'parse'.padEnd(22)} ${ms(median(parse))}`);
console.log(`  ${'restore'.padEnd(22)} ${ms(median(restore))}`);

// The same while events arrive: each turn a batch of new keys, which the frozen view queues.
const busy = {
  longest: [] as number[],
  p90: [] as number[],
  over: [] as number[],
  steps: [] as number[],
  queued: [] as number[],
};
let next = GROUPS;
for (let round = 0; round < ROUNDS; round++) {
  const engine = engineWithGroups();
  const run = await sliced(engine, () => {
    const batch = [];
    for (let i = 0; i < EVENTS_PER_TURN; i++) batch.push(trade(next++));
    engine.ingest('trades', batch);
  });
  busy.longest.push(run.longestStepMs);
  busy.p90.push(percentile(run.stepsMs, 0.9));
  busy.over.push(run.stepsMs.filter((stepMs) => stepMs > 2 * MAX_STEP_MS).length);
  busy.steps.push(run.steps);
  busy.queued.push(run.mostQueued);
}
console.log(
  `in slices while ${EVENTS_PER_TURN} events arrive per turn (queued while frozen, applied by the last steps):`,
);
console.log(
  `  ${'longest step'.padEnd(22)} ${ms(median(busy.longest))} (90% under ${median(busy.p90).toFixed(1)} ms, ${median(busy.over)} over ${2 * MAX_STEP_MS} ms)`,
);
console.log(
  `  ${'steps'.padEnd(22)} ${median(busy.steps).toString().padStart(8)}    (at most ${median(busy.queued).toLocaleString('en-US')} events queued)`,
);
