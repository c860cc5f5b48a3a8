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
  /** Starts of closed windows still in the view, ascending; the first `releasedCount` are released. */
  private readonly closedStarts: number[] = [];
  private releasedCount = 0;
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
    const closedStarts = this.closedStarts;
    while (this.releasedCount > 0) {
      const start = closedStarts[0]!;
      const tooMany = this.keep.kind === 'windows' && closedStarts.length > this.keep.windows;
      const tooOld =
        this.keep.kind === 'duration' && start + this.sizeMs + this.keep.ms <= watermarkMs;
      if (!tooMany && !tooOld) break;
      closedStarts.shift();
      this.releasedCount--;
      for (const group of this.windows.get(start)!.values()) this.host.removed(group);
      this.windows.delete(start);
    }
  }

  release(): void {
    for (let i = this.releasedCount; i < this.closedStarts.length; i++) {
      for (const group of this.windows.get(this.closedStarts[i]!)!.values()) group.release();
    }
    this.releasedCount = this.closedStarts.length;
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
