import { MS_PER_DAY, daysFromCivil, daysInMonth } from './calendar.ts';

/**
 * Parses an ISO-8601 timestamp to epoch milliseconds, or returns null. Accepted:
 * `YYYY-MM-DD`, then optionally `T` (or `t`, or a space) `HH:MM[:SS[.fraction]]` and a zone `Z`,
 * `±HH`, `±HHMM` or `±HH:MM`. No zone means UTC, never the server's local time (which Date.parse
 * would use, making results depend on where the server runs). Fractions beyond milliseconds are
 * truncated; a comma may stand for the decimal point. Out-of-range fields (month 13, Feb 30,
 * 24:00, leap second 60) are rejected rather than rolled over.
 */
export function parseIsoTimestamp(text: string): number | null {
  const end = text.length;
  if (end < 10 || text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d) return null;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return null;
  }
  const dayMs = daysFromCivil(year, month, day) * MS_PER_DAY;
  if (end === 10) return dayMs;

  const separator = text.charCodeAt(10);
  if (separator !== 0x54 && separator !== 0x74 && separator !== 0x20) return null;
  if (end < 16 || text.charCodeAt(13) !== 0x3a) return null;
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return null;
  let at = 16;
  let second = 0;
  let millis = 0;
  if (at < end && text.charCodeAt(at) === 0x3a) {
    second = digitsAt(text, at + 1, 2);
    if (second < 0 || second > 59) return null;
    at += 3;
    const point = text.charCodeAt(at);
    if (at < end && (point === 0x2e || point === 0x2c)) {
      at++;
      const fractionStart = at;
      let scale = 100;
      for (; at < end && isDigit(text.charCodeAt(at)); at++) {
        millis += (text.charCodeAt(at) - 0x30) * scale;
        scale /= 10;
      }
      if (at === fractionStart) return null;
      millis = Math.floor(millis);
    }
  }
  const offsetMinutes = zoneAt(text, at);
  if (offsetMinutes === null) return null;
  return dayMs + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
}

/** The zone designator from `at` to the end, in minutes east of UTC, or null if malformed. */
function zoneAt(text: string, at: number): number | null {
  const rest = text.length - at;
  if (rest === 0) return 0;
  const code = text.charCodeAt(at);
  if (code === 0x5a || code === 0x7a) return rest === 1 ? 0 : null;
  if (code !== 0x2b && code !== 0x2d) return null;
  const hours = digitsAt(text, at + 1, 2);
  let minutes = 0;
  if (rest === 6 && text.charCodeAt(at + 3) === 0x3a) minutes = digitsAt(text, at + 4, 2);
  else if (rest === 5) minutes = digitsAt(text, at + 3, 2);
  else if (rest !== 3) return null;
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return null;
  const offset = hours * 60 + minutes;
  return code === 0x2d ? -offset : offset;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** The non-negative number in `count` digits at `at`, or -1 when any of them is not a digit. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return -1;
    value = value * 10 + (code - 0x30);
  }
  return value;
}
