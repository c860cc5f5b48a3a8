import { beforeEach, describe, expect, it } from 'vitest';
import type { ChangeBatch } from '../engine/index.ts';
import { InvalidEventError, ManualClock, VaneError } from '../util/index.ts';
import { createEngine } from './create-engine.ts';
import type { Engine } from './engine-api.ts';

const T0 = Date.UTC(2024, 0, 1); // 2024-01-01T00:00:00.000Z

const SCHEMA = `
  CREATE STREAM trades (symbol STRING, price DOUBLE, qty BIGINT, venue STRING, ts TIMESTAMP)
    WITH (timestamp = 'ts', lateness = '1s');
  CREATE VIEW last_price AS
    SELECT symbol, last(price) AS price, sum(qty) AS volume, count(*) AS n FROM trades
    GROUP BY symbol;
  CREATE VIEW per_min AS
    SELECT symbol, window_start, count(*) AS n FROM TUMBLE(trades, INTERVAL '1' MINUTE)
    GROUP BY symbol;`;

function caught(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('no error thrown');
}

describe('ingest', () => {
  let clock: ManualClock;
  let engine: Engine;

  beforeEach(() => {
    clock = new ManualClock(T0);
    engine = createEngine({ clock });
    engine.execute(SCHEMA);
  });

  it('applies a batch to every view of the stream and says how many events it accepted', () => {
    expect(
      engine.ingest('trades', [
        { symbol: 'A', price: 10, qty: 1, ts: T0 },
        { symbol: 'A', price: 11, qty: 2, ts: T0 + 1000 },
      ]),
    ).toEqual({ accepted: 2 });
    engine.flush();
    expect(engine.snapshot('last_price')).toEqual([{ symbol: 'A', price: 11, volume: 3, n: 2 }]);
    expect(engine.snapshot('per_min')).toEqual([
      { symbol: 'A', window_start: '2024-01-01T00:00:00.000Z', n: 2 },
    ]);
    expect(engine.stats().streams).toEqual({ trades: { events: 2 } });
  });

  it('fails with UNKNOWN_STREAM for a stream that does not exist', () => {
    const error = caught(() => engine.ingest('trade', [{ ts: T0 }]));
    expect(error).toBeInstanceOf(VaneError);
    expect((error as VaneError).code).toBe('UNKNOWN_STREAM');
    expect((error as VaneError).message).toBe("unknown stream 'trade'");
  });

  it('reads TIMESTAMP as an ISO-8601 string or epoch ms, and writes it as ISO-8601', () => {
    engine.ingest('trades', [
      { symbol: 'A', ts: '2024-01-01T00:00:30Z' },
      { symbol: 'A', ts: T0 + 45_000 },
      { symbol: 'A', ts: '2024-01-01T01:00:50+01:00' },
    ]);
    engine.flush();
    expect(engine.snapshot('per_min')).toEqual([
      { symbol: 'A', window_start: '2024-01-01T00:00:00.000Z', n: 3 },
    ]);
  });

  it('ignores fields the stream does not declare', () => {
    expect(
      engine.ingest('trades', [
        { symbol: 'A', price: 1, qty: 1, ts: T0, n: 99, window_start: 'x' },
      ]),
    ).toEqual({ accepted: 1 });
    engine.flush();
    expect(engine.snapshot('last_price')).toEqual([{ symbol: 'A', price: 1, volume: 1, n: 1 }]);
  });

  it('reads missing and null fields as NULL', () => {
    engine.execute(`CREATE VIEW by_venue AS
      SELECT venue, count(*) AS n, count(price) AS priced, sum(qty) AS volume, max(symbol) AS top
      FROM trades GROUP BY venue`);
    engine.ingest('trades', [
      { ts: T0 },
      { ts: T0, venue: null, price: null },
      { ts: T0, venue: 'X', price: 5, qty: 2, symbol: 'A' },
    ]);
    engine.flush();
    const byVenue = engine.snapshot('by_venue');
    expect(byVenue.find((row) => row.venue === null)).toEqual({
      venue: null,
      n: 2,
      priced: 0,
      volume: null,
      top: null,
    });
    expect(byVenue.find((row) => row.venue === 'X')).toEqual({
      venue: 'X',
      n: 1,
      priced: 1,
      volume: 2,
      top: 'A',
    });
  });

  it('counts events the views drop as late, and reports them to onLateEvent', () => {
    const late: [string, object, number][] = [];
    const lateEngine = createEngine({
      clock,
      onLateEvent: (view, event, timeMs) => late.push([view, event, timeMs]),
    });
    lateEngine.execute(SCHEMA);
    const tooLate = { symbol: 'A', ts: T0 + 30_000 };
    // The second event moves the watermark to 00:01:59, closing the 00:00 window.
    expect(
      lateEngine.ingest('trades', [
        { symbol: 'A', ts: T0 },
        { symbol: 'B', ts: T0 + 120_000 },
      ]),
    ).toEqual({ accepted: 2 });
    expect(lateEngine.ingest('trades', [tooLate])).toEqual({ accepted: 1 });
    expect(late).toEqual([['per_min', tooLate, T0 + 30_000]]);
    const stats = lateEngine.stats();
    expect(stats.streams.trades!.events).toBe(3);
    expect(stats.views.per_min!.lateEvents).toBe(1);
    // A running aggregate has no window to close: the event still counts there.
    expect(stats.views.last_price!.lateEvents).toBe(0);
  });

  it('starts a new view at the stream’s watermark: it does not reopen closed windows', () => {
    engine.ingest('trades', [{ symbol: 'A', ts: T0 + 120_000 }]);
    engine.execute(`CREATE VIEW fresh AS
      SELECT symbol, count(*) AS n FROM TUMBLE(trades, INTERVAL '1' MINUTE) GROUP BY symbol`);
    expect(engine.stats().views.fresh!.watermarkMs).toBe(T0 + 119_000);
    engine.ingest('trades', [
      { symbol: 'old', ts: T0 },
      { symbol: 'new', ts: T0 + 125_000 },
    ]);
    engine.flush();
    expect(engine.snapshot('fresh').map((row) => row.symbol)).toEqual(['new']);
    expect(engine.stats().views.fresh!.lateEvents).toBe(1);
  });
});

