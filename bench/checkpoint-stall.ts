/**
 * Checkpoint stall benchmark (issue #4): how long does a checkpoint round hold the event loop,
 * and what does it cost, for a view of 100,000 keys?
 *
 * An in-process node on a fresh lmdb data dir (`VaneNode.open`, no transport) with one stream and
 * a view of count/sum/avg per key over 100,000 keys, filled through the ingest path. Then, while
 * a producer keeps publishing 10,000 events/s, it runs checkpoint rounds and records the event
 * loop's delay (perf_hooks.monitorEventLoopDelay, 1 ms resolution) during each round against a
 * baseline window without one. It prints per round the duration, the longest stall the round
 * measured itself, the loop delay max and p99, and the size of the stored record.
 *
 * Run: `npm run bench:checkpoint` (about a minute), `-- --keys 300000`, `-- --rounds 5`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { resolveConfig, VaneNode } from '../src/node/index.ts';

const { values: flags } = parseArgs({
  options: { keys: { type: 'string' }, rounds: { type: 'string' } },
});
const KEYS = Number(flags.keys ?? 100_000);
const ROUNDS = Number(flags.rounds ?? 5);
const BATCH = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ms = (nanoseconds: number) => (nanoseconds / 1e6).toFixed(1);

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vane-bench-checkpoint-'));
  const node = await VaneNode.open(
    resolveConfig({
      dataDir: join(dir, 'data'),
      logLevel: 'warn',
      // Rounds are run by hand below.
      checkpointIntervalMs: 3_600_000,
    }),
  );
  try {
    await node.executeSql(
      `CREATE STREAM readings (device STRING, value DOUBLE, ts TIMESTAMP) WITH (timestamp = 'ts');
       CREATE VIEW per_device AS
         SELECT device, count(*) AS n, sum(value) AS total, avg(value) AS mean
         FROM readings GROUP BY device;`,
      { admin: true },
    );
    let sent = 0;
    const batch = (): Record<string, unknown>[] => {
      const now = Date.now();
      return Array.from({ length: BATCH }, () => {
        const n = sent++;
        return { device: `device-${n % KEYS}`, value: n % 1000, ts: now };
      });
    };
    const loadStarted = performance.now();
    const inFlight: Promise<unknown>[] = [];
    while (sent < KEYS) {
      inFlight.push(node.publish('readings', batch()));
      if (inFlight.length >= 16) await Promise.all(inFlight.splice(0));
    }
    await Promise.all(inFlight);
    console.log(
      `Vane checkpoint stall: a view of ${KEYS.toLocaleString('en-US')} keys ` +
        `(count/sum/avg), filled in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s; ` +
        `10,000 events/s published meanwhile; ${new Date().toISOString()}`,
    );

    // A steady producer: one batch of 1,000 every 100 ms.
    let producing = true;
    const producer = (async () => {
      while (producing) {
        await node.publish('readings', batch());
        await sleep(100);
      }
    })();

    const delay = monitorEventLoopDelay({ resolution: 1 });
    await sleep(500);
    delay.enable();
    await sleep(3_000);
    delay.disable();
    console.log(
      `baseline (3 s, no checkpoint): loop delay max ${ms(delay.max)} ms, p99 ${ms(delay.percentile(99))} ms`,
    );
    console.log(
      '| round | duration (ms) | longest stall, self-measured (ms) | loop delay max (ms) | loop delay p99 (ms) |',
    );
    console.log('|---:|---:|---:|---:|---:|');
    for (let round = 1; round <= ROUNDS; round++) {
      delay.reset();
      delay.enable();
      const started = performance.now();
      await node.checkpointRound();
      const duration = performance.now() - started;
      delay.disable();
      const stall = await metric(node, 'vane_checkpoint_last_stall_seconds');
      console.log(
        `| ${round} | ${duration.toFixed(0)} | ${(stall * 1000).toFixed(1)} | ${ms(delay.max)} | ` +
          `${ms(delay.percentile(99))} |`,
      );
      await sleep(500);
    }
    producing = false;
    await producer;
    const state = node.engine.stats().views.per_device!;
    console.log(`view rows at the end: ${state.rows.toLocaleString('en-US')}`);
  } finally {
    await node.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function metric(node: VaneNode, name: string): Promise<number> {
  const text = await node.metrics.render();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? NaN : Number(line.slice(name.length + 1));
}

await main();
