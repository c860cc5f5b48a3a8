import {
  encodeNumber,
  encodeValue,
  type EncodedNumber,
  type EncodedValue,
} from '../aggregate/state-codec.ts';
import type { Value } from '../types.ts';
import type { CheckpointReader } from './checkpoint-reader.ts';
import type { Group } from './group.ts';
import type { GroupTableReader, GroupTableWriter } from './group-table.ts';
import type { KeepPolicy } from './view-plan.ts';
import type { StoreCheckpoint, StoreHost, WindowStore } from './window-store.ts';

type Window = Map<unknown, Group>;

export interface AlignedStoreCheckpoint extends StoreCheckpoint {
  kind: 'aligned';
  /** Windows in the order they opened, each as its start and its groups in insertion order. */
  windows: [EncodedNumber, number[]][];
  openStarts: EncodedNumber[];
  closedStarts: EncodedNumber[];
  releasedCount: number;
  /** Keep by count: each key's released closed windows, oldest first. */
  closedByKey: number[][];
  /** Keep by count: keys to trim at the next emission, in the order they went over. */
  overfull: EncodedValue[];
}

/**
 * TUMBLE and HOP windows, aligned to the Unix epoch: window starts are multiples of the slide
 * (the size for TUMBLE), `[start, start + size)`. An event belongs to every window containing its
 * time; it is late only when all of them are closed.
 */
export class AlignedStore implements WindowStore {
  nextCloseAtMs = Infinity;
  private readonly windows = new Map<number, Window>();
  /** Starts of open windows, ascending. */
  private readonly openStarts: number[] = [];
  /**
   * Starts of closed windows, ascending; the first `releasedCount` are released. Keep by duration
   * expires from its front; keep by count empties it at each release (see `closedByKey`).
   */
  private readonly closedStarts: number[] = [];
  private releasedCount = 0;
  /** Keep by count: each key's released closed windows, oldest first. */
  private readonly closedByKey = new Map<unknown, Group[]>();
  private readonly overfull = new Set<unknown>();
  private lastStart = NaN;
  private lastWindow: Window | undefined;
  private openGroups = 0;

  constructor(
    private readonly host: StoreHost,
    private readonly sizeMs: number,
    private readonly slideMs: number,
    private readonly keep: KeepPolicy,
  ) {}

  get openGroupCount(): number {
    return this.openGroups;
  }

  add(event: object, timeMs: number, watermarkMs: number): boolean {
    const sizeMs = this.sizeMs;
    const key = this.host.groupKey.mapKey(event);
    const lastStart = Math.floor(timeMs / this.slideMs) * this.slideMs;
    if (sizeMs === this.slideMs) {
      if (lastStart + sizeMs <= watermarkMs) return false;
      this.addTo(lastStart, key, event, timeMs);
      return true;
    }
    let added = false;
    for (let start = lastStart; start > timeMs - sizeMs; start -= this.slideMs) {
      if (start + sizeMs <= watermarkMs) break;
      this.addTo(start, key, event, timeMs);
      added = true;
    }
    return added;
  }

  private addTo(start: number, key: unknown, event: object, timeMs: number): void {
    const host = this.host;
    const window = start === this.lastStart ? this.lastWindow! : this.openWindow(start);
    let group = window.get(key);
    if (group === undefined) {
      group = host.aggregation.newGroup(
        key,
        host.groupKey.values(event),
        start,
        start + this.sizeMs,
      );
      window.set(key, group);
      this.openGroups++;
    }
    host.aggregation.add(group, event, timeMs);
    host.touched(group);
  }

  private openWindow(start: number): Window {
    let window = this.windows.get(start);
    if (window === undefined) {
      window = new Map();
      this.windows.set(start, window);
      insertSorted(this.openStarts, start);
      this.nextCloseAtMs = this.openStarts[0]! + this.sizeMs;
    }
    this.lastStart = start;
    this.lastWindow = window;
    return window;
  }

  close(watermarkMs: number): void {
    const openStarts = this.openStarts;
    while (openStarts.length > 0 && openStarts[0]! + this.sizeMs <= watermarkMs) {
      const start = openStarts.shift()!;
      this.closedStarts.push(start);
      const window = this.windows.get(start)!;
      this.openGroups -= window.size;
      for (const group of window.values()) this.host.closed(group);
      if (start === this.lastStart) this.lastStart = NaN;
    }
    this.nextCloseAtMs = openStarts.length > 0 ? openStarts[0]! + this.sizeMs : Infinity;
  }

