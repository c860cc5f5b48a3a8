import type { Group } from './group.ts';
import type { KeepPolicy } from './view-plan.ts';
import type { StoreHost, WindowStore } from './window-store.ts';

type Window = Map<unknown, Group>;

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
}

function insertSorted(values: number[], value: number): void {
  let i = values.length;
  while (i > 0 && values[i - 1]! > value) i--;
  values.splice(i, 0, value);
}
