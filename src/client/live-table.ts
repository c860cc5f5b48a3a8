import type {
  DeltaFrame,
  EventsFrame,
  ResumePoint,
  SnapshotFrame,
  SubscribedFrame,
  WireColumn,
} from '../protocol/index.ts';
import { KeyedRows, type Change, type OrderBy } from './keyed-rows.ts';
import {
  Subscription,
  type SubscribeTarget,
  type SubscriptionEvents,
  type SubscriptionHost,
} from './subscription.ts';

export interface LiveTableEvents<Row> extends SubscriptionEvents {
  /** After every snapshot and delta, with what it changed; `rows()` already shows it. */
  change: (change: Change<Row>) => void;
  /**
   * After a reconnect, once the server answered the resubscribe: `true` when it resumed from the
   * last applied offset (only the missed deltas follow, possibly none), `false` when a fresh
   * snapshot replaces the rows (a server restart's new epoch, a history too short, a top-N).
   */
  resubscribed: (recovered: boolean) => void;
}

/**
 * A live copy of a view (or an ad-hoc SQL view): its current rows, kept up to date by the
 * subscription's snapshot and deltas, across reconnects. After a reconnect it resubscribes with
 * the last applied `{ epoch, offset }`: when the server still has that history it sends exactly
 * the missed deltas (`recovered: true`); otherwise a fresh snapshot replaces the rows and the
 * change says `snapshot: true`.
 */
export class LiveTable<Row> extends Subscription<LiveTableEvents<Row>> {
  private readonly table: KeyedRows<Row>;
  /** Epoch of the current server subscription; pairs with the offsets of its frames only. */
  private epoch: string | undefined;
  /** The last applied frame's position: where a resubscribe resumes. */
  private position: ResumePoint | undefined;
  /** After `recovered: false` the first frame must be a snapshot. */
  private awaitingSnapshot = true;
  private keyColumns: readonly string[] = [];
  private columnList: readonly WireColumn[] = [];

  constructor(host: SubscriptionHost, target: SubscribeTarget, orderBy: OrderBy<Row> = []) {
    super(host, target);
    this.table = new KeyedRows<Row>(orderBy);
  }

  /** The key columns of the rows (from the server), in the order `get` takes their values. */
  get key(): readonly string[] {
    return this.keyColumns;
  }

  get columns(): readonly WireColumn[] {
    return this.columnList;
  }

  get size(): number {
    return this.table.size;
  }

  /** The current rows: in `orderBy` order for a top-N subscription, otherwise arrival order. */
  rows(): Row[] {
    return this.table.rows();
  }

  /**
   * The row with this key: either its key values in `key` order (`get('AAPL', '2024-…')`) or one
   * object holding the key columns (`get({ symbol: 'AAPL', window_start: '2024-…' })`).
   */
  get(...key: unknown[]): Row | undefined {
    const [first] = key;
    if (key.length === 1 && typeof first === 'object' && first !== null && !Array.isArray(first)) {
      return this.table.getByKey(first);
    }
    return this.table.get(key);
  }

  protected resumePoint(): ResumePoint | undefined {
    return this.position;
  }

  protected forgetPosition(): void {
    this.position = undefined;
  }

  protected subscribed(frame: SubscribedFrame): void {
    // A position means rows were applied before: this answers a resubscribe with a resume point.
    const resumed = this.position !== undefined;
    this.epoch = frame.epoch;
    this.keyColumns = frame.key;
    this.columnList = frame.columns;
    this.table.setKey(frame.key);
    this.awaitingSnapshot = !frame.recovered;
    if (resumed) this.emit('resubscribed', frame.recovered);
  }

  protected apply(frame: SnapshotFrame | DeltaFrame | EventsFrame): boolean {
    if (this.epoch === undefined) return false;
    if (frame.type === 'snapshot') {
      const change = this.table.replace(frame.rows as Row[]);
      this.awaitingSnapshot = false;
      this.position = { epoch: this.epoch, offset: frame.offset };
      this.markReady();
      this.emit('change', change);
      return true;
    }
    if (frame.type === 'delta' && !this.awaitingSnapshot) {
      const change = this.table.apply(frame.upserts as Row[], frame.deletes as Partial<Row>[]);
      this.position = { epoch: this.epoch, offset: frame.offset };
      this.emit('change', change);
      return true;
    }
    return false;
  }
}
