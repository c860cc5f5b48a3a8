import { formatTimestamp } from '../timestamp.ts';
import type { Column, OutputRow, Value } from '../types.ts';

/** How many formatted instants a TIMESTAMP column remembers before it starts over. */
const CACHE_ENTRIES = 256;

/**
 * Turns internal value arrays into wire rows (TIMESTAMP as ISO-8601). Each TIMESTAMP column keeps
 * a small cache: the rows of one emission share a few window bounds, and formatting a date costs
 * more than the rest of the row.
 */
export class OutputFormat {
  private readonly names: string[];
  private readonly isTimestamp: boolean[];
  private readonly caches: Map<number, string>[];

  constructor(columns: readonly Column[]) {
    this.names = columns.map((column) => column.name);
    this.isTimestamp = columns.map((column) => column.type === 'TIMESTAMP');
    this.caches = columns.map(() => new Map<number, string>());
  }

  row(values: readonly Value[]): OutputRow {
    const row: OutputRow = {};
    for (let i = 0; i < this.names.length; i++) row[this.names[i]!] = this.cell(i, values[i]!);
    return row;
  }

  /** Only the given columns (the key, for delete changes). */
  partial(values: readonly Value[], indexes: readonly number[]): OutputRow {
    const row: OutputRow = {};
    for (const i of indexes) row[this.names[i]!] = this.cell(i, values[i]!);
    return row;
  }

  cell(index: number, value: Value): Value {
    if (!this.isTimestamp[index] || value === null) return value;
    const ms = value as number;
    const cache = this.caches[index]!;
    let iso = cache.get(ms);
    if (iso === undefined) {
      if (cache.size >= CACHE_ENTRIES) cache.clear();
      iso = formatTimestamp(ms);
      cache.set(ms, iso);
    }
    return iso;
  }
}
