import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createEngine, type Engine } from '../catalog/index.ts';
import type { SubscribeFrame } from '../protocol/index.ts';
import { ManualClock, VaneError } from '../util/index.ts';
import { Hub } from './hub.ts';
import { ClientTable, EngineSource, RecordingSink, sortByKey } from './test-harness.ts';

const T0 = Date.UTC(2024, 0, 1);

let clock: ManualClock;
let engine: Engine;
let source: EngineSource;
let hub: Hub;
let internalErrors: unknown[];

beforeEach(() => {
  clock = new ManualClock(T0);
  engine = createEngine({ clock });
  engine.execute(`
    CREATE STREAM trades (symbol STRING, venue STRING, price DOUBLE, qty DOUBLE, ts TIMESTAMP)
      WITH (timestamp = 'ts', lateness = '1h');
    CREATE VIEW last_price AS
      SELECT symbol, last(price) AS price, count(*) AS n FROM trades GROUP BY symbol;
    CREATE VIEW per_min AS
      SELECT symbol, window_start, sum(qty) AS volume
      FROM TUMBLE(trades, INTERVAL '1' MINUTE) GROUP BY symbol;`);
  source = new EngineSource(engine, { now: () => clock.now() });
  internalErrors = [];
  hub = new Hub(source, {
    now: () => clock.now(),
    onInternalError: (error) => internalErrors.push(error),
  });
  source.hub = hub;
});

let tradeCount = 0;
/** Ingests trades and lets the views emit (one batch per view). */
function trade(...trades: [symbol: string, price: number][]): void {
  engine.ingest(
    'trades',
    trades.map(([symbol, price]) => ({
      symbol,
      venue: 'X',
      price,
      qty: 1,
      ts: T0 + tradeCount++,
    })),
  );
  clock.advance(10);
  engine.flush();
}

function subscribe(sink: RecordingSink, frame: Omit<SubscribeFrame, 'type'>) {
  const connection = hub.connect(sink);
  hub.subscribe(connection, { type: 'subscribe', ...frame });
  return connection;
}

const KEY = ['symbol'];

