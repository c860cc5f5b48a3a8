import { mkdtemp, rm, readFile, writeFile, mkdir, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { afterEach, describe, expect, it } from 'vitest';
import { VaneError, type ErrorCode } from '../util/index.ts';
import { openLmdbStorage, LMDB_FILE_NAME, type LmdbStorage } from './lmdb.ts';
import { runEventLogContract, runMetadataStoreContract } from './log.contract.ts';

/** The promise rejects with a VaneError of that code whose message contains `message`. */
async function expectRejection(
  promise: Promise<unknown>,
  code: ErrorCode,
  message: string,
): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(VaneError);
  expect(error).toMatchObject({ code });
  expect((error as VaneError).message).toContain(message);
}

async function appendThree(storage: LmdbStorage): Promise<void> {
  for (let i = 1; i <= 3; i++) await storage.log.append('s', [{ id: i }], i);
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'vane-log-'));
}

/** Storage in a fresh temp dir; `reopen` closes it and opens the same dir again. */
async function openFresh() {
  const dir = await tempDir();
  let storage = await openLmdbStorage(join(dir, 'data'));
  return {
    get storage(): LmdbStorage {
      return storage;
    },
    reopen: async (): Promise<LmdbStorage> => {
      await storage.close();
      storage = await openLmdbStorage(join(dir, 'data'));
      return storage;
    },
    cleanup: async (): Promise<void> => {
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

runEventLogContract(
  'LmdbEventLog',
  async () => {
    const fresh = await openFresh();
    return {
      log: fresh.storage.log,
      reopen: async () => (await fresh.reopen()).log,
      cleanup: fresh.cleanup,
    };
  },
  { durable: true },
);

runMetadataStoreContract(
  'LmdbMetadataStore',
  async () => {
    const fresh = await openFresh();
    return {
      store: fresh.storage.metadata,
      reopen: async () => (await fresh.reopen()).metadata,
      cleanup: fresh.cleanup,
    };
  },
  { durable: true },
);

describe('openLmdbStorage', () => {
  const dirs: string[] = [];
  const newDir = async (): Promise<string> => {
    const dir = await tempDir();
    dirs.push(dir);
    return dir;
  };

  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('keeps the log and the metadata in one file, and close works unbound and twice', async () => {
    const dir = await newDir();
    const { log, metadata, close } = await openLmdbStorage(join(dir, 'nested', 'data'));
    await Promise.all([log.append('s', [{ id: 1 }], 1), metadata.put('catalog', ['x'])]);
    await close();
    await close();
    const reopened = await openLmdbStorage(join(dir, 'nested', 'data'));
    expect(reopened.log.lastOffset).toBe(1);
    expect(reopened.metadata.get('catalog')).toEqual(['x']);
    await reopened.close();
    const root = open({ path: join(dir, 'nested', 'data', LMDB_FILE_NAME), readOnly: true });
    expect([...root.getKeys()].sort()).toEqual(['log', 'meta']);
    await root.close();
  });

  it('lets a second writer on the same data fail rather than overwrite', async () => {
    const dir = await newDir();
    const first = await openLmdbStorage(dir);
    await first.log.append('s', [{ id: 1 }], 1);
    const second = await openLmdbStorage(dir);
    expect(second.log.lastOffset).toBe(1);
    expect(await first.log.append('s', [{ id: 'first' }], 2)).toBe(2);
    await expectRejection(
      second.log.append('s', [{ id: 'second' }], 2),
      'STORAGE_ERROR',
      'offset 2 is taken',
    );
    await expectRejection(second.log.append('s', [], 3), 'STORAGE_ERROR', 'refuses further');
    expect([...first.log.read(2)].map((entry) => entry.events)).toEqual([[{ id: 'first' }]]);
    await second.close();
    await first.close();
  });

  it('never stores a batch after a missing one, and then refuses appends', async () => {
    const dir = await newDir();
    const storage = await openLmdbStorage(dir);
    await appendThree(storage);
    const raw = open({ path: join(dir, LMDB_FILE_NAME) });
    await raw.openDB<unknown, number>('log', {}).remove(3);
    await expectRejection(
      storage.log.append('s', [{ id: 4 }], 4),
      'STORAGE_ERROR',
      'batch 3 is missing',
    );
    await expectRejection(
      storage.log.append('s', [{ id: 5 }], 5),
      'STORAGE_ERROR',
      'refuses further appends until it is reopened',
    );
    expect([...raw.openDB<unknown, number>('log', {}).getKeys()]).toEqual([1, 2]);
    expect(storage.log.lastOffset).toBe(3);
    await raw.close();
    await storage.close();
  });

  it('reports a data directory that cannot be created', async () => {
    const dir = await newDir();
    await writeFile(join(dir, 'file'), 'not a directory');
    await expectRejection(
      openLmdbStorage(join(dir, 'file', 'data')),
      'STORAGE_ERROR',
      'cannot create the data directory',
    );
  });

  it('reports a data file that cannot be opened', async () => {
    const dir = await newDir();
    await mkdir(join(dir, LMDB_FILE_NAME));
    await expectRejection(
      openLmdbStorage(dir),
      'STORAGE_ERROR',
      `cannot open ${join(dir, LMDB_FILE_NAME)}`,
    );
  });

  it('reports a data file that is not an LMDB file as corrupt', async () => {
    const dir = await newDir();
    await writeFile(join(dir, LMDB_FILE_NAME), Buffer.alloc(64 * 1024, 7));
    await expectRejection(openLmdbStorage(dir), 'CORRUPT_STATE', 'is not an LMDB file');
  });

  it('reports a data file cut short as corrupt instead of crashing on it', async () => {
    const dir = await newDir();
    const storage = await openLmdbStorage(dir);
    for (let i = 0; i < 200; i++) {
      await storage.log.append(
        't',
        Array.from({ length: 50 }, (_, j) => ({ id: `e${i}-${j}` })),
        1,
      );
    }
    await storage.close();
    const path = join(dir, LMDB_FILE_NAME);
    const { size } = await stat(path);
    expect(size).toBeGreaterThan(64 * 1024);
    // Intact: opens and reads everything.
    const intact = await openLmdbStorage(dir);
    expect(intact.log.lastOffset).toBe(200);
    await intact.close();
    // Half of it, as a copy interrupted by a full disk leaves it (lmdb itself dies of SIGBUS).
    await truncate(path, Math.floor(size / 2));
    await expectRejection(openLmdbStorage(dir), 'CORRUPT_STATE', 'is cut short');
  });

  it('refuses a log with a gap between its offsets', async () => {
    const dir = await newDir();
    const root = open({ path: join(dir, LMDB_FILE_NAME) });
    const db = root.openDB<unknown, number>('log', {});
    for (const offset of [1, 2, 4]) await db.put(offset, ['s', 0, []]);
    await root.close();
    await expectRejection(
      openLmdbStorage(dir),
      'CORRUPT_STATE',
      '3 entries between offsets 1 and 4',
    );
  });

  it('refuses a batch whose stored bytes were damaged, naming its offset', async () => {
    const dir = await newDir();
    const storage = await openLmdbStorage(dir);
    await storage.log.append('trades', [{ id: 'a', price: 10 }], 1);
    await storage.log.append('trades', [{ id: 'MARKER-0123456789', price: 11 }], 2);
    await storage.log.append('trades', [{ id: 'c', price: 12 }], 3);
    await storage.close();
    const path = join(dir, LMDB_FILE_NAME);
    const file = await readFile(path);
    const at = file.indexOf('MARKER-0123456789');
    expect(at).toBeGreaterThan(0);
    // One byte of the event's id changes: still valid msgpack, a different but valid event.
    file[at + 7] = '9'.charCodeAt(0);
    await writeFile(path, file);
    const damaged = await openLmdbStorage(dir);
    try {
      expect(() => [...damaged.log.read(1)]).toThrow(
        expect.objectContaining({
          code: 'CORRUPT_STATE',
          message: expect.stringContaining(
            "(batch 2 of stream 'trades') fails its checksum",
          ) as unknown,
        }),
      );
      // The batches around it are intact.
      expect([...damaged.log.read(3)]).toMatchObject([{ offset: 3, events: [{ id: 'c' }] }]);
    } finally {
      await damaged.close();
    }
  });

  it('refuses to read past batches missing from the middle of the log', async () => {
    // lmdb reads a file whose branch page is damaged as a shorter tree, with no error and with
    // the entry count in its header unchanged; here another handle deletes the entries instead.
    const dir = await newDir();
    const storage = await openLmdbStorage(dir);
    for (let i = 1; i <= 250; i++) await storage.log.append('s', [{ i }], i);
    const root = open({ path: join(dir, LMDB_FILE_NAME) });
    const db = root.openDB<unknown, number>('log', {});
    try {
      await db.remove(120);
      await db.remove(121);
      expect(() => [...storage.log.read(1)]).toThrow(
        expect.objectContaining({
          code: 'CORRUPT_STATE',
          message: expect.stringContaining('batches 120 to 121 are missing') as unknown,
        }),
      );
      await db.remove(250);
      expect(() => [...storage.log.read(200)]).toThrow(/batch 250 is missing/);
    } finally {
      await root.close();
      await storage.close();
    }
  });

  it('reads batches stored before checksums were added', async () => {
    const dir = await newDir();
    const root = open({ path: join(dir, LMDB_FILE_NAME) });
    const db = root.openDB<unknown, number>('log', {});
    await db.put(1, ['s', 5, [{ id: 1 }]]);
    await root.close();
    const storage = await openLmdbStorage(dir);
    expect([...storage.log.read(1)]).toEqual([
      { offset: 1, stream: 's', arrivalMs: 5, events: [{ id: 1 }] },
    ]);
    await storage.log.append('s', [{ id: 2 }], 6);
    expect([...storage.log.read(1)].map((entry) => entry.events)).toEqual([
      [{ id: 1 }],
      [{ id: 2 }],
    ]);
    await storage.close();
  });

  it('refuses a log entry that is not a batch when it is read', async () => {
    const dir = await newDir();
    const root = open({ path: join(dir, LMDB_FILE_NAME) });
    const db = root.openDB<unknown, number>('log', {});
    await db.put(1, ['s', 0, []]);
    await db.put(2, { not: 'a batch' });
    await root.close();
    const storage = await openLmdbStorage(dir);
    expect(() => [...storage.log.read(1)]).toThrow(
      expect.objectContaining({ code: 'CORRUPT_STATE' }),
    );
    await storage.close();
  });
});
