/** Columns that name a window rather than a group: a chart line follows a group across windows. */
const WINDOW_COLUMNS = new Set(['window_start', 'window_end']);

/** The identity of a row: its key columns' values (SPEC §1), as one string. */
export function rowId(row: Record<string, unknown>, key: readonly string[]): string {
  return JSON.stringify(key.map((column) => row[column] ?? null));
}

/** The group a row belongs to for the chart: its key without the window columns. */
export function seriesKeyColumns(key: readonly string[]): string[] {
  return key.filter((column) => !WINDOW_COLUMNS.has(column));
}

/** A readable label for a series: its group values joined (`AAPL`, `eu · sensor-3`). */
export function seriesLabel(row: Record<string, unknown>, columns: readonly string[]): string {
  if (columns.length === 0) return 'value';
  return columns.map((column) => labelOf(row[column])).join(' · ');
}

function labelOf(value: unknown): string {
  if (value === null || value === undefined) return '∅';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
