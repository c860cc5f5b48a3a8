/**
 * Peer `socketio`: a Socket.IO 4 server, websocket transport only (no long-polling), written
 * as its docs suggest. Events: `publish` ({stream, events}) with an acknowledgement callback
 * answered `{accepted}` once the events are in the Map; `subscribe` ({view}) joins the room
 * `live` and is acknowledged with the snapshot `{seq, rows}`. Every 10 ms the changed rows go out
 * as one `io.to('live').emit('delta', {seq, upserts, deletes})`: Socket.IO encodes a room
 * broadcast once and writes the same pre-encoded frame to every member.
 *
 * Same back-pressure rule as the other peers: an emission is skipped while any subscriber has
 * packets or bytes queued (engine.io's write buffer, or the underlying ws socket's).
 *
 * Run by the suite as `node --import tsx socketio.ts <port>`; load comes from
 * socketio-generator.ts, which counts the same figures as the raw-WebSocket generator.
 */
import { createServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { KeyedAggregate, type PeerEvent } from './aggregate.ts';
import { announceListening, everyInterval, exitWithParent, peerPort } from './lifecycle.ts';
import { EMIT_INTERVAL_MS, SUB_ID } from './protocol.ts';

const aggregate = new KeyedAggregate();
const subscribers = new Set<Socket>();
let seq = 0;

const http = createServer();
const io = new Server(http, {
  transports: ['websocket'],
  serveClient: false,
  perMessageDeflate: false,
  maxHttpBufferSize: 16 * 1024 * 1024,
});

io.on('connection', (socket) => {
  socket.on('publish', (message: { events: PeerEvent[] }, ack: (reply: unknown) => void) => {
    ack({ accepted: aggregate.apply(message.events) });
  });
  socket.on('subscribe', (_message: unknown, ack: (reply: unknown) => void) => {
    void socket.join(SUB_ID);
    subscribers.add(socket);
    ack({ seq, rows: aggregate.rows() });
  });
  socket.on('disconnect', () => subscribers.delete(socket));
});

/** engine.io's internals: its packet queue and the ws socket under the transport. */
interface EngineConnection {
  writeBuffer: unknown[];
  transport: { socket?: { bufferedAmount: number } };
}

function behind(): boolean {
  for (const socket of subscribers) {
    const conn = socket.conn as unknown as EngineConnection;
    if (conn.writeBuffer.length > 0 || (conn.transport.socket?.bufferedAmount ?? 0) > 0)
      return true;
  }
  return false;
}

everyInterval(EMIT_INTERVAL_MS, () => {
  if (!aggregate.hasChanges || subscribers.size === 0 || behind()) return;
  io.to(SUB_ID).emit('delta', { seq: ++seq, upserts: aggregate.takeChanges(), deletes: [] });
});

http.listen(peerPort(), '127.0.0.1', announceListening);
exitWithParent(() => {
  void io.close();
});
