import type { Aggregation } from './aggregation.ts';
import type { Group } from './group.ts';
import type { GroupKey } from './group-key.ts';
import type { GroupTableReader, GroupTableWriter } from './group-table.ts';

/** What a window store reports back to the view that owns it. */
export interface StoreHost {
  readonly aggregation: Aggregation;
  readonly groupKey: GroupKey;
  /** An event was added to `group`. */
  touched(group: Group): void;
  /** The window of `group` became final (the watermark passed its end). */
  closed(group: Group): void;
  /** `group` left the view (keep expiry, or a session merged into another): delete its row. */
  removed(group: Group): void;
}

/**
 * Keeps the groups of one view by window kind: finds or creates an event's groups, closes windows
 * as the watermark passes their end, and expires closed windows by the view's keep policy.
 *
 * Contract: `add` is called for every event that passed the view's filter, with the watermark as it
 * was before that event; it returns false when the event is late (every window it belongs to is
 * closed), and then changes nothing. `close` is called whenever the watermark reaches
 * `nextCloseAtMs`. `expire` runs at the start of an emission and only drops windows released by an
 * earlier emission (so a final row is always emitted before it is deleted); `release` runs at the
 * end of an emission and frees the aggregate state of windows closed since the previous one.
 */
export interface WindowStore {
  readonly nextCloseAtMs: number;
  add(event: object, timeMs: number, watermarkMs: number): boolean;
  close(watermarkMs: number): void;
  expire(watermarkMs: number): void;
  release(): void;
  /** Every group that may hold a visible row. */
  groups(): Iterable<Group>;
  /** Groups still accumulating (not closed). */
  readonly openGroupCount: number;
  /** Groups whose windows closed since the last `release`, in closing order. */
  closedSinceRelease(): Group[];
  /**
   * The store's state as plain data, its groups as indexes into the checkpoint's group table. It
   * keeps every order the store iterates in (windows, keys, closing order), because those orders
   * decide the order of rows in snapshots and change batches. A generator that yields between
   * slices of work (GroupTableWriter.paced): the store must not change until it is done.
   */
  checkpoint(table: GroupTableWriter): Generator<void, StoreCheckpoint>;
  /**
   * Loads a checkpoint into this new, empty store. Damaged data throws CORRUPT_STATE, leaving the
   * store unusable: the caller builds a new store for each restore and keeps it only on success.
   */
  restore(data: unknown, table: GroupTableReader): void;
}

/** A store's part of a view checkpoint; each kind of store adds its own fields. */
export interface StoreCheckpoint {
  kind: 'running' | 'aligned' | 'session';
}
