import { createErrorFrame, type WireErrorCode } from './error-codes.ts';
import type {
  ClientFrame,
  ErrorFrame,
  PublishFrame,
  ResumePoint,
  SubscribeFrame,
  WhereFilter,
  WireRow,
} from './frames.ts';
import { parseIntervalMs } from './interval.ts';
import { DEFAULT_LIMITS, PROTOCOL_RULES } from './limits.ts';

export interface ParseLimits {
  /**
   * Most events in one publish frame; more is PAYLOAD_TOO_LARGE.
   * @default DEFAULT_LIMITS.maxEventsPerBatch (10,000)
   */
  maxEventsPerBatch?: number;
}

export type ParseResult = { ok: true; frame: ClientFrame } | { ok: false; error: ErrorFrame };

type JsonObject = Record<string, unknown>;
type ClientType = ClientFrame['type'];

const CLIENT_TYPES: readonly ClientType[] = ['publish', 'subscribe', 'unsubscribe', 'sql', 'ping'];
const TARGETS = ['view', 'stream', 'sql'] as const;
const QUOTE_MAX_CHARS = 40;

/** Thrown by the validators below and turned into an error frame by `parseClientFrame` only. */
class Rejection extends Error {
  constructor(
    readonly code: WireErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads one client text frame (SPEC §4) into a typed frame, or the error frame to send back. It
 * never throws: malformed input of any shape becomes an error frame that echoes the request's `id`
 * when a valid one could be read. Only the first problem is reported, checking `type`, `id`, then
 * the frame's fields in the order of their declaration in frames.ts.
 *
 * The frame returned holds only the known fields (unknown ones are dropped) and leaves out optional
 * fields sent as `null`. `events` and `where` are the parsed objects themselves: event fields are
 * validated by ingest against the stream's schema, and `where` columns by the hub against the key.
 *
 * @example
 * const parsed = parseClientFrame(text, { maxEventsPerBatch: 5000 });
 * if (!parsed.ok) return socket.send(encodeFrame(parsed.error));
 */
export function parseClientFrame(text: string, limits: ParseLimits = {}): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      error: createErrorFrame('BAD_FRAME', `frame is not valid JSON: ${reason}`),
    };
  }
  return readClientFrame(value, limits);
}

/**
 * Validates a frame already decoded (the MessagePack variant decodes binary frames; JSON text
 * goes through `parseClientFrame`). `value` must be plain JSON data (msgpack.ts isPlainJson).
 */
export function readClientFrame(value: unknown, limits: ParseLimits = {}): ParseResult {
  if (!isObject(value)) {
    const message = `frame must be a JSON object (got ${kind(value)})`;
    return { ok: false, error: createErrorFrame('BAD_FRAME', message) };
  }
  try {
    return { ok: true, frame: readFrame(value, limits) };
  } catch (error) {
    if (!(error instanceof Rejection)) throw error;
    return { ok: false, error: createErrorFrame(error.code, error.message, { id: echoId(value) }) };
  }
}

function readFrame(frame: JsonObject, limits: ParseLimits): ClientFrame {
  const type = readType(frame);
  const id = readId(frame, type);
  switch (type) {
    case 'publish':
      return readPublish(frame, id, limits.maxEventsPerBatch ?? DEFAULT_LIMITS.maxEventsPerBatch);
    case 'subscribe':
      return readSubscribe(frame, id);
    case 'unsubscribe':
      return { type, id, sub: requireString(frame, type, 'sub') };
    case 'sql':
      return { type, id, sql: requireString(frame, type, 'sql') };
    case 'ping':
      return { type, id };
  }
}

function readType(frame: JsonObject): ClientType {
  const type = own(frame, 'type');
  if (type === undefined) throw new Rejection('MISSING_FIELD', "frame: 'type' is required");
  if (typeof type !== 'string') {
    throw new Rejection('INVALID_FIELD', `frame: 'type' must be a string (got ${kind(type)})`);
  }
  const known = CLIENT_TYPES.find((candidate) => candidate === type);
  if (known === undefined) {
    throw new Rejection(
      'UNKNOWN_TYPE',
      `unknown frame type ${quote(type)}; expected publish, subscribe, unsubscribe, sql or ping`,
    );
  }
  return known;
}

function readId(frame: JsonObject, type: ClientType): string {
  const id = requireString(frame, type, 'id');
  if (id.length > PROTOCOL_RULES.maxIdLength) {
    throw new Rejection(
      'INVALID_FIELD',
      `${type}: 'id' must be at most ${PROTOCOL_RULES.maxIdLength} characters (got ${id.length})`,
    );
  }
  return id;
}

