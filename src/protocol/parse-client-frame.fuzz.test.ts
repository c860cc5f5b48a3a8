import { describe, expect, it } from 'vitest';
import { parseDurationMs, Prng } from '../util/index.ts';
import { WIRE_ERROR_CODES, isWireErrorCode } from './error-codes.ts';
import type { ClientFrame } from './frames.ts';
import { parseClientFrame } from './parse-client-frame.ts';

/**
 * Seeded robustness checks: random JSON values, mutated valid frames and mutated frame text. Each
 * input is judged by a second, independent reading of the rules (`referenceFrame`, written from
 * docs/protocol.md and using util's parseDurationMs), so the parser may be neither stricter nor
 * more lenient than the contract, and it must never throw.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const KEYS = [
  'type',
  'id',
  'stream',
  'events',
  'view',
  'sql',
  'where',
  'resume',
  'epoch',
  'offset',
  'order_by',
  'limit',
  'interval',
  'sub',
  'symbol',
  '__proto__',
  'constructor',
  'toString',
  '',
];
const STRINGS = [
  '',
  'publish',
  'subscribe',
  'unsubscribe',
  'sql',
  'ping',
  'pong',
  'asc',
  'desc',
  'DESC',
  '1s',
  '250ms',
  '0ms',
  '1.5ms',
  ' 2 M ',
  '7d',
  '5 minutes',
  'x',
  '8',
  'é\u2028"\\',
  '\u0000',
  'a'.repeat(128),
  'a'.repeat(129),
];
const NUMBERS = [0, 1, -1, 1.5, 41, 10_000, 10_001, 2 ** 53 - 1, 2 ** 53, 1e21, -0];

const SEEDS: JsonObject[] = [
  {
    type: 'publish',
    id: '7',
    stream: 'trades',
    events: [{ symbol: 'AAPL', price: 189.2, qty: 10, ts: 1732600000000, trade_id: 't1' }],
  },
  {
    type: 'subscribe',
    id: '8',
    view: 'ohlc_1m',
    where: { symbol: ['AAPL', 'MSFT'], venue: 'X' },
    resume: { epoch: 'e1', offset: 41 },
  },
  {
    type: 'subscribe',
    id: '14',
    view: 'last_price',
    order_by: [
      ['n', 'desc'],
      ['symbol', 'asc'],
    ],
    limit: 10,
    interval: '1s',
  },
  { type: 'subscribe', id: '9', stream: 'trades', where: { symbol: 'AAPL' } },
  { type: 'subscribe', id: '10', sql: 'SELECT 1', order_by: [['n', 'asc']], limit: 3 },
  { type: 'unsubscribe', id: '11', sub: '8' },
  { type: 'sql', id: '12', sql: 'CREATE VIEW v AS SELECT 1;' },
  { type: 'ping', id: '13' },
];

function randomJson(rng: Prng, depth = 0): Json {
  const roll = rng.int(depth >= 3 ? 4 : 6);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return rng.next() < 0.5;
    case 2:
      return rng.pick(NUMBERS);
    case 3:
      return rng.pick(STRINGS);
    case 4:
      return Array.from({ length: rng.int(4) }, () => randomJson(rng, depth + 1));
    default: {
      const object: JsonObject = {};
      for (let i = rng.int(4); i > 0; i--)
        define(object, rng.pick(KEYS), randomJson(rng, depth + 1));
      return object;
    }
  }
}

/** Sets a key as an own data property, so '__proto__' stays data as JSON.parse leaves it. */
function define(object: JsonObject, key: string, value: Json): void {
  Object.defineProperty(object, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function containers(value: Json, found: (Json[] | JsonObject)[] = []): (Json[] | JsonObject)[] {
  if (Array.isArray(value)) {
    found.push(value);
    for (const item of value) containers(item, found);
  } else if (value !== null && typeof value === 'object') {
    found.push(value);
    for (const item of Object.values(value)) containers(item, found);
  }
  return found;
}

function mutate(seed: JsonObject, rng: Prng): Json {
  if (rng.next() < 0.03) return randomJson(rng);
  const copy = JSON.parse(JSON.stringify(seed)) as JsonObject;
  for (let edits = 1 + rng.int(3); edits > 0; edits--) {
    const target = rng.pick(containers(copy));
    if (Array.isArray(target)) {
      const index = rng.int(target.length + 1);
      const op = rng.int(3);
      if (op === 0) target.splice(index, 1);
      else if (op === 1) target[index] = randomJson(rng, 1);
      else target.push(rng.next() < 0.5 ? null : randomJson(rng, 2));
    } else {
      const keys = Object.keys(target);
      const op = rng.int(4);
      if (op === 0 && keys.length > 0) delete target[rng.pick(keys)];
      else if (op === 1 && keys.length > 0) define(target, rng.pick(keys), randomJson(rng, 1));
      else if (op === 2 && keys.length > 0) define(target, rng.pick(keys), null);
      else define(target, rng.pick(KEYS), randomJson(rng, 1));
    }
  }
  return copy;
}

function mutateText(text: string, rng: Prng): string {
  const at = rng.int(text.length + 1);
  switch (rng.int(4)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return (
        text.slice(0, at) +
        rng.pick(['{', '}', '[', ']', '"', ',', ':', '0', 'a', ' ', '\\']) +
        text.slice(at)
      );
    case 2:
      return text.slice(0, at) + text.slice(at + 1);
    default:
      return text.slice(0, at) + text.slice(at, at + 8) + text.slice(at);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const get = (object: Record<string, unknown>, key: string): unknown =>
  Object.hasOwn(object, key) ? object[key] : undefined;
const opt = (object: Record<string, unknown>, key: string): unknown =>
  get(object, key) ?? undefined;
const text = (value: unknown): value is string => typeof value === 'string' && value !== '';
const scalar = (value: unknown): boolean =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);
const validId = (value: unknown): value is string => text(value) && value.length <= 128;

function durationMs(value: string): number | null {
  try {
    return parseDurationMs(value);
  } catch {
    return null;
  }
}

/** The frame the contract says `raw` stands for, or null when the contract rejects it. */
function referenceFrame(raw: unknown, maxEvents = 10_000): ClientFrame | null {
  if (!isObject(raw)) return null;
  const type = get(raw, 'type');
  const id = get(raw, 'id');
  if (!validId(id)) return null;
  switch (type) {
    case 'ping':
      return { type, id };
    case 'unsubscribe': {
      const sub = get(raw, 'sub');
      return text(sub) ? { type, id, sub } : null;
    }
    case 'sql': {
      const sql = get(raw, 'sql');
      return text(sql) ? { type, id, sql } : null;
    }
    case 'publish': {
      const stream = get(raw, 'stream');
      const events = get(raw, 'events');
      if (!text(stream) || !Array.isArray(events)) return null;
      if (events.length > maxEvents || !events.every(isObject)) return null;
      return { type, id, stream, events };
    }
    case 'subscribe': {
      const frame: ClientFrame = { type, id };
      const targets = (['view', 'stream', 'sql'] as const).filter((k) => opt(raw, k) !== undefined);
      if (targets.length !== 1) return null;
      const name = opt(raw, targets[0]!);
      if (!text(name)) return null;
      frame[targets[0]!] = name;
      const where = opt(raw, 'where');
      if (where !== undefined) {
        if (!isObject(where)) return null;
        for (const value of Object.values(where)) {
          const list = Array.isArray(value) ? (value as unknown[]) : [value];
          if (list.length === 0 || !list.every(scalar)) return null;
        }
        frame.where = where;
      }
      const resume = opt(raw, 'resume');
      if (resume !== undefined) {
        if (!isObject(resume)) return null;
        const epoch = get(resume, 'epoch');
        const offset = get(resume, 'offset');
        if (typeof epoch !== 'string' || !Number.isSafeInteger(offset)) return null;
        if ((offset as number) < 0) return null;
        frame.resume = { epoch, offset: offset as number };
      }
      const orderBy = opt(raw, 'order_by');
      const limit = opt(raw, 'limit');
      if ((orderBy === undefined) !== (limit === undefined)) return null;
      if (orderBy !== undefined) {
        if (targets[0] === 'stream' || !Array.isArray(orderBy) || orderBy.length === 0) return null;
        const pairs = orderBy as unknown[];
        const pairOk = (p: unknown) =>
          Array.isArray(p) && p.length === 2 && text(p[0]) && (p[1] === 'asc' || p[1] === 'desc');
        if (!pairs.every(pairOk)) return null;
        if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 10_000) {
          return null;
        }
        frame.order_by = pairs as [string, 'asc' | 'desc'][];
        frame.limit = limit;
      }
      const interval = opt(raw, 'interval');
      if (interval !== undefined) {
        if (typeof interval !== 'string') return null;
        const ms = durationMs(interval);
        if (ms === null || ms <= 0) return null;
        frame.interval = interval;
      }
      return frame;
    }
    default:
      return null;
  }
}

interface Tally {
  accepted: number;
  codes: Set<string>;
}

function check(input: string, tally: Tally, maxEvents?: number): void {
  const parsed =
    maxEvents === undefined
      ? parseClientFrame(input)
      : parseClientFrame(input, { maxEventsPerBatch: maxEvents });
  let raw: unknown;
  let readable = true;
  try {
    raw = JSON.parse(input);
  } catch {
    readable = false;
  }
  const expected = readable ? referenceFrame(raw, maxEvents) : null;
  if (parsed.ok) {
    tally.accepted++;
    expect(expected, `accepted what the contract rejects: ${input}`).not.toBeNull();
    expect(parsed.frame).toEqual(expected);
    const again = parseClientFrame(JSON.stringify(parsed.frame));
    expect(again).toEqual({ ok: true, frame: parsed.frame });
    return;
  }
  const error = parsed.error;
  tally.codes.add(error.code);
  expect(expected, `rejected what the contract accepts: ${input} (${error.message})`).toBeNull();
  expect(error.type).toBe('error');
  expect(isWireErrorCode(error.code)).toBe(true);
  expect(error.temporary).toBe(
    isWireErrorCode(error.code) && WIRE_ERROR_CODES[error.code].temporary,
  );
  expect(typeof error.message).toBe('string');
  expect(error.message.length).toBeGreaterThan(0);
  expect(error.message.length).toBeLessThan(400);
  const id = isObject(raw) ? get(raw, 'id') : undefined;
  if (validId(id)) expect(error.id).toBe(id);
  else expect(Object.hasOwn(error, 'id')).toBe(false);
  expect(
    Object.keys(error).filter(
      (key) => !['type', 'id', 'code', 'message', 'temporary'].includes(key),
    ),
  ).toEqual([]);
  if (!readable) expect(error.code).toBe('BAD_FRAME');
}

describe('parseClientFrame under seeded random input', () => {
  it('agrees with the reference reading on mutated valid frames', () => {
    const rng = new Prng(20_260_101);
    const tally: Tally = { accepted: 0, codes: new Set() };
    for (let i = 0; i < 20_000; i++) {
      check(JSON.stringify(mutate(rng.pick(SEEDS), rng)), tally, i % 10 === 0 ? 2 : undefined);
    }
    expect(tally.accepted).toBeGreaterThan(1000);
    for (const code of [
      'MISSING_FIELD',
      'INVALID_FIELD',
      'UNKNOWN_TYPE',
      'BAD_FRAME',
      'PAYLOAD_TOO_LARGE',
    ]) {
      expect(tally.codes).toContain(code);
    }
  });

  it('agrees with the reference reading on random JSON values', () => {
    const rng = new Prng(7);
    const tally: Tally = { accepted: 0, codes: new Set() };
    for (let i = 0; i < 5_000; i++) check(JSON.stringify(randomJson(rng)), tally);
    expect(tally.codes).toContain('BAD_FRAME');
  });

  it('never throws on mutated frame text', () => {
    const rng = new Prng(99);
    const tally: Tally = { accepted: 0, codes: new Set() };
    for (let i = 0; i < 10_000; i++) {
      let input = JSON.stringify(rng.pick(SEEDS));
      for (let edits = 1 + rng.int(3); edits > 0; edits--) input = mutateText(input, rng);
      check(input, tally);
    }
    expect(tally.accepted).toBeGreaterThan(0);
    expect(tally.codes).toContain('BAD_FRAME');
  });
});
