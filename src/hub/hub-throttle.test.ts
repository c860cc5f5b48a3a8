import { beforeEach, describe, expect, it } from 'vitest';
import { Hub } from './hub.ts';
import { ClientTable, MemorySource, RecordingSink } from './test-harness.ts';

const KEY = ['k'];

class TimedSink extends RecordingSink {
  readonly times: number[] = [];
  constructor(private readonly now: () => number) {
    super();
  }
  override send(data: string): void {
    super.send(data);
    this.times.push(this.now());
  }
}

let nowMs: number;
let source: MemorySource;
let hub: Hub;

beforeEach(() => {
  nowMs = 1_000_000;
  source = new MemorySource('v', KEY, [
    { name: 'k', type: 'STRING' },
    { name: 'x', type: 'BIGINT' },
  ]);
  hub = new Hub(source, { now: () => nowMs });
  source.hub = hub;
});

function subscribe(
  id: string,
  extra: { interval?: string; resume?: { epoch: string; offset: number } } = {},
) {
  const sink = new TimedSink(() => nowMs);
  hub.subscribe(hub.connect(sink), { type: 'subscribe', id, view: 'v', ...extra });
  return sink;
}

describe('Hub: throttled subscriptions', () => {
  it('send at most one delta per interval, with the latest rows, and end equal to the view', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 30; i++) source.emit([{ k: `k${i}`, x: 0 }]);
    const throttled = subscribe('slow', { interval: '1s' });
    const live = subscribe('live');
    let batches = 0;
    for (let t = 0; t < 5_000; t += 100) {
      nowMs += 100;
      hub.tick(nowMs);
      const upserts: { k: string; x: number }[] = [];
      const deletes: { k: string }[] = [];
      for (let i = 0; i < 3; i++) {
        const k = `k${Math.floor(random() * 30)}`;
        if (random() < 0.2) deletes.push({ k });
        else upserts.push({ k, x: Math.floor(random() * 1000) });
      }
      const up = upserts.filter((row) => !deletes.some((d) => d.k === row.k));
      source.emit([...new Map(up.map((row) => [row.k, row])).values()], deletes);
      batches += 1;
    }
    const deltaTimes = throttled.times.filter((_, i) => throttled.frames[i]!.type === 'delta');
    expect(deltaTimes.length).toBeGreaterThanOrEqual(4);
    expect(deltaTimes.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < deltaTimes.length; i++) {
      expect(deltaTimes[i]! - deltaTimes[i - 1]!).toBeGreaterThanOrEqual(1000);
    }
    expect(ClientTable.of(live, 'live', KEY).seq).toBe(batches + 1);
    // Nothing more until the interval has passed; then the rest, and the client equals the view.
    const sent = throttled.raw.length;
    hub.tick(deltaTimes.at(-1)! + 999);
    expect(throttled.raw.length).toBe(sent);
    nowMs = deltaTimes.at(-1)! + 1000;
    hub.tick(nowMs);
    const table = ClientTable.of(throttled, 'slow', KEY);
    expect(table.sorted()).toEqual(source.sorted());
    expect(table.offset).toBe(source.changelog.position.offset);
    expect(hub.stats().queuedBytes).toBe(0);
  });

  it('conflate by key: delete after upsert stays a delete, upsert after delete an upsert', () => {
    source.emit([
      { k: 'a', x: 1 },
      { k: 'b', x: 1 },
    ]);
    const sink = subscribe('t', { interval: '1s' });
    source.emit([
      { k: 'a', x: 2 },
      { k: 'c', x: 1 },
    ]);
    source.emit([], [{ k: 'a' }, { k: 'b' }]);
    source.emit([{ k: 'b', x: 3 }]);
    source.emit([{ k: 'c', x: 2 }]);
    expect(sink.frames.map((frame) => frame.type)).toEqual(['subscribed', 'snapshot']);
    nowMs += 1000;
    hub.tick(nowMs);
    const delta = sink.frames[2]!;
    expect(delta).toMatchObject({ type: 'delta', seq: 2, offset: 5 });
    expect(delta.deletes).toEqual([{ k: 'a' }]);
    expect(delta.upserts).toEqual(
      expect.arrayContaining([
        { k: 'b', x: 3 },
        { k: 'c', x: 2 },
      ]),
    );
    expect(delta.upserts).toHaveLength(2);
  });

  it('flush on the next publish after the interval, even without a tick', () => {
    source.emit([{ k: 'a', x: 1 }]);
    const sink = subscribe('t', { interval: '250ms' });
    source.emit([{ k: 'a', x: 2 }]);
    nowMs += 250;
    source.emit([{ k: 'b', x: 1 }]);
    expect(sink.frames.at(-1)).toMatchObject({
      type: 'delta',
      seq: 2,
      offset: 3,
      upserts: [
        { k: 'a', x: 2 },
        { k: 'b', x: 1 },
      ],
    });
    source.emit([{ k: 'b', x: 2 }]); // within the next interval: held
    expect(sink.frames).toHaveLength(3);
  });

  it('start fresh even when a resume point is given', () => {
    const offset = source.emit([{ k: 'a', x: 1 }]);
    const sink = subscribe('t', {
      interval: '1s',
      resume: { epoch: source.changelog.epoch, offset },
    });
    expect(sink.frames[0]).toMatchObject({ type: 'subscribed', recovered: false });
    expect(sink.frames[1]).toMatchObject({ type: 'snapshot', seq: 1, rows: [{ k: 'a', x: 1 }] });
    expect(source.calls.since).toBe(0);
  });

  it('throttle a top-N subscription too', () => {
    for (let i = 0; i < 10; i++) source.emit([{ k: `k${i}`, x: i }]);
    const sink = new TimedSink(() => nowMs);
    hub.subscribe(hub.connect(sink), {
      type: 'subscribe',
      id: 'top',
      view: 'v',
      order_by: [['x', 'desc']],
      limit: 3,
      interval: '1s',
    });
    source.emit([{ k: 'k0', x: 100 }]);
    source.emit([{ k: 'k1', x: 200 }]);
    source.emit([{ k: 'k0', x: 0 }]); // k0 back out: the queued upsert becomes a delete
    expect(sink.frames).toHaveLength(2);
    nowMs += 1000;
    hub.tick(nowMs);
    const table = ClientTable.of(sink, 'top', KEY);
    expect(table.sorted()).toEqual([
      { k: 'k1', x: 200 },
      { k: 'k8', x: 8 },
      { k: 'k9', x: 9 },
    ]);
    // k0 entered and left within the interval: its delete is harmless; k8 left and came back.
    expect(sink.frames[2]).toMatchObject({
      seq: 2,
      offset: 13,
      deletes: [{ k: 'k7' }, { k: 'k0' }],
      upserts: [
        { k: 'k8', x: 8 },
        { k: 'k1', x: 200 },
      ],
    });
  });
});
