import type { WebSocket } from 'ws';
import { MSGPACK_SUBPROTOCOL, packFrame, packHead } from '../protocol/index.ts';
import type { FrameBatcher, StagingSink } from './frame-batcher.ts';
import { MsgpackHeadWriter } from './msgpack-frame.ts';
import type { SessionSink } from './session-sink.ts';
import { binaryFrameStart, frameStart } from './ws-frame.ts';

const EMPTY = Buffer.alloc(0);
/** Never pushed to (frozen): a sink replaces it with its own array at its first staged frame. */
const NO_CHUNKS = Object.freeze([]) as unknown as Buffer[];

/**
 * A hub Sink over one `ws` socket. Frames are framed here (ws-frame.ts) and written straight to
 * the TCP socket under `ws`, in order, once per turn (see FrameBatcher). `ws` keeps writing its
 * own control frames (ping, pong, close) to the same socket; both only ever write whole frames.
 * When the raw socket is out of reach or the connection negotiated an extension (compression
 * would change the bytes), every frame goes through `ws.send` instead.
 *
 * `bufferedBytes` leaves out the frames staged in the current turn: they have not been offered
 * to the kernel yet, so they say nothing about how far the peer is behind. Counting them made one
 * large emission (a big batch over several subscriptions, a long resume replay) look like a slow
 * consumer: deltas were conflated and a peer that reads at full speed was closed with 4008.
 * Frames still staged after their turn ended (a sliced flush that has not reached this connection
 * yet) do count: the server itself is behind, and the hub must conflate instead of piling up
 * frames without bound.
 */
export class WsSink implements SessionSink, StagingSink {
  private readonly raw: RawSocket | null;
  /** Frames staged this turn; the shared empty NO_CHUNKS while none are (an idle connection). */
  private chunks: Buffer[] = NO_CHUNKS;
  private stagedBytes = 0;
  /** The batcher pass during which the oldest staged frame was staged. */
  private stagedInPass = 0;
  /** Heads of MessagePack frames, written by hand; made on a msgpack connection's first. */
  private heads: MsgpackHeadWriter | null = null;
  /** A 'drain' listener is registered on the TCP socket (only while a write is held back). */
  private drainWatched = false;
  /** Frames go out as MessagePack: the client chose `vane.v1.msgpack` (SPEC §4). */
  private readonly binary: boolean;

  /**
   * `drained` is called when the TCP socket has written out what it held back, so the hub can
   * send what it queued meanwhile. One function for every sink of a gateway: an idle connection
   * costs no listener of its own (the 'drain' listener is registered only while writes wait).
   */
  constructor(
    readonly socket: WebSocket,
    private readonly batcher: FrameBatcher,
    private readonly drained: (sink: WsSink) => void = () => undefined,
  ) {
    this.binary = socket.protocol === MSGPACK_SUBPROTOCOL;
    const raw = rawSocket(socket);
    this.raw = raw !== null && socket.extensions === '' ? raw : null;
    // Through ws.send (compression) the socket write happens later, after zlib: listen always.
    if (this.raw === null) raw?.on('drain', () => this.drained(this));
  }

  get protocol(): string {
    return this.socket.protocol;
  }

