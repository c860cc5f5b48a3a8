/**
 * Server-to-client WebSocket data frames (RFC 6455 §5.2), built by hand so that a fan-out can
 * write one subscriber's head bytes and then the body bytes it shares with every other
 * subscriber, without `ws` re-encoding and re-framing the whole message per connection.
 *
 * Only what a server sends on a connection without extensions: FIN set, opcode 1 (text, the
 * JSON protocol) or 2 (binary, MessagePack), no mask, no compression. `ws` itself frames
 * everything else (pings, close frames).
 */

/** The first header byte: FIN and the opcode. */
export type FrameKind = 0x81 | 0x82;
export const TEXT_FRAME: FrameKind = 0x81;
export const BINARY_FRAME: FrameKind = 0x82;

/** The size of the frame header for a payload of `payloadBytes`. */
export function frameHeaderSize(payloadBytes: number): number {
  if (payloadBytes < 126) return 2;
  if (payloadBytes < 65_536) return 4;
  return 10;
}

/** Writes the header of an unmasked final frame at `at`; returns the offset after it. */
export function writeFrameHeader(
  target: Buffer,
  at: number,
  payloadBytes: number,
  kind: FrameKind = TEXT_FRAME,
): number {
  target[at] = kind;
  if (payloadBytes < 126) {
    target[at + 1] = payloadBytes;
    return at + 2;
  }
  if (payloadBytes < 65_536) {
    target[at + 1] = 126;
    target.writeUInt16BE(payloadBytes, at + 2);
    return at + 4;
  }
  target[at + 1] = 127;
  // Payloads stay far below 2^53; the high 32 bits of the 64-bit length are written first.
  target.writeUInt32BE(Math.floor(payloadBytes / 0x1_0000_0000), at + 2);
  target.writeUInt32BE(payloadBytes >>> 0, at + 6);
  return at + 10;
}

/**
 * The frame header and the UTF-8 of `head`, in one buffer, for a frame whose payload is `head`
 * followed by `bodyBytes` more bytes (written separately).
 */
export function frameStart(head: string, bodyBytes: number): Buffer {
  const headBytes = Buffer.byteLength(head);
  const payload = headBytes + bodyBytes;
  const headerSize = frameHeaderSize(payload);
  const out = Buffer.allocUnsafe(headerSize + headBytes);
  const at = writeFrameHeader(out, 0, payload);
  out.write(head, at, 'utf8');
  return out;
}

/**
 * The header of a binary frame whose payload is `prefix` (written here, after the header)
 * followed by `bodyBytes` more bytes (written separately).
 */
export function binaryFrameStart(prefix: Uint8Array, bodyBytes: number): Buffer {
  const payload = prefix.length + bodyBytes;
  const headerSize = frameHeaderSize(payload);
  const out = Buffer.allocUnsafe(headerSize + prefix.length);
  const at = writeFrameHeader(out, 0, payload, BINARY_FRAME);
  out.set(prefix, at);
  return out;
}
