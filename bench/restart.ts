/**
 * Restart benchmark (issue #4): how long a server killed with SIGKILL takes to serve again, with
 * 1,000,000 events in its log and a checkpoint about 5 s old (about 50,000 events to replay).
 *
 * The server runs as `node bin/vane.js serve` on a fresh lmdb data dir. The script publishes
 * 1,000,000 events with ids over HTTP, waits for the next checkpoint round (`/metrics`; rounds every
 * 10 s here), publishes 10,000 events/s for 5 s more, reads the views, then kills the server with SIGKILL and restarts it
 * on the same data dir, `--rounds` times. It prints, per restart, the time from spawn to `/readyz`,
 * the server's own recovery time (from its start-up log line), the time until a resend of the
 * last 5,000 events is acknowledged (as duplicates: the ids were re-learned), and checks that every
 * view equals its state before the kill. A baseline spawn on an empty data dir shows the cost of
 * starting Node and compiling the TypeScript, which every start pays.
 *
 * Run: `npm run bench:restart` (about 2 minutes), `-- --rounds 5`, `-- --events 200000`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { freePort } from './free-port.ts';

const { values: flags } = parseArgs({
  options: { rounds: { type: 'string' }, events: { type: 'string' } },
});
const ROUNDS = Number(flags.rounds ?? 3);
const EVENTS = Number(flags.events ?? 1_000_000);
const TAIL_EVENTS_PER_SECOND = 10_000;
const TAIL_SECONDS = 5;
/** Longer than the tail, so the last checkpoint is TAIL_SECONDS old at the kill. */
const CHECKPOINT_INTERVAL_MS = 10_000;
const BATCH = 2_000;
const SYMBOLS = 1_000;
const VANE_BIN = fileURLToPath(new URL('../bin/vane.js', import.meta.url));

const SCHEMA = `
CREATE STREAM trades (id STRING, symbol STRING, price DOUBLE, qty DOUBLE, ts TIMESTAMP)
  WITH (timestamp = 'ts', id = 'id', lateness = '1h');
CREATE VIEW per_second AS
  SELECT symbol, window_start, count(*) AS n, sum(qty) AS volume
  FROM TUMBLE(trades, INTERVAL '1' SECOND) GROUP BY symbol, window_start;
CREATE VIEW by_symbol AS
  SELECT symbol, count(*) AS n, avg(price) AS avg_price, last(price) AS price
  FROM trades GROUP BY symbol;
CREATE VIEW sessions AS
  SELECT symbol, window_start, window_end, count(*) AS n
  FROM SESSION(trades, INTERVAL '2' SECOND) GROUP BY symbol, window_start, window_end;`;
const VIEWS = ['per_second', 'by_symbol', 'sessions'];

interface Started {
  child: ChildProcess;
  spawnedAt: number;
  readyMs: number;
  output: string[];
}

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

async function start(port: number, dataDir: string, initFile: string): Promise<Started> {
  const spawnedAt = performance.now();
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
      String(CHECKPOINT_INTERVAL_MS),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  const output: string[] = [];
  const keep = (chunk: Buffer) => output.push(...chunk.toString('utf8').split('\n'));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${output.join('\n')}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - spawnedAt > 60_000) throw new Error('server not ready in 60 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { child, spawnedAt, readyMs: performance.now() - spawnedAt, output };
}

async function kill(started: Started): Promise<void> {
  const exited = new Promise((resolve) => started.child.once('exit', resolve));
  started.child.kill('SIGKILL');
  await exited;
}

function events(from: number, count: number, baseMs: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return {
      id: `e${n}`,
      symbol: `S${n % SYMBOLS}`,
      price: 100 + (n % 97) * 0.5,
      qty: 1 + (n % 10),
      ts: baseMs + Math.floor(n / 50),
    };
  });
}

async function publish(port: number, batch: Record<string, unknown>[]) {
  const response = await fetch(`http://127.0.0.1:${port}/v1/streams/trades/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(batch),
  });
  if (!response.ok) throw new Error(`publish failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { accepted: number; duplicates: number };
}

/** Publishes in batches that fit the payload limit; sums the answers. */
async function publishAll(port: number, all: Record<string, unknown>[]) {
  const total = { accepted: 0, duplicates: 0 };
  for (let at = 0; at < all.length; at += BATCH) {
    const answer = await publish(port, all.slice(at, at + BATCH));
    total.accepted += answer.accepted;
    total.duplicates += answer.duplicates;
  }
  return total;
}

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? NaN : Number(line.slice(name.length + 1));
}

async function viewRows(port: number): Promise<string[]> {
  const states: string[] = [];
  for (const view of VIEWS) {
    const answer = (await (await fetch(`http://127.0.0.1:${port}/v1/views/${view}`)).json()) as {
      rows: unknown[];
    };
    states.push(
      answer.rows
        .map((row) => JSON.stringify(row))
        .sort()
        .join('\n'),
    );
  }
  return states;
}

