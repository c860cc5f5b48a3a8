import { SketchError } from '../../sketch/index.ts';
import type { SketchValue } from '../../sketch/index.ts';
import type { Value } from '../types.ts';
import { corruptState } from './state-codec.ts';

/**
 * Sketches take strings, numbers and booleans. An array or JSON object goes in as its JSON text
 * behind a NUL mark, so it can never equal a string; a string that itself starts with NUL gets
 * one more NUL. `fromSketchValue` undoes this, so top_k reports the values it was given.
 */
const MARK = '\u0000';

export function toSketchValue(value: string | number | boolean | object): SketchValue {
  if (typeof value === 'object') return MARK + JSON.stringify(value);
  if (typeof value === 'string' && value.startsWith(MARK)) return MARK + value;
  return value;
}

export function fromSketchValue(value: SketchValue): Value {
  if (typeof value !== 'string' || !value.startsWith(MARK)) return value;
  const rest = value.slice(1);
  return rest.startsWith(MARK) ? rest : (JSON.parse(rest) as Value);
}

/** Runs a sketch's `restore`, turning its SketchError into Vane's CORRUPT_STATE error. */
export function restoreSketch<T>(what: string, restore: () => T): T {
  try {
    return restore();
  } catch (error) {
    if (error instanceof SketchError) throw corruptState(`${what}: ${error.message}`, error);
    throw error;
  }
}