  expire(watermarkMs: number): void {
    if (this.keep.kind === 'windows') {
      this.trimOverfull(this.keep.windows);
      return;
    }
    const closedStarts = this.closedStarts;
    while (this.releasedCount > 0) {
      const start = closedStarts[0]!;
      if (start + this.sizeMs + this.keep.ms > watermarkMs) break;
      closedStarts.shift();
      this.releasedCount--;
      for (const group of this.windows.get(start)!.values()) this.host.removed(group);
      this.windows.delete(start);
    }
  }

  release(): void {
    const keepWindows = this.keep.kind === 'windows' ? this.keep.windows : 0;
    for (let i = this.releasedCount; i < this.closedStarts.length; i++) {
      for (const group of this.windows.get(this.closedStarts[i]!)!.values()) {
        group.release();
        if (keepWindows === 0) continue;
        let closed = this.closedByKey.get(group.mapKey);
        if (closed === undefined) {
          closed = [];
          this.closedByKey.set(group.mapKey, closed);
        }
        closed.push(group);
        if (closed.length > keepWindows) this.overfull.add(group.mapKey);
      }
    }
    if (keepWindows === 0) {
      this.releasedCount = this.closedStarts.length;
    } else {
      // Keep by count tracks closed windows per key; the window list has done its job.
      this.closedStarts.length = 0;
      this.releasedCount = 0;
    }
  }

  /**
   * Open windows and closed ones not yet released hold live groups; every other window is
   * released and, when keeping by count, listed per key (by duration, every window is open or
   * closed).
   */
  private checkWindowStates(reader: CheckpointReader): void {
    const live = new Set(this.openStarts);
    for (let i = this.releasedCount; i < this.closedStarts.length; i++) {
      live.add(this.closedStarts[i]!);
    }
    const listed = new Set(this.closedStarts);
    let released = 0;
    for (const [start, window] of this.windows) {
      const isLive = live.has(start);
      if (this.keep.kind === 'duration' && !isLive && !listed.has(start)) {
        throw reader.error(`store.windows: window ${start} is neither open nor closed`);
      }
      for (const group of window.values()) {
        if (group.released === isLive) {
          throw reader.error(`store.windows: window ${start} holds a group released or not`);
        }
        if (!isLive) released++;
      }
    }
    if (this.keep.kind === 'windows') {
      let perKey = 0;
      for (const closed of this.closedByKey.values()) perKey += closed.length;
      if (perKey !== released) {
        throw reader.error('store.closedByKey: does not list every released window once');
      }
    }
  }

  /** Keep by count: drops each overfull key's oldest released windows (SPEC: per key). */
  private trimOverfull(keepWindows: number): void {
    for (const key of this.overfull) {
      const closed = this.closedByKey.get(key)!;
      const drop = closed.length - keepWindows;
      for (let i = 0; i < drop; i++) {
        const group = closed[i]!;
        this.host.removed(group);
        const window = this.windows.get(group.startMs)!;
        window.delete(key);
        if (window.size === 0) this.windows.delete(group.startMs);
      }
      closed.splice(0, Math.max(drop, 0));
    }
    this.overfull.clear();
  }

  *groups(): Iterable<Group> {
    for (const window of this.windows.values()) yield* window.values();
  }

  closedSinceRelease(): Group[] {
    const groups: Group[] = [];
    for (let i = this.releasedCount; i < this.closedStarts.length; i++) {
      for (const group of this.windows.get(this.closedStarts[i]!)!.values()) groups.push(group);
    }
    return groups;
  }

