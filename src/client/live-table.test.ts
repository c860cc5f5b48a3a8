import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SubscribeFrame, SubscribedFrame } from '../protocol/index.ts';
import { connect, type VaneClient } from './client.ts';
import { VaneClientError } from './errors.ts';
import type { Change } from './keyed-rows.ts';
import { FakeServer, type FakeConnection } from './test-server.ts';

type Price = {
  symbol: string;
  price: number;
};

interface Schema {
  streams: { trades: { symbol: string; price: number; trade_id: string } };
  views: { last_price: Price };
}

let server: FakeServer;
let client: VaneClient<Schema> | undefined;

beforeEach(async () => {
  server = await FakeServer.start();
});

afterEach(async () => {
  client?.close();
  client = undefined;
  await server.stop();
});

function open(): VaneClient<Schema> {
  client = connect<Schema>(server.url, {
    WebSocket,
    reconnect: { initialDelayMs: 2, maxDelayMs: 10 },
  });
  return client;
}

function subscribed(
  request: SubscribeFrame,
  sub: string,
  epoch: string,
  recovered = false,
): SubscribedFrame {
  return {
    type: 'subscribed',
    id: request.id,
    sub,
    key: ['symbol'],
    columns: [
      { name: 'symbol', type: 'STRING' },
      { name: 'price', type: 'DOUBLE' },
    ],
    epoch,
    recovered,
  };
}

/** Answers the next subscribe on `connection` with a fresh snapshot; returns the request. */
async function acceptWithSnapshot(
  connection: FakeConnection,
  sub: string,
  epoch: string,
  offset: number,
  rows: Price[],
): Promise<SubscribeFrame> {
  const request = await connection.next('subscribe');
  connection.send(subscribed(request, sub, epoch));
  connection.send({ type: 'snapshot', sub, seq: 1, offset, rows });
  return request;
}

function recorder(): { changes: Change<Price>[]; listener: (change: Change<Price>) => void } {
  const changes: Change<Price>[] = [];
  return { changes, listener: (change) => changes.push(change) };
}

async function rejection(promise: Promise<unknown>): Promise<VaneClientError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof VaneClientError) return error;
    throw error;
  }
  throw new Error('resolved, expected a rejection');
}