function logLine(output: string[], message: string): Record<string, unknown> | undefined {
  for (const line of output) {
    if (!line.includes(message)) continue;
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      // not a JSON log line
    }
  }
  return undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function fileMiB(path: string): string {
  return (
    Number(execFileSync('du', ['-sk', path], { encoding: 'utf8' }).split('\t')[0]) / 1024
  ).toFixed(1);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vane-bench-restart-'));
  try {
    const initFile = join(dir, 'schema.sql');
    await writeFile(initFile, SCHEMA);
    const port = await freePort();
    console.log(
      `Vane restart benchmark: ${EVENTS.toLocaleString('en-US')} events in the log, checkpoint ` +
        `every ${CHECKPOINT_INTERVAL_MS / 1000} s, ${TAIL_SECONDS} s of ${TAIL_EVENTS_PER_SECOND.toLocaleString('en-US')} ` +
        `events/s after the last checkpoint, then SIGKILL; ${ROUNDS} restarts; ${new Date().toISOString()}`,
    );

    const baseline = await start(port, join(dir, 'empty'), initFile);
    await kill(baseline);
    console.log(`baseline: spawn → ready on an empty data dir: ${baseline.readyMs.toFixed(0)} ms`);

    const dataDir = join(dir, 'data');
    let server = await start(port, dataDir, initFile);
    const baseMs = Date.now() - 3_600_000;
    const loadStarted = performance.now();
    for (let from = 0; from < EVENTS; from += BATCH * 8) {
      await Promise.all(
        [0, 1, 2, 3, 4, 5, 6, 7]
          .map((lane) => from + lane * BATCH)
          .filter((at) => at < EVENTS)
          .map((at) => publish(port, events(at, Math.min(BATCH, EVENTS - at), baseMs))),
      );
    }
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    console.log(
      `loaded ${EVENTS.toLocaleString('en-US')} events in ${loadSeconds.toFixed(1)} s ` +
        `(${Math.round(EVENTS / loadSeconds).toLocaleString('en-US')} events/s over HTTP)`,
    );
    const rounds = await metric(port, 'vane_checkpoints_total');
    while ((await metric(port, 'vane_checkpoints_total')) === rounds) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const tailBatch = TAIL_EVENTS_PER_SECOND / 10;
    let next = EVENTS;
    const tailStarted = performance.now();
    for (let i = 0; i < TAIL_SECONDS * 10; i++) {
      await publishAll(port, events(next, tailBatch, baseMs));
      next += tailBatch;
      const due = tailStarted + (i + 1) * 100;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const expected = await viewRows(port);
    const checkpointStall = await metric(port, 'vane_checkpoint_last_stall_seconds');
    const checkpointSeconds = await metric(port, 'vane_checkpoint_last_duration_seconds');
    await kill(server);
    console.log(
      `killed with ${next.toLocaleString('en-US')} events logged; data dir ${fileMiB(dataDir)} MiB; ` +
        `last checkpoint round ${(checkpointSeconds * 1000).toFixed(0)} ms, longest stall ` +
        `${(checkpointStall * 1000).toFixed(1)} ms`,
    );

    const readyMs: number[] = [];
    const recoveryMs: number[] = [];
    const idsMs: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      server = await start(port, dataDir, initFile);
      const resend = await publishAll(port, events(next - 5_000, 5_000, baseMs));
      const acked = performance.now() - server.spawnedAt;
      const same = JSON.stringify(await viewRows(port)) === JSON.stringify(expected);
      const ready = logLine(server.output, 'vane node ready');
      const recovery = (ready?.recovery ?? {}) as Record<string, number>;
      readyMs.push(server.readyMs);
      recoveryMs.push(recovery.durationMs ?? NaN);
      idsMs.push(acked);
      console.log(
        `restart ${round}: spawn → ready ${server.readyMs.toFixed(0)} ms; recovery ` +
          `${(recovery.durationMs ?? NaN).toFixed(0)} ms (${recovery.replayedEvents ?? '?'} events ` +
          `replayed); resend of 5,000 acknowledged at ${acked.toFixed(0)} ms ` +
          `(${resend.duplicates} duplicates, ${resend.accepted} new); views equal: ${same}`,
      );
      if (!same || resend.accepted !== 0) process.exitCode = 1;
      await kill(server);
    }
    console.log(
      `\nmedian of ${ROUNDS}: spawn → ready ${median(readyMs).toFixed(0)} ms (floor < 2,000); ` +
        `recovery ${median(recoveryMs).toFixed(0)} ms; spawn → resend acknowledged ` +
        `${median(idsMs).toFixed(0)} ms; baseline spawn → ready ${baseline.readyMs.toFixed(0)} ms`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