  *checkpoint(table: GroupTableWriter): Generator<void, AlignedStoreCheckpoint> {
    const windows: [EncodedNumber, number[]][] = [];
    for (const [start, window] of this.windows) {
      windows.push([encodeNumber(start), yield* table.refs(window.values())]);
    }
    const closedByKey: number[][] = [];
    for (const closed of this.closedByKey.values()) {
      if (closed.length > 0) closedByKey.push(table.refsNow(closed));
      if (table.paced()) yield;
    }
    const overfull: EncodedValue[] = [];
    for (const key of this.overfull) {
      overfull.push(encodeValue(key as Value));
      if (table.paced(1)) yield;
    }
    return {
      kind: 'aligned',
      windows,
      openStarts: this.openStarts.map(encodeNumber),
      closedStarts: this.closedStarts.map(encodeNumber),
      releasedCount: this.releasedCount,
      closedByKey,
      overfull,
    };
  }

  /**
   * Checks what it can cheaply: each group sits in the window of its bounds, open and closed
   * starts name windows in ascending order, groups are released exactly in released windows, and
   * the per-key lists and overfull keys hold exactly what they hold between emissions.
   */
  restore(data: unknown, table: GroupTableReader): void {
    const reader = table.reader;
    const record = reader.store(data, 'aligned');
    const starts = (field: string): number[] => {
      const values = reader.array(record[field], `store.${field}`).map((start, i) => {
        const value = reader.number(start, `store.${field}`, i);
        if (!this.windows.has(value)) throw reader.error(`store.${field}[${i}]: no such window`);
        return value;
      });
      if (values.some((value, i) => i > 0 && values[i - 1]! >= value)) {
        throw reader.error(`store.${field}: not ascending`);
      }
      return values;
    };
    reader.array(record.windows, 'store.windows').forEach((entry, i) => {
      const [startData, indexes] = reader.array(entry, `store.windows[${i}]`, 2);
      const start = reader.number(startData, `store.windows[${i}].start`);
      if (this.windows.has(start)) throw reader.error(`store.windows[${i}]: a window twice`);
      const window: Window = new Map();
      for (const group of table.groupsAt(indexes, `store.windows[${i}].groups`)) {
        if (group.startMs !== start || group.endMs !== start + this.sizeMs || group.dead) {
          throw reader.error(`store.windows[${i}]: a group of another window`);
        }
        if (window.has(group.mapKey)) throw reader.error(`store.windows[${i}]: a key twice`);
        window.set(group.mapKey, group);
      }
      this.windows.set(start, window);
    });
    for (const start of starts('openStarts')) this.openStarts.push(start);
    for (const start of starts('closedStarts')) this.closedStarts.push(start);
    const open = new Set(this.openStarts);
    if (this.closedStarts.some((start) => open.has(start))) {
      throw reader.error('store: a window both open and closed');
    }
    this.releasedCount = reader.count(
      record.releasedCount,
      'store.releasedCount',
      this.closedStarts.length + 1,
    );
    reader.array(record.closedByKey, 'store.closedByKey').forEach((indexes, i) => {
      const closed = table.groupsAt(indexes, `store.closedByKey[${i}]`);
      const key = closed[0]?.mapKey;
      if (
        closed.length === 0 ||
        this.closedByKey.has(key) ||
        closed.some((group) => this.windows.get(group.startMs)?.get(key) !== group)
      ) {
        throw reader.error(`store.closedByKey[${i}]: not one key's windows`);
      }
      this.closedByKey.set(key, closed);
    });
    // Between emissions the keys over the count are exactly those `release` found over it.
    const keepWindows = this.keep.kind === 'windows' ? this.keep.windows : Infinity;
    let over = 0;
    for (const closed of this.closedByKey.values()) if (closed.length > keepWindows) over++;
    reader.array(record.overfull, 'store.overfull').forEach((data, i) => {
      const key = reader.value(data, 'store.overfull', i);
      if (!((this.closedByKey.get(key)?.length ?? 0) > keepWindows) || this.overfull.has(key)) {
        throw reader.error(`store.overfull[${i}]: a key not over the count, or twice`);
      }
      this.overfull.add(key);
    });
    if (this.overfull.size !== over) throw reader.error('store.overfull: misses keys');
    this.checkWindowStates(reader);
    for (const start of this.openStarts) this.openGroups += this.windows.get(start)!.size;
    this.nextCloseAtMs = this.openStarts.length > 0 ? this.openStarts[0]! + this.sizeMs : Infinity;
  }
}

function insertSorted(values: number[], value: number): void {
  let i = values.length;
  while (i > 0 && values[i - 1]! > value) i--;
  values.splice(i, 0, value);
}
