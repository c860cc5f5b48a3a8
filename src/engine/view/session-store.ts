import {
  encodeNumber,
  encodeValue,
  type EncodedNumber,
  type EncodedValue,
} from '../aggregate/state-codec.ts';
import type { Value } from '../types.ts';
import { sameKey } from './checkpoint-reader.ts';
import type { Group } from './group.ts';
import { ClosingHeap, type ClosingEntry } from './closing-heap.ts';
import type { GroupTableReader, GroupTableWriter } from './group-table.ts';
import type { KeepPolicy } from './view-plan.ts';
import type { StoreCheckpoint, StoreHost, WindowStore } from './window-store.ts';

export interface SessionStoreCheckpoint extends StoreCheckpoint {
  kind: 'session';
  /** Per key, in insertion order: the key, its open sessions, its closed ones, closedUntilMs. */
  keys: [EncodedValue, number[], number[], EncodedNumber][];
  /** The closing heap's array as it is: each entry's group and the end it was filed under. */
  closingGroups: number[];
  closingEndsMs: EncodedNumber[];
  unreleased: number[];
  /** Keep by duration: released closed sessions not yet expired, in closing order. */
  closedQueue: number[];
  /** Keep by count: keys to trim at the next emission, in the order they went over. */
  overfull: EncodedValue[];
}

/** The sessions of one key: open ones sorted by start, closed ones in closing order. */
interface KeySessions {
  open: Group[];
  closed: Group[];
  /** The latest end of a closed session: an event before it would reopen closed history. */
  closedUntilMs: number;
}

/**
 * SESSION windows: per key, events less than `gap` apart share a session
 * `[first event, last event + gap)`. An event that bridges two sessions merges them. A session
 * closes when the watermark reaches its end.
 *
 * Lateness: an event is late when it falls before the end of a closed session of its key (it would
 * extend or merge into a session that was already final), or when its own `[t, t + gap)` is
 * already closed (t + gap <= watermark) and no open session of its key overlaps it (one that does
 * is the event's session, and it is still open).
 */
export class SessionStore implements WindowStore {
  nextCloseAtMs = Infinity;
  private readonly byKey = new Map<unknown, KeySessions>();
  private readonly closing = new ClosingHeap();
  private readonly unreleased: Group[] = [];
  /** Released closed sessions in closing order, for keep by duration. */
  private readonly closedQueue: Group[] = [];
  private closedQueueHead = 0;
  /** Keep by count: keys with more released closed sessions than kept, trimmed by `expire`. */
  private readonly overfull = new Set<unknown>();
  private openGroups = 0;

  constructor(
    private readonly host: StoreHost,
    private readonly gapMs: number,
    private readonly keep: KeepPolicy,
  ) {}

  get openGroupCount(): number {
    return this.openGroups;
  }

  add(event: object, timeMs: number, watermarkMs: number): boolean {
    const gapMs = this.gapMs;
    const endMs = timeMs + gapMs;
    const host = this.host;
    const key = host.groupKey.mapKey(event);
    let sessions = this.byKey.get(key);
    if (sessions !== undefined && timeMs < sessions.closedUntilMs) return false;
    if (
      endMs <= watermarkMs &&
      (sessions === undefined || !overlapsAny(sessions.open, timeMs, endMs))
    ) {
      return false;
    }
    if (sessions === undefined) {
      sessions = { open: [], closed: [], closedUntilMs: -Infinity };
      this.byKey.set(key, sessions);
    }
    const open = sessions.open;
    let target: Group | undefined;
    for (let i = 0; i < open.length; i++) {
      const session = open[i]!;
      if (session.startMs >= endMs || timeMs >= session.endMs) continue;
      if (target === undefined) {
        target = session;
        continue;
      }
      // The event bridges `target` and this later session: fold it in and drop it.
      host.aggregation.merge(target, session);
      if (session.endMs > target.endMs) target.endMs = session.endMs;
      session.dead = true;
      host.removed(session);
      open.splice(i, 1);
      i--;
      this.openGroups--;
    }
    if (target === undefined) {
      target = host.aggregation.newGroup(key, host.groupKey.values(event), timeMs, endMs);
      insertByStart(open, target);
      this.closing.push({ group: target, endMs });
      this.openGroups++;
      if (endMs < this.nextCloseAtMs) this.nextCloseAtMs = endMs;
    } else {
      if (timeMs < target.startMs) {
        target.startMs = timeMs;
        sortByStart(open);
      }
      if (endMs > target.endMs) target.endMs = endMs;
    }
    host.aggregation.add(target, event, timeMs);
    host.touched(target);
    return true;
  }

