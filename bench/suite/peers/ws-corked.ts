/**
 * Peer `ws-corked`: a plain `ws` server written the best-practice way, the baseline Vane's
 * fan-out must at least match. Receives events over WebSocket into a Map (aggregate.ts), and
 * every 10 ms broadcasts the changed rows as ONE delta message, serialized ONCE into a Buffer:
 * every subscriber gets the same bytes. All subscriber sockets are corked around the broadcast
 * loop and uncorked after it, so each socket's frame (header + payload) leaves in one writev.
 *
 * Back-pressure, the same rule for every peer (Vane's views likewise wait while its transport is
 * behind): an emission is skipped while any subscriber still has bytes queued in user space;
 * the Map keeps coalescing, so the next message carries the latest value of every changed row.
 *
 * Run by the suite as `node --import tsx ws-corked.ts <port>`.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { KeyedAggregate } from './aggregate.ts';
import { announceListening, everyInterval, exitWithParent, peerPort } from './lifecycle.ts';
import { deltaMessage, EMIT_INTERVAL_MS, handleClientFrame } from './protocol.ts';

const aggregate = new KeyedAggregate();
const subscribers = new Set<WebSocket>();
let seq = 0;

const server = new WebSocketServer({
  host: '127.0.0.1',
  port: peerPort(),
  perMessageDeflate: false,
  clientTracking: false,
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
  const frame = Buffer.from(deltaMessage(++seq, aggregate.takeChanges()), 'utf8');
  // `_socket` is ws's net.Socket; corking it makes header and payload one write at uncork.
  const sockets = Array.from(subscribers, (socket) => (socket as unknown as Corkable)._socket);
  for (const net of sockets) net.cork();
  for (const socket of subscribers) socket.send(frame, { binary: false });
  for (const net of sockets) net.uncork();
});

interface Corkable {
  _socket: { cork(): void; uncork(): void };
}

server.on('listening', announceListening);
exitWithParent(() => server.close());