describe('Hub: snapshot then deltas', () => {
  it('sends subscribed, a snapshot at seq 1, then one delta per emission with its offset', () => {
    trade(['A', 1], ['B', 2]);
    const sink = new RecordingSink();
    subscribe(sink, { id: 's1', view: 'last_price' });
    trade(['A', 3]);
    trade(['C', 4], ['B', 5]);

    const frames = sink.frames;
    expect(frames.map((frame) => frame.type)).toEqual(['subscribed', 'snapshot', 'delta', 'delta']);
    expect(frames[0]).toMatchObject({
      id: 's1',
      sub: 's1',
      key: ['symbol'],
      recovered: false,
      epoch: source.changelogs.get('last_price').epoch,
    });
    expect(frames.slice(1).map((frame) => [frame.seq, frame.offset])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(frames[2]!.upserts).toEqual([{ symbol: 'A', price: 3, n: 2 }]);
    const table = ClientTable.of(sink, 's1', KEY);
    expect(table.sorted()).toEqual(sortByKey(engine.snapshot('last_price'), KEY));
  });

  it('filters on key columns: values or lists; a batch the filter empties costs no seq', () => {
    const sink = new RecordingSink();
    subscribe(sink, { id: 'ab', view: 'last_price', where: { symbol: ['A', 'B'] } });
    subscribe(sink, { id: 'c', view: 'last_price', where: { symbol: 'C' } });
    trade(['A', 1], ['C', 1]);
    trade(['D', 1]);
    trade(['B', 2], ['D', 2]);

    const ab = sink.framesOf('ab').filter((frame) => frame.type === 'delta');
    expect(ab.map((frame) => [frame.seq, frame.offset])).toEqual([
      [2, 1],
      [3, 3],
    ]);
    expect(ab.flatMap((frame) => frame.upserts!.map((row) => row.symbol))).toEqual(['A', 'B']);
    const c = sink.framesOf('c').filter((frame) => frame.type === 'delta');
    expect(c.map((frame) => frame.upserts!.map((row) => row.symbol))).toEqual([['C']]);
  });

  it('filters a TIMESTAMP key by ISO string or epoch milliseconds, snapshot and deltas alike', () => {
    trade(['A', 1]);
    const sink = new RecordingSink();
    const iso = new Date(T0).toISOString();
    subscribe(sink, { id: 'iso', view: 'per_min', where: { window_start: iso } });
    subscribe(sink, { id: 'ms', view: 'per_min', where: { window_start: [T0] } });
    subscribe(sink, { id: 'later', view: 'per_min', where: { window_start: T0 + 60_000 } });
    trade(['A', 2]);
    for (const sub of ['iso', 'ms']) {
      const frames = sink.framesOf(sub);
      expect(frames[1]!.rows).toEqual([{ symbol: 'A', window_start: iso, volume: 1 }]);
      expect(frames[2]!.upserts).toEqual([{ symbol: 'A', window_start: iso, volume: 2 }]);
    }
    expect(sink.framesOf('later').map((frame) => frame.type)).toEqual(['subscribed', 'snapshot']);
    expect(sink.framesOf('later')[1]!.rows).toEqual([]);
  });

  it('stops deltas after unsubscribe and frees the subscription', () => {
    const sink = new RecordingSink();
    const connection = subscribe(sink, { id: 's', view: 'last_price' });
    trade(['A', 1]);
    hub.unsubscribe(connection, 's');
    trade(['A', 2]);
    expect(sink.frames.map((frame) => frame.type)).toEqual(['subscribed', 'snapshot', 'delta']);
    expect(hub.stats()).toMatchObject({ connections: 1, subscriptions: 0 });
    hub.subscribe(connection, { type: 'subscribe', id: 's', view: 'last_price' }); // id free again
    expect(sink.errors()).toEqual([]);
  });
});

describe('Hub: serialize once', () => {
  function arraysStringified(run: () => void): number {
    const spy = vi.spyOn(JSON, 'stringify');
    try {
      run();
      return spy.mock.calls.filter(([value]) => Array.isArray(value)).length;
    } finally {
      spy.mockRestore();
    }
  }

  it('stringifies a batch once per filter group, whatever the number of subscribers', () => {
    const one = [new RecordingSink()];
    const many = Array.from({ length: 50 }, () => new RecordingSink());
    one.forEach((sink) => subscribe(sink, { id: 'x', view: 'last_price' }));
    trade(['A', 1]);
    const withOne = arraysStringified(() => trade(['A', 2], ['B', 2]));

    hub = new Hub(source, { now: () => clock.now() });
    source.hub = hub;
    many.forEach((sink, i) => subscribe(sink, { id: `sub-${i}`, view: 'last_price' }));
    const withMany = arraysStringified(() => trade(['A', 3], ['B', 3]));
    expect(withOne).toBeGreaterThan(0);
    expect(withMany).toBe(withOne);

    const bodies = new Set(many.map((sink) => sink.raw.at(-1)!.replace(/^.*?"seq":\d+,/, '')));
    expect(bodies.size).toBe(1);
    expect(many[7]!.frames.at(-1)).toMatchObject({ type: 'delta', sub: 'sub-7', seq: 2 });
  });

  it('groups by a canonical filter: order of columns and values does not matter', () => {
    const sinks = [new RecordingSink(), new RecordingSink(), new RecordingSink()];
    subscribe(sinks[0]!, { id: 'a', view: 'last_price', where: { symbol: ['A', 'B'] } });
    subscribe(sinks[1]!, { id: 'b', view: 'last_price', where: { symbol: ['B', 'A', 'A'] } });
    const before = arraysStringified(() => trade(['A', 1]));
    subscribe(sinks[2]!, { id: 'c', view: 'last_price', where: { symbol: 'A' } });
    const after = arraysStringified(() => trade(['A', 2]));
    expect(after).toBeGreaterThan(before); // a second group: its own body
    expect(sinks.map((sink) => sink.frames.at(-1)!.upserts)).toEqual([
      [{ symbol: 'A', price: 2, n: 2 }],
      [{ symbol: 'A', price: 2, n: 2 }],
      [{ symbol: 'A', price: 2, n: 2 }],
    ]);
  });
});

describe('Hub: errors are frames', () => {
  const cases: { name: string; frame: Omit<SubscribeFrame, 'type'>; code: string }[] = [
    { name: 'unknown view', frame: { id: 'e', view: 'nope' }, code: 'UNKNOWN_VIEW' },
    { name: 'unknown stream', frame: { id: 'e', stream: 'nope' }, code: 'UNKNOWN_STREAM' },
    {
      name: 'where on a non-key column',
      frame: { id: 'e', view: 'last_price', where: { price: 1 } },
      code: 'INVALID_FIELD',
    },
    {
      name: 'where on an unknown column',
      frame: { id: 'e', view: 'last_price', where: { zzz: 1 } },
      code: 'INVALID_FIELD',
    },
    {
      name: 'where on an unknown stream column',
      frame: { id: 'e', stream: 'trades', where: { zzz: 1 } },
      code: 'INVALID_FIELD',
    },
    {
      name: 'a bad timestamp',
      frame: { id: 'e', view: 'per_min', where: { window_start: 'yesterday' } },
      code: 'INVALID_FIELD',
    },
    {
      name: 'order_by an unknown column',
      frame: { id: 'e', view: 'last_price', order_by: [['zzz', 'desc']], limit: 3 },
      code: 'INVALID_FIELD',
    },
    {
      name: 'limit without order_by',
      frame: { id: 'e', view: 'last_price', limit: 3 },
      code: 'MISSING_FIELD',
    },
    {
      name: 'a limit too large',
      frame: { id: 'e', view: 'last_price', order_by: [['n', 'desc']], limit: 10_001 },
      code: 'INVALID_FIELD',
    },
    {
      name: 'a bad interval',
      frame: { id: 'e', view: 'last_price', interval: 'soon' },
      code: 'INVALID_FIELD',
    },
    {
      name: 'top-N over a stream',
      frame: { id: 'e', stream: 'trades', order_by: [['price', 'asc']], limit: 3 },
      code: 'INVALID_FIELD',
    },
    { name: 'no target', frame: { id: 'e' }, code: 'MISSING_FIELD' },
    {
      name: 'two targets',
      frame: { id: 'e', view: 'last_price', stream: 'trades' },
      code: 'INVALID_FIELD',
    },
  ];
  it.each(cases)('$name → $code', ({ frame, code }) => {
    const sink = new RecordingSink();
    subscribe(sink, frame);
    expect(sink.frames).toEqual([
      expect.objectContaining({ type: 'error', id: 'e', code, temporary: false }),
    ]);
    expect(hub.stats().subscriptions).toBe(0);
  });

  it('answers a second live subscription with the same id with DUPLICATE_ID', () => {
    const sink = new RecordingSink();
    const connection = subscribe(sink, { id: 'd', view: 'last_price' });
    hub.subscribe(connection, { type: 'subscribe', id: 'd', stream: 'trades' });
    expect(sink.errors()).toEqual([expect.objectContaining({ id: 'd', code: 'DUPLICATE_ID' })]);
    expect(hub.stats().subscriptions).toBe(1);
    // The same id on another connection is fine.
    subscribe(new RecordingSink(), { id: 'd', view: 'last_price' });
    expect(hub.stats().subscriptions).toBe(2);
  });

  it('answers unsubscribe of an unknown sub with UNKNOWN_SUBSCRIPTION, echoing the request id', () => {
    const sink = new RecordingSink();
    const connection = hub.connect(sink);
    hub.unsubscribe(connection, 'ghost', 'u1');
    hub.unsubscribe(connection, 'ghost');
    expect(sink.errors()).toEqual([
      expect.objectContaining({ id: 'u1', code: 'UNKNOWN_SUBSCRIPTION' }),
      expect.objectContaining({ id: 'ghost', code: 'UNKNOWN_SUBSCRIPTION' }),
    ]);
  });

  it('answers bad ad-hoc SQL with the SQL error code, line and column', () => {
    const sink = new RecordingSink();
    subscribe(sink, { id: 'q', sql: 'SELECT symbol, FROM trades GROUP BY symbol' });
    const [error] = sink.errors();
    expect(error).toMatchObject({ id: 'q', code: 'SQL_SYNTAX' });
    expect(error!.line).toBeTypeOf('number');
    expect(error!.column).toBeTypeOf('number');
  });

  it('closes only the connection whose sink throws (1011), the others carry on', () => {
    const broken = new RecordingSink();
    const healthy = new RecordingSink();
    subscribe(broken, { id: 's', view: 'last_price' });
    subscribe(healthy, { id: 's', view: 'last_price' });
    broken.failing = true;
    expect(() => trade(['A', 1])).not.toThrow();
    expect(broken.closed).toEqual({ code: 1011, reason: 'internal error' });
    trade(['A', 2]);
    expect(ClientTable.of(healthy, 's', KEY).seq).toBe(3);
    expect(hub.stats()).toMatchObject({ connections: 1, subscriptions: 1 });
  });

  it('turns a source bug into a 1011 close, not a throw, and reports it', () => {
    const sink = new RecordingSink();
    vi.spyOn(source, 'snapshot').mockImplementation(() => {
      throw new TypeError('boom');
    });
    expect(() => subscribe(sink, { id: 's', view: 'last_price' })).not.toThrow();
    expect(sink.closed?.code).toBe(1011);
    expect(internalErrors).toEqual([new TypeError('boom')]);
    expect(hub.stats()).toMatchObject({ connections: 0, subscriptions: 0 });
  });

  it('passes a VaneError from the source through as a frame with its code', () => {
    const sink = new RecordingSink();
    vi.spyOn(source, 'snapshot').mockImplementation(() => {
      throw new VaneError('OVERLOADED', 'busy', { temporary: true });
    });
    subscribe(sink, { id: 's', view: 'last_price' });
    expect(sink.frames).toEqual([
      expect.objectContaining({ type: 'error', id: 's', code: 'OVERLOADED', temporary: true }),
    ]);
    expect(sink.closed).toBeNull();
  });
});

describe('Hub: lifecycle', () => {
  it('frees everything on disconnect, and later publishes reach no one', () => {
    const sink = new RecordingSink();
    const connection = subscribe(sink, { id: 'a', view: 'last_price' });
    hub.subscribe(connection, {
      type: 'subscribe',
      id: 'b',
      view: 'last_price',
      order_by: [['price', 'desc']],
      limit: 2,
    });
    hub.subscribe(connection, { type: 'subscribe', id: 'c', stream: 'trades' });
    hub.subscribe(connection, { type: 'subscribe', id: 'd', view: 'last_price', interval: '1s' });
    trade(['A', 1]); // leaves 'd' with a queued, throttled delta
    expect(hub.stats()).toMatchObject({ connections: 1, subscriptions: 4 });
    expect(hub.stats().queuedBytes).toBeGreaterThan(0);
    const sent = sink.raw.length;
    hub.disconnect(connection);
    hub.disconnect(connection);
    expect(hub.stats()).toMatchObject({ connections: 0, subscriptions: 0, queuedBytes: 0 });
    trade(['A', 2]);
    hub.tick(clock.now() + 10_000);
    hub.subscribe(connection, { type: 'subscribe', id: 'e', view: 'last_price' });
    expect(sink.raw.length).toBe(sent);
  });

  it('shares one hidden view per SQL text and closes it with its last subscription', () => {
    const sql = 'SELECT venue, count(*) AS n FROM trades GROUP BY venue';
    const first = new RecordingSink();
    const second = new RecordingSink();
    const a = subscribe(first, { id: 'q', sql });
    subscribe(second, { id: 'q', sql, where: { venue: 'X' } });
    expect(source.hiddenViews).toBe(1);
    trade(['A', 1], ['B', 1]);
    for (const sink of [first, second]) {
      expect(sink.frames.map((frame) => frame.type)).toEqual(['subscribed', 'snapshot', 'delta']);
      expect(sink.frames[0]!.key).toEqual(['venue']);
      expect(sink.frames[2]!.upserts).toEqual([{ venue: 'X', n: 2 }]);
    }
    hub.unsubscribe(a, 'q');
    expect(source.calls.closeQuery).toBe(1);
    expect(source.hiddenViews).toBe(1);
    hub.disconnect(hub.connect(new RecordingSink())); // unrelated
    const c = subscribe(new RecordingSink(), { id: 'bad', sql, where: { n: 1 } });
    expect(source.calls.closeQuery).toBe(2); // the failed subscription released its reference
    hub.disconnect(c);
    expect(source.hiddenViews).toBe(1);
    hub.disconnect(hub.connect(second)); // a second handle on the same sink is its own connection
    expect(source.hiddenViews).toBe(1);
  });

  it('releases the hidden view when the subscribing connection goes away', () => {
    const sql = 'SELECT venue, count(*) AS n FROM trades GROUP BY venue';
    const connection = subscribe(new RecordingSink(), { id: 'q', sql });
    expect(source.hiddenViews).toBe(1);
    hub.disconnect(connection);
    expect(source.hiddenViews).toBe(0);
    expect(engine.views().map((view) => view.name)).toEqual(['last_price', 'per_min']);
  });

  it('ends the subscriptions of a dropped view with UNKNOWN_VIEW', () => {
    const sink = new RecordingSink();
    subscribe(sink, { id: 'v', view: 'last_price' });
    subscribe(sink, { id: 'w', view: 'per_min' });
    hub.dropView('last_price');
    expect(sink.errors()).toEqual([
      expect.objectContaining({ id: 'v', sub: 'v', code: 'UNKNOWN_VIEW' }),
    ]);
    expect(hub.stats().subscriptions).toBe(1);
  });

  it('ends subscriptions that follow an older epoch when batches of a new one arrive', () => {
    const sink = new RecordingSink();
    subscribe(sink, { id: 'v', view: 'last_price' });
    source.changelogs.drop('last_price'); // history lost without telling the hub: a node bug
    const changelog = source.changelogs.get('last_price');
    const batch = { view: 'last_price', upserts: [{ symbol: 'A', price: 1, n: 1 }], deletes: [] };
    hub.publishChanges('last_price', changelog.epoch, changelog.append(batch), batch);
    expect(sink.errors()).toEqual([expect.objectContaining({ sub: 'v', code: 'INTERNAL' })]);
    expect(internalErrors).toHaveLength(1);
    expect(hub.stats().subscriptions).toBe(0);
  });
});