/** The id to echo in an error frame: only one that would itself pass validation. */
function echoId(frame: JsonObject): string | undefined {
  const id = own(frame, 'id');
  return typeof id === 'string' && id.length > 0 && id.length <= PROTOCOL_RULES.maxIdLength
    ? id
    : undefined;
}

function readPublish(frame: JsonObject, id: string, maxEvents: number): PublishFrame {
  const stream = requireString(frame, 'publish', 'stream');
  const events = own(frame, 'events');
  if (events === undefined) throw new Rejection('MISSING_FIELD', "publish: 'events' is required");
  if (!Array.isArray(events)) {
    throw new Rejection(
      'INVALID_FIELD',
      `publish: 'events' must be an array of objects (got ${kind(events)})`,
    );
  }
  if (events.length > maxEvents) {
    throw new Rejection(
      'PAYLOAD_TOO_LARGE',
      `publish: 'events' holds ${events.length} events; at most ${maxEvents} are allowed per batch`,
    );
  }
  for (let index = 0; index < events.length; index++) {
    const event: unknown = events[index];
    if (!isObject(event)) {
      throw new Rejection(
        'INVALID_FIELD',
        `publish: 'events' must be an array of objects (item ${index} is ${kind(event)})`,
      );
    }
  }
  return { type: 'publish', id, stream, events: events as WireRow[] };
}

function readSubscribe(frame: JsonObject, id: string): SubscribeFrame {
  const targets = TARGETS.filter((target) => optional(frame, target) !== undefined);
  if (targets.length === 0) {
    throw new Rejection('MISSING_FIELD', "subscribe: one of 'view', 'stream' or 'sql' is required");
  }
  if (targets.length > 1) {
    throw new Rejection(
      'INVALID_FIELD',
      `subscribe: give exactly one of 'view', 'stream' or 'sql' (got ${listNames(targets)})`,
    );
  }
  const target = targets[0]!;
  const result: SubscribeFrame = { type: 'subscribe', id };
  result[target] = requireString(frame, 'subscribe', target);

  const where = optional(frame, 'where');
  if (where !== undefined) result.where = readWhere(where);
  const resume = optional(frame, 'resume');
  if (resume !== undefined) result.resume = readResume(resume);

  const orderBy = optional(frame, 'order_by');
  const limit = optional(frame, 'limit');
  if (orderBy !== undefined || limit !== undefined) {
    if (target === 'stream') {
      throw new Rejection(
        'INVALID_FIELD',
        "subscribe: 'order_by' and 'limit' need a 'view' or 'sql' subscription, not a 'stream'",
      );
    }
    if (orderBy === undefined) {
      throw new Rejection('MISSING_FIELD', "subscribe: 'limit' needs 'order_by'");
    }
    result.order_by = readOrderBy(orderBy);
    if (limit === undefined) {
      throw new Rejection('MISSING_FIELD', "subscribe: 'order_by' needs 'limit'");
    }
    result.limit = readLimit(limit);
  }

  const interval = optional(frame, 'interval');
  if (interval !== undefined) result.interval = readInterval(interval);
  return result;
}

function readWhere(where: unknown): WhereFilter {
  if (!isObject(where)) {
    throw new Rejection(
      'INVALID_FIELD',
      `subscribe: 'where' must be an object of column: value or [values] (got ${kind(where)})`,
    );
  }
  for (const [column, accepted] of Object.entries(where)) {
    const name = `'where.${clip(column)}'`;
    if (Array.isArray(accepted)) {
      if (accepted.length === 0) {
        throw new Rejection('INVALID_FIELD', `subscribe: ${name} must not be an empty list`);
      }
      const bad = accepted.findIndex((item) => !isScalar(item));
      if (bad >= 0) {
        throw new Rejection(
          'INVALID_FIELD',
          `subscribe: ${name} must be a value or a list of values (item ${bad} is ${kind(accepted[bad])})`,
        );
      }
    } else if (!isScalar(accepted)) {
      throw new Rejection(
        'INVALID_FIELD',
        `subscribe: ${name} must be a value or a list of values (got ${kind(accepted)})`,
      );
    }
  }
  return where;
}

function readResume(resume: unknown): ResumePoint {
  if (!isObject(resume)) {
    throw new Rejection(
      'INVALID_FIELD',
      `subscribe: 'resume' must be an object {epoch, offset} (got ${kind(resume)})`,
    );
  }
  const epoch = own(resume, 'epoch');
  if (epoch === undefined) {
    throw new Rejection('MISSING_FIELD', "subscribe: 'resume.epoch' is required");
  }
  if (typeof epoch !== 'string') {
    throw new Rejection(
      'INVALID_FIELD',
      `subscribe: 'resume.epoch' must be a string (got ${kind(epoch)})`,
    );
  }
  const offset = own(resume, 'offset');
  if (offset === undefined) {
    throw new Rejection('MISSING_FIELD', "subscribe: 'resume.offset' is required");
  }
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw new Rejection(
      'INVALID_FIELD',
      `subscribe: 'resume.offset' must be a non-negative integer (got ${describe(offset)})`,
    );
  }
  return { epoch, offset };
}

