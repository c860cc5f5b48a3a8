/**
 * The part the two `ws` peers share (ws-corked.ts, ws-naive.ts): a `ws` server on the suite's
 * port that answers Vane's protocol slice (protocol.ts) into a Map (aggregate.ts), and every
 * emit interval hands the changed rows to `broadcast` unless a subscriber still has bytes queued
 * (the back-pressure rule of every peer; the Map keeps coalescing meanwhile). The peers differ
 * only in how they broadcast, and in whether `ws` tracks clients.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { KeyedAggregate } from './aggregate.ts';
import { announceListening, everyInterval, exitWithParent, peerPort } from './lifecycle.ts';
import { EMIT_INTERVAL_MS, handleClientFrame } from './protocol.ts';

export type Broadcast = (
  subscribers: ReadonlySet<WebSocket>,
  seq: number,
  changes: ReturnType<KeyedAggregate['takeChanges']>,
) => void;

export function runWsPeer(options: { clientTracking: boolean; broadcast: Broadcast }): void {
  const aggregate = new KeyedAggregate();
  const subscribers = new Set<WebSocket>();
  let seq = 0;
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: peerPort(),
    perMessageDeflate: false,
    clientTracking: options.clientTracking,
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
  const behind = (): boolean => {
    for (const socket of subscribers) if (socket.bufferedAmount > 0) return true;
    return false;
  };
  everyInterval(EMIT_INTERVAL_MS, () => {
    if (!aggregate.hasChanges || subscribers.size === 0 || behind()) return;
    options.broadcast(subscribers, ++seq, aggregate.takeChanges());
  });
  server.on('listening', announceListening);
  exitWithParent(() => server.close());
}
