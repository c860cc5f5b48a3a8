import {
  createErrorFrame,
  DEFAULT_LIMITS,
  deltaBody,
  encodeFrame,
  snapshotBody,
  snapshotHead,
  type SubscribeFrame,
} from '../protocol/index.ts';
import { systemClock } from '../util/index.ts';
import type { ChangeBatch } from '../views/index.ts';
import { Channel } from './channel.ts';
import { ConnectionState, type HubShared } from './connection-state.ts';
import { StreamFanoutGroup, ViewFanoutGroup } from './fanout-group.ts';
import { compileFilter } from './filter.ts';
import { errorFrameFor, HubError, isRequestError } from './hub-error.ts';
import type { HubSource, SourceColumn } from './hub-source.ts';
import type { HubConnection, Sink } from './sink.ts';
import {
  checkOrderColumns,
  readSubscribeRequest,
  type SubscribeRequest,
} from './subscribe-request.ts';
import { StreamSubscription, ViewSubscription, type Subscription } from './subscription.ts';
import { TopN } from './top-n.ts';

export interface HubOptions {
  /** Queued plus socket-buffered bytes past which a connection is closed with 4008. @default 1 MiB */
  maxQueuedBytes?: number;
  /** Socket-buffered bytes above which a connection's deltas wait in the hub. @default 64 KiB */
  highWaterBytes?: number;
  /** Processing time for throttling (publish and drained; `tick` passes its own). */
  now?: () => number;
  /** Called once per connection closed as a slow consumer (for metrics). */
  onSlowConsumerClose?(): void;
  /** A bug in the hub, or a source or sink breaking its contract; for the server log. */
  onInternalError?(error: unknown): void;
}

export interface HubStats {
  connections: number;
  subscriptions: number;
  /** Bytes of deltas and events held back in the hub (estimated), all connections. */
  queuedBytes: number;
  /** Frames handed to sinks. */
  deliveries: number;
  /** UTF-16 code units handed to sinks (= bytes for ASCII JSON). */
  bytesOut: number;
  slowConsumerCloses: number;
}

const INTERNAL_ERROR_CLOSE = 1011;
const SLOW_CONSUMER_CLOSE = 4008;

type ViewChannel = Channel<ViewSubscription, ViewFanoutGroup>;
type StreamChannel = Channel<StreamSubscription, StreamFanoutGroup>;

/**
 * Subscriptions and fan-out (SPEC §4): snapshot then deltas with gapless seqs, key filters, top-N,
 * throttling, resume, slow-consumer queues.
 *
 * Contract: single-threaded and synchronous; the transport calls `connect`, `subscribe`,
 * `unsubscribe`, `drained` and `disconnect`, the server node calls `publishChanges` (once per view
 * emission, after appending it to the changelog), `publishEvents`, `dropView` and `tick`. No
 * public method throws: a bad request is answered with an error frame; a bug closes the affected
 * connections with 1011 and is reported to `onInternalError`. Work on one connection (a slow or
 * failing sink) never delays or changes what the others receive.
 *
 * Decisions worth knowing:
 * - Top-N and throttled subscriptions always start with a fresh snapshot (`recovered: false`):
 *   the changelog holds the view's changes, not the ranking's, and a throttled client wants the
 *   latest state, not the history.
 * - Stream subscriptions get `subscribed` (epoch '') and then `events` frames from seq 1; there is
 *   no snapshot of raw events and no resume. Their `interval` batches events; it cannot conflate.
 * - A throttled subscription sends its first delta no sooner than one interval after its snapshot.
 */
export class Hub {
  private readonly connections = new Map<HubConnection, ConnectionState<Subscription>>();
  private readonly views = new Map<string, ViewChannel>();
  private readonly streams = new Map<string, StreamChannel>();
  /** Subscriptions with queued data (throttled or held back by congestion). */
  private readonly backlog = new Set<Subscription>();
  private readonly shared: HubShared<Subscription>;
  private readonly now: () => number;
  private nextConnectionId = 1;
  private subscriptionCount = 0;
  private slowConsumerCloses = 0;

  constructor(
    private readonly source: HubSource,
    private readonly options: HubOptions = {},
  ) {
    this.shared = {
      highWaterBytes: options.highWaterBytes ?? 64 * 1024,
      maxQueuedBytes: options.maxQueuedBytes ?? DEFAULT_LIMITS.maxQueuedBytes,
      counters: { deliveries: 0, bytesOut: 0, queuedBytes: 0 },
      doomed: new Set(),
    };
    this.now = options.now ?? (() => systemClock.now());
  }

