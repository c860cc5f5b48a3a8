/** `vane check` against data directories made here: intact, damaged, and a reader that dies. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LMDB_FILE_NAME, openLmdbStorage } from '../../src/log/index.ts';
import { runVane } from './run-vane.ts';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vane-cli-check-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A data dir with 300 batches; `damaged` names batches whose event bytes are then changed. */
async function dataDir(name: string, damaged: number[] = []): Promise<string> {
  const dir = join(root, name);
  const storage = await openLmdbStorage(dir);
  for (let i = 1; i <= 300; i++) await storage.log.append('s', [{ id: `ID-${i}-END`, v: i }], i);
  await storage.close();
  const path = join(dir, LMDB_FILE_NAME);
  const bytes = await readFile(path);
  for (const batch of damaged) {
    const text = `ID-${batch}-END`;
    for (let at = bytes.indexOf(text); at !== -1; at = bytes.indexOf(text, at + 1)) {
      bytes[at + text.length - 1] = 'X'.charCodeAt(0);
    }
  }
  await writeFile(path, bytes);
  return dir;
}

describe('vane check', () => {
  it('reports an intact directory and exits 0', async () => {
    const dir = await dataDir('intact');
    const run = await runVane(['check', '--data-dir', dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('300 batches intact (300 events), offsets 1-300');
    expect(run.stdout).toContain('intact: no damage found');
  });

  it('lists each damaged batch and exits 7; --json gives the same as data', async () => {
    const dir = await dataDir('damaged', [17, 250]);
    const run = await runVane(['check', '--data-dir', dir]);
    expect(run.code, run.stderr).toBe(7);
    expect(run.stdout).toContain('298 batches intact (298 events), offsets 1-300, 2 damaged');
    expect(run.stdout).toMatch(/DAMAGED \(2\):\n {2}log batches 17: .*fails its checksum/);
    expect(run.stdout).toMatch(/\n {2}log batches 250: .*fails its checksum/);

    const json = await runVane(['check', '--data-dir', dir, '--json']);
    expect(json.code).toBe(7);
    const report = JSON.parse(json.stdout) as {
      batches: number;
      damagedBatches: number;
      problems: { where: string }[];
      crash: string | null;
    };
    expect(report).toMatchObject({ batches: 298, damagedBatches: 2, crash: null });
    expect(report.problems.map((problem) => problem.where)).toEqual([
      'log batches 17',
      'log batches 250',
    ]);
  });

  it('reports a reader that died reading (as lmdb does on some page damage) and exits 7', async () => {
    const dir = await dataDir('crash');
    const run = await runVane(['check', '--data-dir', dir], {
      env: { VANE_TEST_FAILPOINTS: '1', VANE_FAILPOINTS: 'check.log-slice' },
    });
    expect(run.code, run.stderr).toBe(7);
    expect(run.stdout).toContain(
      'reading the data file killed the reader (SIGKILL) after batch 300 of 300',
    );
    // What the reader had found before it died is reported, not zeros.
    expect(run.stdout).toContain('300 batches intact (300 events), offsets 1-300');
  });

  it('refuses a directory without a data file (exit 1) and a stray argument (exit 2)', async () => {
    const missing = await runVane(['check', '--data-dir', join(root, 'nothing-here')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist: not a Vane data directory');
    const stray = await runVane(['check', 'extra']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain("unexpected argument 'extra'");
  });
});
