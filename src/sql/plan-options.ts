import { parseDurationMs, SqlError, VaneError } from '../util/index.ts';
import type { OptionEntry } from './ast.ts';
import { didYouMean } from './suggest.ts';

/**
 * Reads `WITH (…)` options: each known key at most once, unknown keys rejected with a hint, values
 * checked by the reader given for the key.
 */
export function readOptions<T extends Record<string, unknown>>(
  entries: readonly OptionEntry[],
  readers: { [K in keyof T]: (entry: OptionEntry) => T[K] },
  what: string,
): Partial<T> {
  const result: Partial<T> = {};
  const known = Object.keys(readers);
  for (const entry of entries) {
    if (!Object.hasOwn(readers, entry.key)) {
      throw new SqlError(
        'INVALID_OPTION',
        `unknown ${what} option '${entry.key}'${didYouMean(entry.key, known)} (options: ${known.join(', ')})`,
        entry.pos,
      );
    }
    const key = entry.key as keyof T;
    if (result[key] !== undefined) {
      throw new SqlError('INVALID_OPTION', `option '${entry.key}' is given twice`, entry.pos);
    }
    result[key] = readers[key](entry);
  }
  return result;
}

/** A duration option: a string such as '5s' or '250ms'. */
export function durationOption(entry: OptionEntry): number {
  if (typeof entry.value !== 'string') {
    throw new SqlError(
      'INVALID_OPTION',
      `option '${entry.key}' takes a duration string such as '5s', got ${String(entry.value)}`,
      entry.pos,
    );
  }
  try {
    return parseDurationMs(entry.value);
  } catch (error) {
    if (error instanceof VaneError)
      throw new SqlError('INVALID_OPTION', `option '${entry.key}': ${error.message}`, entry.pos);
    throw error;
  }
}

export function stringOption(entry: OptionEntry): string {
  if (typeof entry.value !== 'string') {
    throw new SqlError('INVALID_OPTION', `option '${entry.key}' takes a string`, entry.pos);
  }
  return entry.value;
}

export function booleanOption(entry: OptionEntry): boolean {
  if (typeof entry.value === 'boolean') return entry.value;
  if (entry.value === 'true' || entry.value === 'false') return entry.value === 'true';
  throw new SqlError('INVALID_OPTION', `option '${entry.key}' takes true or false`, entry.pos);
}