  connect(sink: Sink): HubConnection {
    const handle: HubConnection = Object.freeze({ id: this.nextConnectionId++ });
    this.connections.set(handle, new ConnectionState(handle, sink, this.shared));
    return handle;
  }

  /** Answers with `subscribed` and a snapshot (or the recovered deltas), or an error frame. */
  subscribe(connection: HubConnection, frame: SubscribeFrame): void {
    const state = this.openConnection(connection);
    if (state === undefined) return;
    this.guard(state, () => {
      try {
        this.subscribeOn(state, frame);
      } catch (error) {
        if (!isRequestError(error)) throw error;
        state.send(encodeFrame(errorFrameFor(error, { id: frame.id })));
      }
    });
  }

  /** Ends a subscription; `requestId` (the unsubscribe frame's id) is echoed in an error frame. */
  unsubscribe(connection: HubConnection, subId: string, requestId?: string): void {
    const state = this.openConnection(connection);
    if (state === undefined) return;
    this.guard(state, () => {
      const subscription = state.subscriptions.get(subId);
      if (subscription === undefined) {
        const error = new HubError('UNKNOWN_SUBSCRIPTION', `no subscription '${subId}'`);
        state.send(encodeFrame(errorFrameFor(error, { id: requestId ?? subId })));
        return;
      }
      this.endSubscription(state, subscription);
    });
  }

  /** Frees the connection and everything it holds; idempotent. Sends nothing. */
  disconnect(connection: HubConnection): void {
    const state = this.connections.get(connection);
    if (state === undefined) return;
    this.guard(null, () => this.free(state));
  }

  /** One emission of `view` at `offset` of `epoch` (the changelog's current epoch). */
  publishChanges(view: string, epoch: string, offset: number, batch: ChangeBatch): void {
    this.guard(null, () => {
      const channel = this.views.get(view);
      if (channel === undefined) return;
      if (channel.epoch !== epoch) {
        this.options.onInternalError?.(
          new Error(`view ${view}: batch of epoch ${epoch}, subscriptions follow ${channel.epoch}`),
        );
        this.endView(view, 'INTERNAL', `the history of view '${view}' was reset; subscribe again`);
        return;
      }
      const nowMs = this.now();
      for (const group of channel.groups.values()) {
        this.containGroup(group.subscribers, () => group.publish(offset, batch, nowMs));
      }
    });
  }

  /** Raw events accepted into `stream`, for its stream subscriptions. */
  publishEvents(stream: string, events: Record<string, unknown>[]): void {
    this.guard(null, () => {
      const channel = this.streams.get(stream);
      if (channel === undefined || events.length === 0) return;
      const nowMs = this.now();
      for (const group of channel.groups.values()) {
        this.containGroup(group.subscribers, () => group.publish(events, nowMs));
      }
    });
  }

  /** The view is gone: its subscriptions end with an UNKNOWN_VIEW error frame each. */
  dropView(view: string): void {
    this.guard(null, () => this.endView(view, 'UNKNOWN_VIEW', `view '${view}' was dropped`));
  }

  /** The socket fell below high water: queued deltas go out, one frame per subscription. */
  drained(connection: HubConnection): void {
    const state = this.openConnection(connection);
    if (state === undefined) return;
    this.guard(state, () => {
      const nowMs = this.now();
      for (const subscription of state.subscriptions.values()) {
        if (state.congested) break;
        subscription.flush(nowMs);
      }
    });
  }

  /** Throttled subscriptions whose interval has passed (and stalled queues) flush now. */
  tick(nowMs: number): void {
    this.guard(null, () => {
      for (const subscription of this.backlog) {
        this.containGroup([subscription], () => subscription.flush(nowMs));
      }
    });
  }

  stats(): HubStats {
    const counters = this.shared.counters;
    return {
      connections: this.connections.size,
      subscriptions: this.subscriptionCount,
      queuedBytes: counters.queuedBytes,
      deliveries: counters.deliveries,
      bytesOut: counters.bytesOut,
      slowConsumerCloses: this.slowConsumerCloses,
    };
  }

