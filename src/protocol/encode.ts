import type { ServerFrame, WireRow } from './frames.ts';

/**
 * Serialization for fan-out (DESIGN.md: serialize once, share the bytes). A snapshot, delta or
 * events frame is split in two: the body, which holds the rows and is the same for every
 * subscriber that shares a view and filter, is stringified once per batch; each subscriber then
 * adds only its head (`type`, `sub`, `seq`). Head + body is exactly `JSON.stringify` of the
 * whole frame with its fields in frames.ts order. A transport may keep head and body apart all the
 * way to the socket (the body's bytes encoded once per batch, not once per subscriber).
 *
 * The brands keep a body from being glued to the wrong prefix (a snapshot body under a delta).
 */
export type SnapshotBody = string & { readonly __brand: 'SnapshotBody' };
export type DeltaBody = string & { readonly __brand: 'DeltaBody' };
export type EventsBody = string & { readonly __brand: 'EventsBody' };

/** The text of any server frame; for frames sent to one client (ack, result, error, pong). */
export function encodeFrame(frame: ServerFrame): string {
  return JSON.stringify(frame);
}

/** The shared part of a snapshot frame: `"offset":…,"rows":[…]}`. */
export function snapshotBody(offset: number, rows: readonly WireRow[]): SnapshotBody {
  return `"offset":${JSON.stringify(offset)},"rows":${JSON.stringify(rows)}}` as SnapshotBody;
}

/** The part of a snapshot frame that is one subscriber's own: `{"type":"snapshot","sub":…,"seq":…,`. */
export function snapshotHead(sub: string, seq: number): string {
  return `{"type":"snapshot",${prefix(sub, seq)}`;
}

/** A whole snapshot frame for one subscriber: its head followed by the shared body. */
export function snapshotFrame(sub: string, seq: number, body: SnapshotBody): string {
  return snapshotHead(sub, seq) + body;
}

/** The shared part of a delta frame: `"offset":…,"upserts":[…],"deletes":[…]}`. */
export function deltaBody(
  offset: number,
  upserts: readonly WireRow[],
  deletes: readonly WireRow[],
): DeltaBody {
  return `"offset":${JSON.stringify(offset)},"upserts":${JSON.stringify(upserts)},"deletes":${JSON.stringify(deletes)}}` as DeltaBody;
}

/** The part of a delta frame that is one subscriber's own: `{"type":"delta","sub":…,"seq":…,`. */
export function deltaHead(sub: string, seq: number): string {
  return `{"type":"delta",${prefix(sub, seq)}`;
}

/** A whole delta frame for one subscriber: its head followed by the shared body. */
export function deltaFrame(sub: string, seq: number, body: DeltaBody): string {
  return deltaHead(sub, seq) + body;
}

/** The shared part of an events frame: `"events":[…]}`. */
export function eventsBody(events: readonly WireRow[]): EventsBody {
  return `"events":${JSON.stringify(events)}}` as EventsBody;
}

/** The part of an events frame that is one subscriber's own: `{"type":"events","sub":…,"seq":…,`. */
export function eventsHead(sub: string, seq: number): string {
  return `{"type":"events",${prefix(sub, seq)}`;
}

/** A whole events frame for one subscriber: its head followed by the shared body. */
export function eventsFrame(sub: string, seq: number, body: EventsBody): string {
  return eventsHead(sub, seq) + body;
}

/** `sub` is quoted by JSON.stringify: a sub is an echoed client id and may hold any character. */
function prefix(sub: string, seq: number): string {
  return `"sub":${JSON.stringify(sub)},"seq":${JSON.stringify(seq)},`;
}