function readOrderBy(orderBy: unknown): [string, 'asc' | 'desc'][] {
  if (!Array.isArray(orderBy) || orderBy.length === 0) {
    throw new Rejection(
      'INVALID_FIELD',
      `subscribe: 'order_by' must be a non-empty array of [column, 'asc' | 'desc'] pairs (got ${Array.isArray(orderBy) ? 'an empty array' : kind(orderBy)})`,
    );
  }
  return orderBy.map((item: unknown, index) => {
    const problem = orderByItemProblem(item);
    if (problem !== null) {
      throw new Rejection(
        'INVALID_FIELD',
        `subscribe: 'order_by' item ${index} must be [column, 'asc' | 'desc'] (${problem})`,
      );
    }
    return item as [string, 'asc' | 'desc'];
  });
}

function orderByItemProblem(item: unknown): string | null {
  if (!Array.isArray(item)) return `got ${kind(item)}`;
  if (item.length !== 2) return `got an array of ${plural(item.length, 'item')}`;
  const [column, direction] = item as unknown[];
  if (typeof column !== 'string') return `its column is ${kind(column)}`;
  if (column === '') return 'its column is empty';
  if (direction !== 'asc' && direction !== 'desc') return `its direction is ${describe(direction)}`;
  return null;
}

function readLimit(limit: unknown): number {
  if (
    typeof limit !== 'number' ||
    !Number.isInteger(limit) ||
    limit < 1 ||
    limit > PROTOCOL_RULES.maxTopNLimit
  ) {
    throw new Rejection(
      'INVALID_FIELD',
      `subscribe: 'limit' must be an integer from 1 to ${PROTOCOL_RULES.maxTopNLimit} (got ${describe(limit)})`,
    );
  }
  return limit;
}

function readInterval(interval: unknown): string {
  if (typeof interval !== 'string') {
    throw new Rejection(
      'INVALID_FIELD',
      `subscribe: 'interval' must be a duration string such as '250ms', '1s' or '2m' (got ${kind(interval)})`,
    );
  }
  const ms = parseIntervalMs(interval);
  if (ms === null) {
    throw new Rejection(
      'INVALID_FIELD',
      `subscribe: 'interval' must be a whole number of milliseconds written as a number and a unit (ms, s, m, h or d), such as '250ms', '1s' or '2m' (got ${quote(interval)})`,
    );
  }
  if (ms === 0) {
    throw new Rejection(
      'INVALID_FIELD',
      `subscribe: 'interval' must be longer than 0ms (got ${quote(interval)})`,
    );
  }
  return interval;
}

/** A required string field: absent is MISSING_FIELD; null, another type or '' is INVALID_FIELD. */
function requireString(frame: JsonObject, type: ClientType, name: string): string {
  const value = own(frame, name);
  if (value === undefined) throw new Rejection('MISSING_FIELD', `${type}: '${name}' is required`);
  if (typeof value !== 'string') {
    throw new Rejection(
      'INVALID_FIELD',
      `${type}: '${name}' must be a string (got ${kind(value)})`,
    );
  }
  if (value === '') throw new Rejection('INVALID_FIELD', `${type}: '${name}' must not be empty`);
  return value;
}

/** An own field only: JSON objects inherit from Object.prototype ('constructor', 'toString'). */
function own(object: JsonObject, name: string): unknown {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}

/** An optional field: `null` counts as absent, as clients in many languages send it. */
function optional(object: JsonObject, name: string): unknown {
  const value = own(object, name);
  return value === null ? undefined : value;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): boolean {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  );
}

/** The JSON type of a value with its article, for messages ("item 3 is a string"). */
function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/** A short rendering of a value for messages; never recurses into (possibly deep) containers. */
function describe(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return kind(value);
}

function quote(text: string): string {
  return `'${clip(text)}'`;
}

/** Echoed client text is bounded so an error frame stays small whatever was sent. */
function clip(text: string): string {
  return text.length > QUOTE_MAX_CHARS ? `${text.slice(0, QUOTE_MAX_CHARS)}…` : text;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function listNames(names: readonly string[]): string {
  const quoted = names.map((name) => `'${name}'`);
  return quoted.length <= 2
    ? quoted.join(' and ')
    : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]!}`;
}