  private subscribeOn(state: ConnectionState<Subscription>, frame: SubscribeFrame): void {
    const request = readSubscribeRequest(frame);
    if (state.subscriptions.has(request.id)) {
      throw new HubError('DUPLICATE_ID', `subscription '${request.id}' is already active`);
    }
    const target = request.target;
    if (target.kind === 'stream') return this.subscribeStream(state, request, target.name);
    if (target.kind === 'view') return this.subscribeView(state, request, target.name, false);
    const view = this.source.openQuery(target.sql);
    try {
      this.subscribeView(state, request, view, true);
    } catch (error) {
      this.closeQuery(view);
      throw error;
    }
  }

  /** Everything that can fail (lookups, filter, snapshot) happens before anything is registered. */
  private subscribeView(
    state: ConnectionState<Subscription>,
    request: SubscribeRequest,
    view: string,
    query: boolean,
  ): void {
    const info = this.source.view(view);
    if (info === undefined) throw new HubError('UNKNOWN_VIEW', `unknown view '${view}'`);
    const filter = compileFilter(request.where, info.columns, info.key, `view ${view}`);
    const nowMs = this.now();
    const subscription = new ViewSubscription(
      request.id,
      state,
      request.intervalMs,
      this.backlog,
      nowMs,
      view,
      info.key,
      query,
    );
    const subscribed = (epoch: string, recovered: boolean): string =>
      subscribedFrame(request, info.key, info.columns, epoch, recovered);

    if (request.orderBy !== null) {
      checkOrderColumns(request.orderBy, info.columns, view);
      const key = JSON.stringify([filter.key, request.orderBy, request.limit]);
      let group = this.views.get(view)?.groups.get(key);
      let epoch = this.views.get(view)?.epoch ?? '';
      if (group === undefined) {
        const snapshot = this.source.snapshot(view, filter.where);
        const topN = new TopN(
          info.key,
          request.orderBy,
          request.limit,
          snapshot.rows,
          snapshot.offset,
        );
        group = new ViewFanoutGroup(key, filter, topN);
        epoch = snapshot.epoch;
      }
      const joined = group;
      this.joinView(state, subscription, epoch, key, () => joined);
      const topN = joined.topN!;
      state.send(subscribed(epoch, false));
      this.sendSnapshot(subscription, topN.offset, topN.top());
      return;
    }

    const resume = request.resume;
    const missed =
      resume !== null && request.intervalMs === 0
        ? this.source.since(view, resume.epoch, resume.offset)
        : null;
    if (resume !== null && missed !== null) {
      this.joinView(state, subscription, resume.epoch, filter.key, () => {
        return new ViewFanoutGroup(filter.key, filter, null);
      });
      state.send(subscribed(resume.epoch, true));
      subscription.position = resume.offset;
      for (const { offset, batch } of missed) {
        const upserts = filter.select(batch.upserts);
        const deletes = filter.select(batch.deletes);
        if (upserts.length === 0 && deletes.length === 0) continue;
        const body = () => deltaBody(offset, upserts, deletes);
        subscription.offer(offset, upserts, deletes, body, nowMs);
      }
      return;
    }

    const snapshot = this.source.snapshot(view, filter.where);
    this.joinView(state, subscription, snapshot.epoch, filter.key, () => {
      return new ViewFanoutGroup(filter.key, filter, null);
    });
    state.send(subscribed(snapshot.epoch, false));
    this.sendSnapshot(subscription, snapshot.offset, snapshot.rows);
  }

  private subscribeStream(
    state: ConnectionState<Subscription>,
    request: SubscribeRequest,
    stream: string,
  ): void {
    const info = this.source.stream(stream);
    if (info === undefined) throw new HubError('UNKNOWN_STREAM', `unknown stream '${stream}'`);
    const names = info.columns.map((column) => column.name);
    const filter = compileFilter(request.where, info.columns, names, `stream ${stream}`);
    const subscription = new StreamSubscription(
      request.id,
      state,
      request.intervalMs,
      this.backlog,
      this.now(),
      stream,
    );
    let channel = this.streams.get(stream);
    if (channel === undefined) {
      const created: StreamChannel = new Channel(() => {
        if (this.streams.get(stream) === created) this.streams.delete(stream);
      });
      channel = created;
      this.streams.set(stream, channel);
    }
    channel.join(subscription, filter.key, () => new StreamFanoutGroup(filter.key, filter));
    this.register(state, subscription);
    state.send(subscribedFrame(request, [], info.columns, '', false));
  }

