import { Packr, Unpackr } from 'msgpackr';

/**
 * The MessagePack variant of SPEC §4 (subprotocol `vane.v1.msgpack`): the same frames, with the
 * same fields, encoded as MessagePack maps in binary WebSocket messages instead of JSON text.
 *
 * Rows are encoded with msgpackr's records extension (ext type 0x72): the first row of a shape
 * carries its field names, the rows after it only their values. Every message defines the
 * records it uses, so each one decodes on its own (a client may join, resume or drop messages).
 * A delta of 20 rows is 37 % of its JSON size and decodes twice as fast as `JSON.parse` of the
 * text, six times at 200 rows (BENCHMARKS.md, "MessagePack frames"). Decoders other than msgpackr must support that
 * extension; a client that cannot should use `vane.v1` (JSON).
 *
 * A msgpack connection still accepts JSON text frames from its client (the SDK sends its requests
 * as text and only receives MessagePack); binary frames from the client are MessagePack.
 */
export const MSGPACK_SUBPROTOCOL = 'vane.v1.msgpack';

const packr = new Packr({ useRecords: true, variableMapSize: true });

/**
 * A decoder per use: a decoder keeps the records of the last message it read, which is harmless
 * (every message redefines what it uses), but a decoder is cheap and sharing one across a process
 * would tie unrelated connections together.
 */
export function createMsgpackDecoder(): (bytes: Uint8Array) => unknown {
  const unpackr = new Unpackr({ useRecords: true, mapsAsObjects: true, int64AsType: 'number' });
  return (bytes) => unpackr.unpack(bytes) as unknown;
}

/** One whole frame (ack, result, error, …) as MessagePack: a map, like every frame. */
export function packFrame(frame: object): Uint8Array {
  const entries = packEntries(frame as Record<string, unknown>);
  const out = new Uint8Array(1 + entries.bytes.length);
  out[0] = mapHeader(entries.count);
  out.set(entries.bytes, 1);
  return out;
}

/**
 * The entries of a map without its header: `packEntries({a: 1})` is the bytes of `"a", 1`.
 * Entries of several parts concatenated after one map header (`mapHeader`) are one map: that is
 * how a fan-out body is encoded once and each subscriber's head is put in front of it.
 */
export function packEntries(fields: Record<string, unknown>): { bytes: Uint8Array; count: number } {
  const flat: unknown[] = [];
  for (const [key, value] of Object.entries(fields)) flat.push(key, value);
  if (flat.length > 30) throw new RangeError('packEntries: at most 15 fields (a fixmap)');
  // A fixarray of up to 15 items has a one-byte header; what follows it is the entries.
  return { bytes: packr.pack(flat).subarray(1), count: flat.length / 2 };
}

/** The one-byte header of a map of up to 15 entries (fixmap). */
export function mapHeader(count: number): number {
  if (count > 15) throw new RangeError('mapHeader: at most 15 entries (a fixmap)');
  return 0x80 | count;
}

/**
 * The start of a fan-out frame for one subscriber: the map header and the entries of its JSON
 * head (encode.ts, `{"type":…,"sub":…,"seq":…,`), to be followed by a shared body's
 * `bodyEntries` entries (packEntries of jsonBodyFields). The transport writes the usual head
 * shape straight into its frame buffer (transport/msgpack-frame.ts); this is the general path.
 */
export function packHead(head: string, bodyEntries: number): Uint8Array {
  const entries = packEntries(jsonHeadFields(head));
  const out = new Uint8Array(1 + entries.bytes.length);
  out[0] = mapHeader(entries.count + bodyEntries);
  out.set(entries.bytes, 1);
  return out;
}

/**
 * The fields of a JSON frame fragment from encode.ts: a head (`{"type":…,"sub":…,"seq":…,`) or a
 * body (`"offset":…,"rows":[…]}`), so a transport can re-encode the JSON the hub built once.
 */
export function jsonHeadFields(head: string): Record<string, unknown> {
  return JSON.parse(`${head.slice(0, -1)}}`) as Record<string, unknown>;
}

export function jsonBodyFields(body: string): Record<string, unknown> {
  return JSON.parse(`{${body}`) as Record<string, unknown>;
}

/**
 * True when `value` is plain JSON data: what a client's MessagePack frame must hold to mean the
 * same as a JSON one. MessagePack also carries binary, dates, maps with non-string keys and
 * undefined; the log stores events as JSON data, so those are refused at the edge.
 */
export function isPlainJson(value: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isPlainJson(item, depth + 1));
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const item of Object.values(value)) if (!isPlainJson(item, depth + 1)) return false;
  return true;
}
