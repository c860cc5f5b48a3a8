/**
 * Peer `uws`: uWebSockets.js (`@trufflesuite/uws-js-unofficial`), the speed ceiling. The same Map
 * and 10 ms emission as ws-corked.ts; subscribers join the topic `live` and each emission is one
 * `app.publish('live', message)`: serialized once, written to every subscriber by uWS's C++ core.
 * Same back-pressure rule as the other peers (skip an emission while any subscriber has bytes
 * buffered); uWS's own limit (maxBackpressure) is set high so it never drops a message itself.
 *
 * Run by the suite as `node --import tsx uws.ts <port>`; the suite skips this peer where the
 * native module does not load (see available.ts).
 */
import type * as UwsModule from '@trufflesuite/uws-js-unofficial';
import { loadUws } from '../../../src/transport/index.ts';
import { KeyedAggregate } from './aggregate.ts';
import { announceListening, everyInterval, exitWithParent, peerPort } from './lifecycle.ts';
import { deltaMessage, EMIT_INTERVAL_MS, handleClientFrame, SUB_ID } from './protocol.ts';

type Socket = UwsModule.WebSocket<unknown>;

// The native binary, never the package's JavaScript emulation (loadUws refuses it).
const uws = loadUws();
const aggregate = new KeyedAggregate();
const subscribers = new Set<Socket>();
const decoder = new TextDecoder();
let seq = 0;

const app = uws.App().ws('/*', {
  compression: uws.DISABLED,
  maxPayloadLength: 16 * 1024 * 1024,
  maxBackpressure: 64 * 1024 * 1024,
  // No idle timeout: the idle scenario keeps silent connections open, as with the other servers.
  idleTimeout: 0,
  upgrade: (res, req, context) => {
    // The generator asks for Vane's subprotocol; a ws client fails a handshake that ignores it.
    const protocol = req.getHeader('sec-websocket-protocol').includes('vane.v1') ? 'vane.v1' : '';
    res.upgrade(
      {},
      req.getHeader('sec-websocket-key'),
      protocol,
      req.getHeader('sec-websocket-extensions'),
      context,
    );
  },
  message: (socket, message) => {
    // The ArrayBuffer is valid only during this call: decoded right away.
    const handled = handleClientFrame(decoder.decode(message), aggregate, seq);
    socket.send(handled.reply, false);
    if (handled.subscribed) {
      socket.subscribe(SUB_ID);
      subscribers.add(socket);
    }
  },
  close: (socket) => {
    subscribers.delete(socket);
  },
});

function behind(): boolean {
  for (const socket of subscribers) if (socket.getBufferedAmount() > 0) return true;
  return false;
}

everyInterval(EMIT_INTERVAL_MS, () => {
  if (!aggregate.hasChanges || subscribers.size === 0 || behind()) return;
  app.publish(SUB_ID, deltaMessage(++seq, aggregate.takeChanges()), false);
});

let listenSocket: unknown = null;
app.listen('127.0.0.1', peerPort(), (socket) => {
  if (socket === false) throw new Error('uWS could not listen');
  listenSocket = socket;
  announceListening();
});
exitWithParent(() => {
  if (listenSocket !== null) uws.us_listen_socket_close(listenSocket as never);
});
