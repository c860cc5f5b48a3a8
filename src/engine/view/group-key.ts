import { compileExpr, fieldReader } from '../expr/compile.ts';
import type { PlanExpr } from '../expr/plan-expr.ts';
import type { Value } from '../types.ts';

/**
 * How a view finds an event's group. `mapKey` runs per event and must be cheap: a single
 * scalar key is used as the Map key as it is (Maps compare by SameValueZero and a column has one
 * type, so 1 and '1' never meet); several keys are joined into one string. `values` runs only when
 * a group is created.
 */
export interface GroupKey {
  mapKey(event: object): unknown;
  /** The key values, or null when the map key is the one key value itself. */
  values(event: object): Value[] | null;
  /** The map key of the key values `values` returned (checks restored groups). */
  fromValues(values: readonly Value[]): unknown;
  /** False when `values` returns null: the map key is the one key value itself. */
  readonly keepsValues: boolean;
}

const SEPARATOR = '\u0000';
const NULL_PART = '\u0001';

export function compileGroupKey(keys: readonly PlanExpr[]): GroupKey {
  const evaluators = keys.map((key) => compileExpr(key));
  const values = (event: object): Value[] => evaluators.map((evaluate) => evaluate(event));
  if (evaluators.length === 0) {
    return { mapKey: () => '', values, fromValues: () => '', keepsValues: true };
  }
  if (evaluators.length === 1) {
    const evaluate = evaluators[0]!;
    const structured = keys[0]!.type === 'JSON' || keys[0]!.type === 'ARRAY';
    const key = keys[0]!;
    const read = key.kind === 'field' ? fieldReader(key.name) : evaluate;
    if (structured) {
      return {
        mapKey: (event) => JSON.stringify(read(event)),
        values,
        fromValues: (keyValues) => JSON.stringify(keyValues[0]),
        keepsValues: true,
      };
    }
    return {
      mapKey: read,
      values: () => null,
      fromValues: (keyValues) => keyValues[0],
      keepsValues: false,
    };
  }
  return {
    mapKey(event) {
      let key = '';
      for (let i = 0; i < evaluators.length; i++) {
        if (i > 0) key += SEPARATOR;
        key += keyPart(evaluators[i]!(event));
      }
      return key;
    },
    values,
    fromValues: (keyValues) => keyValues.map(keyPart).join(SEPARATOR),
    keepsValues: true,
  };
}

/** One part of a composite key; text holding the separator characters is escaped via JSON. */
function keyPart(value: Value): string {
  if (value === null) return NULL_PART;
  if (typeof value === 'string') {
    return value.includes(SEPARATOR) || value.includes(NULL_PART) || value.startsWith('"')
      ? JSON.stringify(value)
      : value;
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
