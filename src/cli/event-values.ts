import { parseTimestamp } from '../engine/index.ts';
import type { WireColumn } from '../protocol/index.ts';

/**
 * Turning input values into event fields of a stream's column types, as the server's ingest
 * checks them (docs/sql.md "Ingest"), so a bad value is reported with its input line before it
 * is sent. Pure.
 */

/** What `vane publish` needs to know about the target stream (GET /v1/streams). */
export interface StreamShape {
  name: string;
  columns: readonly WireColumn[];
  /** The event-time column; an event without it is refused. */
  timestamp: string | null;
  /** The de-duplication column, if any. */
  id: string | null;
}

export type Converted = { value: unknown } | { problem: string };

/**
 * A CSV cell as a value of `type`: empty → null; numbers, booleans (true/false, t/f, 1/0, yes/no),
 * timestamps as epoch ms or ISO-8601 (sent as epoch ms); JSON cells are parsed, and text that is
 * not JSON is taken as a JSON string; ARRAY cells must be JSON arrays.
 */
export function csvCellValue(text: string, type: string): Converted {
  if (text === '') return { value: null };
  switch (type) {
    case 'STRING':
      return { value: text };
    case 'DOUBLE': {
      const value = Number(text);
      return text.trim() !== '' && Number.isFinite(value)
        ? { value }
        : { problem: `${quote(text)} is not a number (DOUBLE)` };
    }
    case 'BIGINT': {
      const value = Number(text);
      return text.trim() !== '' && Number.isSafeInteger(value)
        ? { value }
        : { problem: `${quote(text)} is not a whole number (BIGINT)` };
    }
    case 'BOOLEAN': {
      const value = BOOLEAN_WORDS.get(text.trim().toLowerCase());
      return value === undefined
        ? { problem: `${quote(text)} is not a boolean (true/false)` }
        : { value };
    }
    case 'TIMESTAMP': {
      const trimmed = text.trim();
      const ms = /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : parseTimestamp(trimmed);
      return ms === null || parseTimestamp(ms) === null
        ? { problem: `${quote(text)} is not a timestamp (ISO-8601 or epoch milliseconds)` }
        : { value: ms };
    }
    case 'JSON':
      try {
        return { value: JSON.parse(text) as unknown };
      } catch {
        return { value: text };
      }
    case 'ARRAY': {
      const value = parseJsonOrUndefined(text);
      return Array.isArray(value)
        ? { value }
        : { problem: `${quote(text)} is not a JSON array (ARRAY)` };
    }
    default:
      return { value: text };
  }
}

/** Why a JSON field value does not fit `type` (null and absent always fit), or null. */
export function jsonValueProblem(value: unknown, type: string): string | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'STRING':
      return typeof value === 'string' ? null : expected('a string (STRING)', value);
    case 'DOUBLE':
      return typeof value === 'number' && Number.isFinite(value)
        ? null
        : expected('a number (DOUBLE)', value);
    case 'BIGINT':
      return Number.isSafeInteger(value) ? null : expected('a whole number (BIGINT)', value);
    case 'BOOLEAN':
      return typeof value === 'boolean' ? null : expected('true or false (BOOLEAN)', value);
    case 'TIMESTAMP':
      return parseTimestamp(value) === null
        ? expected('epoch milliseconds or an ISO-8601 string (TIMESTAMP)', value)
        : null;
    case 'ARRAY':
      return Array.isArray(value) ? null : expected('an array (ARRAY)', value);
    default:
      return null;
  }
}

/** The first problem of an NDJSON event against the stream's columns, naming the field. */
export function eventProblem(event: Record<string, unknown>, stream: StreamShape): string | null {
  for (const column of stream.columns) {
    const problem = jsonValueProblem(event[column.name], column.type);
    if (problem !== null) return `${column.name}: ${problem}`;
  }
  if (stream.timestamp !== null && (event[stream.timestamp] ?? null) === null) {
    return `${stream.timestamp}: missing (the stream's event time)`;
  }
  return null;
}

/** A CSV problem names the cell: its column name and 1-based position in the row. */
export interface CellProblem {
  column: number;
  name: string;
  problem: string;
}

/**
 * One CSV record as an event, by the header's column names. Header columns the stream does not
 * have are left out (the server would ignore them); stream columns the header lacks are absent.
 */
export function csvRecordToEvent(
  record: readonly string[],
  header: readonly string[],
  types: ReadonlyMap<string, string>,
): { event: Record<string, unknown> } | CellProblem {
  const event: Record<string, unknown> = {};
  for (let c = 0; c < header.length; c++) {
    const name = header[c]!;
    const type = types.get(name);
    if (type === undefined) continue;
    const converted = csvCellValue(record[c] ?? '', type);
    if ('problem' in converted) return { column: c + 1, name, problem: converted.problem };
    event[name] = converted.value;
  }
  return { event };
}

const BOOLEAN_WORDS = new Map<string, boolean>([
  ['true', true],
  ['t', true],
  ['1', true],
  ['yes', true],
  ['false', false],
  ['f', false],
  ['0', false],
  ['no', false],
]);

function expected(what: string, value: unknown): string {
  const shown = typeof value === 'string' ? quote(value) : JSON.stringify(value);
  return `expected ${what}, got ${shown.length > 40 ? `${shown.slice(0, 39)}…` : shown}`;
}

function quote(text: string): string {
  return `'${text.length > 40 ? `${text.slice(0, 39)}…` : text}'`;
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
