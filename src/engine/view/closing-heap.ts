import type { Group } from './group.ts';

/** A session filed for closing: `endMs` is its end when filed (it may have grown since). */
export interface ClosingEntry {
  group: Group;
  endMs: number;
}

/** A binary min-heap of sessions by filed end: the session windows due to close first. */
export class ClosingHeap {
  private readonly items: ClosingEntry[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The heap's array as it is (a checkpoint keeps it, so ties pop in the same order). */
  get entries(): readonly ClosingEntry[] {
    return this.items;
  }

  /**
   * Fills this empty heap with `entries` as they are (from a checkpoint); false, leaving it empty,
   * when they are not in heap order.
   */
  load(entries: readonly ClosingEntry[]): boolean {
    for (let i = 1; i < entries.length; i++) {
      if (!(entries[(i - 1) >> 1]!.endMs <= entries[i]!.endMs)) return false;
    }
    for (const entry of entries) this.items.push(entry);
    return true;
  }

  peek(): ClosingEntry | undefined {
    return this.items[0];
  }

  push(entry: ClosingEntry): void {
    const items = this.items;
    items.push(entry);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]!.endMs <= entry.endMs) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = entry;
  }

  pop(): ClosingEntry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && items[right]!.endMs < items[left]!.endMs ? right : left;
      if (items[child]!.endMs >= last.endMs) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}
