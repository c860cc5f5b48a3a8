import { beforeEach, describe, expect, it } from 'vitest';
import { Hub } from './hub.ts';
import { ClientTable, MemorySource, RecordingSink } from './test-harness.ts';

const KEY = ['k'];
const KIB = 1024;

let source: MemorySource;
let hub: Hub;
let slowCloses: number;

beforeEach(() => {
  source = new MemorySource('v', KEY, [
    { name: 'k', type: 'STRING' },
    { name: 'x', type: 'BIGINT' },
    { name: 'note', type: 'STRING' },
  ]);
  slowCloses = 0;
  hub = new Hub(source, {
    now: () => 0,
    highWaterBytes: 64 * KIB,
    maxQueuedBytes: 1024 * KIB,
    onSlowConsumerClose: () => (slowCloses += 1),
  });
  source.hub = hub;
});

function subscribe(sink: RecordingSink, id = 's', where?: Record<string, unknown>) {
  const connection = hub.connect(sink);
  hub.subscribe(connection, { type: 'subscribe', id, view: 'v', ...(where ? { where } : {}) });
  return connection;
}

describe('Hub: slow consumers', () => {
  it('closes a slow consumer with 4008 past the cap while 200 healthy sinks get every change', () => {
    const healthy = Array.from({ length: 200 }, () => new RecordingSink());
    const tables = healthy.map(() => new ClientTable(KEY));
    healthy.forEach((sink) => subscribe(sink));
    const slow = new RecordingSink();
    subscribe(slow);
    slow.bufferedBytes = 1000 * KIB; // above high water, below the cap
    const note = 'x'.repeat(200);
    let batches = 0;
    let closedAt = -1;
    for (let i = 0; i < 150; i++) {
      // Distinct keys, so conflation cannot help: the queue must grow.
      source.emit([
        { k: `k${i}`, x: i, note },
        { k: `k${i + 1000}`, x: i, note },
      ]);
      batches += 1;
      if (closedAt < 0 && slow.closed !== null) closedAt = i;
      if (i % 25 === 0) healthy.forEach((sink, n) => tables[n]!.sync(sink, 's'));
    }
    expect(slow.closed).toEqual({ code: 4008, reason: 'slow consumer' });
    // (1024 - 1000) KiB of room at ~0.5 KiB of queue per batch.
    expect(closedAt).toBeGreaterThan(30);
    expect(closedAt).toBeLessThan(80);
    expect(slow.frames.map((frame) => frame.type)).toEqual(['subscribed', 'snapshot']);
    expect(slowCloses).toBe(1);
    expect(hub.stats()).toMatchObject({
      connections: 200,
      subscriptions: 200,
      queuedBytes: 0,
      slowConsumerCloses: 1,
    });
    healthy.forEach((sink, n) => {
      const table = tables[n]!.sync(sink, 's'); // throws on any seq gap
      expect(table.seq).toBe(batches + 1);
      expect(table.offset).toBe(source.changelog.position.offset);
    });
    expect(tables[0]!.sorted()).toEqual(source.sorted());
    expect(tables[199]!.sorted()).toEqual(source.sorted());
  });

  it('conflates queued deltas per key, so a slow reader of a few hot rows is never closed', () => {
    const slow = new RecordingSink();
    const connection = subscribe(slow);
    slow.bufferedBytes = 900 * KIB;
    for (let i = 0; i < 5000; i++) source.emit([{ k: `k${i % 20}`, x: i, note: 'hot' }]);
    expect(slow.closed).toBeNull();
    const queued = hub.stats().queuedBytes;
    expect(queued).toBeGreaterThan(0);
    expect(queued).toBeLessThan(20 * 60);
    slow.bufferedBytes = 0;
    hub.drained(connection);
    const frames = slow.frames;
    expect(frames).toHaveLength(3);
    expect(frames[2]).toMatchObject({ type: 'delta', seq: 2, offset: 5000 });
    expect(frames[2]!.upserts).toHaveLength(20);
    expect(ClientTable.of(slow, 's', KEY).sorted()).toEqual(source.sorted());
    expect(hub.stats().queuedBytes).toBe(0);
  });

  it('flushes one delta per subscription on drained, with the next seq and the latest offset', () => {
    const sink = new RecordingSink();
    const connection = subscribe(sink, 'all');
    hub.subscribe(connection, { type: 'subscribe', id: 'a', view: 'v', where: { k: 'a' } });
    hub.subscribe(connection, { type: 'subscribe', id: 'z', view: 'v', where: { k: 'z' } });
    source.emit([{ k: 'a', x: 1 }]);
    sink.bufferedBytes = 70 * KIB;
    source.emit([{ k: 'b', x: 1 }]);
    source.emit([{ k: 'a', x: 2 }]);
    source.emit([], [{ k: 'b' }]);
    const before = sink.raw.length;
    sink.bufferedBytes = 0;
    hub.drained(connection);
    const flushed = sink.frames.slice(before);
    expect(flushed).toEqual([
      expect.objectContaining({ sub: 'all', seq: 3, offset: 4, deletes: [{ k: 'b' }] }),
      expect.objectContaining({ sub: 'a', seq: 3, offset: 3, upserts: [{ k: 'a', x: 2 }] }),
    ]);
    expect(flushed[0]!.upserts).toEqual([{ k: 'a', x: 2 }]);
    for (const id of ['all', 'a']) {
      expect(ClientTable.of(sink, id, KEY).offset).toBeGreaterThan(1);
    }
  });

  it('stops flushing when the socket is above high water again, and resumes on the next drained', () => {
    const sink = new RecordingSink();
    sink.stalled = true;
    const connection = subscribe(sink, 'one', { k: 'one' });
    hub.subscribe(connection, { type: 'subscribe', id: 'two', view: 'v', where: { k: 'two' } });
    sink.bufferedBytes = 100 * KIB;
    source.emit([
      { k: 'one', x: 1, note: 'y'.repeat(70 * KIB) },
      { k: 'two', x: 1 },
    ]);
    sink.bufferedBytes = 0;
    hub.drained(connection); // 'one' goes out and fills the socket past high water
    expect(sink.frames.filter((frame) => frame.type === 'delta').map((frame) => frame.sub)).toEqual(
      ['one'],
    );
    sink.bufferedBytes = 0;
    hub.drained(connection);
    expect(sink.frames.filter((frame) => frame.type === 'delta').map((frame) => frame.sub)).toEqual(
      ['one', 'two'],
    );
  });

  it('catches up without drained: on the next publish or tick once the socket has room', () => {
    const sink = new RecordingSink();
    subscribe(sink);
    sink.bufferedBytes = 70 * KIB;
    source.emit([{ k: 'a', x: 1 }]);
    sink.bufferedBytes = 0;
    source.emit([{ k: 'b', x: 1 }]);
    expect(sink.frames.at(-1)).toMatchObject({
      seq: 2,
      offset: 2,
      upserts: [
        { k: 'a', x: 1 },
        { k: 'b', x: 1 },
      ],
    });
    sink.bufferedBytes = 70 * KIB;
    source.emit([{ k: 'c', x: 1 }]);
    sink.bufferedBytes = 0;
    hub.tick(0);
    expect(sink.frames.at(-1)).toMatchObject({ seq: 3, offset: 3 });
  });
});
