import { VaneError } from './errors.ts';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * Parses a duration string such as '250ms', '5s', '1m', '1h', '7d' (SPEC §2) into milliseconds.
 * Fractions are allowed ('1.5s'); the result must be a whole, non-negative number of milliseconds.
 */
export function parseDurationMs(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/i.exec(text);
  if (match === null) {
    throw new VaneError(
      'INVALID_ARGUMENT',
      `'${text}' is not a duration; write a number and a unit: '250ms', '5s', '1m', '1h' or '7d'`,
    );
  }
  const ms = Number(match[1]) * (UNIT_MS[match[2]!.toLowerCase()] ?? 0);
  if (!Number.isInteger(ms)) {
    throw new VaneError('INVALID_ARGUMENT', `'${text}' is not a whole number of milliseconds`);
  }
  return ms;
}

/** Formats milliseconds as the shortest exact duration string ('90s' rather than '1.5m'). */
export function formatDurationMs(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit]!;
    if (ms !== 0 && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
