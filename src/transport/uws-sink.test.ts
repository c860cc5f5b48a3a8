/**
 * UwsSink over real uWebSockets.js sockets and `ws` clients: frames arrive whole and in order as
 * one message each (text on vane.v1, MessagePack on vane.v1.msgpack), a fan-out body is encoded
 * once, staged frames go out before the close frame, and a closed socket is never touched again.
 */
import type { WebSocket as UwsSocket } from '@trufflesuite/uws-js-unofficial';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createMsgpackDecoder } from '../protocol/index.ts';
import { FrameBatcher } from './frame-batcher.ts';
import { loadUws } from './uws-module.ts';
import { FrameComposer, UwsSink } from './uws-sink.ts';

/** The server side of a connection (its uWS user data). */
interface Side {
  protocol: string;
  sink: UwsSink | null;
  drains: number;
}

const uws = loadUws();
const composer = new FrameComposer();
let batcher = new FrameBatcher();
let port = 0;
let listenSocket: unknown;
/** The server side of the next connection, filled in by `open`. */
let accepted: ((side: Side) => void) | null = null;

beforeAll(async () => {
  const app = uws.App().ws<Side>('/*', {
    compression: uws.DISABLED,
    maxBackpressure: 64 * 1024 * 1024,
    idleTimeout: 0,
    upgrade: (res, req, context) => {
      const protocol = req.getHeader('sec-websocket-protocol');
      res.upgrade<Side>(
        { protocol, sink: null, drains: 0 },
        req.getHeader('sec-websocket-key'),
        protocol,
        '',
        context,
      );
    },
    open: (socket: UwsSocket<Side>) => {
      const side = socket.getUserData();
      side.sink = new UwsSink(socket, side.protocol, batcher, composer);
      accepted?.(side);
    },
    drain: (socket: UwsSocket<Side>) => void socket.getUserData().drains++,
    close: (socket: UwsSocket<Side>) => socket.getUserData().sink?.closed(),
  });
  port = await new Promise<number>((resolve, reject) =>
    app.listen('127.0.0.1', 0, (socket) => {
      if (socket === false) return reject(new Error('uWS could not listen'));
      listenSocket = socket;
      resolve(uws.us_socket_local_port(socket));
    }),
  );
});

afterAll(() => {
  uws.us_listen_socket_close(listenSocket as never);
});

interface Pair {
  side: Side;
  sink: UwsSink;
  client: WebSocket;
  received: (string | Buffer)[];
  closed: Promise<{ code: number; reason: string }>;
}

