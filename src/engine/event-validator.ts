import { InvalidEventError, VaneError } from '../util/index.ts';
import type { StreamSpec } from './stream-spec.ts';
import { parseTimestamp } from './timestamp.ts';
import { fieldReader } from './expr/compile.ts';
import type { Column, EventRecord, SqlType, Value } from './types.ts';

/** A batch that passed validation: events in engine form and the event time of each. */
export interface ValidatedBatch {
  events: EventRecord[];
  timesMs: Float64Array;
}

/**
 * Validates event batches of one stream against its schema (compiled once per stream).
 *
 * A batch is accepted whole or rejected whole: the first bad event throws an InvalidEventError
 * naming its index and field. Fields the stream does not declare are ignored. An event is copied
 * only when it must change (a TIMESTAMP given as an ISO string becomes epoch ms, a -0 becomes 0);
 * otherwise the caller's object is used as it is and must not be mutated afterwards.
 *
 * What is accepted must read back from the event log exactly as it went in, or a restart that
 * replays the log would compute other results than the live run did. So strings must be
 * well-formed Unicode (a lone UTF-16 surrogate does not survive UTF-8 storage), -0 is stored as 0
 * (it does not survive either), and JSON and ARRAY values may not hold a `__proto__` key.
 */
export class EventValidator {
  private readonly names: string[];
  private readonly checks: ((value: unknown) => string | null)[];
  private readonly timestampIndexes: number[];
  private readonly timeColumn: string | null;
  private readonly readTime: ((event: object) => Value) | null;
  /** Index of the first column needing the careful path (a bad value, an ISO string), or -1. */
  private readonly quickCheck: (event: EventRecord) => number;

  constructor(spec: StreamSpec) {
    this.names = spec.columns.map((column) => column.name);
    this.checks = spec.columns.map((column) => CHECKS[column.type]);
    this.timestampIndexes = spec.columns.flatMap((column, i) =>
      column.type === 'TIMESTAMP' ? [i] : [],
    );
    this.timeColumn = spec.timestampColumn;
    this.readTime = spec.timestampColumn === null ? null : fieldReader(spec.timestampColumn);
    this.quickCheck = compileQuickCheck(spec.columns);
  }

  /** `arrivalMs` is the event time of every event when the stream has no timestamp column. */
  validate(batch: unknown, arrivalMs: number): ValidatedBatch {
    if (!Array.isArray(batch)) {
      throw new VaneError('INVALID_ARGUMENT', 'events must be an array of JSON objects');
    }
    const events: EventRecord[] = new Array<EventRecord>(batch.length);
    const timesMs = new Float64Array(batch.length);
    const names = this.names;
    const checks = this.checks;
    const timeColumn = this.timeColumn;
    for (let i = 0; i < batch.length; i++) {
      const raw: unknown = batch[i];
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        throw new InvalidEventError(i, null, `expected a JSON object, got ${describe(raw)}`);
      }
      let event = raw as EventRecord;
      if (this.quickCheck(event) < 0) {
        // Every declared field is absent, NULL or already in engine form: use the event as it is.
        const time = this.readTime === null ? arrivalMs : this.readTime(event);
        if (typeof time !== 'number') {
          throw new InvalidEventError(i, timeColumn, 'missing event time (the stream timestamp)');
        }
        timesMs[i] = time;
        events[i] = event;
        continue;
      }
      for (let c = 0; c < names.length; c++) {
        const value = event[names[c]!];
        if (value === undefined || value === null) continue;
        const problem = checks[c]!(value);
        if (problem !== null) throw new InvalidEventError(i, names[c]!, problem);
      }
      for (const c of this.timestampIndexes) {
        const name = names[c]!;
        const value = event[name];
        if (typeof value === 'string') {
          if (event === raw) event = { ...event };
          event[name] = parseTimestamp(value);
        }
      }
      for (let c = 0; c < names.length; c++) {
        const name = names[c]!;
        const value = event[name];
        if (typeof value === 'object' && value !== null && hasNegativeZero(value)) {
          if (event === raw) event = { ...event };
          event[name] = withoutNegativeZero(value);
        } else if (value === 0 && 1 / value < 0) {
          if (event === raw) event = { ...event };
          event[name] = 0;
        }
      }
      if (timeColumn === null) {
        timesMs[i] = arrivalMs;
      } else {
        const time = event[timeColumn];
        if (typeof time !== 'number') {
          throw new InvalidEventError(i, timeColumn, 'missing event time (the stream timestamp)');
        }
        timesMs[i] = time;
      }
      events[i] = event;
    }
    return { events, timesMs };
  }
}

