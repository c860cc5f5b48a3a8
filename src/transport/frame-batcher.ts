import { jsonBodyFields, packEntries } from '../protocol/index.ts';

/** A shared body as MessagePack map entries (protocol/msgpack.ts packEntries). */
export interface PackedBody {
  bytes: Buffer;
  count: number;
}

/** What the batcher flushes: a sink that staged frames during this turn (WsSink, UwsSink). */
export interface StagingSink {
  /** Writes every frame staged so far, in order; a no-op when none are. */
  flush(): void;
}

const EMPTY = Buffer.alloc(0);

/**
 * How long one turn may spend writing staged frames before it yields to I/O (acks, new
 * connections) and goes on in the next turn. A fan-out to 10,000 connections costs ~10 µs of
 * system call per connection; without slicing it would hold the event loop for ~100 ms.
 */
const FLUSH_SLICE_MS = 4;

/**
 * The write side shared by every sink of one gateway: it turns a fan-out into as few bytes
 * copies and system calls as it can. It knows sinks only as `StagingSink`, so both transports
 * (ws and uWebSockets.js) share it.
 *
 * - A body shared by many subscribers (Sink.sendParts) is encoded to UTF-8 (or MessagePack)
 *   once: the last body seen is cached until the end of the event-loop turn, and a fan-out hands
 *   the same string to every subscriber in a row.
 * - Frames sent in one turn are staged per connection and written at the end of the turn (one
 *   `setImmediate` for all connections), each connection's with one corked write: one system
 *   call per connection per turn, not one per frame (perf-anchors: that is what limits fan-out).
 * - The writes of a large fan-out are sliced (FLUSH_SLICE_MS per turn), so acks and other I/O
 *   are not held up behind thousands of socket writes. A connection's frames stay in order: its
 *   later frames join the ones still staged.
 */
export class FrameBatcher {
  private cachedBody: string | null = null;
  private cachedBytes = EMPTY;
  private packedBody: string | null = null;
  private packedBytes: PackedBody = { bytes: EMPTY, count: 0 };
  /** Sinks with staged frames, in staging order; those before `next` were written this pass. */
  private pending: StagingSink[] = [];
  private next = 0;
  private scheduled = false;
  /** Counts `flushAll` passes: frames staged before the current pass started are overdue. */
  pass = 0;
  /** True from a flush cut short by its slice until the flush that writes the last frame. */
  private sliced = false;
  /** Called when a sliced flush has written its last frame (`backlogged` turned false). */
  onDrained: (() => void) | null = null;

  constructor(private readonly sliceMs = FLUSH_SLICE_MS) {}

  /**
   * True while frames staged in an earlier turn wait for a sliced flush to reach them. Frames
   * staged in this turn do not count: they go out at its end. Counting them held back a view
   * emission whenever an ack had just been staged, for a whole tick.
   */
  get backlogged(): boolean {
    return this.sliced;
  }

  /** The UTF-8 bytes of a shared body; the caller must not change them. */
  bodyBytes(body: string): Buffer {
    if (body !== this.cachedBody) {
      this.cachedBytes = Buffer.from(body, 'utf8');
      this.cachedBody = body;
      this.schedule();
    }
    return this.cachedBytes;
  }

  /** A shared body as MessagePack map entries, encoded once per fan-out like `bodyBytes`. */
  packedBodyOf(body: string): PackedBody {
    if (body !== this.packedBody) {
      const { bytes, count } = packEntries(jsonBodyFields(body));
      this.packedBytes = {
        bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length),
        count,
      };
      this.packedBody = body;
      this.schedule();
    }
    return this.packedBytes;
  }

  /** `sink` has staged its first frame of the turn: write its frames at the end of this turn. */
  stage(sink: StagingSink): void {
    this.pending.push(sink);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.flushAll);
  }

  /** Writes staged frames for up to FLUSH_SLICE_MS, then again next turn until none are left. */
  readonly flushAll = (): void => {
    this.scheduled = false;
    this.pass++;
    this.cachedBody = null;
    this.cachedBytes = EMPTY;
    this.packedBody = null;
    this.packedBytes = { bytes: EMPTY, count: 0 };
    const sinks = this.pending;
    const deadline = performance.now() + this.sliceMs;
    while (this.next < sinks.length) {
      sinks[this.next++]!.flush();
      if ((this.next & 63) === 0 && performance.now() > deadline) break;
    }
    if (this.next < sinks.length) {
      this.sliced = true;
      this.schedule();
      return;
    }
    this.pending = [];
    this.next = 0;
    if (this.sliced) {
      this.sliced = false;
      this.onDrained?.();
    }
  };
}
