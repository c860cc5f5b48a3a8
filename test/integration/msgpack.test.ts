import { Packr } from 'msgpackr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connect, type VaneClient } from '../../src/client/index.ts';
import {
  createMsgpackDecoder,
  MSGPACK_SUBPROTOCOL,
  type DeltaFrame,
  type ErrorFrame,
  type ServerFrame,
  type SnapshotFrame,
  type SubscribedFrame,
} from '../../src/protocol/index.ts';
import { RawClient, startTestServer, trade, TRADES_SQL, type TestServer } from './helpers.ts';

let server: TestServer;
const clients: { close(): void }[] = [];

beforeEach(async () => {
  server = await startTestServer({ initSql: TRADES_SQL });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server.stop();
});

async function open(protocol: string): Promise<RawClient> {
  const client = await RawClient.open(server.wsUrl, {
    protocols: [protocol],
    decodeBinary: createMsgpackDecoder(),
  });
  clients.push({ close: () => client.ws.close() });
  return client;
}

/** The frames a subscriber of last_price gets for the same publishes, minus what differs per run. */
async function framesOf(client: RawClient, sub: string): Promise<ServerFrame[]> {
  await client.request({ type: 'subscribe', id: sub, view: 'last_price' });
  await client.waitFor((frame) => frame.type === 'snapshot');
  return client.frames;
}

describe('the vane.v1.msgpack subprotocol', () => {
  it('negotiates msgpack and sends the same frames as binary MessagePack', async () => {
    const json = await open('vane.v1');
    const msgpack = await open(MSGPACK_SUBPROTOCOL);
    expect(msgpack.ws.protocol).toBe(MSGPACK_SUBPROTOCOL);
    let binaryFrames = 0;
    msgpack.ws.on('message', (_data, isBinary) => (binaryFrames += isBinary ? 1 : 0));
    await json.request({ type: 'publish', stream: 'trades', events: [trade('AAPL', 1)] });
    await framesOf(json, 's');
    await framesOf(msgpack, 's');
    const ack = await msgpack.request({
      type: 'publish',
      stream: 'trades',
      events: [trade('AAPL', 2, 5), trade('MSFT', 3)],
    });
    expect(ack).toMatchObject({ type: 'ack', accepted: 2 });
    const deltaOf = (client: RawClient) =>
      client.waitFor(
        (frame) => frame.type === 'delta' && frame.upserts.length === 2,
      ) as Promise<DeltaFrame>;
    const [jsonDelta, msgpackDelta] = await Promise.all([deltaOf(json), deltaOf(msgpack)]);
    expect(msgpackDelta).toEqual(jsonDelta);
    const snapshotOf = (client: RawClient) =>
      client.frames.find((frame) => frame.type === 'snapshot') as SnapshotFrame;
    expect(snapshotOf(msgpack)).toEqual(snapshotOf(json));
    const subscribedOf = (client: RawClient) =>
      client.frames.find((frame) => frame.type === 'subscribed') as SubscribedFrame;
    expect(subscribedOf(msgpack)).toEqual(subscribedOf(json));
    // subscribed, snapshot, ack, delta (at least): all binary.
    expect(binaryFrames).toBeGreaterThanOrEqual(4);
  });

  it('takes MessagePack requests and refuses values JSON cannot carry', async () => {
    const client = await open(MSGPACK_SUBPROTOCOL);
    const packr = new Packr({ useRecords: false });
    const events = [trade('IBM', 10)];
    client.ws.send(packr.pack({ type: 'publish', id: 'p1', stream: 'trades', events }));
    const ack = await client.waitFor((frame) => 'id' in frame && frame.id === 'p1');
    expect(ack).toMatchObject({ type: 'ack', accepted: 1 });

    client.ws.send(
      packr.pack({
        type: 'publish',
        id: 'p2',
        stream: 'trades',
        events: [{ ...trade('X', 1), ts: new Date() }],
      }),
    );
    const refused = (await client.waitFor(
      (frame) => frame.type === 'error' && frame.message.includes('JSON cannot'),
    )) as ErrorFrame;
    expect(refused.code).toBe('BAD_FRAME');

    client.ws.send(Buffer.from([0x92, 0x01])); // an array of two holding one item
    const garbage = (await client.waitFor(
      (frame) => frame.type === 'error' && frame.message.includes('not valid MessagePack'),
    )) as ErrorFrame;
    expect(garbage.code).toBe('BAD_FRAME');
    // The connection still serves.
    const again = await client.request({ type: 'ping' });
    expect(again.type).toBe('pong');
  });

  it('refuses binary frames on a JSON connection', async () => {
    const client = await open('vane.v1');
    client.ws.send(Buffer.from([0x80]));
    const refused = (await client.waitFor((frame) => frame.type === 'error')) as ErrorFrame;
    expect(refused).toMatchObject({ code: 'BAD_FRAME' });
    expect(refused.message).toMatch(/JSON text, not binary/);
  });

  it('serves the SDK with encoding msgpack: live table, publish acks', async () => {
    const sdk: VaneClient = connect(server.wsUrl, { WebSocket, encoding: 'msgpack' });
    clients.push(sdk);
    const table = sdk.subscribe('last_price');
    await sdk.publish('trades', [trade('AAPL', 5, 2), trade('AAPL', 6, 3), trade('TSLA', 7)]);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no rows within 5 s')), 5000);
      const check = () => {
        const aapl = table.rows().find((row) => row.symbol === 'AAPL');
        if (table.rows().length === 2 && aapl?.n === 2) {
          clearTimeout(timer);
          resolve();
        }
      };
      table.on('change', check);
      check();
    });
    expect(table.rows().find((row) => row.symbol === 'AAPL')).toMatchObject({
      price: 6,
      volume: 5,
      n: 2,
    });
  });
});
