/**
 * SPEC §4 over a raw WebSocket: every client frame and every server frame, and the error answers
 * to bad input, each followed by proof that the connection (when it stays open) and a second one
 * keep working.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {
  AckFrame,
  DeltaFrame,
  ErrorFrame,
  EventsFrame,
  ResultFrame,
  ServerFrame,
  SnapshotFrame,
  SubscribedFrame,
} from '../../src/protocol/index.ts';
import {
  http,
  RawClient,
  replay,
  sleep,
  startTestServer,
  trade,
  TRADES_SQL,
  viewState,
  type TestServer,
} from './helpers.ts';

let server: TestServer;
const clients: RawClient[] = [];

async function open(): Promise<RawClient> {
  const client = await RawClient.open(server.wsUrl);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  server = await startTestServer({ initSql: TRADES_SQL });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.shut()));
});

afterAll(async () => {
  await server.stop();
});

const isData =
  (sub: string, type: 'snapshot' | 'delta' | 'events', seq: number) =>
  (frame: ServerFrame): boolean =>
    frame.type === type && frame.sub === sub && frame.seq === seq;

async function publish(client: RawClient, stream: string, events: unknown[]): Promise<AckFrame> {
  const answer = await client.request({ type: 'publish', stream, events });
  expect(answer).toMatchObject({ type: 'ack' });
  return answer as AckFrame;
}

/** The connection answers a ping: it is open and reads frames. */
async function expectAlive(client: RawClient): Promise<void> {
  const pong = await client.request({ type: 'ping' });
  expect(pong.type).toBe('pong');
}

