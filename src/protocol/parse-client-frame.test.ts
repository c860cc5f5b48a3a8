import { describe, expect, it } from 'vitest';
import type { ClientFrame, ErrorFrame } from './frames.ts';
import type { WireErrorCode } from './error-codes.ts';
import { parseClientFrame, type ParseLimits } from './parse-client-frame.ts';

function accept(input: unknown, limits?: ParseLimits): ClientFrame {
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  const parsed = parseClientFrame(text, limits);
  if (!parsed.ok) throw new Error(`rejected ${text}: ${parsed.error.code} ${parsed.error.message}`);
  return parsed.frame;
}

function reject(input: unknown, limits?: ParseLimits): ErrorFrame {
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  const parsed = parseClientFrame(text, limits);
  if (parsed.ok) throw new Error(`accepted ${text}`);
  return parsed.error;
}

function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${text} is valid JSON`);
}

describe('parseClientFrame accepts every client frame of SPEC §4', () => {
  // The SPEC §4 examples, verbatim: each must come back as exactly these fields.
  const specExamples = [
    '{"type":"publish","id":"7","stream":"trades","events":[{"symbol":"AAPL","price":189.2,"qty":10,"ts":1732600000000,"trade_id":"t1"}]}',
    '{"type":"subscribe","id":"8","view":"ohlc_1m","where":{"symbol":["AAPL","MSFT"]},"resume":{"epoch":"…","offset":41}}',
    '{"type":"subscribe","id":"14","view":"last_price","order_by":[["n","desc"]],"limit":10,"interval":"1s"}',
    '{"type":"subscribe","id":"9","stream":"trades"}',
    '{"type":"subscribe","id":"10","sql":"SELECT symbol, count(*) AS n FROM trades GROUP BY symbol"}',
    '{"type":"unsubscribe","id":"11","sub":"8"}',
    '{"type":"sql","id":"12","sql":"CREATE VIEW …;"}',
    '{"type":"ping","id":"13"}',
  ];

  it.each(specExamples)('%s', (text) => {
    expect(accept(text)).toEqual(JSON.parse(text));
  });

  const minimal: [string, ClientFrame][] = [
    ['publish', { type: 'publish', id: '1', stream: 's', events: [{}] }],
    ['publish with no events', { type: 'publish', id: '1', stream: 's', events: [] }],
    ['subscribe to a view', { type: 'subscribe', id: '1', view: 'v' }],
    ['subscribe to a stream', { type: 'subscribe', id: '1', stream: 's' }],
    ['subscribe to sql', { type: 'subscribe', id: '1', sql: 'SELECT 1' }],
    ['unsubscribe', { type: 'unsubscribe', id: '1', sub: '1' }],
    ['sql', { type: 'sql', id: '1', sql: 'SHOW VIEWS;' }],
    ['ping', { type: 'ping', id: '1' }],
  ];

  it.each(minimal)('minimal %s', (_name, frame) => {
    expect(accept(frame)).toEqual(frame);
  });

  it('a subscribe with every field', () => {
    const frame: ClientFrame = {
      type: 'subscribe',
      id: 'req-1',
      sql: 'SELECT symbol, count(*) AS n FROM trades GROUP BY symbol',
      where: { symbol: ['AAPL', 'MSFT'], venue: 'XNAS', active: true, bucket: 3, region: null },
      resume: { epoch: '9f2c01', offset: 0 },
      order_by: [
        ['n', 'desc'],
        ['symbol', 'asc'],
      ],
      limit: 10_000,
      interval: '250ms',
    };
    expect(accept(frame)).toEqual(frame);
  });

  it('a publish whose events hold any JSON: fields are for ingest to check', () => {
    const events = '[{"a":{"b":[1,{"c":null}]}},{"__proto__":1,"constructor":"x"}]';
    const frame = accept(`{"type":"publish","id":"1","stream":"s","events":${events}}`);
    expect(frame).toEqual({
      type: 'publish',
      id: '1',
      stream: 's',
      events: JSON.parse(events) as unknown,
    });
    expect(frame.type === 'publish' && Object.keys(frame.events[1]!)).toEqual([
      '__proto__',
      'constructor',
    ]);
  });

  it('drops unknown fields', () => {
    expect(accept({ type: 'ping', id: '1', extra: { deep: [1] }, sub: 'x', v: 2 })).toEqual({
      type: 'ping',
      id: '1',
    });
    expect(accept({ type: 'unsubscribe', id: '2', sub: '8', view: 'v', limit: -1 })).toEqual({
      type: 'unsubscribe',
      id: '2',
      sub: '8',
    });
  });

  it('treats optional fields sent as null as absent', () => {
    const frame = accept({
      type: 'subscribe',
      id: '1',
      view: 'v',
      stream: null,
      sql: null,
      where: null,
      resume: null,
      order_by: null,
      limit: null,
      interval: null,
    });
    expect(frame).toEqual({ type: 'subscribe', id: '1', view: 'v' });
    expect(Object.keys(frame)).toEqual(['type', 'id', 'view']);
  });

  it('accepts an id of exactly 128 characters and any characters in it', () => {
    const id = 'é'.repeat(127) + '"';
    expect(accept({ type: 'ping', id })).toEqual({ type: 'ping', id });
  });

  it('accepts every duration form of parseDurationMs as an interval', () => {
    for (const interval of ['1ms', '250ms', '1s', '1.5s', '2m', '1h', '7d', ' 2 M ', '10S']) {
      expect(accept({ type: 'subscribe', id: '1', view: 'v', interval })).toMatchObject({
        interval,
      });
    }
  });

  it('accepts limits at both ends and an offset of 0 with any epoch', () => {
    const base = { type: 'subscribe', id: '1', view: 'v', order_by: [['n', 'asc']] };
    expect(accept({ ...base, limit: 1 })).toMatchObject({ limit: 1 });
    expect(accept({ ...base, limit: 10_000 })).toMatchObject({ limit: 10_000 });
    expect(accept({ ...base, limit: 5.0 })).toMatchObject({ limit: 5 });
    const resume = { epoch: '', offset: 0 };
    expect(accept({ type: 'subscribe', id: '1', view: 'v', resume })).toMatchObject({ resume });
  });

  it('accepts exactly maxEventsPerBatch events (10,000 by default)', () => {
    const events = Array.from({ length: 10_000 }, () => ({}));
    expect(accept({ type: 'publish', id: '1', stream: 's', events })).toMatchObject({ events });
    expect(
      accept({ type: 'publish', id: '1', stream: 's', events: [{}, {}] }, { maxEventsPerBatch: 2 }),
    ).toMatchObject({
      type: 'publish',
    });
  });

  it('keeps where keys that look like Object.prototype members as data', () => {
    const frame = accept('{"type":"subscribe","id":"1","view":"v","where":{"__proto__":["x"]}}');
    expect(frame.type === 'subscribe' && Object.keys(frame.where ?? {})).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(frame)).toBe(Object.prototype);
  });
});

const JSON_CASES: [string, string][] = [
  ['an empty text', ''],
  ['a truncated object', '{"type":"ping",'],
  ['single quotes', "{'type':'ping'}"],
  ['two objects', '{"type":"ping","id":"1"}{"type":"ping","id":"2"}'],
];

describe('parseClientFrame rejects text that is not a JSON object with BAD_FRAME', () => {
  it.each(JSON_CASES)('%s', (_name, text) => {
    expect(reject(text)).toEqual({
      type: 'error',
      code: 'BAD_FRAME',
      message: `frame is not valid JSON: ${jsonError(text)}`,
      temporary: false,
    });
  });

  it.each([
    ['[]', 'an array'],
    ['null', 'null'],
    ['"ping"', 'a string'],
    ['42', 'a number'],
    ['true', 'a boolean'],
  ])('%s', (text, kind) => {
    expect(reject(text)).toEqual({
      type: 'error',
      code: 'BAD_FRAME',
      message: `frame must be a JSON object (got ${kind})`,
      temporary: false,
    });
  });
});

const sub = (fields: Record<string, unknown>) => ({ type: 'subscribe', id: 's1', ...fields });
const pub = (fields: Record<string, unknown>) => ({ type: 'publish', id: 'p1', ...fields });
const WHOLE =
  "must be a whole number of milliseconds written as a number and a unit (ms, s, m, h or d), such as '250ms', '1s' or '2m'";

/** [input, code, message, echoed id]: every rejection path of the validator. */
const REJECTIONS: [unknown, WireErrorCode, string, string | undefined][] = [
  // type
  [{ id: '1' }, 'MISSING_FIELD', "frame: 'type' is required", '1'],
  [{ id: '1', type: 5 }, 'INVALID_FIELD', "frame: 'type' must be a string (got a number)", '1'],
  [{ id: '1', type: null }, 'INVALID_FIELD', "frame: 'type' must be a string (got null)", '1'],
  [
    { id: '1', type: 'pong' },
    'UNKNOWN_TYPE',
    "unknown frame type 'pong'; expected publish, subscribe, unsubscribe, sql or ping",
    '1',
  ],
  [
    { id: '1', type: 'PING' },
    'UNKNOWN_TYPE',
    "unknown frame type 'PING'; expected publish, subscribe, unsubscribe, sql or ping",
    '1',
  ],
  [
    { type: 'x'.repeat(50) },
    'UNKNOWN_TYPE',
    `unknown frame type '${'x'.repeat(40)}…'; expected publish, subscribe, unsubscribe, sql or ping`,
    undefined,
  ],
  [
    { type: 'toString', id: '1' },
    'UNKNOWN_TYPE',
    "unknown frame type 'toString'; expected publish, subscribe, unsubscribe, sql or ping",
    '1',
  ],
  // id
  [{ type: 'ping' }, 'MISSING_FIELD', "ping: 'id' is required", undefined],
  [
    { type: 'ping', id: 13 },
    'INVALID_FIELD',
    "ping: 'id' must be a string (got a number)",
    undefined,
  ],
  [
    { type: 'ping', id: null },
    'INVALID_FIELD',
    "ping: 'id' must be a string (got null)",
    undefined,
  ],
  [{ type: 'ping', id: '' }, 'INVALID_FIELD', "ping: 'id' must not be empty", undefined],
  [
    { type: 'ping', id: 'x'.repeat(129) },
    'INVALID_FIELD',
    "ping: 'id' must be at most 128 characters (got 129)",
    undefined,
  ],
  [{ type: 'publish' }, 'MISSING_FIELD', "publish: 'id' is required", undefined],
  // publish
  [pub({ events: [] }), 'MISSING_FIELD', "publish: 'stream' is required", 'p1'],
  [
    pub({ stream: 5, events: [] }),
    'INVALID_FIELD',
    "publish: 'stream' must be a string (got a number)",
    'p1',
  ],
  [
    pub({ stream: null, events: [] }),
    'INVALID_FIELD',
    "publish: 'stream' must be a string (got null)",
    'p1',
  ],
  [pub({ stream: '', events: [] }), 'INVALID_FIELD', "publish: 'stream' must not be empty", 'p1'],
  [pub({ stream: 's' }), 'MISSING_FIELD', "publish: 'events' is required", 'p1'],
  [
    pub({ stream: 's', events: {} }),
    'INVALID_FIELD',
    "publish: 'events' must be an array of objects (got an object)",
    'p1',
  ],
  [
    pub({ stream: 's', events: null }),
    'INVALID_FIELD',
    "publish: 'events' must be an array of objects (got null)",
    'p1',
  ],
  [
    pub({ stream: 's', events: [{}, {}, {}, 'x'] }),
    'INVALID_FIELD',
    "publish: 'events' must be an array of objects (item 3 is a string)",
    'p1',
  ],
  [
    pub({ stream: 's', events: [[]] }),
    'INVALID_FIELD',
    "publish: 'events' must be an array of objects (item 0 is an array)",
    'p1',
  ],
  [
    pub({ stream: 's', events: [{}, null] }),
    'INVALID_FIELD',
    "publish: 'events' must be an array of objects (item 1 is null)",
    'p1',
  ],
  [
    pub({ stream: 's', events: Array.from({ length: 10_001 }, () => ({})) }),
    'PAYLOAD_TOO_LARGE',
    "publish: 'events' holds 10001 events; at most 10000 are allowed per batch",
    'p1',
  ],
  // subscribe: what to watch
  [sub({}), 'MISSING_FIELD', "subscribe: one of 'view', 'stream' or 'sql' is required", 's1'],
  [
    sub({ view: null, stream: null, sql: null }),
    'MISSING_FIELD',
    "subscribe: one of 'view', 'stream' or 'sql' is required",
    's1',
  ],
  [
    sub({ view: 'v', sql: 'SELECT 1' }),
    'INVALID_FIELD',
    "subscribe: give exactly one of 'view', 'stream' or 'sql' (got 'view' and 'sql')",
    's1',
  ],
  [
    sub({ view: 'v', stream: 's', sql: 'q' }),
    'INVALID_FIELD',
    "subscribe: give exactly one of 'view', 'stream' or 'sql' (got 'view', 'stream' and 'sql')",
    's1',
  ],
  [sub({ view: 5 }), 'INVALID_FIELD', "subscribe: 'view' must be a string (got a number)", 's1'],
  [
    sub({ stream: ['s'] }),
    'INVALID_FIELD',
    "subscribe: 'stream' must be a string (got an array)",
    's1',
  ],
  [sub({ sql: '' }), 'INVALID_FIELD', "subscribe: 'sql' must not be empty", 's1'],
  // where
  [
    sub({ view: 'v', where: [] }),
    'INVALID_FIELD',
    "subscribe: 'where' must be an object of column: value or [values] (got an array)",
    's1',
  ],
  [
    sub({ view: 'v', where: 'AAPL' }),
    'INVALID_FIELD',
    "subscribe: 'where' must be an object of column: value or [values] (got a string)",
    's1',
  ],
  [
    sub({ view: 'v', where: { symbol: { eq: 'AAPL' } } }),
    'INVALID_FIELD',
    "subscribe: 'where.symbol' must be a value or a list of values (got an object)",
    's1',
  ],
  [
    sub({ view: 'v', where: { symbol: [] } }),
    'INVALID_FIELD',
    "subscribe: 'where.symbol' must not be an empty list",
    's1',
  ],
  [
    sub({ view: 'v', where: { symbol: ['A', ['B']] } }),
    'INVALID_FIELD',
    "subscribe: 'where.symbol' must be a value or a list of values (item 1 is an array)",
    's1',
  ],
  [
    sub({ view: 'v', where: { ok: 1, symbol: ['A', 'B', { b: 1 }] } }),
    'INVALID_FIELD',
    "subscribe: 'where.symbol' must be a value or a list of values (item 2 is an object)",
    's1',
  ],
  // resume
  [
    sub({ view: 'v', resume: 'e1:41' }),
    'INVALID_FIELD',
    "subscribe: 'resume' must be an object {epoch, offset} (got a string)",
    's1',
  ],
  [
    sub({ view: 'v', resume: ['e', 1] }),
    'INVALID_FIELD',
    "subscribe: 'resume' must be an object {epoch, offset} (got an array)",
    's1',
  ],
  [
    sub({ view: 'v', resume: { offset: 1 } }),
    'MISSING_FIELD',
    "subscribe: 'resume.epoch' is required",
    's1',
  ],
  [
    sub({ view: 'v', resume: { epoch: 7, offset: 1 } }),
    'INVALID_FIELD',
    "subscribe: 'resume.epoch' must be a string (got a number)",
    's1',
  ],
  [
    sub({ view: 'v', resume: { epoch: null, offset: 1 } }),
    'INVALID_FIELD',
    "subscribe: 'resume.epoch' must be a string (got null)",
    's1',
  ],
  [
    sub({ view: 'v', resume: { epoch: 'e' } }),
    'MISSING_FIELD',
    "subscribe: 'resume.offset' is required",
    's1',
  ],
  ...(
    [
      [-1, '-1'],
      [1.5, '1.5'],
      ['3', "'3'"],
      [null, 'null'],
      [true, 'true'],
      [2 ** 53, '9007199254740992'],
      [{}, 'an object'],
    ] as [unknown, string][]
  ).map(([offset, shown]): [unknown, WireErrorCode, string, string] => [
    sub({ view: 'v', resume: { epoch: 'e', offset } }),
    'INVALID_FIELD',
    `subscribe: 'resume.offset' must be a non-negative integer (got ${shown})`,
    's1',
  ]),
  // top-N
  [sub({ view: 'v', limit: 10 }), 'MISSING_FIELD', "subscribe: 'limit' needs 'order_by'", 's1'],
  [sub({ view: 'v', limit: 0 }), 'MISSING_FIELD', "subscribe: 'limit' needs 'order_by'", 's1'],
  [
    sub({ view: 'v', order_by: [['n', 'desc']] }),
    'MISSING_FIELD',
    "subscribe: 'order_by' needs 'limit'",
    's1',
  ],
  [
    sub({ stream: 's', order_by: [['n', 'desc']], limit: 5 }),
    'INVALID_FIELD',
    "subscribe: 'order_by' and 'limit' need a 'view' or 'sql' subscription, not a 'stream'",
    's1',
  ],
  [
    sub({ stream: 's', limit: 5 }),
    'INVALID_FIELD',
    "subscribe: 'order_by' and 'limit' need a 'view' or 'sql' subscription, not a 'stream'",
    's1',
  ],
  [
    sub({ view: 'v', order_by: { n: 'desc' }, limit: 5 }),
    'INVALID_FIELD',
    "subscribe: 'order_by' must be a non-empty array of [column, 'asc' | 'desc'] pairs (got an object)",
    's1',
  ],
  [
    sub({ view: 'v', order_by: [], limit: 5 }),
    'INVALID_FIELD',
    "subscribe: 'order_by' must be a non-empty array of [column, 'asc' | 'desc'] pairs (got an empty array)",
    's1',
  ],
  ...(
    [
      [['n', 'desc'], 'got a string'],
      [[['n']], 'got an array of 1 item'],
      [[['n', 'desc', 'nulls last']], 'got an array of 3 items'],
      [[[1, 'desc']], 'its column is a number'],
      [[['', 'desc']], 'its column is empty'],
      [[['n', 'DESC']], "its direction is 'DESC'"],
      [[['n', true]], 'its direction is true'],
    ] as [unknown, string][]
  ).map(([orderBy, problem]): [unknown, WireErrorCode, string, string] => [
    sub({ view: 'v', order_by: orderBy, limit: 5 }),
    'INVALID_FIELD',
    `subscribe: 'order_by' item 0 must be [column, 'asc' | 'desc'] (${problem})`,
    's1',
  ]),
  [
    sub({
      view: 'v',
      order_by: [
        ['n', 'asc'],
        ['m', null],
      ],
      limit: 5,
    }),
    'INVALID_FIELD',
    "subscribe: 'order_by' item 1 must be [column, 'asc' | 'desc'] (its direction is null)",
    's1',
  ],
  ...(
    [
      [0, '0'],
      [-3, '-3'],
      [10_001, '10001'],
      [2.5, '2.5'],
      ['10', "'10'"],
      [true, 'true'],
      [[10], 'an array'],
    ] as [unknown, string][]
  ).map(([limit, shown]): [unknown, WireErrorCode, string, string] => [
    sub({ view: 'v', order_by: [['n', 'desc']], limit }),
    'INVALID_FIELD',
    `subscribe: 'limit' must be an integer from 1 to 10000 (got ${shown})`,
    's1',
  ]),
  // interval
  [
    sub({ view: 'v', interval: 1000 }),
    'INVALID_FIELD',
    "subscribe: 'interval' must be a duration string such as '250ms', '1s' or '2m' (got a number)",
    's1',
  ],
  ...['5 minutes', '1.5ms', '', 's', '-1s', '1e3ms', '1 s 2'].map(
    (interval): [unknown, WireErrorCode, string, string] => [
      sub({ view: 'v', interval }),
      'INVALID_FIELD',
      `subscribe: 'interval' ${WHOLE} (got '${interval}')`,
      's1',
    ],
  ),
  [
    sub({ view: 'v', interval: '0s' }),
    'INVALID_FIELD',
    "subscribe: 'interval' must be longer than 0ms (got '0s')",
    's1',
  ],
  // unsubscribe, sql
  [{ type: 'unsubscribe', id: 'u' }, 'MISSING_FIELD', "unsubscribe: 'sub' is required", 'u'],
  [
    { type: 'unsubscribe', id: 'u', sub: 8 },
    'INVALID_FIELD',
    "unsubscribe: 'sub' must be a string (got a number)",
    'u',
  ],
  [
    { type: 'unsubscribe', id: 'u', sub: '' },
    'INVALID_FIELD',
    "unsubscribe: 'sub' must not be empty",
    'u',
  ],
  [{ type: 'sql', id: 'q' }, 'MISSING_FIELD', "sql: 'sql' is required", 'q'],
  [
    { type: 'sql', id: 'q', sql: { text: 'x' } },
    'INVALID_FIELD',
    "sql: 'sql' must be a string (got an object)",
    'q',
  ],
  [{ type: 'sql', id: 'q', sql: '' }, 'INVALID_FIELD', "sql: 'sql' must not be empty", 'q'],
];

describe('parseClientFrame rejects with the exact code and message', () => {
  it.each(REJECTIONS.map(([input, code, message, id]) => [message, input, code, id] as const))(
    '%s',
    (message, input, code, id) => {
      const expected: ErrorFrame = {
        type: 'error',
        ...(id === undefined ? {} : { id }),
        code,
        message,
        temporary: false,
      };
      const error = reject(input);
      expect(error).toEqual(expected);
      expect(Object.keys(error)).toEqual(Object.keys(expected));
    },
  );

  it('applies a configured maxEventsPerBatch', () => {
    expect(
      reject(pub({ stream: 's', events: [{}, {}, {}, {}] }), { maxEventsPerBatch: 3 }),
    ).toEqual({
      type: 'error',
      id: 'p1',
      code: 'PAYLOAD_TOO_LARGE',
      message: "publish: 'events' holds 4 events; at most 3 are allowed per batch",
      temporary: false,
    });
  });

  it('reports the first problem in field order: type, id, then the fields', () => {
    expect(reject({ type: 'publish', stream: 5 }).message).toBe("publish: 'id' is required");
    expect(reject({ type: 'nope', id: 5 }).code).toBe('UNKNOWN_TYPE');
    expect(reject(sub({ view: 'v', where: 1, resume: 1 })).message).toMatch(/^subscribe: 'where'/);
    expect(reject(sub({ view: 'v', resume: 1, limit: 'x' })).message).toMatch(
      /^subscribe: 'resume'/,
    );
  });

  it('bounds the client text it echoes', () => {
    const column = 'c'.repeat(10_000);
    const error = reject(sub({ view: 'v', where: { [column]: {} } }));
    expect(error.message).toBe(
      `subscribe: 'where.${'c'.repeat(40)}…' must be a value or a list of values (got an object)`,
    );
  });

  it('reads deeply nested input without overflowing the stack', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(reject(deep).code).toBe('BAD_FRAME');
    const inWhere = `{"type":"subscribe","id":"1","view":"v","where":{"k":${deep}}}`;
    expect(reject(inWhere).message).toBe(
      "subscribe: 'where.k' must be a value or a list of values (item 0 is an array)",
    );
    const inOrderBy = `{"type":"subscribe","id":"1","view":"v","order_by":[["n",${deep}]],"limit":1}`;
    expect(reject(inOrderBy).message).toBe(
      "subscribe: 'order_by' item 0 must be [column, 'asc' | 'desc'] (its direction is an array)",
    );
  });
});
