import type { ServerFrame, WireRow } from './frames.ts';

/**
 * Serialization for fan-out (DESIGN.md: serialize once, share the bytes). A snapshot, delta or
 * events frame is split in two: the body, which holds the rows and is the same for every
 * subscriber that shares a view and filter, is stringified once per batch; each subscriber then
 * adds only its prefix (`type`, `sub`, `seq`). Prefix + body is exactly `JSON.stringify` of the
 * whole frame with its fields in frames.ts order.
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

/** A whole snapshot frame for one subscriber: its prefix followed by the shared body. */
export function snapshotFrame(sub: string, seq: number, body: SnapshotBody): string {
  return `{"type":"snapshot",${prefix(sub, seq)}${body}`;
}

/** The shared part of a delta frame: `"offset":…,"upserts":[…],"deletes":[…]}`. */
export function deltaBody(
  offset: number,
  upserts: readonly WireRow[],
  deletes: readonly WireRow[],
): DeltaBody {
  return `"offset":${JSON.stringify(offset)},"upserts":${JSON.stringify(upserts)},"deletes":${JSON.stringify(deletes)}}` as DeltaBody;
}

/** A whole delta frame for one subscriber: its prefix followed by the shared body. */
export function deltaFrame(sub: string, seq: number, body: DeltaBody): string {
  return `{"type":"delta",${prefix(sub, seq)}${body}`;
}

/** The shared part of an events frame: `"events":[…]}`. */
export function eventsBody(events: readonly WireRow[]): EventsBody {
  return `"events":${JSON.stringify(events)}}` as EventsBody;
}

/** A whole events frame for one subscriber: its prefix followed by the shared body. */
export function eventsFrame(sub: string, seq: number, body: EventsBody): string {
  return `{"type":"events",${prefix(sub, seq)}${body}`;
}

/** `sub` is quoted by JSON.stringify: a sub is an echoed client id and may hold any character. */
function prefix(sub: string, seq: number): string {
  return `"sub":${JSON.stringify(sub)},"seq":${JSON.stringify(seq)},`;
}
