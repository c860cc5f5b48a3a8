const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * Reads a duration string ('250ms', '1s', '2m', '1h', '7d') as milliseconds, or returns null when
 * it is not one. Browser-safe twin of util's `parseDurationMs`, accepting exactly the same forms: a
 * number (fractions allowed) and a unit, case-insensitive, optional spaces, and a result that is a
 * whole number of milliseconds.
 */
export function parseIntervalMs(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/i.exec(text);
  if (match === null) return null;
  const ms = Number(match[1]) * (UNIT_MS[match[2]!.toLowerCase()] ?? Number.NaN);
  return Number.isInteger(ms) ? ms : null;
}
