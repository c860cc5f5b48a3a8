/**
 * Interval units: the keyword form (`INTERVAL '1' MINUTE`) takes the full words, the string form
 * (`INTERVAL '5 minutes'`, `INTERVAL '250ms'`) also the short units of SPEC §2 durations.
 */
const UNIT_MS = new Map<string, number>([
  ['millisecond', 1],
  ['second', 1000],
  ['minute', 60_000],
  ['hour', 3_600_000],
  ['day', 86_400_000],
]);
const SHORT_UNITS = new Map<string, string>([
  ['ms', 'millisecond'],
  ['s', 'second'],
  ['m', 'minute'],
  ['h', 'hour'],
  ['d', 'day'],
]);

export const INTERVAL_UNITS = 'MILLISECOND, SECOND, MINUTE, HOUR or DAY';

/** Milliseconds per unit for a unit keyword (`MINUTE`, `minutes`, …), or null if it is not one. */
export function unitKeywordMs(word: string): number | null {
  const lower = word.toLowerCase();
  const singular = lower.endsWith('s') ? lower.slice(0, -1) : lower;
  return UNIT_MS.get(singular) ?? UNIT_MS.get(lower) ?? null;
}

function unitTextMs(unit: string): number | null {
  return unitKeywordMs(SHORT_UNITS.get(unit.toLowerCase()) ?? unit);
}

/**
 * Reads the string of an INTERVAL literal:
 * - a bare number (`'1'`, `'1.5'`): `{ number }`, the unit must follow as a keyword;
 * - one or more number-unit pairs (`'5 minutes'`, `'250ms'`, `'1h 30m'`): `{ ms }`, unrounded;
 * - anything else: null.
 */
export function readIntervalText(text: string): { number: number } | { ms: number } | null {
  if (/^\s*\d+(\.\d+)?\s*$/.test(text)) return { number: Number(text) };
  if (!/^\s*(\d+(\.\d+)?\s*[A-Za-z]+\s*)+$/.test(text)) return null;
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)\s*([A-Za-z]+)/g)) {
    const unitMs = unitTextMs(unit!);
    if (unitMs === null) return null;
    ms += Number(amount) * unitMs;
  }
  return { ms };
}

/** Whole milliseconds, or null when `ms` has a fraction (beyond floating-point noise). */
export function wholeMs(ms: number): number | null {
  const rounded = Math.round(ms);
  return Math.abs(ms - rounded) < 1e-6 ? rounded : null;
}
