import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { DedupIndex } from './dedup-index.ts';

const stored = Promise.resolve(true);

/** Claims one batch of ids; returns which of them were new. */
function claimBatch(
  index: DedupIndex,
  stream: string,
  ids: unknown[],
  nowMs: number,
  durable = stored,
) {
  const claim = index.begin(stream, nowMs, durable);
  const claimed = ids.filter((id) => index.claim(claim, id) === null);
  index.commit(claim, claimed);
  return { claim, claimed };
}

/** A full garbage collection (the flag is set at run time; tests run without --expose-gc). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('DedupIndex', () => {
  it('lets go of the ids of an expired batch at once, not at the next compaction', async () => {
    const index = new DedupIndex(() => 1_000);
    // Object ids, so the test can see whether anything still holds them.
    let expired: object | null = { id: 'first' };
    const watch = new WeakRef(expired);
    claimBatch(index, 's', [expired], 0);
    expired = null;
    for (let t = 1; t <= 100; t++) claimBatch(index, 's', [{ id: t }], t * 10);
    // At 1,000 the first batch is past its horizon: forgotten, and its slot emptied.
    claimBatch(index, 's', [{ id: 'late' }], 1_005);
    // A WeakRef target stays alive until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(watch.deref()).toBeUndefined();
    expect(index.size).toBe(101);
  });

  it('holds an id for its stream’s horizon, then forgets it', () => {
    const index = new DedupIndex((stream) => (stream === 'long' ? 10_000 : 1_000));
    expect(claimBatch(index, 'short', ['a'], 0).claimed).toEqual(['a']);
    expect(claimBatch(index, 'long', ['a'], 0).claimed).toEqual(['a']);
    expect(claimBatch(index, 'short', ['a'], 999).claimed).toEqual([]);
    // Expired at 0 + 1000: claimed anew.
    expect(claimBatch(index, 'short', ['a'], 1_000).claimed).toEqual(['a']);
    expect(claimBatch(index, 'long', ['a'], 5_000).claimed).toEqual([]);
    expect(index.size).toBe(2);
  });

  it('keeps ids of different streams and types apart, and repeats within a batch', () => {
    const index = new DedupIndex(() => 60_000);
    expect(claimBatch(index, 's', [1, '1', 1], 0).claimed).toEqual([1, '1']);
    expect(claimBatch(index, 't', [1], 0).claimed).toEqual([1]);
    expect(claimBatch(index, 's', [1], 0).claimed).toEqual([]);
  });

  it('answers a repeat with the claim of the batch that holds the id', () => {
    const index = new DedupIndex(() => 60_000);
    const pending = new Promise<boolean>(() => {});
    const { claim } = claimBatch(index, 's', ['a'], 0, pending);
    const later = index.begin('s', 1, stored);
    expect(index.claim(later, 'a')).toBe(claim);
    expect(index.claim(later, 'a')?.durable).toBe(pending);
  });

  it('releases only the claims of the batch that failed', () => {
    const index = new DedupIndex(() => 60_000);
    const failed = Promise.resolve(false);
    const first = claimBatch(index, 's', ['a'], 0, failed);
    claimBatch(index, 's', ['b'], 0);
    index.release(first.claim, ['a', 'b']);
    expect(claimBatch(index, 's', ['a', 'b'], 1).claimed).toEqual(['a']);
  });

  it('stays within its capacity by forgetting the oldest batches early, and counts them', () => {
    const index = new DedupIndex(() => 60_000, 5);
    claimBatch(index, 's', ['a', 'b'], 0);
    claimBatch(index, 's', ['c', 'd'], 1);
    claimBatch(index, 's', ['e', 'f'], 2);
    expect(index.size).toBe(4);
    expect(index.evictedEarly).toBe(1);
    expect(claimBatch(index, 's', ['a'], 3).claimed).toEqual(['a']);
    expect(claimBatch(index, 's', ['f'], 3).claimed).toEqual([]);
  });
});
