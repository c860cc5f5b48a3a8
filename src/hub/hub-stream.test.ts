import { beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../catalog/index.ts';
import { ManualClock } from '../util/index.ts';
import { Hub } from './hub.ts';
import { EngineSource, RecordingSink } from './test-harness.ts';

const T0 = Date.UTC(2024, 0, 1);

let clock: ManualClock;
let source: EngineSource;
let hub: Hub;

beforeEach(() => {
  clock = new ManualClock(T0);
  const engine = createEngine({ clock });
  engine.execute(`CREATE STREAM trades (symbol STRING, price DOUBLE, ts TIMESTAMP)
    WITH (timestamp = 'ts', lateness = '1h');`);
  source = new EngineSource(engine, { now: () => clock.now() });
  hub = new Hub(source, { now: () => clock.now() });
  source.hub = hub;
});

const trade = (symbol: string, price: number) => ({ symbol, price, ts: T0 + price });

describe('Hub: stream subscriptions', () => {
  it('sends subscribed (no snapshot) and then events frames with seq 1, 2, …', () => {
    const sink = new RecordingSink();
    hub.subscribe(hub.connect(sink), {
      type: 'subscribe',
      id: 't',
      stream: 'trades',
      resume: { epoch: 'x', offset: 3 },
    });
    source.publish('trades', [trade('A', 1), trade('B', 2)]);
    source.publish('trades', [trade('C', 3)]);
    expect(sink.frames).toEqual([
      {
        type: 'subscribed',
        id: 't',
        sub: 't',
        key: [],
        columns: [
          { name: 'symbol', type: 'STRING' },
          { name: 'price', type: 'DOUBLE' },
          { name: 'ts', type: 'TIMESTAMP' },
        ],
        epoch: '',
        recovered: false,
      },
      { type: 'events', sub: 't', seq: 1, events: [trade('A', 1), trade('B', 2)] },
      { type: 'events', sub: 't', seq: 2, events: [trade('C', 3)] },
    ]);
  });

  it('filters on any column, and sends nothing (no seq) when nothing matches', () => {
    const sink = new RecordingSink();
    const connection = hub.connect(sink);
    hub.subscribe(connection, {
      type: 'subscribe',
      id: 'p',
      stream: 'trades',
      where: { price: [2, 3] },
    });
    source.publish('trades', [trade('A', 1)]);
    source.publish('trades', [trade('A', 2), trade('B', 5), trade('C', 3)]);
    expect(sink.frames.slice(1)).toEqual([
      { type: 'events', sub: 'p', seq: 1, events: [trade('A', 2), trade('C', 3)] },
    ]);
  });

  it('serializes events once per filter group', () => {
    const sinks = Array.from({ length: 10 }, () => new RecordingSink());
    sinks.forEach((sink, i) =>
      hub.subscribe(hub.connect(sink), { type: 'subscribe', id: `s${i}`, stream: 'trades' }),
    );
    source.publish('trades', [trade('A', 1)]);
    const bodies = new Set(sinks.map((sink) => sink.raw.at(-1)!.replace(/^.*?"seq":\d+,/, '')));
    expect(bodies.size).toBe(1);
    expect(hub.stats().deliveries).toBe(20);
  });

  it('queues events for a congested connection, in order, and sends them as one frame on drained', () => {
    const sink = new RecordingSink();
    const connection = hub.connect(sink);
    hub.subscribe(connection, { type: 'subscribe', id: 't', stream: 'trades' });
    sink.bufferedBytes = 100 * 1024;
    source.publish('trades', [trade('A', 1)]);
    source.publish('trades', [trade('A', 2), trade('B', 3)]);
    expect(sink.frames).toHaveLength(1);
    expect(hub.stats().queuedBytes).toBeGreaterThan(0);
    sink.bufferedBytes = 0;
    hub.drained(connection);
    expect(sink.frames[1]).toEqual({
      type: 'events',
      sub: 't',
      seq: 1,
      events: [trade('A', 1), trade('A', 2), trade('B', 3)],
    });
    expect(hub.stats().queuedBytes).toBe(0);
  });

  it('batches events per interval when throttled (events are not conflated)', () => {
    const sink = new RecordingSink();
    hub.subscribe(hub.connect(sink), {
      type: 'subscribe',
      id: 't',
      stream: 'trades',
      interval: '1s',
    });
    source.publish('trades', [trade('A', 1)]);
    source.publish('trades', [trade('A', 2)]);
    expect(sink.frames).toHaveLength(1);
    hub.tick(clock.now() + 1000);
    expect(sink.frames[1]).toMatchObject({ seq: 1, events: [trade('A', 1), trade('A', 2)] });
  });
});
