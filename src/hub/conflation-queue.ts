type Row = Record<string, unknown>;

/** Changes held back for one subscription, ready to go out as one delta. */
export interface ConflatedDelta {
  offset: number;
  upserts: Row[];
  deletes: Row[];
}

interface PendingChange {
  row: Row;
  upsert: boolean;
  bytes: number;
}

/**
 * The changes of one subscription that could not be sent yet (throttled, or the connection is
 * slow), merged per row key: the latest change of a key wins, so a delete after an upsert stays a
 * delete and an upsert after a delete stays an upsert. Applying the merged delta leaves a client
 * in the same state as applying every change in order. Size is bounded by the number of distinct
 * keys; `bytes` estimates the delta's JSON size.
 *
 * Cost: one key string per queued row (O(key columns)); nothing on the unqueued fast path.
 */
export class ConflationQueue {
  private readonly changes = new Map<string, PendingChange>();
  private offsetValue = 0;
  private bytesValue = 0;

  constructor(private readonly keyColumns: readonly string[]) {}

  get isEmpty(): boolean {
    return this.changes.size === 0;
  }

  /** Estimated JSON bytes of the pending delta's rows. */
  get bytes(): number {
    return this.bytesValue;
  }

  /** Adds one batch's changes (deletes first: a key appears once per batch). */
  add(offset: number, upserts: readonly Row[], deletes: readonly Row[]): void {
    if (offset > this.offsetValue) this.offsetValue = offset;
    for (const row of deletes) this.put(row, false);
    for (const row of upserts) this.put(row, true);
  }

  /** Empties the queue into one delta (rows in first-queued order). */
  take(): ConflatedDelta {
    const delta: ConflatedDelta = { offset: this.offsetValue, upserts: [], deletes: [] };
    for (const change of this.changes.values()) {
      (change.upsert ? delta.upserts : delta.deletes).push(change.row);
    }
    this.clear();
    return delta;
  }

  clear(): void {
    this.changes.clear();
    this.bytesValue = 0;
  }

  private put(row: Row, upsert: boolean): void {
    const key = JSON.stringify(this.keyColumns.map((column) => row[column] ?? null));
    const bytes = estimateRowBytes(row);
    const previous = this.changes.get(key);
    if (previous !== undefined) this.bytesValue -= previous.bytes;
    this.changes.set(key, { row, upsert, bytes });
    this.bytesValue += bytes;
  }
}

/** A cheap upper-ish estimate of `JSON.stringify(row).length` without building the string. */
export function estimateRowBytes(row: Row): number {
  let bytes = 2;
  for (const name in row) {
    const value = row[name];
    bytes += name.length + 4;
    if (typeof value === 'string') bytes += value.length + 2;
    else if (typeof value === 'number') bytes += 12;
    else if (typeof value === 'boolean') bytes += 5;
    else if (value === null || value === undefined) bytes += 4;
    else bytes += JSON.stringify(value).length;
  }
  return bytes;
}
