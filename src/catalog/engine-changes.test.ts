import { beforeEach, describe, expect, it } from 'vitest';
import type { ChangeBatch } from '../engine/index.ts';
import { ManualClock, VaneError } from '../util/index.ts';
import { createEngine } from './create-engine.ts';
import type { Engine } from './engine-api.ts';

const T0 = Date.UTC(2024, 0, 1); // 2024-01-01T00:00:00.000Z
const MINUTE = 60_000;

let engine: Engine;

beforeEach(() => {
  engine = createEngine({ clock: new ManualClock(T0) });
  engine.execute(`
    CREATE STREAM trades (symbol STRING, price DOUBLE, qty DOUBLE, ts TIMESTAMP)
      WITH (timestamp = 'ts', lateness = '0s');
    CREATE VIEW last_price AS
      SELECT symbol, last(price) AS price, count(*) AS n FROM trades GROUP BY symbol;
    CREATE VIEW per_min WITH (emit_interval = '1s') AS
      SELECT symbol, window_start, window_end, sum(qty) AS volume
      FROM TUMBLE(trades, INTERVAL '1' MINUTE) GROUP BY symbol;`);
});

function collect(view: string): ChangeBatch[] {
  const batches: ChangeBatch[] = [];
  engine.onChanges(view, (batch) => batches.push(batch));
  return batches;
}

function caught(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('no error thrown');
}

