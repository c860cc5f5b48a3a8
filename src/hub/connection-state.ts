import type { HubConnection, Sink } from './sink.ts';

/** Counters and limits shared by every connection of one hub. */
export interface HubShared<S = unknown> {
  readonly highWaterBytes: number;
  readonly maxQueuedBytes: number;
  counters: { deliveries: number; bytesOut: number; queuedBytes: number };
  /** Connections that must be closed once the current hub call has finished its fan-out. */
  readonly doomed: Set<ConnectionState<S>>;
}

/**
 * The hub's side of one connection: its sink, its subscriptions by id, and the bytes of deltas
 * held back for it. Frames reach the sink only through `send`, which counts them and contains a
 * throwing sink (the connection is then doomed, the others are not affected).
 */
export class ConnectionState<S = unknown> {
  /**
   * Made at the first subscription: most connections of a large server are idle or publish only,
   * and an empty Map is ~200 bytes each.
   */
  private subscriptionsById: Map<string, S> | null = null;
  /** 'slow' and 'failed' connections take no more frames and are closed by the hub shortly. */
  status: 'open' | 'slow' | 'failed' | 'closed' = 'open';
  private queued = 0;

  constructor(
    readonly handle: HubConnection,
    readonly sink: Sink,
    private readonly shared: HubShared<S>,
  ) {}

  /** The connection's subscriptions by id. */
  get subscriptions(): ReadonlyMap<string, S> {
    return this.subscriptionsById ?? NO_SUBSCRIPTIONS;
  }

  addSubscription(id: string, subscription: S): void {
    (this.subscriptionsById ??= new Map()).set(id, subscription);
  }

  removeSubscription(id: string): void {
    this.subscriptionsById?.delete(id);
  }

  get isOpen(): boolean {
    return this.status === 'open';
  }

  /** Above high water: new deltas wait in the hub instead of going to the socket. */
  get congested(): boolean {
    return this.sink.bufferedBytes > this.shared.highWaterBytes;
  }

  get queuedBytes(): number {
    return this.queued;
  }

  send(frame: string): void {
    if (this.status !== 'open') return;
    try {
      this.sink.send(frame);
    } catch {
      this.doom('failed');
      return;
    }
    this.shared.counters.deliveries += 1;
    this.shared.counters.bytesOut += frame.length;
  }

  /** Sends `head` + `body` where `body` is shared with other connections (see Sink.sendParts). */
  sendParts(head: string, body: string): void {
    if (this.status !== 'open') return;
    try {
      this.sink.sendParts(head, body);
    } catch {
      this.doom('failed');
      return;
    }
    this.shared.counters.deliveries += 1;
    this.shared.counters.bytesOut += head.length + body.length;
  }

  /** Accounts for bytes queued (positive) or released (negative) by one of its subscriptions. */
  addQueuedBytes(delta: number): void {
    this.queued += delta;
    this.shared.counters.queuedBytes += delta;
    if (
      delta > 0 &&
      this.status === 'open' &&
      this.queued + this.sink.bufferedBytes > this.shared.maxQueuedBytes
    ) {
      this.doom('slow');
    }
  }

  doom(status: 'slow' | 'failed'): void {
    if (this.status !== 'open') return;
    this.status = status;
    this.shared.doomed.add(this);
  }
}

const NO_SUBSCRIPTIONS: ReadonlyMap<string, never> = new Map<string, never>();