type Check = (value: unknown) => string | null;

/** Source of a test that is true when a present value is already in engine form. */
const QUICK_TESTS: Record<SqlType, string | null> = {
  STRING: "typeof v === 'string' && v.isWellFormed()",
  // `(v !== 0 || 1 / v > 0)` sends -0 to the careful path, which stores it as 0.
  DOUBLE: "typeof v === 'number' && v - v === 0 && (v !== 0 || 1 / v > 0)",
  BIGINT: 'Number.isSafeInteger(v) && (v !== 0 || 1 / v > 0)',
  BOOLEAN: "typeof v === 'boolean'",
  TIMESTAMP:
    "typeof v === 'number' && v - v === 0 && v <= 8.64e15 && v >= -8.64e15 && (v !== 0 || 1 / v > 0)",
  JSON: null,
  ARRAY: null,
};

/**
 * Generates one stream's per-event type check: straight-line code reading each declared field by
 * name, so every property load stays monomorphic (a loop over columns would not). Column names are
 * spliced in as JSON string literals only; the tests are fixed source above.
 */
function compileQuickCheck(columns: readonly Column[]): (event: EventRecord) => number {
  const lines = columns.flatMap((column, index) => {
    // JSON and ARRAY values are walked by the careful path whenever present.
    const test = QUICK_TESTS[column.type] ?? 'false';
    return [
      `v = event[${JSON.stringify(column.name)}];`,
      `if (v !== undefined && v !== null && !(${test})) return ${index};`,
    ];
  });
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- built from JSON literals and fixed tests; see above
  return new Function('event', `let v;\n${lines.join('\n')}\nreturn -1;`) as (
    event: EventRecord,
  ) => number;
}

const CHECKS: Record<SqlType, Check> = {
  STRING: (value) =>
    typeof value !== 'string'
      ? expected('STRING', value)
      : value.isWellFormed()
        ? null
        : 'not valid Unicode: the string holds a lone UTF-16 surrogate',
  DOUBLE: (value) =>
    typeof value === 'number' && Number.isFinite(value) ? null : expected('DOUBLE', value),
  BIGINT: (value) => (Number.isSafeInteger(value) ? null : expected('BIGINT', value)),
  BOOLEAN: (value) => (typeof value === 'boolean' ? null : expected('BOOLEAN', value)),
  TIMESTAMP: (value) =>
    parseTimestamp(value) === null
      ? typeof value === 'string'
        ? `expected TIMESTAMP (ISO-8601 or epoch milliseconds), got '${value.slice(0, 40)}'`
        : expected('TIMESTAMP', value)
      : null,
  JSON: (value) => storableJson(value),
  ARRAY: (value) => (Array.isArray(value) ? storableJson(value) : expected('ARRAY', value)),
};

/** Nesting past this is refused: the checks below recurse. */
const MAX_JSON_DEPTH = 64;

/** Why a JSON value would not read back from the log as it is, or null when it would. */
function storableJson(value: unknown, depth = 0): string | null {
  if (typeof value === 'string') {
    return value.isWellFormed()
      ? null
      : 'not valid Unicode: a string holds a lone UTF-16 surrogate';
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? null : `not JSON: number ${value}`;
  }
  if (typeof value !== 'object' || value === null) return null;
  if (depth >= MAX_JSON_DEPTH) return `nested deeper than ${MAX_JSON_DEPTH} levels`;
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = storableJson(item, depth + 1);
      if (problem !== null) return problem;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return 'a "__proto__" key is not accepted';
    if (!key.isWellFormed()) return 'not valid Unicode: a key holds a lone UTF-16 surrogate';
    const problem = storableJson((value as Record<string, unknown>)[key], depth + 1);
    if (problem !== null) return problem;
  }
  return null;
}

function hasNegativeZero(value: unknown): boolean {
  if (value === 0) return 1 / value < 0;
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).some(hasNegativeZero);
}

/** A copy of a JSON value with every -0 replaced by 0. */
function withoutNegativeZero(value: unknown): unknown {
  if (value === 0) return 0;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, withoutNegativeZero(item)]),
  );
}

function expected(type: SqlType, value: unknown): string {
  return `expected ${type}, got ${describe(value)}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && !Number.isInteger(value)) return `number ${value}`;
  if (typeof value === 'number') return `integer ${value}`;
  return typeof value;
}
