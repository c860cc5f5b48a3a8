import type { Group } from './group.ts';

/** A binary min-heap of groups ordered by `heapEndMs`: the session windows due to close first. */
export class GroupHeap {
  private readonly items: Group[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Group | undefined {
    return this.items[0];
  }

  push(group: Group): void {
    const items = this.items;
    items.push(group);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]!.heapEndMs <= group.heapEndMs) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = group;
  }

  pop(): Group | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child =
        right < items.length && items[right]!.heapEndMs < items[left]!.heapEndMs ? right : left;
      if (items[child]!.heapEndMs >= last.heapEndMs) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}
