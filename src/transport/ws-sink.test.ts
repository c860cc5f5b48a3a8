import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { FrameBatcher } from './frame-batcher.ts';
import { WsSink } from './ws-sink.ts';

interface Pair {
  server: WebSocket;
  client: WebSocket;
  received: string[];
  closed: Promise<{ code: number; reason: string }>;
}

const servers: WebSocketServer[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** A connected server-side socket and a client that records every text message it receives. */
async function connectPair(options: { perMessageDeflate?: boolean } = {}): Promise<Pair> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    perMessageDeflate: options.perMessageDeflate ?? false,
  });
  servers.push(wss);
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as AddressInfo).port;
  const serverSide = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${port}`, {
    perMessageDeflate: options.perMessageDeflate ?? false,
  });
  const received: string[] = [];
  client.on('message', (data: Buffer, isBinary) => {
    expect(isBinary).toBe(false);
    received.push(data.toString('utf8'));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    client.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve) => client.once('open', () => resolve()));
  return { server: await serverSide, client, received, closed };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

/** A body of `size` UTF-16 units with multi-byte characters in it. */
function body(size: number, fill = 'x'): string {
  const text = `"rows":["é€😀${fill.repeat(Math.max(0, size - 12))}"]}`;
  return text;
}

describe('WsSink', () => {
  it('delivers frames of every length class byte for byte, in order', async () => {
    const pair = await connectPair();
    const sink = new WsSink(pair.server, new FrameBatcher());
    const expected: string[] = [];
    // Payload lengths around the 7-bit / 16-bit / 64-bit boundaries of the frame header.
    for (const size of [0, 1, 100, 124, 125, 126, 127, 1000, 65_534, 65_535, 65_536, 200_000]) {
      const text = 'a'.repeat(size);
      sink.send(text);
      expected.push(text);
      const head = `{"type":"delta","sub":"s-ü-${size}","seq":${size},`;
      const shared = body(size);
      sink.sendParts(head, shared);
      expected.push(head + shared);
    }
    await until(() => pair.received.length === expected.length);
    expect(pair.received).toEqual(expected);
  });

  it('shares one body between connections and keeps each head its own', async () => {
    const batcher = new FrameBatcher();
    const pairs = await Promise.all([connectPair(), connectPair(), connectPair()]);
    const sinks = pairs.map((pair) => new WsSink(pair.server, batcher));
    for (let round = 0; round < 5; round++) {
      const shared = body(50 + round * 40_000, String(round));
      sinks.forEach((sink, i) => sink.sendParts(`{"sub":"${i}","seq":${round},`, shared));
    }
    await until(() => pairs.every((pair) => pair.received.length === 5));
    pairs.forEach((pair, i) => {
      expect(pair.received).toEqual(
        [0, 1, 2, 3, 4].map(
          (round) => `{"sub":"${i}","seq":${round},${body(50 + round * 40_000, String(round))}`,
        ),
      );
    });
  });

  it('writes one turn of frames with one writev, shared bodies not copied', async () => {
    const pair = await connectPair();
    type Chunk = { chunk: Buffer };
    const raw = (
      pair.server as unknown as {
        _socket: {
          _write: (...args: unknown[]) => void;
          _writev: (chunks: Chunk[], callback: unknown) => void;
        };
      }
    )._socket;
    const write = raw._write.bind(raw);
    const writev = raw._writev.bind(raw);
    const calls: { kind: 'write' | 'writev'; chunks: Buffer[] }[] = [];
    raw._write = (...args: unknown[]) => {
      calls.push({ kind: 'write', chunks: [args[0] as Buffer] });
      write(...args);
    };
    raw._writev = (chunks: Chunk[], callback: unknown) => {
      calls.push({ kind: 'writev', chunks: chunks.map(({ chunk }) => chunk) });
      writev(chunks, callback);
    };
    const batcher = new FrameBatcher();
    const sink = new WsSink(pair.server, batcher);
    const body = '"x":1}';
    for (let i = 0; i < 100; i++) sink.sendParts(`{"seq":${i},`, body);
    expect(calls).toEqual([]);
    await until(() => pair.received.length === 100);
    expect(calls.map((call) => call.kind)).toEqual(['writev']);
    // Head and body per frame; the body's bytes are the very buffer the batcher encoded once.
    const chunks = calls[0]!.chunks;
    expect(chunks).toHaveLength(200);
    expect(chunks[1]).toBe(chunks[199]);
    expect(pair.received[99]).toBe('{"seq":99,"x":1}');
  });

  it('slices the writes of a large fan-out across turns and keeps every connection in order', async () => {
    // A zero slice: 64 connections are written per turn.
    const batcher = new FrameBatcher(0);
    let drained = 0;
    batcher.onDrained = () => {
      drained++;
      // Called once the last staged frame is written: nothing is left behind.
      expect(batcher.backlogged).toBe(false);
    };
    const pairs = await Promise.all(Array.from({ length: 150 }, () => connectPair()));
    const sinks = pairs.map((pair) => new WsSink(pair.server, batcher));
    sinks.forEach((sink, i) => sink.sendParts(`{"to":${i},"n":1,`, '"x":1}'));
    expect(sinks[149]!.bufferedBytes).toBe(0);
    // Frames staged in this turn go out at its end: not a backlog that should hold emissions.
    expect(batcher.backlogged).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    // Frames left waiting by the slice count as buffered: the hub must hold back, not pile up.
    expect(sinks[149]!.bufferedBytes).toBeGreaterThan(0);
    expect(batcher.backlogged).toBe(true);
    // The first slice was written; these join sinks written already and sinks still staged.
    sinks.forEach((sink, i) => sink.send(`{"to":${i},"n":2}`));
    await until(() => pairs.every((pair) => pair.received.length === 2));
    pairs.forEach((pair, i) => {
      expect(pair.received).toEqual([`{"to":${i},"n":1,"x":1}`, `{"to":${i},"n":2}`]);
    });
    // One sliced flush (the second frames joined it): caught up once.
    expect(drained).toBe(1);
    // A flush done in one slice is not a catch-up.
    sinks[0]!.send('{"n":3}');
    await until(() => pairs[0]!.received.length === 3);
    expect(drained).toBe(1);
  });

  it('writes staged frames before the close frame', async () => {
    const pair = await connectPair();
    const sink = new WsSink(pair.server, new FrameBatcher());
    sink.send('{"type":"error"}');
    sink.sendParts('{"type":"delta",', '"last":true}');
    sink.close(4008, 'slow consumer');
    const closed = await pair.closed;
    expect(closed).toEqual({ code: 4008, reason: 'slow consumer' });
    expect(pair.received).toEqual(['{"type":"error"}', '{"type":"delta","last":true}']);
  });

  it('drops frames staged for a socket that closed before the end of the turn', async () => {
    const pair = await connectPair();
    const sink = new WsSink(pair.server, new FrameBatcher());
    sink.send('{"seq":1}');
    pair.server.terminate();
    await pair.closed;
    expect(() => sink.flush()).not.toThrow();
    expect(pair.received).toEqual([]);
  });

  it('falls back to ws.send when the connection negotiated compression', async () => {
    const pair = await connectPair({ perMessageDeflate: true });
    expect(pair.server.extensions).toContain('permessage-deflate');
    const sink = new WsSink(pair.server, new FrameBatcher());
    const shared = body(5_000);
    sink.sendParts('{"seq":1,', shared);
    sink.send('{"seq":2}');
    await until(() => pair.received.length === 2);
    expect(pair.received).toEqual([`{"seq":1,${shared}`, '{"seq":2}']);
  });

  it('reports only bytes the socket holds, not frames staged in this turn', async () => {
    const pair = await connectPair();
    const sink = new WsSink(pair.server, new FrameBatcher());
    sink.send('x'.repeat(100_000));
    expect(sink.bufferedBytes).toBe(0);
    await until(() => pair.received.length === 1);
  });

  it('says once when a socket that held writes back has drained', async () => {
    const pair = await connectPair();
    const tcp = (pair.client as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    tcp.pause(); // the peer stops reading: the server's socket fills up
    const drained: WsSink[] = [];
    const sink = new WsSink(pair.server, new FrameBatcher(), (which) => drained.push(which));
    for (let i = 0; i < 200 && sink.bufferedBytes < 1_000_000; i++) {
      sink.send('x'.repeat(64_000));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(sink.bufferedBytes).toBeGreaterThan(64 * 1024);
    expect(drained).toEqual([]);
    tcp.resume();
    await until(() => drained.length > 0);
    expect(drained).toEqual([sink]);
    expect(sink.bufferedBytes).toBe(0);
    await until(() => pair.received.length > 0);
  });
});