  close(watermarkMs: number): void {
    const closing = this.closing;
    for (let entry = closing.peek(); entry !== undefined; entry = closing.peek()) {
      if (entry.endMs > watermarkMs) break;
      closing.pop();
      const group = entry.group;
      if (group.dead) continue;
      if (group.endMs > watermarkMs) {
        // Extended since it was filed: file it again under its current end.
        entry.endMs = group.endMs;
        closing.push(entry);
        continue;
      }
      const sessions = this.byKey.get(group.mapKey)!;
      sessions.open.splice(sessions.open.indexOf(group), 1);
      sessions.closed.push(group);
      if (group.endMs > sessions.closedUntilMs) sessions.closedUntilMs = group.endMs;
      this.openGroups--;
      this.unreleased.push(group);
      this.host.closed(group);
    }
    this.nextCloseAtMs = closing.peek()?.endMs ?? Infinity;
  }

  expire(watermarkMs: number): void {
    if (this.keep.kind === 'windows') {
      this.trimOverfull(this.keep.windows);
      return;
    }
    const queue = this.closedQueue;
    while (this.closedQueueHead < queue.length) {
      const group = queue[this.closedQueueHead]!;
      if (group.endMs + this.keep.ms > watermarkMs) break;
      this.closedQueueHead++;
      this.forget(group);
      const sessions = this.byKey.get(group.mapKey);
      // The key's record also guards lateness (closedUntilMs); drop it only once that is moot.
      if (
        sessions !== undefined &&
        sessions.open.length === 0 &&
        sessions.closed.length === 0 &&
        sessions.closedUntilMs + this.gapMs <= watermarkMs
      ) {
        this.byKey.delete(group.mapKey);
      }
    }
    if (this.closedQueueHead > 1024 && this.closedQueueHead * 2 > queue.length) {
      queue.splice(0, this.closedQueueHead);
      this.closedQueueHead = 0;
    }
  }

  release(): void {
    for (const group of this.unreleased) {
      group.release();
      if (this.keep.kind === 'duration') {
        this.closedQueue.push(group);
        continue;
      }
      if (this.byKey.get(group.mapKey)!.closed.length > this.keep.windows) {
        this.overfull.add(group.mapKey);
      }
    }
    this.unreleased.length = 0;
  }

  /**
   * Keep by count: drops the oldest closed sessions of keys over the count, only released ones (a
   * final row is emitted one emission before its delete, never in the same batch).
   */
  private trimOverfull(windows: number): void {
    for (const key of this.overfull) {
      const closed = this.byKey.get(key)!.closed;
      while (closed.length > windows && closed[0]!.released) this.forget(closed[0]!);
    }
    this.overfull.clear();
  }

  /** Removes a released closed session from the view. */
  private forget(group: Group): void {
    const sessions = this.byKey.get(group.mapKey)!;
    const index = sessions.closed.indexOf(group);
    if (index >= 0) sessions.closed.splice(index, 1);
    this.host.removed(group);
  }

  *groups(): Iterable<Group> {
    for (const sessions of this.byKey.values()) {
      yield* sessions.open;
      yield* sessions.closed;
    }
  }

  closedSinceRelease(): Group[] {
    return this.unreleased.slice();
  }

  *checkpoint(table: GroupTableWriter): Generator<void, SessionStoreCheckpoint> {
    const keys: [EncodedValue, number[], number[], EncodedNumber][] = [];
    for (const [key, sessions] of this.byKey) {
      keys.push([
        encodeValue(key as Value),
        sessions.open.length > 64 ? yield* table.refs(sessions.open) : table.refsNow(sessions.open),
        sessions.closed.length > 64
          ? yield* table.refs(sessions.closed)
          : table.refsNow(sessions.closed),
        encodeNumber(sessions.closedUntilMs),
      ]);
      if (table.paced(1)) yield;
    }
    const entries = this.closing.entries;
    const closingGroups = new Array<number>(entries.length);
    const closingEndsMs = new Array<EncodedNumber>(entries.length);
    for (let i = 0; i < entries.length; i++) {
      closingGroups[i] = table.ref(entries[i]!.group);
      closingEndsMs[i] = encodeNumber(entries[i]!.endMs);
      if (table.paced()) yield;
    }
    const unreleased = yield* table.refs(this.unreleased);
    const closedQueue = yield* table.refs(this.closedQueue.slice(this.closedQueueHead));
    const overfull: EncodedValue[] = [];
    for (const key of this.overfull) {
      overfull.push(encodeValue(key as Value));
      if (table.paced(1)) yield;
    }
    return {
      kind: 'session',
      keys,
      closingGroups,
      closingEndsMs,
      unreleased,
      closedQueue,
      overfull,
    };
  }