describe('ingest: a rejected batch changes nothing', () => {
  let engine: Engine;
  let batches: ChangeBatch[];

  beforeEach(() => {
    engine = createEngine({ clock: new ManualClock(T0) });
    engine.execute(SCHEMA);
    batches = [];
    engine.onChanges('last_price', (batch) => batches.push(batch));
    engine.onChanges('per_min', (batch) => batches.push(batch));
    engine.ingest('trades', [{ symbol: 'A', price: 10, qty: 1, ts: T0 }]);
    engine.flush();
    batches.length = 0;
  });

  /** A good event for a new key and a later window comes first: it must not be applied either. */
  const GOOD = { symbol: 'Z', price: 1, qty: 1, ts: T0 + 300_000 };

  const CASES: [string, unknown[], number, string | null, string][] = [
    [
      'a field of the wrong type',
      [GOOD, { symbol: 'B', price: '10', ts: T0 }],
      1,
      'price',
      'event 1: price: expected DOUBLE, got string',
    ],
    [
      'a BIGINT with a fraction',
      [GOOD, GOOD, { symbol: 'B', qty: 1.5, ts: T0 }],
      2,
      'qty',
      'event 2: qty: expected BIGINT, got number 1.5',
    ],
    [
      'a missing timestamp',
      [GOOD, { symbol: 'B', price: 10 }],
      1,
      'ts',
      'event 1: ts: missing event time (the stream timestamp)',
    ],
    [
      'a timestamp that is not one',
      [GOOD, { symbol: 'B', ts: 'tomorrow' }],
      1,
      'ts',
      "event 1: ts: expected TIMESTAMP (ISO-8601 or epoch milliseconds), got 'tomorrow'",
    ],
    [
      'an event that is not an object',
      [GOOD, 'B'],
      1,
      null,
      'event 1: expected a JSON object, got string',
    ],
  ];

  it.each(CASES)('%s', (_what, batch, eventIndex, field, message) => {
    const before = {
      lastPrice: engine.snapshot('last_price'),
      perMin: engine.snapshot('per_min'),
      stats: engine.stats(),
    };
    const error = caught(() => engine.ingest('trades', batch));
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error).toMatchObject({ code: 'INVALID_EVENT', eventIndex, field, message });
    engine.flush();
    expect(batches).toEqual([]);
    expect({
      lastPrice: engine.snapshot('last_price'),
      perMin: engine.snapshot('per_min'),
      stats: engine.stats(),
    }).toEqual(before);
  });

  it('a batch that is not an array', () => {
    const before = engine.stats();
    const error = caught(() => engine.ingest('trades', GOOD));
    expect(error).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'events must be an array of JSON objects',
    });
    engine.flush();
    expect(batches).toEqual([]);
    expect(engine.stats()).toEqual(before);
  });
});

describe('ingest: streams without a timestamp column', () => {
  it('give each event the clock’s time on arrival, and advanceTo closes their windows', () => {
    const clock = new ManualClock(T0 + 1500);
    const engine = createEngine({ clock });
    engine.execute(`
      CREATE STREAM clicks (page STRING) WITH (lateness = '0s');
      CREATE VIEW per_sec AS
        SELECT page, window_start, window_end, count(*) AS n
        FROM TUMBLE(clicks, INTERVAL '1' SECOND)
        GROUP BY page
        EMIT FINAL;`);
    const batches: ChangeBatch[] = [];
    engine.onChanges('per_sec', (batch) => batches.push(batch));
    engine.ingest('clicks', [{ page: '/' }, { page: '/' }]);
    clock.set(T0 + 2200);
    engine.ingest('clicks', [{ page: '/' }]);
    // Event time comes only from the clock: the 00:00:01 window closed when 00:00:02.2 arrived.
    engine.advanceTo(T0 + 2200);
    expect(batches).toEqual([
      {
        view: 'per_sec',
        upserts: [
          {
            page: '/',
            window_start: '2024-01-01T00:00:01.000Z',
            window_end: '2024-01-01T00:00:02.000Z',
            n: 2,
          },
        ],
        deletes: [],
      },
    ]);
    // No more events: time passing alone closes the 00:00:02 window.
    engine.advanceTo(T0 + 3000);
    expect(batches[1]!.upserts).toEqual([
      {
        page: '/',
        window_start: '2024-01-01T00:00:02.000Z',
        window_end: '2024-01-01T00:00:03.000Z',
        n: 1,
      },
    ]);
    expect(engine.stats().views.per_sec!.watermarkMs).toBe(T0 + 3000);
  });

  it('advanceTo does not move the watermark of event-time streams', () => {
    const engine = createEngine({ clock: new ManualClock(T0) });
    engine.execute(SCHEMA);
    engine.ingest('trades', [{ symbol: 'A', ts: T0 }]);
    engine.advanceTo(T0 + 3_600_000);
    expect(engine.stats().views.per_min!.watermarkMs).toBe(T0 - 1000);
  });
});
