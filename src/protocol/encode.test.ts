import { describe, expect, it } from 'vitest';
import {
  deltaBody,
  deltaFrame,
  encodeFrame,
  eventsBody,
  eventsFrame,
  snapshotBody,
  snapshotFrame,
} from './encode.ts';
import type { DeltaFrame, EventsFrame, ServerFrame, SnapshotFrame, WireRow } from './frames.ts';

const SUBS = [
  '8',
  '',
  'a"b',
  'back\\slash',
  'line\nbreak\ttab',
  '\u2028\u2029',
  '\u0000\u001f',
  '</script><script>',
  'émoji 🚀',
  'lone \ud800 surrogate',
];

const ROWS: WireRow[] = [
  { symbol: 'AAPL', window_start: '2026-01-01T00:00:00.000Z', open: 189.2, n: 3 },
  { symbol: 'quote"s\\', v: null, neg: -0, big: 1e21, tiny: 5e-324, arr: [1, 'two', { three: 3 }] },
  { 'key with "quotes"': '\u2028', nested: { deep: [[[]]] }, emoji: '🚀', missing: undefined },
];

/** Prefix + body must be byte-identical to stringifying the whole frame, and parse back to it. */
function expectSameAsWhole(text: string, frame: ServerFrame): void {
  expect(text).toBe(JSON.stringify(frame));
  expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(frame)));
}

describe('split encoding for fan-out', () => {
  it.each(SUBS)('snapshot for sub %j', (sub) => {
    const body = snapshotBody(57, ROWS);
    const frame: SnapshotFrame = { type: 'snapshot', sub, seq: 1, offset: 57, rows: ROWS };
    expectSameAsWhole(snapshotFrame(sub, 1, body), frame);
  });

  it.each(SUBS)('delta for sub %j', (sub) => {
    const deletes = [{ symbol: 'AAPL', window_start: '2026-01-01T00:00:00.000Z' }];
    const body = deltaBody(58, ROWS, deletes);
    const frame: DeltaFrame = {
      type: 'delta',
      sub,
      seq: 2,
      offset: 58,
      upserts: ROWS,
      deletes,
    };
    expectSameAsWhole(deltaFrame(sub, 2, body), frame);
  });

  it.each(SUBS)('events for sub %j', (sub) => {
    const body = eventsBody(ROWS);
    const frame: EventsFrame = { type: 'events', sub, seq: 9_007_199_254_740_991, events: ROWS };
    expectSameAsWhole(eventsFrame(sub, 9_007_199_254_740_991, body), frame);
  });

  it('handles empty batches', () => {
    expectSameAsWhole(deltaFrame('s', 3, deltaBody(0, [], [])), {
      type: 'delta',
      sub: 's',
      seq: 3,
      offset: 0,
      upserts: [],
      deletes: [],
    });
    expectSameAsWhole(snapshotFrame('s', 1, snapshotBody(0, [])), {
      type: 'snapshot',
      sub: 's',
      seq: 1,
      offset: 0,
      rows: [],
    });
    expectSameAsWhole(eventsFrame('s', 1, eventsBody([])), {
      type: 'events',
      sub: 's',
      seq: 1,
      events: [],
    });
  });

  it('shares one body between subscribers: only the prefix differs', () => {
    const body = deltaBody(10, ROWS, []);
    const first = deltaFrame('a', 5, body);
    const second = deltaFrame('b"c', 70, body);
    expect(first.endsWith(body)).toBe(true);
    expect(second.endsWith(body)).toBe(true);
    expect(first.length - body.length).toBeLessThan(40);
  });

  it('keeps each body with its own frame kind', () => {
    // @ts-expect-error a snapshot body cannot be sent as a delta
    deltaFrame('s', 1, snapshotBody(1, []));
    // @ts-expect-error a plain string is not a body
    eventsFrame('s', 1, '"events":[]}');
  });
});

describe('encodeFrame', () => {
  const frames: ServerFrame[] = [
    { type: 'ack', id: '7', accepted: 1, duplicates: 0 },
    {
      type: 'subscribed',
      id: '8',
      sub: '8',
      key: ['symbol', 'window_start'],
      columns: [{ name: 'symbol', type: 'STRING' }],
      epoch: 'e1',
      recovered: false,
    },
    { type: 'snapshot', sub: '8', seq: 1, offset: 57, rows: ROWS },
    { type: 'delta', sub: '8', seq: 2, offset: 58, upserts: ROWS, deletes: [] },
    { type: 'events', sub: '9', seq: 1, events: ROWS },
    {
      type: 'result',
      id: '12',
      ok: true,
      results: [{ statement: 'SHOW VIEWS', message: '1 view', rows: [{ name: 'v' }] }],
      rows: [{ name: 'v' }],
    },
    { type: 'error', id: '7', code: 'INVALID_EVENT', message: 'event 3: price', temporary: false },
    { type: 'pong', id: '13' },
  ];

  it.each(frames.map((frame) => [frame.type, frame] as const))('%s', (_type, frame) => {
    const text = encodeFrame(frame);
    expect(text).toBe(JSON.stringify(frame));
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(frame)));
  });
});
