/**
 * TIMESTAMP values are epoch milliseconds inside the engine. On input they may be a number (epoch
 * ms) or an ISO-8601 string; on output they are ISO-8601 strings in UTC.
 */

const ISO_8601 =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Epoch ms for an ISO-8601 string or a finite number; null for anything else. */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || !ISO_8601.test(value)) return null;
  // A date-time without an offset is UTC, not local time: Vane's windows are UTC (SPEC §2).
  const hasTime = value.length > 10;
  const hasOffset = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const ms = Date.parse(hasTime && !hasOffset ? `${value.replace(' ', 'T')}Z` : value);
  return Number.isNaN(ms) ? null : ms;
}

/** ISO-8601 in UTC with milliseconds, e.g. 2024-11-26T10:00:00.000Z. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}
