/**
 * Peer `ws-naive`: the `ws` server most tutorials show. The same Map and the same 10 ms emission
 * of the changed rows as ws-corked.ts, but the message is built per subscriber:
 * `socket.send(JSON.stringify(delta))` for each one (no shared bytes, no corking). Same
 * back-pressure rule as the other peers (skip an emission while any subscriber has bytes queued).
 *
 * Run by the suite as `node --import tsx ws-naive.ts <port>`.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { KeyedAggregate } from './aggregate.ts';
import { announceListening, everyInterval, exitWithParent, peerPort } from './lifecycle.ts';
import { EMIT_INTERVAL_MS, handleClientFrame, SUB_ID } from './protocol.ts';

const aggregate = new KeyedAggregate();
const subscribers = new Set<WebSocket>();
let seq = 0;

const server = new WebSocketServer({
  host: '127.0.0.1',
  port: peerPort(),
  perMessageDeflate: false,
  maxPayload: 16 * 1024 * 1024,
});

server.on('connection', (socket) => {
  socket.on('message', (data: Buffer) => {
    const handled = handleClientFrame(data.toString('utf8'), aggregate, seq);
    socket.send(handled.reply);
    if (handled.subscribed) subscribers.add(socket);
  });
  socket.on('close', () => subscribers.delete(socket));
  socket.on('error', () => socket.terminate());
});

function behind(): boolean {
  for (const socket of subscribers) if (socket.bufferedAmount > 0) return true;
  return false;
}

everyInterval(EMIT_INTERVAL_MS, () => {
  if (!aggregate.hasChanges || subscribers.size === 0 || behind()) return;
  const delta = {
    type: 'delta',
    sub: SUB_ID,
    seq: ++seq,
    upserts: aggregate.takeChanges(),
    deletes: [],
  };
  for (const socket of subscribers) socket.send(JSON.stringify(delta));
});

server.on('listening', announceListening);
exitWithParent(() => server.close());
