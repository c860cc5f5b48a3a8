import { assert } from '../util/index.ts';
import { rowComparator, type OrderTerm, type RowComparator } from '../protocol/index.ts';

type Row = Record<string, unknown>;

interface Entry {
  key: string;
  row: Row;
}

/** The change of a top-N result: rows that entered or changed within it, keys that left it. */
export interface TopNChange {
  upserts: Row[];
  deletes: Row[];
}

/**
 * The first `limit` rows of a (filtered) view in a fixed order, kept up to date from the view's
 * change batches; shared by every subscription with the same view, filter, order and limit.
 *
 * It holds every row of the filtered view in a sorted array (the order is total: see
 * `rowComparator`) plus a map from key to entry. Per batch of b changes over n rows: b binary
 * searches, O(b log n) comparisons, plus one array splice per change (a memmove, O(n) but native
 * and fast for n up to ~10^5); and O(limit) to diff the old and new top only when some change
 * landed inside it. Nothing is re-sorted after construction (O(n log n)). Memory O(n).
 */
export class TopN {
  private readonly compare: RowComparator;
  private readonly entries: Entry[] = [];
  private readonly byKey = new Map<string, Entry>();

  /** `rows` is the filtered view at `offset`, in any order. */
  constructor(
    private readonly key: readonly string[],
    orderBy: readonly OrderTerm[],
    readonly limit: number,
    rows: readonly Row[],
    public offset: number,
  ) {
    this.compare = rowComparator(orderBy, key);
    for (const row of rows) {
      const entry = { key: this.keyOf(row), row };
      this.byKey.set(entry.key, entry);
      this.entries.push(entry);
    }
    this.entries.sort((a, b) => this.compare(a.row, b.row));
  }

  /** Rows in the view (before the limit). */
  get size(): number {
    return this.entries.length;
  }

  /** The current top rows, in order. */
  top(): Row[] {
    return this.entries.slice(0, this.limit).map((entry) => entry.row);
  }

  /**
   * Applies one (already filtered) batch of the view at `offset`; returns how the top changed, or
   * null when it did not. Batches at or before the current offset are already reflected: ignored.
   */
  apply(offset: number, upserts: readonly Row[], deletes: readonly Row[]): TopNChange | null {
    if (offset <= this.offset) return null;
    this.offset = offset;
    // The top before the batch, captured just before the first change that reaches into it
    // (changes below the top leave it as it was).
    let before: Map<string, Entry> | null = null;
    const touch = (index: number): void => {
      if (before !== null || index >= this.limit) return;
      before = new Map(this.entries.slice(0, this.limit).map((entry) => [entry.key, entry]));
    };
    for (const row of deletes) {
      const entry = this.byKey.get(this.keyOf(row));
      if (entry === undefined) continue;
      const index = this.indexOf(entry);
      touch(index);
      this.entries.splice(index, 1);
      this.byKey.delete(entry.key);
    }
    for (const row of upserts) {
      const key = this.keyOf(row);
      const old = this.byKey.get(key);
      if (old !== undefined) {
        const index = this.indexOf(old);
        touch(index);
        this.entries.splice(index, 1);
      }
      const entry = { key, row };
      const index = this.lowerBound(row);
      touch(index);
      this.entries.splice(index, 0, entry);
      this.byKey.set(key, entry);
    }
    return before === null ? null : this.diff(before);
  }

  private diff(before: Map<string, Entry>): TopNChange | null {
    const change: TopNChange = { upserts: [], deletes: [] };
    const count = Math.min(this.limit, this.entries.length);
    const after = new Set<string>();
    for (let i = 0; i < count; i++) {
      const entry = this.entries[i]!;
      after.add(entry.key);
      if (before.get(entry.key)?.row !== entry.row) change.upserts.push(entry.row);
    }
    for (const [key, entry] of before) {
      if (!after.has(key)) change.deletes.push(this.keyRow(entry.row));
    }
    return change.upserts.length === 0 && change.deletes.length === 0 ? null : change;
  }

  /** First index whose row does not sort before `row`. */
  private lowerBound(row: Row): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.compare(this.entries[middle]!.row, row) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private indexOf(entry: Entry): number {
    let index = this.lowerBound(entry.row);
    // Only structured key values can compare equal yet differ; scan past them.
    while (index < this.entries.length && this.entries[index] !== entry) index += 1;
    assert(index < this.entries.length, 'top-n entry missing from its sorted array');
    return index;
  }

  private keyOf(row: Row): string {
    const key = this.key;
    if (key.length === 1) return JSON.stringify(row[key[0]!] ?? null);
    return JSON.stringify(key.map((column) => row[column] ?? null));
  }

  private keyRow(row: Row): Row {
    const keyRow: Row = {};
    for (const column of this.key) keyRow[column] = row[column];
    return keyRow;
  }
}
