/** Display formatting: compact, stable-width numbers and readable times. */

const compact = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1, notation: 'compact' });
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const plain = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const precise = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });

/** A rate or count for the stats bar and the catalog: 12.3K, 950, 0.5. */
export function formatRate(value: number): string {
  if (value >= 10_000) return compact.format(value);
  return value >= 100 ? whole.format(value) : oneDecimal.format(value);
}

export function formatMs(value: number): string {
  return value < 10 ? `${precise.format(value)} ms` : `${Math.round(value)} ms`;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/;

/** A cell: numbers to 4 significant digits (integers whole), ISO timestamps as their time. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return plain.format(value);
    return Math.abs(value) >= 1000 ? plain.format(value) : precise.format(value);
  }
  if (typeof value === 'string') {
    const time = ISO_TIME.exec(value);
    return time === null ? value : time[1]!;
  }
  return JSON.stringify(value);
}

/** Full value for a cell's tooltip. */
export function titleOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