  /**
   * Registers a view subscription in the group `key` of the view's channel. A channel follows one
   * changelog epoch; subscriptions of an older epoch cannot continue and are ended first.
   */
  private joinView(
    state: ConnectionState<Subscription>,
    subscription: ViewSubscription,
    epoch: string,
    key: string,
    create: () => ViewFanoutGroup,
  ): void {
    const view = subscription.view;
    const existing = this.views.get(view);
    if (existing !== undefined && existing.epoch !== epoch) {
      this.endView(view, 'INTERNAL', `the history of view '${view}' was reset; subscribe again`);
    }
    let channel = this.views.get(view);
    if (channel === undefined) {
      const created: ViewChannel = new Channel(() => {
        if (this.views.get(view) === created) this.views.delete(view);
      });
      created.epoch = epoch;
      channel = created;
      this.views.set(view, channel);
    }
    channel.join(subscription, key, create);
    this.register(state, subscription);
  }

  private register(state: ConnectionState<Subscription>, subscription: Subscription): void {
    state.addSubscription(subscription.id, subscription);
    this.subscriptionCount += 1;
  }

  private sendSnapshot(
    subscription: ViewSubscription,
    offset: number,
    rows: Record<string, unknown>[],
  ): void {
    subscription.position = offset;
    const head = snapshotHead(subscription.id, ++subscription.seq);
    subscription.connection.sendParts(head, snapshotBody(offset, rows));
  }

  private endView(view: string, code: 'UNKNOWN_VIEW' | 'INTERNAL', message: string): void {
    const channel = this.views.get(view);
    if (channel === undefined) return;
    for (const subscription of channel.subscribers()) {
      const context = { id: subscription.id, sub: subscription.id };
      subscription.connection.send(encodeFrame(createErrorFrame(code, message, context)));
      const state = this.connections.get(subscription.connection.handle);
      if (state !== undefined) this.endSubscription(state, subscription);
    }
  }

  private endSubscription(state: ConnectionState<Subscription>, subscription: Subscription): void {
    if (state.subscriptions.get(subscription.id) !== subscription) return;
    state.removeSubscription(subscription.id);
    this.subscriptionCount -= 1;
    subscription.release();
    subscription.detach();
    if (subscription instanceof ViewSubscription && subscription.query) {
      this.closeQuery(subscription.view);
    }
  }

  private free(state: ConnectionState<Subscription>): void {
    state.status = 'closed';
    this.connections.delete(state.handle);
    this.shared.doomed.delete(state);
    for (const subscription of [...state.subscriptions.values()]) {
      this.endSubscription(state, subscription);
    }
  }

  private closeQuery(view: string): void {
    try {
      this.source.closeQuery(view);
    } catch (error) {
      this.options.onInternalError?.(error);
    }
  }

  private openConnection(connection: HubConnection): ConnectionState<Subscription> | undefined {
    const state = this.connections.get(connection);
    return state?.isOpen === true ? state : undefined;
  }

  /**
   * Runs fan-out work for some subscribers; if it throws (a bug), their connections are closed
   * with 1011, since they may have missed a delta, and the others carry on.
   */
  private containGroup(subscribers: Iterable<Subscription>, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.options.onInternalError?.(error);
      for (const subscription of subscribers) subscription.connection.doom('failed');
    }
  }

  /**
   * Runs one public call: a bug is reported and closes `state` (when the call is about one
   * connection); then connections doomed during the call (slow or failed) are closed and freed.
   */
  private guard(state: ConnectionState<Subscription> | null, action: () => void): void {
    try {
      action();
    } catch (error) {
      this.options.onInternalError?.(error);
      state?.doom('failed');
    }
    this.settle();
  }

  private settle(): void {
    for (const state of this.shared.doomed) {
      const slow = state.status === 'slow';
      try {
        this.free(state);
      } catch (error) {
        this.options.onInternalError?.(error);
      }
      if (slow) {
        this.slowConsumerCloses += 1;
        this.options.onSlowConsumerClose?.();
      }
      try {
        if (slow) state.sink.close(SLOW_CONSUMER_CLOSE, 'slow consumer');
        else state.sink.close(INTERNAL_ERROR_CLOSE, 'internal error');
      } catch (error) {
        this.options.onInternalError?.(error);
      }
    }
  }
}

function subscribedFrame(
  request: SubscribeRequest,
  key: string[],
  columns: SourceColumn[],
  epoch: string,
  recovered: boolean,
): string {
  const id = request.id;
  return encodeFrame({ type: 'subscribed', id, sub: id, key, columns, epoch, recovered });
}
