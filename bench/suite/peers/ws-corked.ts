/**
 * Peer `ws-corked`: a plain `ws` server written the best-practice way, the baseline Vane's
 * fan-out must at least match. Receives events over WebSocket into a Map (aggregate.ts), and
 * every 10 ms broadcasts the changed rows as ONE delta message, serialized ONCE into a Buffer:
 * every subscriber gets the same bytes. All subscriber sockets are corked around the broadcast
 * loop and uncorked after it, so each socket's frame (header + payload) leaves in one writev.
 * Back-pressure and the rest: ws-peer.ts.
 *
 * Run by the suite as `node --import tsx ws-corked.ts <port>`.
 */
import { deltaMessage } from './protocol.ts';
import { runWsPeer } from './ws-peer.ts';

interface Corkable {
  _socket: { cork(): void; uncork(): void };
}

runWsPeer({
  clientTracking: false,
  broadcast(subscribers, seq, changes) {
    const frame = Buffer.from(deltaMessage(seq, changes), 'utf8');
    // `_socket` is ws's net.Socket; corking it makes header and payload one write at uncork.
    const sockets = Array.from(subscribers, (socket) => (socket as unknown as Corkable)._socket);
    for (const net of sockets) net.cork();
    for (const socket of subscribers) socket.send(frame, { binary: false });
    for (const net of sockets) net.uncork();
  },
});