describe('LiveTable', { timeout: 5_000 }, () => {
  it('sends the subscription options as SPEC §4 fields', async () => {
    open().subscribe('last_price', {
      where: { symbol: ['AAPL', 'MSFT'] },
      orderBy: [['price', 'desc']],
      limit: 10,
      interval: '1s',
    });
    const request = await (await server.nextConnection()).next('subscribe');
    expect(request).toEqual({
      type: 'subscribe',
      id: request.id,
      view: 'last_price',
      where: { symbol: ['AAPL', 'MSFT'] },
      order_by: [['price', 'desc']],
      limit: 10,
      interval: '1s',
    });
  });

  it('applies the snapshot, then deltas (deletes before upserts), and reports each change', async () => {
    const { changes, listener } = recorder();
    const table = open().subscribe('last_price', {}, listener);
    const connection = await server.nextConnection();
    await acceptWithSnapshot(connection, 's1', 'e1', 57, [
      { symbol: 'AAPL', price: 1 },
      { symbol: 'MSFT', price: 2 },
    ]);
    await table.ready;
    expect(table.key).toEqual(['symbol']);
    expect(table.rows()).toEqual([
      { symbol: 'AAPL', price: 1 },
      { symbol: 'MSFT', price: 2 },
    ]);
    connection.send({
      type: 'delta',
      sub: 's1',
      seq: 2,
      offset: 58,
      upserts: [{ symbol: 'AAPL', price: 3 }],
      deletes: [{ symbol: 'MSFT' }, { symbol: 'AAPL' }],
    });
    await expect.poll(() => changes.length).toBe(2);
    expect(changes[1]).toEqual({
      upserts: [{ symbol: 'AAPL', price: 3 }],
      deletes: [
        { symbol: 'MSFT', price: 2 },
        { symbol: 'AAPL', price: 1 },
      ],
      snapshot: false,
    });
    expect(table.get('AAPL')).toEqual({ symbol: 'AAPL', price: 3 });
    expect(table.get({ symbol: 'AAPL' })?.price).toBe(3);
    expect(table.get('MSFT')).toBeUndefined();
    expect(table.size).toBe(1);
  });

  it('resubscribes with the last applied epoch and offset and continues from the missed deltas', async () => {
    const { changes, listener } = recorder();
    const table = open().subscribe('last_price', {}, listener);
    const resubscribed: boolean[] = [];
    table.on('resubscribed', (recovered) => resubscribed.push(recovered));
    const first = await server.nextConnection();
    await acceptWithSnapshot(first, 's1', 'e1', 57, [{ symbol: 'AAPL', price: 1 }]);
    first.send({
      type: 'delta',
      sub: 's1',
      seq: 2,
      offset: 58,
      upserts: [{ symbol: 'MSFT', price: 2 }],
      deletes: [],
    });
    await expect.poll(() => changes.length).toBe(2);
    first.drop();

    const second = await server.nextConnection();
    const request = await second.next('subscribe');
    expect(request.resume).toEqual({ epoch: 'e1', offset: 58 });
    expect(request.view).toBe('last_price');
    expect(resubscribed).toEqual([]);
    second.send(subscribed(request, 's2', 'e1', true));
    await expect.poll(() => resubscribed).toEqual([true]);
    second.send({
      type: 'delta',
      sub: 's2',
      seq: 1,
      offset: 59,
      upserts: [{ symbol: 'AAPL', price: 5 }],
      deletes: [],
    });
    await expect.poll(() => changes.length).toBe(3);
    expect(changes[2]?.snapshot).toBe(false);
    expect(table.rows()).toEqual([
      { symbol: 'AAPL', price: 5 },
      { symbol: 'MSFT', price: 2 },
    ]);

    second.drop();
    const third = await server.nextConnection();
    expect((await third.next('subscribe')).resume).toEqual({ epoch: 'e1', offset: 59 });
  });

  it('replaces its rows with the new snapshot when the server could not recover', async () => {
    const { changes, listener } = recorder();
    const table = open().subscribe('last_price', {}, listener);
    const first = await server.nextConnection();
    await acceptWithSnapshot(first, 's1', 'e1', 57, [
      { symbol: 'AAPL', price: 1 },
      { symbol: 'MSFT', price: 2 },
    ]);
    await table.ready;
    const resubscribed: boolean[] = [];
    table.on('resubscribed', (recovered) => resubscribed.push(recovered));
    first.drop();

    const second = await server.nextConnection();
    const request = await acceptWithSnapshot(second, 's2', 'e2', 3, [{ symbol: 'AAPL', price: 9 }]);
    expect(request.resume).toEqual({ epoch: 'e1', offset: 57 });
    await expect.poll(() => resubscribed).toEqual([false]);
    await expect.poll(() => changes.length).toBe(2);
    expect(changes[1]).toEqual({
      upserts: [{ symbol: 'AAPL', price: 9 }],
      deletes: [{ symbol: 'MSFT', price: 2 }],
      snapshot: true,
    });
    expect(table.rows()).toEqual([{ symbol: 'AAPL', price: 9 }]);

    second.drop();
    const third = await server.nextConnection();
    expect((await third.next('subscribe')).resume).toEqual({ epoch: 'e2', offset: 3 });
  });

  it('keeps the old resume point when the connection drops between subscribed and snapshot', async () => {
    const table = open().subscribe('last_price');
    const first = await server.nextConnection();
    await acceptWithSnapshot(first, 's1', 'e1', 57, [{ symbol: 'AAPL', price: 1 }]);
    await table.ready;
    first.drop();
    const second = await server.nextConnection();
    const request = await second.next('subscribe');
    second.send(subscribed(request, 's2', 'e2'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    second.drop();
    const third = await server.nextConnection();
    // The epoch e2 has no applied offset yet: pairing e2 with 57 would resume at a wrong place.
    expect((await third.next('subscribe')).resume).toEqual({ epoch: 'e1', offset: 57 });
  });

  it('starts over without resume on a seq gap and emits reset', async () => {
    const { changes, listener } = recorder();
    const vane = open();
    const table = vane.subscribe('last_price', {}, listener);
    let resets = 0;
    table.on('reset', () => (resets += 1));
    const connection = await server.nextConnection();
    await acceptWithSnapshot(connection, 's1', 'e1', 57, [{ symbol: 'AAPL', price: 1 }]);
    connection.send({
      type: 'delta',
      sub: 's1',
      seq: 3,
      offset: 59,
      upserts: [{ symbol: 'AAPL', price: 100 }],
      deletes: [],
    });
    expect(await connection.next('unsubscribe')).toMatchObject({ sub: 's1' });
    const again = await connection.next('subscribe');
    expect(again.resume).toBeUndefined();
    expect(resets).toBe(1);
    // Frames of the abandoned subscription are no longer applied.
    connection.send({
      type: 'delta',
      sub: 's1',
      seq: 4,
      offset: 60,
      upserts: [{ symbol: 'AAPL', price: 200 }],
      deletes: [],
    });
    connection.send(subscribed(again, 's2', 'e1'));
    connection.send({
      type: 'snapshot',
      sub: 's2',
      seq: 1,
      offset: 61,
      rows: [{ symbol: 'AAPL', price: 7 }],
    });
    await expect.poll(() => changes.length).toBe(2);
    expect(changes[1]?.snapshot).toBe(true);
    expect(table.rows()).toEqual([{ symbol: 'AAPL', price: 7 }]);
  });

  it('reports a permanent refusal once, rejects ready and does not resubscribe', async () => {
    const table = open().subscribe('last_price');
    const errors: string[] = [];
    table.on('error', (error) => errors.push(error.code));
    const first = await server.nextConnection();
    const request = await first.next('subscribe');
    first.send({
      type: 'error',
      id: request.id,
      code: 'UNKNOWN_VIEW',
      message: 'no view last_price',
      temporary: false,
    });
    expect((await rejection(table.ready)).code).toBe('UNKNOWN_VIEW');
    expect(errors).toEqual(['UNKNOWN_VIEW']);
    first.drop();
    const second = await server.nextConnection();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(second.received).toEqual([]);
  });

  it('retries a temporary refusal, and reports an error frame that ends the subscription', async () => {
    const table = open().subscribe('last_price');
    const errors: string[] = [];
    table.on('error', (error) => errors.push(error.code));
    const connection = await server.nextConnection();
    const request = await connection.next('subscribe');
    connection.send({
      type: 'error',
      id: request.id,
      code: 'OVERLOADED',
      message: 'busy',
      temporary: true,
    });
    await acceptWithSnapshot(connection, 's1', 'e1', 1, []);
    await table.ready;
    connection.send({
      type: 'error',
      sub: 's1',
      code: 'UNKNOWN_VIEW',
      message: 'view dropped',
      temporary: false,
    });
    await expect.poll(() => errors).toEqual(['UNKNOWN_VIEW']);
  });

  it('unsubscribe() tells the server and stops changes and resubscribing', async () => {
    const { changes, listener } = recorder();
    const table = open().subscribe('last_price', {}, listener);
    const first = await server.nextConnection();
    await acceptWithSnapshot(first, 's1', 'e1', 1, [{ symbol: 'AAPL', price: 1 }]);
    await table.ready;
    table.unsubscribe();
    expect(await first.next('unsubscribe')).toMatchObject({ type: 'unsubscribe', sub: 's1' });
    first.send({
      type: 'delta',
      sub: 's1',
      seq: 2,
      offset: 2,
      upserts: [{ symbol: 'AAPL', price: 2 }],
      deletes: [],
    });
    first.drop();
    const second = await server.nextConnection();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(second.received).toEqual([]);
    expect(changes).toHaveLength(1);
  });
});

describe('StreamSubscription', { timeout: 5_000 }, () => {
  it('delivers events frames in order and emits reset after a reconnect', async () => {
    const batches: string[][] = [];
    const subscription = open().subscribe({ stream: 'trades' }, {}, (events) =>
      batches.push(events.map((event) => event.trade_id)),
    );
    let resets = 0;
    subscription.on('reset', () => (resets += 1));
    const first = await server.nextConnection();
    const request = await first.next('subscribe');
    expect(request).toEqual({ type: 'subscribe', id: request.id, stream: 'trades' });
    first.send({ ...subscribed(request, 's1', 'e1'), key: [] });
    await subscription.ready;
    const trade = { symbol: 'AAPL', price: 1 };
    first.send({ type: 'events', sub: 's1', seq: 1, events: [{ ...trade, trade_id: 't1' }] });
    first.send({ type: 'events', sub: 's1', seq: 2, events: [{ ...trade, trade_id: 't2' }] });
    await expect.poll(() => batches).toEqual([['t1'], ['t2']]);
    first.drop();
    const second = await server.nextConnection();
    const again = await second.next('subscribe');
    expect(again.resume).toBeUndefined();
    expect(resets).toBe(1);
    second.send({ ...subscribed(again, 's2', 'e1'), key: [] });
    second.send({ type: 'events', sub: 's2', seq: 1, events: [{ ...trade, trade_id: 't9' }] });
    await expect.poll(() => batches.length).toBe(3);
    expect(batches[2]).toEqual(['t9']);
  });
});
