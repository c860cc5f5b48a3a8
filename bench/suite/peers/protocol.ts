/**
 * The subset of Vane's WebSocket protocol (docs/protocol.md) the plain-WebSocket peers speak, so
 * the very same load generator (bench/server/generator.ts) drives Vane and them:
 *
 * - `{"type":"publish","id","stream","events":[…]}` → the events go into the peer's Map, then
 *   `{"type":"ack","id","accepted":n,"duplicates":0}` (nothing is durable; see aggregate.ts);
 * - `{"type":"subscribe","id","view"}` → `{"type":"snapshot","sub","seq","rows":[…]}`, then the
 *   subscriber is in the broadcast set;
 * - every emit interval with changes: `{"type":"delta","sub","seq","upserts":[…],"deletes":[]}`,
 *   the changed rows (latest value each) of all keys — the same rows per message as Vane's delta.
 *
 * One sequence number for all subscribers, as every subscriber gets the same bytes; a snapshot
 * carries the current one, so a subscriber sees seq + 1 next, as with Vane.
 */
import type { KeyedAggregate, LiveRow, PeerEvent } from './aggregate.ts';

/** Every view of the benchmark emits every 10 ms (`emit_interval = '10ms'`). */
export const EMIT_INTERVAL_MS = 10;

/** The subscription id the peers report; one view, so one id for all. */
export const SUB_ID = 'live';

export type ClientFrame =
  | { type: 'publish'; id: string; stream: string; events: PeerEvent[] }
  | { type: 'subscribe'; id: string; view: string };

/** The reply to a client frame, and whether the sender now subscribes. */
export interface Handled {
  reply: string;
  subscribed: boolean;
}

export function handleClientFrame(
  text: string,
  aggregate: KeyedAggregate,
  currentSeq: number,
): Handled {
  const frame = JSON.parse(text) as ClientFrame;
  if (frame.type === 'publish') {
    const accepted = aggregate.apply(frame.events);
    return {
      reply: `{"type":"ack","id":${JSON.stringify(frame.id)},"accepted":${accepted},"duplicates":0}`,
      subscribed: false,
    };
  }
  return {
    reply: JSON.stringify({
      type: 'snapshot',
      sub: SUB_ID,
      seq: currentSeq,
      rows: aggregate.rows(),
    }),
    subscribed: true,
  };
}

/** A delta message; the same shape as Vane's (without its log offset). */
export function deltaMessage(seq: number, upserts: readonly LiveRow[]): string {
  return JSON.stringify({ type: 'delta', sub: SUB_ID, seq, upserts, deletes: [] });
}
