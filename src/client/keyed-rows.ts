import { rowComparator } from '../protocol/index.ts';

/** What one snapshot or delta changed in a live table. */
export interface Change<Row> {
  /** Rows inserted or updated, with their new values. */
  upserts: Row[];
  /** Rows removed, with the last values the table held for them. */
  deletes: Row[];
  /** True when the table was replaced as a whole (first snapshot, reset, lost resume). */
  snapshot: boolean;
}

/** Sort order of a top-N subscription: `[column, 'asc' | 'desc']` pairs, most significant first. */
export type OrderBy<Row> = readonly (readonly [keyof Row & string, 'asc' | 'desc'])[];

/**
 * The rows of a live table keyed by their key columns (SPEC §1: the GROUP BY columns plus
 * `window_start`). Pure: the subscription feeds it snapshots and deltas in `seq` order.
 * An empty key means a single-row table (a view without GROUP BY).
 */
export class KeyedRows<Row> {
  private readonly byKey = new Map<string, Row>();
  private key: readonly string[] = [];

  constructor(private readonly orderBy: OrderBy<Row> = []) {}

  /** The key columns; set by each `subscribed` frame before its snapshot or deltas apply. */
  setKey(key: readonly string[]): void {
    this.key = key;
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Replaces every row; the change lists the new rows and the rows that disappeared. */
  replace(rows: readonly Row[]): Change<Row> {
    const previous = new Map(this.byKey);
    this.byKey.clear();
    for (const row of rows) {
      const id = this.idOf(row);
      this.byKey.set(id, row);
      previous.delete(id);
    }
    return { upserts: [...rows], deletes: [...previous.values()], snapshot: true };
  }

  /** Applies one delta: deletes first, then upserts (SPEC §4 delta frames). */
  apply(upserts: readonly Row[], deletes: readonly Partial<Row>[]): Change<Row> {
    const removed: Row[] = [];
    for (const keyRow of deletes) {
      const id = this.idOf(keyRow);
      const row = this.byKey.get(id);
      if (row === undefined) continue;
      this.byKey.delete(id);
      removed.push(row);
    }
    for (const row of upserts) this.byKey.set(this.idOf(row), row);
    return { upserts: [...upserts], deletes: removed, snapshot: false };
  }

  /** The row with these key values, in key column order. */
  get(keyValues: readonly unknown[]): Row | undefined {
    return this.byKey.get(JSON.stringify(keyValues));
  }

  /** The row whose key columns equal those of `keyRow`. */
  getByKey(keyRow: Partial<Row>): Row | undefined {
    return this.byKey.get(this.idOf(keyRow));
  }

  /**
   * The current rows: with `orderBy`, in the server's top-N order (then key, NULLs last; the
   * same comparator the hub ranks with); otherwise in arrival order.
   */
  rows(): Row[] {
    const rows = [...this.byKey.values()];
    if (this.orderBy.length === 0) return rows;
    const terms = this.orderBy.map(([column, direction]) => ({
      column,
      descending: direction === 'desc',
    }));
    const compare = rowComparator(terms, this.key);
    return rows.sort((a, b) => compare(a as Record<string, unknown>, b as Record<string, unknown>));
  }

  private idOf(row: Partial<Row>): string {
    const record = row as Record<string, unknown>;
    return JSON.stringify(this.key.map((column) => record[column] ?? null));
  }
}
