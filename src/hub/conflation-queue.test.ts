import { describe, expect, it } from 'vitest';
import { ConflationQueue, estimateRowBytes } from './conflation-queue.ts';
import { EventQueue } from './event-queue.ts';

describe('ConflationQueue', () => {
  it('keeps the latest change per key: delete after upsert a delete, upsert after delete an upsert', () => {
    const queue = new ConflationQueue(['k', 'w']);
    queue.add(
      1,
      [
        { k: 'a', w: 1, x: 1 },
        { k: 'b', w: 1, x: 1 },
      ],
      [],
    );
    queue.add(
      2,
      [],
      [
        { k: 'a', w: 1 },
        { k: 'c', w: 1 },
      ],
    );
    queue.add(
      3,
      [
        { k: 'c', w: 1, x: 3 },
        { k: 'a', w: 2, x: 9 },
      ],
      [],
    );
    expect(queue.take()).toEqual({
      offset: 3,
      upserts: [
        { k: 'b', w: 1, x: 1 },
        { k: 'c', w: 1, x: 3 },
        { k: 'a', w: 2, x: 9 },
      ],
      deletes: [{ k: 'a', w: 1 }],
    });
    expect(queue.isEmpty).toBe(true);
    expect(queue.bytes).toBe(0);
  });

  it('accounts bytes per key, replacing rather than adding on repeated changes', () => {
    const queue = new ConflationQueue(['k']);
    queue.add(1, [{ k: 'a', x: 1 }], []);
    const one = queue.bytes;
    expect(one).toBe(estimateRowBytes({ k: 'a', x: 1 }));
    for (let i = 2; i < 100; i++) queue.add(i, [{ k: 'a', x: i }], []);
    expect(queue.bytes).toBe(one);
    queue.add(100, [], [{ k: 'a' }]);
    expect(queue.bytes).toBe(estimateRowBytes({ k: 'a' }));
    queue.clear();
    expect(queue.bytes).toBe(0);
  });

  it('estimates JSON size closely enough for a byte cap', () => {
    const rows = [
      { symbol: 'AAPL', price: 189.25, n: 12, ok: true, note: null },
      { tags: ['a', 'b'], text: 'x'.repeat(500) },
    ];
    for (const row of rows) {
      const exact = JSON.stringify(row).length;
      expect(estimateRowBytes(row)).toBeGreaterThanOrEqual(exact * 0.8);
      expect(estimateRowBytes(row)).toBeLessThanOrEqual(exact * 1.5);
    }
  });
});

describe('EventQueue', () => {
  it('keeps every event in order and empties on take', () => {
    const queue = new EventQueue();
    queue.add([{ a: 1 }]);
    queue.add([{ a: 1 }, { a: 2 }]);
    expect(queue.bytes).toBeGreaterThan(0);
    expect(queue.take()).toEqual([{ a: 1 }, { a: 1 }, { a: 2 }]);
    expect(queue.isEmpty).toBe(true);
    expect(queue.bytes).toBe(0);
  });
});
