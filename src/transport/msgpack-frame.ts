import { packHead } from '../protocol/index.ts';
import { BINARY_FRAME, binaryFrameStart, frameHeaderSize, writeFrameHeader } from './ws-frame.ts';

/** Where the `seq` entry of a head from protocol/encode.ts starts: `…,"seq":<digits>,`. */
const SEQ_FIELD = ',"seq":';
/** The start of every such head: `{"type":"<word>","sub":<JSON string>`. */
const HEAD_START = /^\{"type":"([a-z]+)","sub":("(?:[^"\\]|\\.)*")$/;

const MAX_FRAME_HEADER = 10;
/** The most bytes a MessagePack unsigned integer takes. */
const MAX_UINT_BYTES = 9;

/**
 * Writes the start of binary (MessagePack) fan-out frames for one connection, one buffer each:
 * the WebSocket frame header (`frameStart`; none with `prefix`), the map header and the
 * subscriber's head entries (`type`, `sub`, `seq`), to be followed by a shared body of
 * `bodyEntries` map entries and `bodyBytes` bytes.
 *
 * This runs once per delivery, so the usual head is written by hand, and the bytes of its
 * `type` and `sub` entries are kept from one frame to the next (a connection's frames mostly
 * come from one subscription): per frame only `seq` is written. A head of another shape takes
 * the general path (protocol packHead, which parses the head and packs it with msgpackr).
 */
export class MsgpackHeadWriter {
  /** The text before `,"seq":` and the body entry count the cached bytes were made for. */
  private cachedText = '';
  private cachedEntries = -1;
  /** Map header, `type` and `sub` entries, and the `seq` key. */
  private cachedBytes: Buffer | null = null;

  /** Where `writeHead` stopped writing in the buffer it returned last. */
  private end = 0;

  frameStart(head: string, bodyEntries: number, bodyBytes: number): Buffer {
    // The frame header's size depends on the payload's: the prefix goes after room for the
    // largest header (10 bytes), and the header right in front of it.
    const out = this.writeHead(head, bodyEntries, MAX_FRAME_HEADER);
    if (out === null) return binaryFrameStart(packHead(head, bodyEntries), bodyBytes);
    const payload = this.end - MAX_FRAME_HEADER + bodyBytes;
    const start = MAX_FRAME_HEADER - frameHeaderSize(payload);
    writeFrameHeader(out, start, payload, BINARY_FRAME);
    return out.subarray(start, this.end);
  }

  /**
   * The same bytes without the WebSocket frame header: the MessagePack that goes before a shared
   * body of `bodyEntries` entries, for a library that frames messages itself (uWebSockets.js).
   */
  prefix(head: string, bodyEntries: number): Uint8Array {
    const out = this.writeHead(head, bodyEntries, 0);
    return out === null ? packHead(head, bodyEntries) : out.subarray(0, this.end);
  }

  /**
   * The map header and the head's entries, `room` bytes into a new buffer (its end in `end`);
   * null for a head of another shape than the usual one.
   */
  private writeHead(head: string, bodyEntries: number, room: number): Buffer | null {
    const seqAt = head.lastIndexOf(SEQ_FIELD);
    const digits = seqAt < 0 ? '' : head.slice(seqAt + SEQ_FIELD.length, -1);
    const seq = /^\d+$/.test(digits) ? Number(digits) : NaN;
    const leading = seqAt < 0 ? null : this.leadingBytes(head.slice(0, seqAt), bodyEntries);
    if (leading === null || !Number.isSafeInteger(seq) || !head.endsWith(',')) return null;
    const out = Buffer.allocUnsafe(room + leading.length + MAX_UINT_BYTES);
    this.end = writeUint(out, room + leading.copy(out, room), seq);
    return out;
  }

  /** The bytes before the `seq` value for `text` (`{"type":…,"sub":…`), or null if not a head. */
  private leadingBytes(text: string, bodyEntries: number): Buffer | null {
    if (text === this.cachedText && bodyEntries === this.cachedEntries) return this.cachedBytes;
    const match = HEAD_START.exec(text);
    if (match === null) return null;
    const quoted = match[2]!;
    const sub = quoted.includes('\\') ? (JSON.parse(quoted) as string) : quoted.slice(1, -1);
    const type = match[1]!;
    const scratch = Buffer.allocUnsafe(
      1 + 5 + 5 + type.length + 4 + 5 + Buffer.byteLength(sub) + 4,
    );
    let at = 0;
    scratch[at++] = 0x80 | (3 + bodyEntries);
    at = writeStr(scratch, at, 'type');
    at = writeStr(scratch, at, type);
    at = writeStr(scratch, at, 'sub');
    at = writeStr(scratch, at, sub);
    at = writeStr(scratch, at, 'seq');
    this.cachedText = text;
    this.cachedEntries = bodyEntries;
    this.cachedBytes = scratch.subarray(0, at);
    return this.cachedBytes;
  }
}

/** A MessagePack str (fixstr, str8, str16 or str32) holding `text` as UTF-8, at `at`. */
function writeStr(out: Buffer, at: number, text: string): number {
  const length = Buffer.byteLength(text);
  if (length < 32) {
    out[at++] = 0xa0 | length;
  } else if (length < 0x100) {
    out[at++] = 0xd9;
    out[at++] = length;
  } else if (length < 0x1_0000) {
    out[at++] = 0xda;
    at = out.writeUInt16BE(length, at);
  } else {
    out[at++] = 0xdb;
    at = out.writeUInt32BE(length, at);
  }
  return at + out.write(text, at, 'utf8');
}

/** A MessagePack unsigned integer, in the fewest bytes, of a safe integer `value` ≥ 0. */
function writeUint(out: Buffer, at: number, value: number): number {
  if (value < 0x80) {
    out[at] = value;
    return at + 1;
  }
  if (value < 0x100) {
    out[at] = 0xcc;
    out[at + 1] = value;
    return at + 2;
  }
  if (value < 0x1_0000) {
    out[at] = 0xcd;
    return out.writeUInt16BE(value, at + 1);
  }
  if (value < 0x1_0000_0000) {
    out[at] = 0xce;
    return out.writeUInt32BE(value, at + 1);
  }
  out[at] = 0xcf;
  out.writeUInt32BE(Math.floor(value / 0x1_0000_0000), at + 1);
  return out.writeUInt32BE(value >>> 0, at + 5);
}