  get isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  send(data: string): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.binary) {
      this.sendBinary(packFrame(JSON.parse(data) as object), EMPTY);
      return;
    }
    if (this.raw === null) {
      this.socket.send(data);
      return;
    }
    this.push(frameStart(data, 0));
  }

  sendParts(head: string, body: string): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.binary) {
      const packed = this.batcher.packedBodyOf(body);
      if (this.raw === null) {
        this.sendBinary(packHead(head, packed.count), packed.bytes);
        return;
      }
      this.heads ??= new MsgpackHeadWriter();
      const start = this.heads.frameStart(head, packed.count, packed.bytes.length);
      this.push(start);
      this.push(packed.bytes);
      return;
    }
    if (this.raw === null) {
      this.socket.send(head + body);
      return;
    }
    const bytes = this.batcher.bodyBytes(body);
    this.push(frameStart(head, bytes.length));
    this.push(bytes);
  }

  /** One binary frame: `prefix` then `shared` (bytes other connections get too). */
  private sendBinary(prefix: Uint8Array, shared: Uint8Array): void {
    if (this.raw === null) {
      this.socket.send(Buffer.concat([prefix, shared]), { binary: true });
      return;
    }
    this.push(binaryFrameStart(prefix, shared.length));
    if (shared.length > 0) this.push(Buffer.from(shared.buffer, shared.byteOffset, shared.length));
  }

  private push(chunk: Buffer): void {
    if (this.chunks.length === 0) {
      this.chunks = [];
      this.stagedInPass = this.batcher.pass;
      this.batcher.stage(this);
    }
    this.chunks.push(chunk);
    this.stagedBytes += chunk.length;
  }

  /** Writes the staged frames with one socket write (dropped if the socket is no longer open). */
  flush(): void {
    const chunks = this.chunks;
    if (chunks.length === 0) return;
    this.chunks = NO_CHUNKS;
    this.stagedBytes = 0;
    if (this.raw === null || this.socket.readyState !== this.socket.OPEN) return;
    if (chunks.length === 1) {
      if (!this.raw.write(chunks[0]!)) this.watchDrain();
      return;
    }
    // Corked: one writev of every chunk, the shared body buffers as they are, no copy per
    // connection (a Buffer.concat copied each subscriber's ~1 KB body).
    this.raw.cork();
    for (const chunk of chunks) this.raw.write(chunk);
    this.raw.uncork();
    this.watchDrain();
  }

  /**
   * After a direct write: if the TCP socket holds writes back (a write returned false), call
   * `drained` once it has caught up. Node emits 'drain' only after such a write, so nothing is
   * missed by listening only then.
   */
  private watchDrain(): void {
    const socket = this.raw;
    if (this.drainWatched || socket === null || !socket.writableNeedDrain) return;
    this.drainWatched = true;
    socket.once('drain', () => {
      this.drainWatched = false;
      this.drained(this);
    });
  }

  /** Socket-held bytes, plus staged frames that a sliced flush has left waiting past their turn. */
  get bufferedBytes(): number {
    const overdue = this.stagedInPass < this.batcher.pass ? this.stagedBytes : 0;
    return this.socket.bufferedAmount + overdue;
  }

  /** Writes what is staged, then closes: frames sent before `close` arrive before the close frame. */
  close(code: number, reason: string): void {
    this.flush();
    if (
      this.socket.readyState === this.socket.OPEN ||
      this.socket.readyState === this.socket.CONNECTING
    ) {
      this.socket.close(code, reason);
    }
  }
}

interface RawSocket {
  write(data: Buffer): boolean;
  cork(): void;
  uncork(): void;
  on(event: 'drain', listener: () => void): void;
  once(event: 'drain', listener: () => void): void;
  /** True from a write that returned false until the next 'drain'. */
  readonly writableNeedDrain: boolean;
}

/**
 * The TCP socket under a `ws` WebSocket. `ws` does not expose it; its `_socket` field is the
 * net.Socket it writes to (stable across ws 8). Without it, frames go through `ws.send`.
 */
export function rawSocket(socket: WebSocket): RawSocket | null {
  const raw = (socket as unknown as { _socket?: unknown })._socket;
  if (typeof raw !== 'object' || raw === null) return null;
  const candidate = raw as Partial<Record<'write' | 'cork' | 'uncork' | 'on' | 'once', unknown>>;
  return typeof candidate.write === 'function' &&
    typeof candidate.cork === 'function' &&
    typeof candidate.uncork === 'function' &&
    typeof candidate.on === 'function' &&
    typeof candidate.once === 'function'
    ? (raw as RawSocket)
    : null;
}
