import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryMetadataStore, openLmdbStorage, type MetadataStore } from '../log/index.ts';
import { CheckpointStore } from './checkpoint-store.ts';

/** A state whose JSON text is `chunks` chunks of `chunkChars` (the last one shorter). */
function chunked(state: unknown, chunkChars: number): string[] {
  const text = JSON.stringify(state);
  const chunks: string[] = [];
  for (let at = 0; at < text.length; at += chunkChars) chunks.push(text.slice(at, at + chunkChars));
  return chunks;
}

const bigState = (n: number) => ({ rows: Array.from({ length: n }, (_, i) => [`k${i}`, i]) });
const partKeys = (metadata: MetadataStore) => metadata.keys('checkpoint/part/');

/** A metadata store whose puts of keys matching `failing` never become durable (a crash). */
class CrashingMetadataStore extends MemoryMetadataStore {
  failing: RegExp | null = null;

  override put(key: string, value: unknown): Promise<void> {
    if (this.failing?.test(key) === true) return Promise.reject(new Error(`crashed before ${key}`));
    return super.put(key, value);
  }
}

describe('CheckpointStore', () => {
  it('keeps a one-chunk text in the record itself', async () => {
    const metadata = new MemoryMetadataStore();
    const store = new CheckpointStore(metadata);
    await store.put('view', 'v', { offset: 7, savedAtMs: 1000, state: { a: [1, 2] } });
    expect(store.get('view', 'v')).toEqual({ offset: 7, savedAtMs: 1000, state: { a: [1, 2] } });
    expect(partKeys(metadata)).toEqual([]);
    expect(store.get('view', 'other')).toBeUndefined();
  });

  it('stores a text of many chunks as parts named by the record, and reads it back', async () => {
    const metadata = new MemoryMetadataStore();
    const store = new CheckpointStore(metadata);
    const state = bigState(2000);
    const chunks = chunked(state, 1000);
    const stalls: number[] = [];
    await store.putJson('view', 'v', { offset: 3, savedAtMs: 5 }, chunks, (ms) => stalls.push(ms));
    expect(partKeys(metadata)).toHaveLength(chunks.length);
    // One write per chunk and one for the record, each timed.
    expect(stalls).toHaveLength(chunks.length + 1);
    expect(new CheckpointStore(metadata).get('view', 'v')).toEqual({
      offset: 3,
      savedAtMs: 5,
      state,
    });
  });

  it('deletes the parts of the checkpoint it replaces, once the new one is in force', async () => {
    const metadata = new MemoryMetadataStore();
    const store = new CheckpointStore(metadata);
    await store.putJson('view', 'v', { offset: 1, savedAtMs: 1 }, chunked(bigState(2000), 500));
    const second = bigState(300);
    await store.putJson('view', 'v', { offset: 2, savedAtMs: 2 }, chunked(second, 500));
    const parts = partKeys(metadata);
    expect(parts.length).toBe(chunked(second, 500).length);
    expect(parts.every((key) => key.startsWith('checkpoint/part/view/v/2/'))).toBe(true);
    // Back to a small text: no parts left.
    await store.put('view', 'v', { offset: 3, savedAtMs: 3, state: { small: true } });
    expect(partKeys(metadata)).toEqual([]);
    expect(store.get('view', 'v')!.state).toEqual({ small: true });
  });

  it('leaves the previous checkpoint in force when a crash interrupts the parts', async () => {
    const metadata = new CrashingMetadataStore();
    const store = new CheckpointStore(metadata);
    const first = bigState(1000);
    await store.putJson('view', 'v', { offset: 1, savedAtMs: 1 }, chunked(first, 700));
    const partsOfFirst = partKeys(metadata);

    // The new parts are written, the record naming them is not.
    metadata.failing = /^checkpoint\/view\/v$/;
    const chunks = chunked(bigState(3000), 700);
    await expect(store.putJson('view', 'v', { offset: 2, savedAtMs: 2 }, chunks)).rejects.toThrow(
      /crashed/,
    );
    metadata.failing = null;

    const restarted = new CheckpointStore(metadata);
    expect(restarted.get('view', 'v')).toEqual({ offset: 1, savedAtMs: 1, state: first });
    expect(await restarted.sweepOrphanParts()).toBe(chunks.length);
    expect(partKeys(metadata).sort()).toEqual(partsOfFirst.sort());
    expect(restarted.get('view', 'v')!.state).toEqual(first);
  });

  it('sweeps parts a crash left between the new record and the deletion of the old parts', async () => {
    const metadata = new CrashingMetadataStore();
    const store = new CheckpointStore(metadata);
    await store.putJson('stream', 's/x', { offset: 1, savedAtMs: 1 }, chunked(bigState(800), 400));
    // A second store (the restarted process) writes the next checkpoint: it learns the old parts
    // from the record, and a crash stops it before it deletes them.
    const next = bigState(500);
    const writer = new CheckpointStore(metadata);
    const removals = metadata.remove.bind(metadata);
    metadata.remove = () => Promise.reject(new Error('crashed before deleting'));
    await expect(
      writer.putJson('stream', 's/x', { offset: 2, savedAtMs: 2 }, chunked(next, 400)),
    ).rejects.toThrow(/deleting/);
    metadata.remove = removals;

    const restarted = new CheckpointStore(metadata);
    expect(restarted.get('stream', 's/x')!.state).toEqual(next);
    expect(await restarted.sweepOrphanParts()).toBe(chunked(bigState(800), 400).length);
    expect(partKeys(metadata)).toHaveLength(chunked(next, 400).length);
    expect(await restarted.sweepOrphanParts()).toBe(0);
  });

  it('refuses a checkpoint with a missing or damaged part, naming it', async () => {
    const metadata = new MemoryMetadataStore();
    const store = new CheckpointStore(metadata);
    await store.putJson('view', 'v', { offset: 1, savedAtMs: 1 }, chunked(bigState(500), 300));
    await metadata.remove('checkpoint/part/view/v/1/2');
    expect(() => new CheckpointStore(metadata).get('view', 'v')).toThrow(
      /part 'checkpoint\/part\/view\/v\/1\/2' is missing/,
    );
    await metadata.put('checkpoint/part/view/v/1/2', 42);
    expect(() => new CheckpointStore(metadata).get('view', 'v')).toThrow(
      expect.objectContaining({ code: 'CORRUPT_STATE' }),
    );
    await metadata.put('checkpoint/view/v', { offset: 1, savedAtMs: 1, generation: 1, parts: 'x' });
    expect(() => new CheckpointStore(metadata).get('view', 'v')).toThrow(
      /'checkpoint\/view\/v' is damaged/,
    );
  });

  it('refuses a checkpoint whose text was changed to other valid JSON (checksum)', async () => {
    const metadata = new MemoryMetadataStore();
    const store = new CheckpointStore(metadata);
    await store.put('view', 'small', { offset: 1, savedAtMs: 1, state: { count: 12345 } });
    const record = metadata.get('checkpoint/view/small') as { json: string };
    await metadata.put('checkpoint/view/small', { ...record, json: record.json.replace('3', '4') });
    expect(() => new CheckpointStore(metadata).get('view', 'small')).toThrow(
      expect.objectContaining({
        code: 'CORRUPT_STATE',
        message: "the checkpoint 'checkpoint/view/small' (its text fails its checksum) is damaged",
      }),
    );

    await store.putJson('view', 'big', { offset: 1, savedAtMs: 1 }, chunked(bigState(500), 300));
    const partKey = 'checkpoint/part/view/big/1/1';
    const part = metadata.get(partKey) as string;
    const digit = /[0-9]/.exec(part)!;
    const changed = String((Number(digit[0]) + 1) % 10);
    await metadata.put(partKey, part.slice(0, digit.index) + changed + part.slice(digit.index + 1));
    expect(() => new CheckpointStore(metadata).get('view', 'big')).toThrow(/fails its checksum/);
  });

  it('reads a checkpoint saved before checksums were added', async () => {
    const metadata = new MemoryMetadataStore();
    await metadata.put('checkpoint/view/v', { offset: 2, savedAtMs: 3, json: '{"a":1}' });
    expect(new CheckpointStore(metadata).get('view', 'v')).toEqual({
      offset: 2,
      savedAtMs: 3,
      state: { a: 1 },
    });
  });

  it('removes a checkpoint with its parts', async () => {
    const metadata = new MemoryMetadataStore();
    const store = new CheckpointStore(metadata);
    await store.putJson('view', 'v', { offset: 1, savedAtMs: 1 }, chunked(bigState(500), 300));
    await new CheckpointStore(metadata).remove('view', 'v');
    expect(metadata.entries('checkpoint/')).toEqual([]);
  });

  describe('on lmdb', () => {
    const dirs: string[] = [];
    afterEach(async () => {
      await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    });

    it('survives a reopen with a multi-megabyte text in 256 KB parts', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'vane-checkpoint-store-'));
      dirs.push(dir);
      const state = bigState(200_000);
      let storage = await openLmdbStorage(dir);
      const chunks = chunked(state, 256 * 1024);
      expect(chunks.length).toBeGreaterThan(10);
      await new CheckpointStore(storage.metadata).putJson(
        'view',
        'big',
        { offset: 0, savedAtMs: 9 },
        chunks,
      );
      await storage.close();
      storage = await openLmdbStorage(dir);
      try {
        const store = new CheckpointStore(storage.metadata);
        expect(store.get('view', 'big')).toEqual({ offset: 0, savedAtMs: 9, state });
        expect(await store.sweepOrphanParts()).toBe(0);
      } finally {
        await storage.close();
      }
    });
  });
});
