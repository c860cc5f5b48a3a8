import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { crashBatch, type CrashBatchSize } from './crash-batch.fixture.ts';
import { openLmdbStorage } from './lmdb.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const WRITER = fileURLToPath(new URL('./crash-writer.fixture.ts', import.meta.url));

/** A run that takes longer is killed and fails the test, so no writer outlives it. */
const RUN_LIMIT_MS = 20_000;

interface Run {
  lines: string[];
  timedOut: boolean;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs the crash writer; `killAfterReadyMs` SIGKILLs it that long after it says `ready`.
 * Only complete lines count: a line is written whole, so a cut one was never printed.
 */
function runWriter(
  dataDir: string,
  mode: 'kill' | 'fill',
  options: { killAfterReadyMs?: number; fileSizeLimitBlocks?: number },
): Promise<Run> {
  const node = [process.execPath, '--import', 'tsx', WRITER, dataDir, mode];
  const limit = options.fileSizeLimitBlocks;
  const [command, ...args] =
    limit === undefined
      ? node
      : ['/bin/sh', '-c', `ulimit -f ${limit} && exec "$@"`, 'sh', ...node];
  // cwd: where `--import tsx` resolves from, whatever directory the tests run in.
  const child = spawn(command!, args, { cwd: HERE, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let killTimer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const limitTimer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, RUN_LIMIT_MS);
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    if (!stdout.startsWith('ready\n') && (stdout + chunk).startsWith('ready\n')) {
      if (options.killAfterReadyMs !== undefined) {
        killTimer = setTimeout(() => child.kill('SIGKILL'), options.killAfterReadyMs);
      }
    }
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      clearTimeout(killTimer);
      clearTimeout(limitTimer);
      const complete = stdout.slice(0, stdout.lastIndexOf('\n') + 1);
      resolve({ lines: complete.split('\n').filter(Boolean), timedOut, exitCode, signal, stderr });
    });
  });
}

/** The `ack <offset> <id>` lines as [offset, id] pairs. */
function acks(lines: string[]): [number, number][] {
  return lines
    .filter((line) => line.startsWith('ack '))
    .map((line) => line.split(' ').slice(1).map(Number) as [number, number]);
}

/** Reopens the data dir and checks every acknowledged batch is there, whole, without gaps. */
async function expectAcknowledgedBatchesStored(
  dataDir: string,
  acknowledged: [number, number][],
  size: CrashBatchSize,
): Promise<number> {
  const storage = await openLmdbStorage(dataDir);
  try {
    const { log } = storage;
    const lastAcknowledged = Math.max(...acknowledged.map(([offset]) => offset));
    expect(log.firstOffset).toBe(1);
    expect(log.lastOffset).toBeGreaterThanOrEqual(lastAcknowledged);
    const stored = new Map<number, unknown>();
    let expected = 1;
    for (const entry of log.read(1)) {
      expect(entry.offset).toBe(expected++);
      stored.set(entry.offset, {
        stream: entry.stream,
        arrivalMs: entry.arrivalMs,
        events: entry.events,
      });
    }
    expect(expected - 1).toBe(log.lastOffset);
    for (const [offset, id] of acknowledged) {
      expect(stored.get(offset), `acknowledged batch ${id} at offset ${offset}`).toEqual(
        crashBatch(id, size),
      );
    }
    // One writer from an empty log: batches unacknowledged at the crash are whole too.
    for (const [offset, batch] of stored) expect(batch).toEqual(crashBatch(offset, size));
    return log.lastOffset;
  } finally {
    await storage.close();
  }
}

describe('LmdbEventLog under crashes and write failures', () => {
  const dirs: string[] = [];

  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  const newDataDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'vane-crash-'));
    dirs.push(dir);
    return join(dir, 'data');
  };

  it('loses no acknowledged batch when the writer is killed with SIGKILL', async () => {
    const dataDir = await newDataDir();
    const run = await runWriter(dataDir, 'kill', { killAfterReadyMs: 1000 });
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.signal, run.stderr).toBe('SIGKILL');
    const acknowledged = acks(run.lines);
    expect(acknowledged.length).toBeGreaterThan(100);
    for (const [offset, id] of acknowledged) expect(offset).toBe(id);

    const lastOffset = await expectAcknowledgedBatchesStored(dataDir, acknowledged, 'small');

    const storage = await openLmdbStorage(dataDir);
    const metaAcks = run.lines
      .filter((line) => line.startsWith('meta '))
      .map((line) => Number(line.slice(5)));
    expect(metaAcks.length).toBeGreaterThan(0);
    expect(storage.metadata.get('crash/counter')).toBeGreaterThanOrEqual(Math.max(...metaAcks));
    expect(await storage.log.append('s', [{ id: 'next' }], 0)).toBe(lastOffset + 1);
    await storage.close();
  }, 30_000);

  it.skipIf(process.platform === 'win32')(
    'refuses appends after a failed write and leaves no gap (file size limit)',
    async () => {
      const dataDir = await newDataDir();
      const run = await runWriter(dataDir, 'fill', { fileSizeLimitBlocks: 8192 });
      expect(run.timedOut, run.stderr).toBe(false);
      expect(run.exitCode, run.stderr).toBe(0);
      const failed = run.lines.filter((line) => line.startsWith('failed '));
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatch(/ STORAGE_ERROR$/);
      const rejected = run.lines.filter((line) => line.startsWith('rejected '));
      expect(rejected.every((line) => line.endsWith(' STORAGE_ERROR'))).toBe(true);
      expect(run.lines).toContainEqual(expect.stringMatching(/^refused \d+ STORAGE_ERROR$/));
      expect(run.lines.at(-1)).toBe('closed');
      const acknowledged = acks(run.lines);
      expect(acknowledged.length).toBeGreaterThan(10);

      const lastOffset = await expectAcknowledgedBatchesStored(dataDir, acknowledged, 'large');
      expect(lastOffset).toBe(Math.max(...acknowledged.map(([offset]) => offset)));
      const storage = await openLmdbStorage(dataDir);
      expect(await storage.log.append('s', [{ id: 'after reopen' }], 0)).toBe(lastOffset + 1);
      await storage.close();
    },
    30_000,
  );
});