describe('client frames and their answers', () => {
  it('publish is acked with accepted and duplicates counted by the id column', async () => {
    const client = await open();
    const first = await client.request({
      type: 'publish',
      id: 'p1',
      stream: 'trades',
      events: [
        { symbol: 'ACK', price: 1, qty: 1, ts: 1, trade_id: 'ack-a' },
        { symbol: 'ACK', price: 2, qty: 1, ts: 2, trade_id: 'ack-b' },
        { symbol: 'ACK', price: 3, qty: 1, ts: 3, trade_id: 'ack-c' },
      ],
    });
    expect(first).toEqual({ type: 'ack', id: 'p1', accepted: 3, duplicates: 0 });
    // A retry carrying two of the same ids and one new one.
    const retry = await client.request({
      type: 'publish',
      id: 'p2',
      stream: 'trades',
      events: [
        { symbol: 'ACK', price: 2, qty: 1, ts: 2, trade_id: 'ack-b' },
        { symbol: 'ACK', price: 3, qty: 1, ts: 3, trade_id: 'ack-c' },
        { symbol: 'ACK', price: 4, qty: 1, ts: 4, trade_id: 'ack-d' },
      ],
    });
    expect(retry).toEqual({ type: 'ack', id: 'p2', accepted: 1, duplicates: 2 });
    // An id repeated inside one batch counts once.
    const repeated = await client.request({
      type: 'publish',
      id: 'p3',
      stream: 'trades',
      events: [
        { symbol: 'ACK', price: 5, qty: 1, ts: 5, trade_id: 'ack-e' },
        { symbol: 'ACK', price: 5, qty: 1, ts: 5, trade_id: 'ack-e' },
      ],
    });
    expect(repeated).toEqual({ type: 'ack', id: 'p3', accepted: 1, duplicates: 1 });
    const empty = await client.request({ type: 'publish', id: 'p4', stream: 'trades', events: [] });
    expect(empty).toEqual({ type: 'ack', id: 'p4', accepted: 0, duplicates: 0 });
    // Duplicates were not counted again: 5 distinct trades.
    const rows = await viewState(server.url, 'last_price');
    expect(rows.rows.find((row) => row['symbol'] === 'ACK')).toMatchObject({ n: 5, volume: 5 });
  });

  it('subscribe to a view: subscribed, snapshot, then gapless deltas with rising offsets', async () => {
    const publisher = await open();
    await publish(publisher, 'trades', [trade('VW1', 10), trade('VW2', 20)]);
    // Wait until the view has emitted these rows, so the snapshot holds them.
    await expect
      .poll(async () => (await viewState(server.url, 'last_price')).rows.length)
      .toBeGreaterThanOrEqual(2);

    const client = await open();
    const subscribed = (await client.subscribe({
      id: 'v1',
      view: 'last_price',
      where: { symbol: ['VW1', 'VW2'] },
    })) as SubscribedFrame;
    expect(subscribed).toMatchObject({
      type: 'subscribed',
      id: 'v1',
      sub: 'v1',
      key: ['symbol'],
      recovered: false,
    });
    expect(subscribed.epoch).toMatch(/.+/);
    expect(subscribed.columns).toEqual([
      { name: 'symbol', type: 'STRING' },
      { name: 'price', type: 'DOUBLE' },
      { name: 'volume', type: 'DOUBLE' },
      { name: 'n', type: 'BIGINT' },
    ]);
    const snapshot = (await client.waitFor(isData('v1', 'snapshot', 1))) as SnapshotFrame;
    expect(snapshot.rows.map((row) => row['symbol']).sort()).toEqual(['VW1', 'VW2']);
    expect(snapshot.offset).toBeGreaterThan(0);

    // Three emissions, one at a time; a symbol outside the filter never shows up.
    for (const [index, price] of [11, 12, 13].entries()) {
      await publish(publisher, 'trades', [trade('VW1', price), trade('OTHER', 1)]);
      const delta = (await client.waitFor(isData('v1', 'delta', index + 2))) as DeltaFrame;
      expect(delta.upserts).toEqual([{ symbol: 'VW1', price, volume: index + 2, n: index + 2 }]);
      expect(delta.deletes).toEqual([]);
    }
    const frames = client.dataFor('v1');
    expect(frames.map((frame) => frame.seq)).toEqual([1, 2, 3, 4]);
    const { table, problems } = replay(frames, ['symbol']);
    expect(problems).toEqual([]);
    const live = await viewState(server.url, 'last_price', ['symbol']);
    expect(live.epoch).toBe(subscribed.epoch);
    expect(table.sorted()).toEqual(
      live.rows.filter((row) => row['symbol'] === 'VW1' || row['symbol'] === 'VW2'),
    );
  });

  it('subscribe to a stream: events frames with the accepted events, seq from 1', async () => {
    const client = await open();
    const subscribed = await client.subscribe({ id: 's1', stream: 'trades' });
    expect(subscribed).toMatchObject({
      type: 'subscribed',
      sub: 's1',
      key: [],
      epoch: '',
      recovered: false,
    });
    const batches = [[trade('EV', 1), trade('EV', 2)], [trade('EV', 3)]];
    for (const [index, events] of batches.entries()) {
      await publish(client, 'trades', events);
      const frame = (await client.waitFor(isData('s1', 'events', index + 1))) as EventsFrame;
      expect(frame.events.map((event) => event['trade_id'])).toEqual(
        events.map((event) => event['trade_id']),
      );
      expect(frame.events[0]).toMatchObject({ symbol: 'EV', price: events[0]!['price'] });
    }
    // A duplicate-only batch is not new: no events frame for it.
    await publish(client, 'trades', batches[1]!);
    await publish(client, 'trades', [trade('EV', 4)]);
    const third = (await client.waitFor(isData('s1', 'events', 3))) as EventsFrame;
    expect(third.events.map((event) => event['price'])).toEqual([4]);
  });

  it('subscribe with sql: identical SQL shares one hidden view, absent from GET /v1/views', async () => {
    const sql =
      "SELECT symbol, max(price) AS top FROM trades WHERE symbol = 'ADHOC' GROUP BY symbol";
    const hidden = (): string[] =>
      server.server.node.engine
        .views()
        .map((view) => view.name)
        .filter((name) => name.startsWith('__query_'));
    const before = hidden().length;
    const a = await open();
    const b = await open();
    const subA = await a.subscribe({ id: 'q', sql });
    const subB = await b.subscribe({ id: 'q', sql });
    expect(subA).toMatchObject({ type: 'subscribed', key: ['symbol'] });
    expect(subB).toMatchObject({ type: 'subscribed', key: ['symbol'] });
    expect((subA as SubscribedFrame).epoch).toBe((subB as SubscribedFrame).epoch);
    expect(hidden()).toHaveLength(before + 1);

    const listed = await http<{ views: { name: string }[] }>('GET', `${server.url}/v1/views`);
    expect(listed.body.views.map((view) => view.name)).toEqual(['last_price']);

    await publish(a, 'trades', [trade('ADHOC', 5), trade('ADHOC', 7), trade('NOPE', 100)]);
    const deltaA = (await a.waitFor(isData('q', 'delta', 2))) as DeltaFrame;
    const deltaB = (await b.waitFor(isData('q', 'delta', 2))) as DeltaFrame;
    expect(deltaA.upserts).toEqual([{ symbol: 'ADHOC', top: 7 }]);
    expect(deltaB.upserts).toEqual(deltaA.upserts);
    expect(deltaB.offset).toBe(deltaA.offset);

    // A third client joining late gets the same rows in its snapshot.
    const c = await open();
    await c.subscribe({ id: 'late', sql });
    const snapshot = (await c.waitFor(isData('late', 'snapshot', 1))) as SnapshotFrame;
    expect(snapshot.rows).toEqual([{ symbol: 'ADHOC', top: 7 }]);
    expect(hidden()).toHaveLength(before + 1);

    // The shared view ends with its last subscriber.
    a.send({ type: 'unsubscribe', id: 'u1', sub: 'q' });
    b.send({ type: 'unsubscribe', id: 'u2', sub: 'q' });
    await expectAlive(a);
    await expectAlive(b);
    expect(hidden()).toHaveLength(before + 1);
    await c.shut();
    expect(await pollUntil(() => hidden().length === before)).toBe(true);
  });

  it('unsubscribe: no answer, and no more deltas for that subscription', async () => {
    const client = await open();
    await client.subscribe({ id: 'gone', view: 'last_price', where: { symbol: 'UNS' } });
    await client.subscribe({ id: 'kept', view: 'last_price', where: { symbol: 'UNS' } });
    await publish(client, 'trades', [trade('UNS', 1)]);
    await client.waitFor(isData('gone', 'delta', 2));
    await client.waitFor(isData('kept', 'delta', 2));

    client.send({ type: 'unsubscribe', id: 'u', sub: 'gone' });
    await publish(client, 'trades', [trade('UNS', 2)]);
    await client.waitFor(isData('kept', 'delta', 3));
    await publish(client, 'trades', [trade('UNS', 3)]);
    await client.waitFor(isData('kept', 'delta', 4));
    await expectAlive(client);
    expect(client.dataFor('gone').map((frame) => frame.seq)).toEqual([1, 2]);
    expect(client.frames.some((frame) => 'id' in frame && frame.id === 'u')).toBe(false);
    // The id is free again: the same subscription id may be used for a new subscription.
    const again = await client.subscribe({
      id: 'gone',
      view: 'last_price',
      where: { symbol: 'UNS' },
    });
    expect(again.type).toBe('subscribed');
  });

  it('sql: a result with one entry per statement and the rows of the last query', async () => {
    const client = await open();
    await publish(client, 'trades', [trade('SQLQ', 42)]);
    await expect
      .poll(async () => (await viewState(server.url, 'last_price')).rows.map((r) => r['symbol']))
      .toContain('SQLQ');
    const result = await client.request<ResultFrame>({
      type: 'sql',
      id: 'q1',
      sql: "SHOW VIEWS; SELECT symbol, price FROM last_price WHERE symbol = 'SQLQ';",
    });
    expect(result).toMatchObject({ type: 'result', id: 'q1', ok: true });
    expect(result.results).toHaveLength(2);
    expect(result.rows).toEqual([{ symbol: 'SQLQ', price: 42 }]);
    expect(result.results[1]!.rows).toEqual(result.rows);
  });

  it('ping: pong with the id', async () => {
    const client = await open();
    client.send({ type: 'ping', id: 'hello' });
    expect(await client.waitFor((frame) => frame.type === 'pong')).toEqual({
      type: 'pong',
      id: 'hello',
    });
  });
});

