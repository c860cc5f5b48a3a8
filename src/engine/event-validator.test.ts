import { describe, expect, it } from 'vitest';
import { InvalidEventError, VaneError } from '../util/index.ts';
import { EventValidator } from './event-validator.ts';
import type { StreamSpec } from './stream-spec.ts';

const T0 = Date.UTC(2024, 0, 1); // 2024-01-01T00:00:00.000Z
const ARRIVAL_MS = 42;

/** trades with every column type; `ts` is the event time. */
const TRADES: StreamSpec = {
  name: 'trades',
  columns: [
    { name: 'symbol', type: 'STRING' },
    { name: 'price', type: 'DOUBLE' },
    { name: 'qty', type: 'BIGINT' },
    { name: 'buy', type: 'BOOLEAN' },
    { name: 'ts', type: 'TIMESTAMP' },
    { name: 'settled', type: 'TIMESTAMP' },
    { name: 'meta', type: 'JSON' },
  ],
  timestampColumn: 'ts',
  idColumn: null,
  latenessMs: 1000,
  retentionMs: 3_600_000,
};

/** No timestamp column: events take their arrival time. */
const CLICKS: StreamSpec = {
  name: 'clicks',
  columns: [
    { name: 'page', type: 'STRING' },
    { name: 'at', type: 'TIMESTAMP' },
  ],
  timestampColumn: null,
  idColumn: null,
  latenessMs: 0,
  retentionMs: 3_600_000,
};

function rejection(spec: StreamSpec, batch: unknown): InvalidEventError {
  try {
    new EventValidator(spec).validate(batch, ARRIVAL_MS);
  } catch (error) {
    if (error instanceof InvalidEventError) return error;
    throw error;
  }
  throw new Error(`batch accepted: ${JSON.stringify(batch)}`);
}

describe('EventValidator: accepted batches', () => {
  it('returns the events and the event time of each, in order', () => {
    const batch = [
      { symbol: 'AAPL', price: 189.5, qty: 10, buy: true, ts: T0 + 5 },
      { symbol: 'MSFT', price: 410, qty: 3, buy: false, ts: T0 + 1 },
    ];
    const validated = new EventValidator(TRADES).validate(batch, ARRIVAL_MS);
    expect(validated.events).toEqual(batch);
    expect([...validated.timesMs]).toEqual([T0 + 5, T0 + 1]);
  });

  it('uses the caller’s object as it is when nothing needs converting', () => {
    const event = { symbol: 'AAPL', ts: T0 };
    const validated = new EventValidator(TRADES).validate([event], ARRIVAL_MS);
    expect(validated.events[0]).toBe(event);
  });

  it('accepts an empty batch', () => {
    const validated = new EventValidator(TRADES).validate([], ARRIVAL_MS);
    expect(validated.events).toEqual([]);
    expect(validated.timesMs).toHaveLength(0);
  });

  it.each([
    ['2024-01-01T00:00:00Z', T0],
    ['2024-01-01T00:00:00.250Z', T0 + 250],
    ['2024-01-01T02:00:00+02:00', T0],
    ['2024-01-01T02:00:00+0200', T0],
    ['2024-01-01T00:00:01', T0 + 1000],
    ['2024-01-01 00:00:01', T0 + 1000],
    ['2024-01-01', T0],
  ])('reads the event time %s as epoch ms (no offset means UTC)', (iso, ms) => {
    const validated = new EventValidator(TRADES).validate([{ ts: iso }], ARRIVAL_MS);
    expect(validated.timesMs[0]).toBe(ms);
    expect(validated.events[0]!.ts).toBe(ms);
  });

  it('converts every TIMESTAMP column, on a copy: the caller’s event is not mutated', () => {
    const event = { symbol: 'AAPL', ts: '2024-01-01T00:00:00Z', settled: '2024-01-02T00:00:00Z' };
    const validated = new EventValidator(TRADES).validate([event], ARRIVAL_MS);
    expect(validated.events[0]).toEqual({ symbol: 'AAPL', ts: T0, settled: T0 + 86_400_000 });
    expect(event.ts).toBe('2024-01-01T00:00:00Z');
    expect(event.settled).toBe('2024-01-02T00:00:00Z');
  });

  it('ignores fields the stream does not declare and lets declared fields be missing or null', () => {
    const batch = [
      { ts: T0, extra: 'not a column', price: null },
      { ts: T0, symbol: undefined, meta: { any: ['json'] } },
    ];
    const validated = new EventValidator(TRADES).validate(batch, ARRIVAL_MS);
    expect(validated.events).toEqual(batch);
  });

  it('accepts any JSON value in a JSON column', () => {
    const metas = [{ a: 1 }, [1, 2], 'text', 3.5, false];
    const validated = new EventValidator(TRADES).validate(
      metas.map((meta) => ({ ts: T0, meta })),
      ARRIVAL_MS,
    );
    expect(validated.events.map((event) => event.meta)).toEqual(metas);
  });

  it('gives every event the arrival time when the stream has no timestamp column', () => {
    const validated = new EventValidator(CLICKS).validate(
      [{ page: '/' }, { page: '/about', at: '2024-01-01T00:00:00Z' }],
      ARRIVAL_MS,
    );
    expect([...validated.timesMs]).toEqual([ARRIVAL_MS, ARRIVAL_MS]);
    expect(validated.events[1]!.at).toBe(T0);
  });
});