describe('onChanges', () => {
  it('delivers from advanceTo and flush, never from ingest, one coalesced batch per view', () => {
    const batches = collect('last_price');
    engine.ingest('trades', [
      { symbol: 'A', price: 1, ts: T0 },
      { symbol: 'A', price: 2, ts: T0 + 1 },
      { symbol: 'B', price: 7, ts: T0 + 2 },
    ]);
    engine.ingest('trades', [{ symbol: 'A', price: 3, ts: T0 + 3 }]);
    expect(batches).toEqual([]);
    engine.advanceTo(T0);
    expect(batches).toEqual([
      {
        view: 'last_price',
        upserts: [
          { symbol: 'A', price: 3, n: 3 },
          { symbol: 'B', price: 7, n: 1 },
        ],
        deletes: [],
      },
    ]);
    engine.flush();
    expect(batches).toHaveLength(1);
  });

  it('emits each view once per emit interval on average, at most twice in any interval', () => {
    const fast = collect('last_price');
    const slow = collect('per_min');
    engine.ingest('trades', [{ symbol: 'A', price: 1, qty: 1, ts: T0 }]);
    engine.advanceTo(T0);
    expect([fast.length, slow.length]).toEqual([1, 1]);
    // One more batch may follow at once (the schedule's tolerance of one interval)...
    engine.ingest('trades', [{ symbol: 'A', price: 2, qty: 2, ts: T0 + 1 }]);
    engine.advanceTo(T0 + 500);
    expect([fast.length, slow.length]).toEqual([2, 2]);
    // ...then the 1 s view waits until T0 + 1 s; the 100 ms one has long been due.
    engine.ingest('trades', [{ symbol: 'A', price: 3, qty: 3, ts: T0 + 2 }]);
    engine.advanceTo(T0 + 600);
    expect([fast.length, slow.length]).toEqual([3, 2]);
    engine.advanceTo(T0 + 999);
    expect(slow.length).toBe(2);
    engine.advanceTo(T0 + 1000);
    expect([fast.length, slow.length]).toEqual([3, 3]);
    expect(slow[2]!.upserts).toEqual([
      {
        symbol: 'A',
        window_start: '2024-01-01T00:00:00.000Z',
        window_end: '2024-01-01T00:01:00.000Z',
        volume: 6,
      },
    ]);
  });

  it('calls handlers in registration order; the returned function unsubscribes one handler', () => {
    const calls: string[] = [];
    const stopFirst = engine.onChanges('last_price', () => calls.push('first'));
    engine.onChanges('last_price', () => calls.push('second'));
    engine.ingest('trades', [{ symbol: 'A', ts: T0 }]);
    engine.flush();
    expect(calls).toEqual(['first', 'second']);
    stopFirst();
    stopFirst();
    engine.ingest('trades', [{ symbol: 'A', ts: T0 + 1 }]);
    engine.flush();
    expect(calls).toEqual(['first', 'second', 'second']);
  });

  it('unsubscribes a handler registered twice one registration at a time', () => {
    const calls: string[] = [];
    const handler = () => calls.push('h');
    const stop = engine.onChanges('last_price', handler);
    engine.onChanges('last_price', handler);
    stop();
    engine.ingest('trades', [{ symbol: 'A', ts: T0 }]);
    engine.flush();
    expect(calls).toEqual(['h']);
  });

  it('a handler that throws does not stop the others; its error surfaces from flush', () => {
    const boom = new Error('boom');
    const before = collect('last_price');
    engine.onChanges('last_price', () => {
      throw boom;
    });
    const after = collect('last_price');
    const otherView = collect('per_min');
    engine.ingest('trades', [{ symbol: 'A', price: 1, qty: 1, ts: T0 }]);
    expect(caught(() => engine.flush())).toBe(boom);
    expect(before).toHaveLength(1);
    expect(after).toEqual(before);
    expect(otherView).toHaveLength(1);
    // The batch was delivered once: nothing is re-sent, and the next change flows normally.
    engine.flush();
    expect(after).toHaveLength(1);
    engine.ingest('trades', [{ symbol: 'A', price: 2, ts: T0 + 1 }]);
    expect(caught(() => engine.flush())).toBe(boom);
    expect(after.map((batch) => batch.upserts[0]!.price)).toEqual([1, 2]);
  });

  it('the error surfaces from advanceTo too, and several become one AggregateError', () => {
    const first = new Error('first');
    const second = new Error('second');
    engine.onChanges('last_price', () => {
      throw first;
    });
    engine.onChanges('per_min', () => {
      throw second;
    });
    const delivered = collect('per_min');
    engine.ingest('trades', [{ symbol: 'A', qty: 1, ts: T0 }]);
    const error = caught(() => engine.advanceTo(T0));
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors).toEqual([first, second]);
    expect((error as AggregateError).message).toBe('2 change handlers threw');
    expect(delivered).toHaveLength(1);
  });

  it('sends deletes with only the key columns when a row leaves a HAVING view', () => {
    engine.execute(`CREATE VIEW busy AS
      SELECT symbol, window_start, count(*) AS n FROM TUMBLE(trades, INTERVAL '1' MINUTE)
      GROUP BY symbol HAVING count(*) < 3`);
    const batches = collect('busy');
    engine.ingest('trades', [{ symbol: 'A', ts: T0 }]);
    engine.flush();
    engine.ingest('trades', [
      { symbol: 'A', ts: T0 + 1 },
      { symbol: 'A', ts: T0 + 2 },
    ]);
    engine.flush();
    expect(batches).toEqual([
      {
        view: 'busy',
        upserts: [{ symbol: 'A', window_start: '2024-01-01T00:00:00.000Z', n: 1 }],
        deletes: [],
      },
      {
        view: 'busy',
        upserts: [],
        deletes: [{ symbol: 'A', window_start: '2024-01-01T00:00:00.000Z' }],
      },
    ]);
    expect(engine.snapshot('busy')).toEqual([]);
  });

  it('fails with UNKNOWN_VIEW for a view that does not exist', () => {
    const error = caught(() => engine.onChanges('trades', () => undefined));
    expect(error).toBeInstanceOf(VaneError);
    expect(error).toMatchObject({ code: 'UNKNOWN_VIEW', message: "unknown view 'trades'" });
  });
});

