import { formatTimestamp } from '../timestamp.ts';
import type { Column, OutputRow, Value } from '../types.ts';

/**
 * Turns internal value arrays into wire rows (TIMESTAMP as ISO-8601). Each TIMESTAMP column keeps
 * a one-entry cache: rows of one window share window_start, so most lookups hit.
 */
export class OutputFormat {
  private readonly names: string[];
  private readonly isTimestamp: boolean[];
  private readonly lastMs: number[];
  private readonly lastIso: string[];

  constructor(columns: readonly Column[]) {
    this.names = columns.map((column) => column.name);
    this.isTimestamp = columns.map((column) => column.type === 'TIMESTAMP');
    this.lastMs = columns.map(() => NaN);
    this.lastIso = columns.map(() => '');
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
    if (ms !== this.lastMs[index]) {
      this.lastMs[index] = ms;
      this.lastIso[index] = formatTimestamp(ms);
    }
    return this.lastIso[index]!;
  }
}
