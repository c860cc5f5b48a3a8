import type { WebSocket } from '@trufflesuite/uws-js-unofficial';
import { CloseCode, MSGPACK_SUBPROTOCOL, packFrame } from '../protocol/index.ts';
import type { FrameBatcher, StagingSink } from './frame-batcher.ts';
import { MsgpackHeadWriter } from './msgpack-frame.ts';
import type { SessionSink } from './session-sink.ts';

/** A fan-out frame: the connection's own head (JSON text or MessagePack) and the shared body. */
interface SharedFrame {
  head: string | Uint8Array;
  body: Buffer;
}

type StagedFrame = string | Uint8Array | SharedFrame;

/** Never pushed to (frozen): a sink replaces it with its own array at its first staged frame. */
const NO_FRAMES = Object.freeze([]) as unknown as StagedFrame[];

/** uWS.WebSocket.send's answer when it dropped the message (its buffer was past maxBackpressure). */
const DROPPED = 2;

/** The scratch buffer a frame is composed in stays allocated up to this size. */
const MAX_KEPT_SCRATCH_BYTES = 1_048_576;

/**
 * Builds the one message a SharedFrame is sent as, head then body, in a scratch buffer shared by
 * every sink of a gateway. Reusing it is safe because uWS copies a message (into the kernel or
 * its own buffer) before `send` returns; what is copied per connection is what uWS would copy
 * anyway, and the body is never re-encoded per connection.
 */
export class FrameComposer {
  private scratch = Buffer.allocUnsafe(64 * 1024);

  compose(frame: SharedFrame): Uint8Array {
    const { head, body } = frame;
    // A JSON head's UTF-8 takes at most 3 bytes per UTF-16 unit.
    const room = (typeof head === 'string' ? head.length * 3 : head.length) + body.length;
    let out = this.scratch;
    if (room > out.length) {
      out = Buffer.allocUnsafe(room);
      if (room <= MAX_KEPT_SCRATCH_BYTES) this.scratch = out;
    }
    let at: number;
    if (typeof head === 'string') {
      at = out.write(head, 0, 'utf8');
    } else {
      out.set(head, 0);
      at = head.length;
    }
    at += body.copy(out, at);
    return out.subarray(0, at);
  }
}

/**
 * A hub Sink (and the SessionSink of a WsSession) over one uWebSockets.js socket: one WebSocket
 * message per frame, text on a `vane.v1` connection, binary (MessagePack) on `vane.v1.msgpack`.
 *
 * Like WsSink, frames are staged during the turn and written at its end by the gateway's
 * FrameBatcher, which also encodes a body shared by a fan-out once (`bodyBytes`, `packedBodyOf`)
 * and slices a large fan-out's writes across turns. A connection's frames of one turn are sent
 * inside `cork`, so uWS writes them with one system call. `bufferedBytes` is what uWS holds back
 * for the socket (`getBufferedAmount`), plus frames still staged past their turn (see WsSink).
 *
 * A closed uWS socket must not be touched at all (uWS throws): the gateway's close handler calls
 * `closed()`, after which every method is a no-op. uWS calls that handler from within
 * `socket.end`, so `close` leaves the sink closed when it returns.
 */
export class UwsSink implements SessionSink, StagingSink {
  /** Frames staged this turn; the shared empty NO_FRAMES while none are (an idle connection). */
  private frames: StagedFrame[] = NO_FRAMES;
  private stagedBytes = 0;
  /** The batcher pass during which the oldest staged frame was staged. */
  private stagedInPass = 0;
  /** Heads of MessagePack frames; made at a msgpack connection's first fan-out frame. */
  private heads: MsgpackHeadWriter | null = null;
  private open = true;
  private readonly binary: boolean;

  constructor(
    readonly socket: WebSocket<unknown>,
    readonly protocol: string,
    private readonly batcher: FrameBatcher,
    private readonly composer: FrameComposer,
  ) {
    this.binary = protocol === MSGPACK_SUBPROTOCOL;
  }

  get isOpen(): boolean {
    return this.open;
  }

  send(data: string): void {
    if (!this.open) return;
    if (this.binary) {
      const bytes = packFrame(JSON.parse(data) as object);
      this.stage(bytes, bytes.length);
      return;
    }
    this.stage(data, data.length);
  }

  sendParts(head: string, body: string): void {
    if (!this.open) return;
    if (this.binary) {
      const packed = this.batcher.packedBodyOf(body);
      this.heads ??= new MsgpackHeadWriter();
      const prefix = this.heads.prefix(head, packed.count);
      this.stage({ head: prefix, body: packed.bytes }, prefix.length + packed.bytes.length);
      return;
    }
    const bytes = this.batcher.bodyBytes(body);
    this.stage({ head, body: bytes }, head.length + bytes.length);
  }

  private stage(frame: StagedFrame, bytes: number): void {
    if (this.frames.length === 0) {
      this.frames = [];
      this.stagedInPass = this.batcher.pass;
      this.batcher.stage(this);
    }
    this.frames.push(frame);
    this.stagedBytes += bytes;
  }

  /** Sends the staged frames, corked: one system call for the lot. */
  flush(): void {
    const frames = this.frames;
    if (frames.length === 0) return;
    this.frames = NO_FRAMES;
    this.stagedBytes = 0;
    if (!this.open) return;
    let dropped = false;
    if (frames.length === 1) {
      dropped = this.write(frames[0]!);
    } else {
      this.socket.cork(() => {
        for (const frame of frames) dropped = this.write(frame) || dropped;
      });
    }
    // uWS drops a message only when it already holds maxBackpressure bytes for a peer that
    // stopped reading; the peer would see a gap, so it is closed as the slow consumer it is.
    if (dropped) this.close(CloseCode.slowConsumer, 'slow consumer');
  }

  /** Sends one frame; true if uWS dropped it. */
  private write(frame: StagedFrame): boolean {
    const message =
      typeof frame === 'string' || frame instanceof Uint8Array
        ? frame
        : this.composer.compose(frame);
    return this.socket.send(message, this.binary) === DROPPED;
  }

  /** Socket-held bytes, plus staged frames that a sliced flush has left waiting past their turn. */
  get bufferedBytes(): number {
    if (!this.open) return 0;
    const overdue = this.stagedInPass < this.batcher.pass ? this.stagedBytes : 0;
    return this.socket.getBufferedAmount() + overdue;
  }

  /** Sends what is staged, then the close frame. */
  close(code: number, reason: string): void {
    if (!this.open) return;
    this.flush();
    if (this.open) this.socket.end(code, reason);
  }

  /** The socket is closed (uWS's close handler): from now on nothing touches it. */
  closed(): void {
    this.open = false;
    this.frames = NO_FRAMES;
    this.stagedBytes = 0;
  }
}
