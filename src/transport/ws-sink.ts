import type { WebSocket } from 'ws';
import type { Sink } from '../hub/index.ts';

/**
 * A hub Sink over one `ws` socket. Frames sent in the same event-loop turn are corked into one
 * write (perf-anchors: one syscall per message per client is what limits fan-out); the socket is
 * uncorked on the next turn.
 *
 * `bufferedBytes` leaves out the bytes corked in the current turn: they have not been offered to
 * the kernel yet, so they say nothing about how far the peer is behind. Counting them made one
 * large emission (a big batch over several subscriptions, a long resume replay) look like a slow
 * consumer: deltas were conflated and a peer that reads at full speed was closed with 4008.
 */
export class WsSink implements Sink {
  private corked = false;
  /** Bytes handed to the socket while corked in this turn. */
  private corkedBytes = 0;
  bytesSent = 0;

  constructor(private readonly socket: WebSocket) {}

  send(data: string): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    const raw = rawSocket(this.socket);
    if (!this.corked && raw !== null) {
      this.corked = true;
      raw.cork();
      setImmediate(() => {
        this.corked = false;
        this.corkedBytes = 0;
        raw.uncork();
      });
    }
    this.bytesSent += data.length;
    const before = this.socket.bufferedAmount;
    this.socket.send(data);
    if (this.corked) this.corkedBytes += this.socket.bufferedAmount - before;
  }

  get bufferedBytes(): number {
    return Math.max(0, this.socket.bufferedAmount - this.corkedBytes);
  }

  close(code: number, reason: string): void {
    if (
      this.socket.readyState === this.socket.OPEN ||
      this.socket.readyState === this.socket.CONNECTING
    ) {
      this.socket.close(code, reason);
    }
  }
}

interface Corkable {
  cork(): void;
  uncork(): void;
}

/**
 * The TCP socket under a `ws` WebSocket. `ws` does not expose cork(); its `_socket` field is the
 * net.Socket it writes to (stable across ws 8). Without it, frames are simply not corked.
 */
export function rawSocket(
  socket: WebSocket,
): (Corkable & { on(event: 'drain', fn: () => void): void }) | null {
  const raw = (socket as unknown as { _socket?: unknown })._socket;
  if (typeof raw !== 'object' || raw === null) return null;
  const candidate = raw as Partial<Corkable & { on: unknown }>;
  return typeof candidate.cork === 'function' &&
    typeof candidate.uncork === 'function' &&
    typeof candidate.on === 'function'
    ? (raw as Corkable & { on(event: 'drain', fn: () => void): void })
    : null;
}