  /**
   * Checks what it can cheaply: sessions sit under their own key, open ones are live, sorted by
   * start and filed once in the closing heap, and the release queue, the expiry queue and the
   * overfull keys hold exactly the sessions and keys they hold between emissions.
   */
  restore(data: unknown, table: GroupTableReader): void {
    const reader = table.reader;
    const record = reader.store(data, 'session');
    const openGroups = new Set<Group>();
    const closedGroups = new Set<Group>();
    const place = (group: Group, key: unknown, into: Set<Group>): boolean => {
      if (!sameKey(group.mapKey, key) || group.dead) return false;
      if (openGroups.has(group) || closedGroups.has(group)) return false;
      into.add(group);
      return true;
    };
    reader.array(record.keys, 'store.keys').forEach((entry, i) => {
      const at = `store.keys[${i}]`;
      const [keyData, openData, closedData, untilData] = reader.array(entry, at, 4);
      const key = reader.value(keyData, `${at}.key`);
      if (this.byKey.has(key)) throw reader.error(`${at}: a key twice`);
      const open = table.groupsAt(openData, `${at}.open`);
      const closed = table.groupsAt(closedData, `${at}.closed`);
      const closedUntilMs = reader.number(untilData, `${at}.closedUntilMs`);
      if (
        !open.every((group) => place(group, key, openGroups)) ||
        !closed.every((group) => place(group, key, closedGroups)) ||
        open.some((group, j) => group.released || (j > 0 && open[j - 1]!.startMs > group.startMs))
      ) {
        throw reader.error(`${at}: sessions of another key, merged, closed, repeated or unsorted`);
      }
      this.byKey.set(key, { open, closed, closedUntilMs });
      this.openGroups += open.length;
    });
    const groups = reader.array(record.closingGroups, 'store.closingGroups');
    const endsMs = reader.array(record.closingEndsMs, 'store.closingEndsMs', groups.length);
    const filed = new Set<Group>();
    const entries = groups.map((index, i): ClosingEntry => {
      const group = table.group(index, 'store.closingGroups', i);
      const endMs = reader.number(endsMs[i], 'store.closingEndsMs', i);
      if (!group.dead && (!openGroups.has(group) || filed.has(group) || endMs > group.endMs)) {
        throw reader.error(`store.closingGroups[${i}]: not an open session filed once`);
      }
      filed.add(group);
      return { group, endMs };
    });
    if (!this.closing.load(entries)) throw reader.error('store.closing: not in heap order');
    for (const group of openGroups) {
      if (!filed.has(group)) throw reader.error('store.closing: an open session is not filed');
    }
    this.nextCloseAtMs = this.closing.peek()?.endMs ?? Infinity;
    const closedList = (field: string, released: boolean): Group[] => {
      const list = table.groupsAt(record[field], `store.${field}`);
      if (list.some((group) => !closedGroups.has(group) || group.released !== released)) {
        throw reader.error(`store.${field}: holds a group that is not a closed session`);
      }
      return list;
    };
    for (const group of closedList('unreleased', false)) this.unreleased.push(group);
    for (const group of closedList('closedQueue', true)) this.closedQueue.push(group);
    let released = 0;
    for (const group of closedGroups) if (group.released) released++;
    if (
      new Set(this.unreleased).size !== closedGroups.size - released ||
      this.unreleased.length !== closedGroups.size - released
    ) {
      throw reader.error('store.unreleased: does not list every unreleased session once');
    }
    const queued = this.keep.kind === 'duration' ? released : 0;
    if (new Set(this.closedQueue).size !== queued || this.closedQueue.length !== queued) {
      throw reader.error('store.closedQueue: does not list every released session once');
    }
    // Between emissions the keys over the count are exactly those whose released sessions are.
    const keepWindows = this.keep.kind === 'windows' ? this.keep.windows : Infinity;
    const releasedOf = (key: unknown): number =>
      this.byKey.get(key)?.closed.filter((group) => group.released).length ?? 0;
    let over = 0;
    for (const key of this.byKey.keys()) if (releasedOf(key) > keepWindows) over++;
    reader.array(record.overfull, 'store.overfull').forEach((data, i) => {
      const key = reader.value(data, 'store.overfull', i);
      if (!(releasedOf(key) > keepWindows) || this.overfull.has(key)) {
        throw reader.error(`store.overfull[${i}]: a key not over the count, or twice`);
      }
      this.overfull.add(key);
    });
    if (this.overfull.size !== over) throw reader.error('store.overfull: misses keys');
  }
}

/** Whether `[startMs, endMs)` overlaps one of the sessions. */
function overlapsAny(sessions: readonly Group[], startMs: number, endMs: number): boolean {
  return sessions.some((session) => session.startMs < endMs && startMs < session.endMs);
}

function insertByStart(open: Group[], group: Group): void {
  let i = open.length;
  while (i > 0 && open[i - 1]!.startMs > group.startMs) i--;
  open.splice(i, 0, group);
}

function sortByStart(open: Group[]): void {
  open.sort((a, b) => a.startMs - b.startMs);
}
