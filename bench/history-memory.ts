/**
 * Change-history memory under steady ingest: does a node's heap level off once every view's
 * change history (kept for resuming subscribers, `history.maxAgeMs`) is full?
 *
 * The workload of `npm run bench:retention` in this process (`VaneNode.open` on a fresh lmdb
 * data dir, no transport): 10,000 events/s in batches of 1,000 over 200 devices, a stream with
 * `retention = '20s'`, a TUMBLE view keeping one minute, checkpoints every second. Every 15 s it
 * prints the heap used after a full GC. The history's age is a flag so that a short run shows the
 * plateau: with `--history-seconds 60` the heap should stop growing after a minute.
 *
 * Run: `npm run bench:history-memory` (3 minutes, 60 s history), `-- --seconds 420
 * --history-seconds 300` for the default history.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveConfig, VaneNode } from '../src/node/index.ts';

const { values: flags } = parseArgs({
  options: { seconds: { type: 'string' }, 'history-seconds': { type: 'string' } },
});
const SECONDS = Number(flags.seconds ?? 180);
const HISTORY_SECONDS = Number(flags['history-seconds'] ?? 60);
const gc = (globalThis as { gc?: () => void }).gc;
if (!(SECONDS > 0 && HISTORY_SECONDS > 0) || gc === undefined) {
  process.stderr.write(
    'usage: node --expose-gc --import tsx bench/history-memory.ts [--seconds S] [--history-seconds H]\n',
  );
  process.exit(2);
}

const MiB = 1024 * 1024;
const dir = await mkdtemp(join(tmpdir(), 'vane-bench-history-'));
const node = await VaneNode.open(
  resolveConfig({
    dataDir: join(dir, 'data'),
    logLevel: 'warn',
    checkpointIntervalMs: 1_000,
    history: { maxAgeMs: HISTORY_SECONDS * 1000 },
  }),
);
try {
  await node.executeSql(
    `CREATE STREAM readings (device STRING, temperature DOUBLE, ts TIMESTAMP)
       WITH (timestamp = 'ts', lateness = '5s', retention = '20s');
     CREATE VIEW per_device WITH (keep = '1m') AS
       SELECT device, window_start, count(*) AS n, avg(temperature) AS avg_temp
       FROM TUMBLE(readings, INTERVAL '10' SECOND) GROUP BY device, window_start;`,
    { admin: true },
  );
  console.log(
    `Vane change-history memory: 10,000 events/s for ${SECONDS} s, history ${HISTORY_SECONDS} s; ` +
      new Date().toISOString(),
  );
  console.log('| t (s) | events | heap used after GC (MiB) | RSS (MiB) | view rows |');
  console.log('|---:|---:|---:|---:|---:|');
  const started = Date.now();
  let sent = 0;
  let nextSampleMs = 15_000;
  while (Date.now() - started < SECONDS * 1000) {
    const batchStarted = Date.now();
    const events = Array.from({ length: 1_000 }, (_, k) => ({
      device: `d${(sent + k) % 200}`,
      temperature: 20 + ((sent + k) % 10),
      ts: Date.now(),
    }));
    sent += events.length;
    await node.publish('readings', events);
    const elapsedMs = Date.now() - started;
    if (elapsedMs >= nextSampleMs) {
      nextSampleMs += 15_000;
      gc();
      const { heapUsed, rss } = process.memoryUsage();
      const rows = node.engine.stats().views.per_device?.rows ?? 0;
      console.log(
        `| ${Math.round(elapsedMs / 1000)} | ${sent.toLocaleString('en-US')} | ` +
          `${(heapUsed / MiB).toFixed(1)} | ${(rss / MiB).toFixed(1)} | ${rows} |`,
      );
    }
    const waitMs = 100 - (Date.now() - batchStarted);
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
} finally {
  await node.close();
  await rm(dir, { recursive: true, force: true });
}
