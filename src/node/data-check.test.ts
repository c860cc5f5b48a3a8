import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../catalog/index.ts';
import { LMDB_FILE_NAME, openLmdbStorage } from '../log/index.ts';
import { CatalogJournal } from './catalog-journal.ts';
import { CheckpointStore } from './checkpoint-store.ts';
import { checkDataDir } from './data-check.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A data dir with a catalog of two, checkpoints for both, and 500 batches of 2 events. */
async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vane-check-'));
  dirs.push(dir);
  const storage = await openLmdbStorage(dir);
  const engine = createEngine();
  engine.execute(`
    CREATE STREAM s (id STRING, v DOUBLE);
    CREATE VIEW total AS SELECT count(*) AS n, sum(v) AS sum_v FROM s;
  `);
  await new CatalogJournal(storage.metadata).save(engine);
  const checkpoints = new CheckpointStore(storage.metadata);
  await checkpoints.put('stream', 's', {
    offset: 0,
    savedAtMs: 1,
    state: { checksum: 'STREAMSTATE' },
  });
  await checkpoints.put('view', 'total', { offset: 0, savedAtMs: 1, state: { n: 'VIEWSTATE' } });
  for (let i = 1; i <= 500; i++) {
    await storage.log.append(
      's',
      [
        { id: `e${i}-a`, v: i },
        { id: `BATCH-${i}-MARK`, v: -i },
      ],
      i,
    );
  }
  await storage.close();
  return dir;
}

/** Changes the last character of every copy of `text` in the data file. */
async function damage(dir: string, text: string): Promise<void> {
  const path = join(dir, LMDB_FILE_NAME);
  const bytes = await readFile(path);
  let copies = 0;
  for (let at = bytes.indexOf(text); at !== -1; at = bytes.indexOf(text, at + 1)) {
    bytes[at + text.length - 1] = bytes[at + text.length - 1]! ^ 1;
    copies++;
  }
  expect(copies, text).toBeGreaterThan(0);
  await writeFile(path, bytes);
}

describe('checkDataDir', () => {
  it('reads an intact data dir through, reporting its contents', async () => {
    const dir = await dataDir();
    const seen: number[] = [];
    const report = await checkDataDir(dir, (_, through) => seen.push(through));
    expect(report).toMatchObject({
      catalogEntries: 2,
      checkpoints: 2,
      firstOffset: 1,
      lastOffset: 500,
      batches: 500,
      events: 1000,
      damagedBatches: 0,
      problems: [],
    });
    expect(seen.at(-1)).toBe(500);
  });

  it('reports every damaged batch and checkpoint, and reads on past them', async () => {
    const dir = await dataDir();
    await damage(dir, 'BATCH-123-MARK');
    await damage(dir, 'BATCH-124-MARK');
    await damage(dir, 'BATCH-400-MARK');
    await damage(dir, 'VIEWSTATE');
    const report = await checkDataDir(dir);
    expect(report.batches).toBe(497);
    expect(report.damagedBatches).toBe(3);
    expect(report.checkpoints).toBe(1);
    expect(report.problems.map((problem) => problem.where)).toEqual([
      'checkpoint view total',
      'log batches 123',
      'log batches 124',
      'log batches 400',
    ]);
    expect(report.problems[1]!.message).toContain('fails its checksum');
  });

  it('reports a damaged catalog', async () => {
    const dir = await dataDir();
    await damage(dir, 'sum_v');
    const report = await checkDataDir(dir);
    expect(report.catalogEntries).toBeNull();
    expect(report.problems).toEqual([
      { where: 'catalog', message: 'the stored catalog fails its checksum: it is damaged' },
    ]);
    expect(report.batches).toBe(500);
  });

  it('reports a file that is not a data file, and refuses a directory without one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vane-check-'));
    dirs.push(dir);
    await expect(checkDataDir(dir)).rejects.toThrow(/does not exist: not a Vane data directory/);
    await writeFile(join(dir, LMDB_FILE_NAME), Buffer.alloc(64 * 1024, 7));
    const report = await checkDataDir(dir);
    expect(report.problems).toEqual([
      { where: 'data file', message: expect.stringContaining('is not an LMDB file') as unknown },
    ]);
  });
});
