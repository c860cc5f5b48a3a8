import { describe, expect, it } from 'vitest';
import { createEngine } from '../catalog/index.ts';
import type { SubscribeFrame } from '../protocol/index.ts';
import { ManualClock } from '../util/index.ts';
import { Hub } from './hub.ts';
import {
  ClientTable,
  EngineSource,
  MemorySource,
  RecordingSink,
  type Row,
} from './test-harness.ts';

const T0 = Date.UTC(2024, 0, 1);
const KEY = ['symbol'];

function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An independent reference: sort the fresh snapshot, ties by key, take the first `limit`. */
function freshTop(rows: Row[], column: string, desc: boolean, limit: number): Row[] {
  const sign = desc ? -1 : 1;
  return [...rows]
    .sort((a, b) => {
      const byValue = sign * ((a[column] as number) - (b[column] as number));
      if (byValue !== 0) return byValue;
      return (a.symbol as string) < (b.symbol as string) ? -1 : 1;
    })
    .slice(0, limit);
}

function inOrder(table: ClientTable, column: string, desc: boolean): Row[] {
  return freshTop([...table.rows.values()], column, desc, Infinity);
}

describe('Hub: top-N', () => {
  it('a limit 10 subscription over 1,000 changing keys always holds the rows a fresh snapshot would show', () => {
    const clock = new ManualClock(T0);
    const engine = createEngine({ clock });
    engine.execute(`
      CREATE STREAM trades (symbol STRING, price DOUBLE, ts TIMESTAMP) WITH (timestamp = 'ts', lateness = '1h');
      CREATE VIEW last_price AS
        SELECT symbol, last(price) AS price, count(*) AS n FROM trades GROUP BY symbol;`);
    const source = new EngineSource(engine, { now: () => clock.now() });
    const hub = new Hub(source, { now: () => clock.now() });
    source.hub = hub;
    const random = prng(42);
    const symbols = Array.from({ length: 1000 }, (_, i) => `S${String(i).padStart(4, '0')}`);
    let ts = T0;
    const step = (): void => {
      const count = 1 + Math.floor(random() * 40);
      const events = Array.from({ length: count }, () => ({
        symbol: symbols[Math.floor(random() * symbols.length)],
        price: Math.round(random() * 10_000) / 100,
        ts: ts++,
      }));
      engine.ingest('trades', events);
      engine.flush();
    };
    // The view starts with every key.
    engine.ingest(
      'trades',
      symbols.map((symbol) => ({ symbol, price: Math.round(random() * 10_000) / 100, ts: ts++ })),
    );
    engine.flush();

    const subscribers: {
      sink: RecordingSink;
      table: ClientTable;
      frame: Omit<SubscribeFrame, 'type' | 'id'>;
      column: string;
      desc: boolean;
      where?: Set<string>;
    }[] = [];
    const subset = new Set(symbols.filter((_, i) => i % 7 === 0));
    const join = (
      frame: Omit<SubscribeFrame, 'type' | 'id'>,
      column: string,
      desc: boolean,
      where?: Set<string>,
    ) => {
      const sink = new RecordingSink();
      hub.subscribe(hub.connect(sink), { type: 'subscribe', id: 'top', ...frame });
      const entry = { sink, table: new ClientTable(KEY), frame, column, desc, where };
      subscribers.push(entry);
    };
    const topPrice: Omit<SubscribeFrame, 'type' | 'id'> = {
      view: 'last_price',
      order_by: [['price', 'desc']],
      limit: 10,
    };
    join(topPrice, 'price', true);
    const snapshotsBefore = source.calls.snapshot;
    join(topPrice, 'price', true);
    expect(source.calls.snapshot).toBe(snapshotsBefore); // same spec: shared ranking
    join({ view: 'last_price', order_by: [['n', 'asc']], limit: 10 }, 'n', false); // many ties
    join(
      {
        view: 'last_price',
        where: { symbol: [...subset] },
        order_by: [['price', 'asc']],
        limit: 5,
      },
      'price',
      false,
      subset,
    );

    for (let batch = 0; batch < 300; batch++) {
      if (batch === 100) join(topPrice, 'price', true); // a late joiner gets the shared state
      step();
      const live = engine.snapshot('last_price');
      for (const subscriber of subscribers) {
        const { sink, table, column, desc, where } = subscriber;
        table.sync(sink, 'top');
        const rows =
          where === undefined ? live : live.filter((row) => where.has(row.symbol as string));
        const limit = subscriber.frame.limit!;
        expect(table.rows.size).toBe(limit);
        expect(inOrder(table, column, desc)).toEqual(freshTop(rows, column, desc, limit));
      }
    }
    expect(subscribers[0]!.table.frames).toBeGreaterThan(50);
    // Every subscriber's frames came without seq gaps (ClientTable checks), one per change of its top.
    expect(subscribers[0]!.table.seq).toBe(subscribers[1]!.table.seq);
  });

  it('serializes a top-N change once for every subscriber of the same spec', () => {
    const source = new MemorySource(
      'v',
      ['k'],
      [
        { name: 'k', type: 'STRING' },
        { name: 'score', type: 'DOUBLE' },
      ],
    );
    const hub = new Hub(source, { now: () => 0 });
    source.hub = hub;
    for (let i = 0; i < 20; i++) source.emit([{ k: `k${i}`, score: i }]);
    const sinks = Array.from({ length: 5 }, () => new RecordingSink());
    for (const sink of sinks) {
      hub.subscribe(hub.connect(sink), {
        type: 'subscribe',
        id: 't',
        view: 'v',
        order_by: [['score', 'desc']],
        limit: 3,
      });
    }
    expect(source.calls.snapshot).toBe(1);
    source.emit([{ k: 'k0', score: 100 }]);
    source.emit([{ k: 'k1', score: 1.5 }]); // below the top: nothing
    source.emit([], [{ k: 'k0' }]);
    const frames = sinks[0]!.frames;
    expect(frames.map((frame) => [frame.type, frame.seq, frame.offset])).toEqual([
      ['subscribed', undefined, undefined],
      ['snapshot', 1, 20],
      ['delta', 2, 21],
      ['delta', 3, 23],
    ]);
    expect(frames[2]).toMatchObject({
      upserts: [{ k: 'k0', score: 100 }],
      deletes: [{ k: 'k17' }],
    });
    expect(frames[3]).toMatchObject({ upserts: [{ k: 'k17', score: 17 }], deletes: [{ k: 'k0' }] });
    const bodies = new Set(sinks.map((sink) => sink.raw.at(-1)!.replace(/^.*?"seq":\d+,/, '')));
    expect(bodies.size).toBe(1);
  });

  it('starts fresh even with a resume point, and drops its ranking with the last subscriber', () => {
    const source = new MemorySource('v', ['k'], [{ name: 'k', type: 'STRING' }]);
    const hub = new Hub(source, { now: () => 0 });
    source.hub = hub;
    source.emit([{ k: 'a' }]);
    const sink = new RecordingSink();
    const connection = hub.connect(sink);
    const frame: SubscribeFrame = {
      type: 'subscribe',
      id: 't',
      view: 'v',
      order_by: [['k', 'asc']],
      limit: 2,
      resume: { epoch: source.changelog.epoch, offset: 1 },
    };
    hub.subscribe(connection, frame);
    expect(sink.frames[0]).toMatchObject({ type: 'subscribed', recovered: false });
    expect(sink.frames[1]).toMatchObject({ type: 'snapshot', rows: [{ k: 'a' }] });
    expect(source.calls.since).toBe(0);
    hub.unsubscribe(connection, 't');
    source.emit([{ k: 'b' }]);
    hub.subscribe(connection, frame);
    expect(source.calls.snapshot).toBe(2); // a new ranking from a new snapshot
    expect(sink.frames.at(-1)).toMatchObject({ rows: [{ k: 'a' }, { k: 'b' }], offset: 2 });
  });
});