/** A connection offering one subprotocol, which the server takes. */
async function connect(protocol = 'vane.v1'): Promise<Pair> {
  const opened = new Promise<Side>((resolve) => (accepted = resolve));
  const client = new WebSocket(`ws://127.0.0.1:${port}/`, [protocol]);
  const received: (string | Buffer)[] = [];
  client.on('message', (data: Buffer, isBinary) => {
    received.push(isBinary ? data : data.toString('utf8'));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    client.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => client.once('open', resolve).once('error', reject));
  const side = await opened;
  expect(client.protocol).toBe(protocol);
  return { side, sink: side.sink!, client, received, closed };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe('UwsSink', () => {
  it('sends every frame as one text message, byte for byte and in order', async () => {
    const pair = await connect();
    const expected: string[] = [];
    for (const size of [0, 1, 125, 126, 65_535, 65_536, 200_000]) {
      const text = `"${'a'.repeat(size)}"`;
      pair.sink.send(text);
      expected.push(text);
      const head = `{"type":"delta","sub":"s-ü-${size}","seq":${size},`;
      const shared = `"rows":["é€😀${'b'.repeat(size)}"]}`;
      pair.sink.sendParts(head, shared);
      expected.push(head + shared);
    }
    await until(() => pair.received.length === expected.length);
    expect(pair.received).toEqual(expected);
    pair.client.close();
  });

  it('encodes a body shared by a fan-out once and keeps each head its own', async () => {
    batcher = new FrameBatcher();
    const pairs = [await connect(), await connect(), await connect()];
    const encoded = new Set<Buffer>();
    const bodyBytes = batcher.bodyBytes.bind(batcher);
    batcher.bodyBytes = (body) => {
      const bytes = bodyBytes(body);
      encoded.add(bytes);
      return bytes;
    };
    const shared = '"upserts":[{"k":1}],"deletes":[]}';
    pairs.forEach((pair, i) =>
      pair.sink.sendParts(`{"type":"delta","sub":"${i}","seq":1,`, shared),
    );
    pairs.forEach((pair, i) => pair.sink.send(`{"type":"pong","id":"${i}"}`));
    expect(encoded.size).toBe(1);
    await until(() => pairs.every((pair) => pair.received.length === 2));
    pairs.forEach((pair, i) => {
      expect(pair.received).toEqual([
        `{"type":"delta","sub":"${i}","seq":1,${shared}`,
        `{"type":"pong","id":"${i}"}`,
      ]);
      pair.client.close();
    });
  });

  it('sends MessagePack binary messages on a vane.v1.msgpack connection', async () => {
    const pair = await connect('vane.v1.msgpack');
    const decode = createMsgpackDecoder();
    pair.sink.sendParts(
      '{"type":"delta","sub":"q","seq":7,',
      '"upserts":[{"n":1.5}],"deletes":[]}',
    );
    pair.sink.sendParts(
      '{"type":"delta","sub":"q","seq":300,',
      '"upserts":[],"deletes":[{"n":2}]}',
    );
    pair.sink.send('{"type":"ack","id":"a","accepted":1,"duplicates":0}');
    await until(() => pair.received.length === 3);
    expect(pair.received.every((frame) => Buffer.isBuffer(frame))).toBe(true);
    expect(pair.received.map((frame) => decode(frame as Buffer))).toEqual([
      { type: 'delta', sub: 'q', seq: 7, upserts: [{ n: 1.5 }], deletes: [] },
      { type: 'delta', sub: 'q', seq: 300, upserts: [], deletes: [{ n: 2 }] },
      { type: 'ack', id: 'a', accepted: 1, duplicates: 0 },
    ]);
    pair.client.close();
  });

  it('sends staged frames before the close frame, and is closed when close returns', async () => {
    const pair = await connect();
    pair.sink.send('{"type":"error"}');
    pair.sink.sendParts('{"type":"delta",', '"last":true}');
    pair.sink.close(4008, 'slow consumer');
    expect(pair.sink.isOpen).toBe(false);
    expect(await pair.closed).toEqual({ code: 4008, reason: 'slow consumer' });
    expect(pair.received).toEqual(['{"type":"error"}', '{"type":"delta","last":true}']);
  });

  it('never touches a socket that closed, even with frames staged for it', async () => {
    const pair = await connect();
    pair.sink.send('{"seq":1}');
    pair.client.terminate();
    await until(() => !pair.sink.isOpen);
    expect(() => {
      pair.sink.send('{"seq":2}');
      pair.sink.sendParts('{"seq":3,', '"x":1}');
      pair.sink.flush();
      pair.sink.close(1000, 'bye');
    }).not.toThrow();
    expect(pair.sink.bufferedBytes).toBe(0);
  });

  it('reports what uWS holds for a peer that stopped reading, not what is staged this turn', async () => {
    const pair = await connect();
    pair.sink.send(`"${'x'.repeat(100_000)}"`);
    expect(pair.sink.bufferedBytes).toBe(0);
    await until(() => pair.received.length === 1);
    const tcp = (pair.client as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    tcp.pause();
    for (let i = 0; i < 400 && pair.sink.bufferedBytes < 1_000_000; i++) {
      pair.sink.send(`"${'y'.repeat(64_000)}"`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(pair.sink.bufferedBytes).toBeGreaterThan(64 * 1024);
    const drainsBefore = pair.side.drains;
    tcp.resume();
    await until(() => pair.sink.bufferedBytes === 0);
    expect(pair.side.drains).toBeGreaterThan(drainsBefore);
    pair.client.close();
  });
});
