import type { SketchValue } from './hash.ts';

/**
 * The order of top-k ties: numbers (ascending, NaN last), then strings (by UTF-16 code units, not
 * locale), then false, then true. A total order, so ties resolve the same way everywhere.
 */
export function compareValues(a: SketchValue, b: SketchValue): number {
  const ta = typeRank(a);
  const tb = typeRank(b);
  if (ta !== tb) return ta - tb;
  if (typeof a === 'number' && typeof b === 'number') {
    if (a !== a) return b !== b ? 0 : 1;
    if (b !== b) return -1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function typeRank(value: SketchValue): number {
  return typeof value === 'number' ? 0 : typeof value === 'string' ? 1 : 2;
}
