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
 * only when it must change (a TIMESTAMP given as an ISO string becomes epoch ms); otherwise the
 * caller's object is used as it is and must not be mutated afterwards.
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
  STRING: "typeof v === 'string'",
  DOUBLE: "typeof v === 'number' && v - v === 0",
  BIGINT: 'Number.isSafeInteger(v)',
  BOOLEAN: "typeof v === 'boolean'",
  TIMESTAMP: "typeof v === 'number' && v - v === 0 && v <= 8.64e15 && v >= -8.64e15",
  JSON: null,
  ARRAY: 'Array.isArray(v)',
};

/**
 * Generates one stream's per-event type check: straight-line code reading each declared field by
 * name, so every property load stays monomorphic (a loop over columns would not). Column names are
 * spliced in as JSON string literals only; the tests are fixed source above.
 */
function compileQuickCheck(columns: readonly Column[]): (event: EventRecord) => number {
  const lines = columns.flatMap((column, index) => {
    const test = QUICK_TESTS[column.type];
    if (test === null) return [];
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
  STRING: (value) => (typeof value === 'string' ? null : expected('STRING', value)),
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
  JSON: () => null,
  ARRAY: (value) => (Array.isArray(value) ? null : expected('ARRAY', value)),
};

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
