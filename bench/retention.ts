/**
 * Log retention benchmark (issue #4): under steady load, does the data directory stop growing?
 *
 * Runs `node bin/vane.js serve` on a fresh lmdb data dir with a stream that keeps 20 s of events
 * (`retention = '20s'`, no id column, so no de-duplication horizon holds the log longer) and a
 * view over it, checkpoints every second, and publishes 10,000 events/s over HTTP for the whole
 * run. Every 10 s it prints the data directory's size, the batches retention deleted so far and
 * the server's RSS. A flat size after the first ~30 s is the pass; the figures go to
 * BENCHMARKS.md.
 *
 * Run: `npm run bench:retention` (3 minutes), `-- --seconds 600` for a longer run.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from './free-port.ts';

const { values: flags } = parseArgs({ options: { seconds: { type: 'string' } } });
const SECONDS = Number(flags.seconds ?? 180);
const EVENTS_PER_SECOND = 10_000;
const BATCH = 1_000;
const VANE_BIN = fileURLToPath(new URL('../bin/vane.js', import.meta.url));
const SCHEMA = `
CREATE STREAM readings (device STRING, temperature DOUBLE, ts TIMESTAMP)
  WITH (timestamp = 'ts', lateness = '5s', retention = '20s');
CREATE VIEW per_device WITH (keep = '1m') AS
  SELECT device, window_start, count(*) AS n, avg(temperature) AS avg_temp
  FROM TUMBLE(readings, INTERVAL '10' SECOND) GROUP BY device, window_start;`;

function dirKiB(path: string): number {
  return Number(execFileSync('du', ['-sk', path], { encoding: 'utf8' }).split('\t')[0]);
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kib / 1024;
}

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vane-bench-retention-'));
  const dataDir = join(dir, 'data');
  const initFile = join(dir, 'schema.sql');
  await writeFile(initFile, SCHEMA);
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      VANE_BIN,
      'serve',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--init',
      initFile,
      '--checkpoint-interval',
      '1000',
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  process.on('exit', () => child.kill('SIGKILL'));
  try {
    for (let ready = false; !ready;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (response) => response.ok,
        () => false,
      );
    }
    console.log(
      `Vane retention benchmark: ${EVENTS_PER_SECOND.toLocaleString('en-US')} events/s for ` +
        `${SECONDS} s, retention '20s', checkpoints every 1 s; ${new Date().toISOString()}`,
    );
    console.log(
      '| time (s) | events published | data dir (MiB) | batches deleted | server RSS (MiB) |',
    );
    console.log('|---:|---:|---:|---:|---:|');
    const started = performance.now();
    let sent = 0;
    let nextReport = 10;
    const batchesPerSecond = EVENTS_PER_SECOND / BATCH;
    for (let i = 0; ; i++) {
      const due = started + (i * 1000) / batchesPerSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const elapsed = (performance.now() - started) / 1000;
      if (elapsed >= nextReport) {
        const deleted = await metric(port, 'vane_log_truncated_batches_total');
        console.log(
          `| ${nextReport} | ${sent.toLocaleString('en-US')} | ${(dirKiB(dataDir) / 1024).toFixed(1)} | ` +
            `${deleted.toLocaleString('en-US')} | ${rssMiB(child.pid!).toFixed(0)} |`,
        );
        nextReport += 10;
      }
      if (elapsed >= SECONDS) break;
      const now = Date.now();
      const events = Array.from({ length: BATCH }, (_, k) => ({
        device: `d${(sent + k) % 200}`,
        temperature: 20 + ((sent + k) % 100) / 10,
        ts: now,
      }));
      const response = await fetch(`http://127.0.0.1:${port}/v1/streams/readings/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(events),
      });
      if (!response.ok) throw new Error(`publish failed: ${response.status}`);
      sent += BATCH;
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
