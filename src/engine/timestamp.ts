import { parseIsoTimestamp } from './functions/iso-timestamp.ts';

/**
 * TIMESTAMP values are epoch milliseconds inside the engine. On input they may be a number (epoch
 * ms) or an ISO-8601 string; on output they are ISO-8601 strings in UTC.
 */

/** The largest instant a JS Date can format, in ms either side of the epoch. */
const MAX_INSTANT_MS = 8.64e15;

/**
 * Epoch ms for a strict ISO-8601 string (no zone means UTC; Feb 30 is rejected, not rolled over)
 * or a finite number within the formattable range; null for anything else.
 */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value === 'number') {
    return Number.isFinite(value) && Math.abs(value) <= MAX_INSTANT_MS ? value : null;
  }
  return typeof value === 'string' ? parseIsoTimestamp(value) : null;
}

/** ISO-8601 in UTC with milliseconds, e.g. 2024-11-26T10:00:00.000Z. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}
