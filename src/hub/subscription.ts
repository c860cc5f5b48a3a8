import {
  deltaBody,
  deltaHead,
  eventsBody,
  eventsHead,
  type DeltaBody,
  type EventsBody,
} from '../protocol/index.ts';
import { ConflationQueue } from './conflation-queue.ts';
import type { ConnectionState } from './connection-state.ts';
import { EventQueue } from './event-queue.ts';

type Row = Record<string, unknown>;

/**
 * One client subscription: its `seq` counter and the data held back for it.
 *
 * Delivery rule: data goes straight to the sink (as the group's shared body behind this
 * subscription's prefix) when the subscription is not throttled, nothing of it is queued, and
 * the connection is below high water. Otherwise it is queued, and the queue goes out as one frame
 * (next seq) once the subscription is due (its interval passed since the last frame) and the
 * connection is below high water again: from `flush`, called on the next offer, on `drained` and
 * on `tick`. Every frame takes the next seq, so seqs have no gaps.
 */
export abstract class Subscription {
  /** Seq of the last frame sent. */
  seq = 0;
  /** Unhooks the subscription from its fan-out group; set by the hub when it is registered. */
  detach: () => void = () => {};

  constructor(
    readonly id: string,
    readonly connection: ConnectionState,
    /** Throttle interval; 0 when not throttled. */
    readonly intervalMs: number,
    /** Subscriptions with queued data, hub-wide (visited by `tick`). */
    private readonly backlog: Set<Subscription>,
    protected lastFlushMs: number,
  ) {}

  protected abstract readonly queue: ConflationQueue | EventQueue;

  /** Sends the queue as one frame and empties it. */
  protected abstract sendQueued(seq: number): void;

  /** True when new data can skip the queue. */
  protected get direct(): boolean {
    return this.intervalMs === 0 && this.queue.isEmpty && !this.connection.congested;
  }

  get queuedBytes(): number {
    return this.queue.bytes;
  }

  /** Sends the queued data if there is some, the subscription is due and the socket keeps up. */
  flush(nowMs: number): boolean {
    if (this.queue.isEmpty) {
      this.backlog.delete(this);
      return false;
    }
    if (nowMs - this.lastFlushMs < this.intervalMs || this.connection.congested) return false;
    const bytes = this.queue.bytes;
    this.sendQueued(++this.seq);
    this.connection.addQueuedBytes(-bytes);
    this.backlog.delete(this);
    this.lastFlushMs = nowMs;
    return true;
  }

  /** Drops whatever is queued (the subscription ends). */
  release(): void {
    this.connection.addQueuedBytes(-this.queue.bytes);
    this.queue.clear();
    this.backlog.delete(this);
  }

  protected enqueue(add: () => void, nowMs: number): void {
    const before = this.queue.bytes;
    add();
    this.backlog.add(this);
    this.connection.addQueuedBytes(this.queue.bytes - before);
    this.flush(nowMs);
  }
}

/** A subscription to a view (named, ad-hoc SQL, or top-N over either). */
export class ViewSubscription extends Subscription {
  /** The view offset this subscription reflects (sent or queued). */
  position = 0;
  protected readonly queue: ConflationQueue;

  constructor(
    id: string,
    connection: ConnectionState,
    intervalMs: number,
    backlog: Set<Subscription>,
    nowMs: number,
    readonly view: string,
    key: readonly string[],
    /** The hidden view of an ad-hoc SQL subscription, released when it ends. */
    readonly query: boolean,
  ) {
    super(id, connection, intervalMs, backlog, nowMs);
    this.queue = new ConflationQueue(key);
  }

  /**
   * One (filtered, non-empty) batch of the view. `body` serializes it once for every subscriber
   * of the group; batches this subscription already reflects are ignored.
   */
  offer(
    offset: number,
    upserts: readonly Row[],
    deletes: readonly Row[],
    body: () => DeltaBody,
    nowMs: number,
  ): void {
    if (offset <= this.position || !this.connection.isOpen) return;
    this.position = offset;
    if (this.direct) {
      this.connection.sendParts(deltaHead(this.id, ++this.seq), body());
    } else {
      this.enqueue(() => this.queue.add(offset, upserts, deletes), nowMs);
    }
  }

  protected sendQueued(seq: number): void {
    const delta = this.queue.take();
    const body = deltaBody(delta.offset, delta.upserts, delta.deletes);
    this.connection.sendParts(deltaHead(this.id, seq), body);
  }
}

/** A subscription to a stream's raw events. */
export class StreamSubscription extends Subscription {
  protected readonly queue = new EventQueue();

  constructor(
    id: string,
    connection: ConnectionState,
    intervalMs: number,
    backlog: Set<Subscription>,
    nowMs: number,
    readonly stream: string,
  ) {
    super(id, connection, intervalMs, backlog, nowMs);
  }

  /** One (filtered, non-empty) batch of events; `body` is shared by the group. */
  offer(events: readonly Row[], body: () => EventsBody, nowMs: number): void {
    if (!this.connection.isOpen) return;
    if (this.direct) {
      this.connection.sendParts(eventsHead(this.id, ++this.seq), body());
    } else {
      this.enqueue(() => this.queue.add(events), nowMs);
    }
  }

  protected sendQueued(seq: number): void {
    this.connection.sendParts(eventsHead(this.id, seq), eventsBody(this.queue.take()));
  }
}
