/**
 * The peers' "aggregation": what a user of a plain WebSocket library writes by hand in place of a
 * Vane view. One Map of rows by `symbol`, updated per event, and the set of keys changed since the
 * last emission. It mirrors the views of the benchmark's schemas (bench/server/main.ts):
 *
 * - `live`: `SELECT symbol, last(price) AS price, max(sent_at) AS sent_at, count(*) AS n … GROUP
 *   BY symbol`, emitted every 10 ms (the fan-out and latency scenarios);
 * - `ingest_by_symbol`: `count(*)` and `sum(qty)` by symbol (the ingest scenario; no subscribers).
 *
 * No validation, no de-duplication by id and no log: the peers do less work per event than Vane.
 */

/** An incoming event of either schema; fields a schema lacks are absent. */
export interface PeerEvent {
  symbol: string;
  price?: number;
  qty?: number;
  sent_at?: number;
}

/** A row as broadcast: the same columns and order as Vane's `live` view rows. */
export interface LiveRow {
  symbol: string;
  price: number | null;
  sent_at: number | null;
  n: number;
}

interface KeyState {
  row: LiveRow;
  /** sum(qty), kept for the ingest scenario; not broadcast (nobody subscribes to it there). */
  volume: number;
}

export class KeyedAggregate {
  private readonly keys = new Map<string, KeyState>();
  private readonly changed = new Set<KeyState>();

  /** Applies a batch; returns how many events it held. */
  apply(events: readonly PeerEvent[]): number {
    for (const event of events) {
      let state = this.keys.get(event.symbol);
      if (state === undefined) {
        state = { row: { symbol: event.symbol, price: null, sent_at: null, n: 0 }, volume: 0 };
        this.keys.set(event.symbol, state);
      }
      const row = state.row;
      row.n++;
      if (event.price !== undefined) row.price = event.price;
      if (event.sent_at !== undefined && (row.sent_at === null || event.sent_at > row.sent_at))
        row.sent_at = event.sent_at;
      if (event.qty !== undefined) state.volume += event.qty;
      this.changed.add(state);
    }
    return events.length;
  }

  get hasChanges(): boolean {
    return this.changed.size > 0;
  }

  /** The rows changed since the last call (latest value of each), then forgets them. */
  takeChanges(): LiveRow[] {
    const rows: LiveRow[] = [];
    for (const state of this.changed) rows.push(state.row);
    this.changed.clear();
    return rows;
  }

  /** Every row, for a new subscriber's snapshot. */
  rows(): LiveRow[] {
    return Array.from(this.keys.values(), (state) => state.row);
  }
}
