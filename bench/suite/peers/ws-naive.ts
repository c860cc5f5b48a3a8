/**
 * Peer `ws-naive`: the `ws` server most tutorials show. The same Map and the same 10 ms emission
 * of the changed rows as ws-corked.ts, but the message is built per subscriber:
 * `socket.send(JSON.stringify(delta))` for each one (no shared bytes, no corking). Back-pressure
 * and the rest: ws-peer.ts.
 *
 * Run by the suite as `node --import tsx ws-naive.ts <port>`.
 */
import { SUB_ID } from './protocol.ts';
import { runWsPeer } from './ws-peer.ts';

runWsPeer({
  clientTracking: true,
  broadcast(subscribers, seq, changes) {
    const delta = { type: 'delta', sub: SUB_ID, seq, upserts: changes, deletes: [] };
    for (const socket of subscribers) socket.send(JSON.stringify(delta));
  },
});