describe('error answers; the connection and a second one keep working', () => {
  interface BadInput {
    name: string;
    send: string | Record<string, unknown>;
    expected: Partial<ErrorFrame>;
    message?: RegExp;
  }

  const cases: BadInput[] = [
    {
      name: 'not JSON',
      send: '{"type": "ping", "id": ',
      expected: { code: 'BAD_FRAME' },
      message: /not valid JSON/,
    },
    { name: 'a JSON array', send: '[1, 2]', expected: { code: 'BAD_FRAME' } },
    {
      name: 'an unknown type',
      send: { type: 'publsh', id: 'x1' },
      expected: { code: 'UNKNOWN_TYPE', id: 'x1' },
    },
    {
      name: 'a missing type',
      send: { id: 'x2', stream: 'trades' },
      expected: { code: 'MISSING_FIELD', id: 'x2' },
    },
    {
      name: 'a publish without stream',
      send: { type: 'publish', id: 'x3', events: [] },
      expected: { code: 'MISSING_FIELD', id: 'x3' },
      message: /stream/,
    },
    {
      name: 'an unsubscribe without sub',
      send: { type: 'unsubscribe', id: 'x4' },
      expected: { code: 'MISSING_FIELD', id: 'x4' },
      message: /sub/,
    },
    {
      name: 'limit without order_by',
      send: { type: 'subscribe', id: 'x5', view: 'last_price', limit: 3 },
      expected: { code: 'MISSING_FIELD', id: 'x5' },
    },
    {
      name: 'a type that is not a string',
      send: { type: 7, id: 'x6' },
      expected: { code: 'INVALID_FIELD', id: 'x6' },
    },
    {
      name: 'a stream that is a number',
      send: { type: 'publish', id: 'x7', stream: 5, events: [] },
      expected: { code: 'INVALID_FIELD', id: 'x7' },
    },
    {
      name: 'events that are not objects',
      send: { type: 'publish', id: 'x8', stream: 'trades', events: [{}, 'x'] },
      expected: { code: 'INVALID_FIELD', id: 'x8' },
      message: /item 1 is a string/,
    },
    {
      name: 'a limit that is a string',
      send: {
        type: 'subscribe',
        id: 'x9',
        view: 'last_price',
        order_by: [['n', 'desc']],
        limit: '3',
      },
      expected: { code: 'INVALID_FIELD', id: 'x9' },
    },
    {
      name: 'a bad interval',
      send: { type: 'subscribe', id: 'x10', view: 'last_price', interval: 'soon' },
      expected: { code: 'INVALID_FIELD', id: 'x10' },
    },
    {
      name: 'a where on a non-key column',
      send: { type: 'subscribe', id: 'x11', view: 'last_price', where: { price: 1 } },
      expected: { code: 'INVALID_FIELD', id: 'x11' },
    },
    {
      name: 'an order_by column the view lacks',
      send: {
        type: 'subscribe',
        id: 'x12',
        view: 'last_price',
        order_by: [['zz', 'asc']],
        limit: 2,
      },
      expected: { code: 'INVALID_FIELD', id: 'x12' },
    },
    {
      name: 'an unknown view',
      send: { type: 'subscribe', id: 'x13', view: 'no_such_view' },
      expected: { code: 'UNKNOWN_VIEW', id: 'x13' },
    },
    {
      name: 'an unknown stream (subscribe)',
      send: { type: 'subscribe', id: 'x14', stream: 'no_such_stream' },
      expected: { code: 'UNKNOWN_STREAM', id: 'x14' },
    },
    {
      name: 'an unknown stream (publish)',
      send: { type: 'publish', id: 'x15', stream: 'no_such_stream', events: [{ a: 1 }] },
      expected: { code: 'UNKNOWN_STREAM', id: 'x15' },
    },
    {
      name: 'bad SQL',
      send: { type: 'sql', id: 'x16', sql: 'SELECT symbol\nFROM last_price\nWHERE = 3;' },
      expected: { code: 'SQL_SYNTAX', id: 'x16', line: 3, column: 7 },
    },
    {
      name: 'bad SQL in a subscription',
      send: {
        type: 'subscribe',
        id: 'x17',
        sql: 'SELECT symbol, count(*)\nFROM trades GROUP symbol',
      },
      expected: { code: 'SQL_SYNTAX', id: 'x17', line: 2, column: 19 },
    },
    {
      name: 'an unknown column in SQL',
      send: { type: 'sql', id: 'x18', sql: 'SELECT symbl FROM last_price' },
      expected: { code: 'UNKNOWN_COLUMN', id: 'x18', line: 1, column: 8 },
      message: /did you mean 'symbol'/,
    },
    {
      name: 'an invalid event',
      send: {
        type: 'publish',
        id: 'x19',
        stream: 'trades',
        events: [trade('BAD', 1), trade('BAD', 2), { ...trade('BAD', 3), price: 'high' }],
      },
      expected: {
        code: 'INVALID_EVENT',
        id: 'x19',
        message: 'event 2: price: expected DOUBLE, got string',
      },
    },
    {
      name: 'an unknown subscription',
      send: { type: 'unsubscribe', id: 'x20', sub: 'never' },
      expected: { code: 'UNKNOWN_SUBSCRIPTION', id: 'x20' },
    },
  ];

  it.each(cases)('$name', async ({ send, expected, message }) => {
    const client = await open();
    const other = await open();
    client.ws.send(typeof send === 'string' ? send : JSON.stringify(send));
    const error = (await client.waitFor((frame) => frame.type === 'error')) as ErrorFrame;
    expect(error).toMatchObject({ ...expected, type: 'error', temporary: false });
    expect(typeof error.message).toBe('string');
    if (message !== undefined) expect(error.message).toMatch(message);
    if (expected.id === undefined) expect(error.id).toBeUndefined();
    expect(JSON.stringify(error)).not.toMatch(/\bat .*\.ts:\d+/);
    await expectAlive(client);
    await expectAlive(other);
    // Nothing else was sent for the bad input.
    expect(client.frames.filter((frame) => frame.type === 'error')).toHaveLength(1);
  });

  it('an invalid event rejects the whole batch: nothing of it is counted', async () => {
    const client = await open();
    const answer = await client.request<ErrorFrame>({
      type: 'publish',
      stream: 'trades',
      events: [trade('WHOLE', 1), { ...trade('WHOLE', 2), qty: 'lots' }],
    });
    expect(answer).toMatchObject({
      code: 'INVALID_EVENT',
      message: 'event 1: qty: expected DOUBLE, got string',
    });
    await publish(client, 'trades', [trade('WHOLE', 3)]);
    await expect
      .poll(async () =>
        (await viewState(server.url, 'last_price')).rows.find((row) => row['symbol'] === 'WHOLE'),
      )
      .toMatchObject({ n: 1, price: 3 });
  });

  it('a duplicate subscription id is refused and the first subscription lives on', async () => {
    const client = await open();
    await client.subscribe({ id: 'twice', view: 'last_price', where: { symbol: 'DUP' } });
    // `request` waits for the first frame with that id sent after the request: the refusal.
    const error = (await client.subscribe({ id: 'twice', stream: 'trades' })) as ErrorFrame;
    expect(error).toMatchObject({ type: 'error', code: 'DUPLICATE_ID', temporary: false });
    expect(error.sub).toBeUndefined();
    await publish(client, 'trades', [trade('DUP', 9)]);
    const delta = (await client.waitFor(isData('twice', 'delta', 2))) as DeltaFrame;
    expect(delta.upserts).toEqual([{ symbol: 'DUP', price: 9, volume: 1, n: 1 }]);
    expect(client.frames.some((frame) => frame.type === 'events')).toBe(false);
  });

  it('a binary frame is answered with BAD_FRAME and the connection stays open', async () => {
    const client = await open();
    client.ws.send(Buffer.from(JSON.stringify({ type: 'ping', id: 'bin' })), { binary: true });
    const error = (await client.waitFor((frame) => frame.type === 'error')) as ErrorFrame;
    expect(error).toMatchObject({ code: 'BAD_FRAME', temporary: false });
    expect(client.frames.some((frame) => frame.type === 'pong')).toBe(false);
    await expectAlive(client);
  });

  it('a frame over 256 KiB closes the connection with 1009; others keep working', async () => {
    const client = await open();
    const other = await open();
    await other.subscribe({ id: 'w', view: 'last_price', where: { symbol: 'BIG' } });
    const huge = JSON.stringify({
      type: 'publish',
      id: 'big',
      stream: 'trades',
      events: [{ symbol: 'BIG', price: 1, qty: 1, ts: 1, trade_id: 'x'.repeat(262_144) }],
    });
    client.ws.send(huge);
    const closed = await client.closed;
    expect(closed.code).toBe(1009);
    expect(client.frames.filter((frame) => frame.type !== 'pong')).toEqual([]);
    // A frame just under the limit is fine on another connection.
    const fits = await other.request({
      type: 'publish',
      stream: 'trades',
      events: [{ symbol: 'BIG', price: 2, qty: 1, ts: 1, trade_id: 'y'.repeat(200_000) }],
    });
    expect(fits).toMatchObject({ type: 'ack', accepted: 1 });
    await other.waitFor(isData('w', 'delta', 2));
    await expectAlive(other);
    const third = await open();
    await expectAlive(third);
  });
});

async function pollUntil(check: () => boolean, timeoutMs = 3_000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}
