import { describe, expect, it } from 'vitest';
import { DedupIndex } from './dedup-index.ts';

const stored = Promise.resolve(true);

describe('DedupIndex', () => {
  it('holds an id for its stream’s horizon, then forgets it', () => {
    const index = new DedupIndex((stream) => (stream === 'long' ? 10_000 : 1_000));
    expect(index.claim('short', 'a', 0, stored)).toBeNull();
    expect(index.claim('long', 'a', 0, stored)).toBeNull();
    expect(index.claim('short', 'a', 999, stored)).not.toBeNull();
    expect(index.claim('short', 'a', 1_000, stored)).toBeNull(); // expired at 0 + 1000, claimed anew
    expect(index.claim('long', 'a', 5_000, stored)).not.toBeNull();
    expect(index.size).toBe(2);
  });

  it('keeps ids of different streams and types apart', () => {
    const index = new DedupIndex(() => 60_000);
    expect(index.claim('s', 1, 0, stored)).toBeNull();
    expect(index.claim('s', '1', 0, stored)).toBeNull();
    expect(index.claim('t', 1, 0, stored)).toBeNull();
    expect(index.claim('s', 1, 0, stored)).not.toBeNull();
  });

  it('releases only the claims of the batch that failed', () => {
    const index = new DedupIndex(() => 60_000);
    const failed = Promise.resolve(false);
    expect(index.claim('s', 'a', 0, failed)).toBeNull();
    expect(index.claim('s', 'b', 0, stored)).toBeNull();
    index.release('s', ['a', 'b'], failed);
    expect(index.claim('s', 'a', 1, stored)).toBeNull();
    expect(index.claim('s', 'b', 1, stored)?.durable).toBe(stored);
  });
});