describe('EventValidator: rejected batches', () => {
  /** [what, batch, event index, field, message]: the first bad event names itself and its field. */
  const CASES: [string, unknown[], number, string | null, string][] = [
    [
      'STRING given a number',
      [{ ts: T0 }, { ts: T0, symbol: 7 }],
      1,
      'symbol',
      'event 1: symbol: expected STRING, got integer 7',
    ],
    [
      'DOUBLE given a string',
      [{ ts: T0, price: '189.5' }],
      0,
      'price',
      'event 0: price: expected DOUBLE, got string',
    ],
    [
      'DOUBLE given NaN',
      [{ ts: T0, price: NaN }],
      0,
      'price',
      'event 0: price: expected DOUBLE, got number NaN',
    ],
    [
      'DOUBLE given Infinity',
      [{ ts: T0, price: Infinity }],
      0,
      'price',
      'event 0: price: expected DOUBLE, got number Infinity',
    ],
    [
      'BIGINT given a fraction',
      [{ ts: T0, qty: 1.5 }],
      0,
      'qty',
      'event 0: qty: expected BIGINT, got number 1.5',
    ],
    [
      'BIGINT beyond 2^53',
      [{ ts: T0, qty: 2 ** 53 }],
      0,
      'qty',
      `event 0: qty: expected BIGINT, got integer ${2 ** 53}`,
    ],
    [
      'BOOLEAN given a string',
      [{ ts: T0, buy: 'true' }],
      0,
      'buy',
      'event 0: buy: expected BOOLEAN, got string',
    ],
    [
      'TIMESTAMP given text that is not ISO-8601',
      [{ ts: 'yesterday' }],
      0,
      'ts',
      "event 0: ts: expected TIMESTAMP (ISO-8601 or epoch milliseconds), got 'yesterday'",
    ],
    [
      'TIMESTAMP given a boolean',
      [{ ts: T0, settled: true }],
      0,
      'settled',
      'event 0: settled: expected TIMESTAMP, got boolean',
    ],
    [
      'a missing event time',
      [{ ts: T0 }, { ts: T0 }, { symbol: 'AAPL' }],
      2,
      'ts',
      'event 2: ts: missing event time (the stream timestamp)',
    ],
    [
      'a null event time',
      [{ ts: null }],
      0,
      'ts',
      'event 0: ts: missing event time (the stream timestamp)',
    ],
    ['a number', [{ ts: T0 }, 5], 1, null, 'event 1: expected a JSON object, got integer 5'],
    ['null', [null], 0, null, 'event 0: expected a JSON object, got null'],
    ['an array', [[T0]], 0, null, 'event 0: expected a JSON object, got array'],
    ['a string', ['{"ts":1}'], 0, null, 'event 0: expected a JSON object, got string'],
    [
      'two bad events (the first is named)',
      [{ ts: T0 }, { ts: T0, qty: 'x' }, { ts: T0, price: 'y' }],
      1,
      'qty',
      'event 1: qty: expected BIGINT, got string',
    ],
  ];

  it.each(CASES)('rejects %s', (_what, batch, eventIndex, field, message) => {
    const error = rejection(TRADES, batch);
    expect(error.code).toBe('INVALID_EVENT');
    expect(error.eventIndex).toBe(eventIndex);
    expect(error.field).toBe(field);
    expect(error.message).toBe(message);
  });

  it('cuts a long bad TIMESTAMP text to 40 characters in the message', () => {
    const error = rejection(TRADES, [{ ts: 'x'.repeat(100) }]);
    expect(error.message).toBe(
      `event 0: ts: expected TIMESTAMP (ISO-8601 or epoch milliseconds), got '${'x'.repeat(40)}'`,
    );
  });

  it('checks TIMESTAMP columns of arrival-time streams too', () => {
    const error = rejection(CLICKS, [{ page: '/', at: 'noon' }]);
    expect([error.eventIndex, error.field]).toEqual([0, 'at']);
  });

  it.each([{ ts: T0 }, 'events', null, undefined])(
    'rejects a batch that is not an array (%j) as an invalid argument',
    (batch) => {
      let caught: unknown = null;
      try {
        new EventValidator(TRADES).validate(batch, ARRIVAL_MS);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(VaneError);
      expect((caught as VaneError).code).toBe('INVALID_ARGUMENT');
      expect((caught as VaneError).message).toBe('events must be an array of JSON objects');
    },
  );
});

describe('EventValidator: values that must read back from the log exactly', () => {
  it('refuses strings with a lone surrogate, in columns and inside JSON', () => {
    expect(rejection(TRADES, [{ ts: T0, symbol: 'A\ud800' }]).message).toBe(
      'event 0: symbol: not valid Unicode: the string holds a lone UTF-16 surrogate',
    );
    expect(rejection(TRADES, [{ ts: T0, meta: { tags: ['ok', '\udc00x'] } }]).message).toMatch(
      /event 0: meta: not valid Unicode: a string holds a lone UTF-16 surrogate/,
    );
    expect(rejection(TRADES, [{ ts: T0, meta: { ['k\ud800']: 1 } }]).message).toMatch(
      /a key holds a lone UTF-16 surrogate/,
    );
    // A well-formed pair is fine.
    const pair = new EventValidator(TRADES).validate([{ ts: T0, symbol: 'A😀' }], ARRIVAL_MS);
    expect(pair.events[0]!.symbol).toBe('A😀');
  });

  it('refuses a __proto__ key inside a JSON value', () => {
    const meta = JSON.parse('{"__proto__": {"admin": true}}') as unknown;
    expect(rejection(TRADES, [{ ts: T0, meta }]).message).toMatch(
      /event 0: meta: a "__proto__" key is not accepted/,
    );
  });

  it('stores -0 as 0, at the top level and inside JSON, without changing the caller’s event', () => {
    const raw = { ts: T0, price: -0, qty: -0, meta: { x: [-0, 1] } };
    const validated = new EventValidator(TRADES).validate([raw], ARRIVAL_MS);
    const event = validated.events[0]!;
    expect(Object.is(event.price, 0)).toBe(true);
    expect(Object.is(event.qty, 0)).toBe(true);
    expect(Object.is((event.meta as { x: number[] }).x[0], 0)).toBe(true);
    expect(Object.is(raw.price, -0)).toBe(true);
    expect(Object.is(raw.meta.x[0], -0)).toBe(true);
  });
});