describe('snapshot(view, where)', () => {
  beforeEach(() => {
    engine.ingest('trades', [
      { symbol: 'A', price: 1, qty: 1, ts: T0 },
      { symbol: 'B', price: 2, qty: 2, ts: T0 + 1 },
      { symbol: 'C', price: 3, qty: 3, ts: T0 + 2 },
      { symbol: 'A', price: 4, qty: 4, ts: T0 + MINUTE },
      { symbol: 'B', price: 5, qty: 5, ts: T0 + MINUTE + 1 },
    ]);
    engine.flush();
  });

  const keysOf = (where?: Record<string, unknown>) =>
    engine
      .snapshot('per_min', where)
      .map((row) => `${String(row.symbol)}@${String(row.window_start).slice(11, 16)}`)
      .sort();

  it('returns every row without a filter', () => {
    expect(keysOf()).toEqual(['A@00:00', 'A@00:01', 'B@00:00', 'B@00:01', 'C@00:00']);
    expect(engine.snapshot('last_price')).toHaveLength(3);
  });

  it('filters by a key value', () => {
    expect(engine.snapshot('last_price', { symbol: 'B' })).toEqual([
      { symbol: 'B', price: 5, n: 2 },
    ]);
  });

  it('filters by a list of accepted values', () => {
    expect(keysOf({ symbol: ['A', 'C'] })).toEqual(['A@00:00', 'A@00:01', 'C@00:00']);
  });

  it('filters window_start given as an ISO string or epoch ms', () => {
    expect(keysOf({ window_start: '2024-01-01T00:01:00Z' })).toEqual(['A@00:01', 'B@00:01']);
    expect(keysOf({ window_start: '2024-01-01T00:01:00.000Z' })).toEqual(['A@00:01', 'B@00:01']);
    expect(keysOf({ window_start: T0 })).toEqual(['A@00:00', 'B@00:00', 'C@00:00']);
  });

  it('requires every column of the filter to match', () => {
    expect(
      engine.snapshot('per_min', { symbol: ['B', 'C'], window_start: ['2024-01-01T00:01:00Z'] }),
    ).toEqual([
      {
        symbol: 'B',
        window_start: '2024-01-01T00:01:00.000Z',
        window_end: '2024-01-01T00:02:00.000Z',
        volume: 5,
      },
    ]);
  });

  it('returns nothing when no row matches', () => {
    expect(engine.snapshot('per_min', { symbol: 'Z' })).toEqual([]);
    expect(engine.snapshot('per_min', { symbol: [] })).toEqual([]);
  });

  it('fails with UNKNOWN_VIEW for a view that does not exist', () => {
    expect(caught(() => engine.snapshot('per_hour'))).toMatchObject({
      code: 'UNKNOWN_VIEW',
      message: "unknown view 'per_hour'",
    });
  });
});

describe('stats()', () => {
  it('counts events per stream and reports rows, open groups, late events and watermark per view', () => {
    expect(engine.stats()).toEqual({
      streams: { trades: { events: 0 } },
      views: {
        last_price: { lateEvents: 0, openGroups: 0, rows: 0, watermarkMs: -Infinity },
        per_min: { lateEvents: 0, openGroups: 0, rows: 0, watermarkMs: -Infinity },
      },
    });
    engine.ingest('trades', [
      { symbol: 'A', qty: 1, ts: T0 },
      { symbol: 'B', qty: 1, ts: T0 + 1 },
      { symbol: 'A', qty: 1, ts: T0 + MINUTE },
    ]);
    engine.ingest('trades', [{ symbol: 'C', qty: 1, ts: T0 + 5 }]);
    engine.flush();
    expect(engine.stats()).toEqual({
      streams: { trades: { events: 4 } },
      views: {
        last_price: { lateEvents: 0, openGroups: 3, rows: 3, watermarkMs: T0 + MINUTE },
        // The 00:00 window closed at watermark 00:01 (lateness 0s), so C arrived late.
        per_min: { lateEvents: 1, openGroups: 1, rows: 3, watermarkMs: T0 + MINUTE },
      },
    });
  });
});
