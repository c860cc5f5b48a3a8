import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../util/index.ts';
import {
  WIRE_ERROR_CODES,
  createErrorFrame,
  isWireErrorCode,
  type ErrorCodeInfo,
  type WireErrorCode,
} from './error-codes.ts';

// Compile-time: every engine code is a wire code (tsc fails here if one is added to util only).
const engineCodesOnTheWire: Record<ErrorCode, ErrorCodeInfo> = WIRE_ERROR_CODES;

const codes = Object.keys(WIRE_ERROR_CODES) as WireErrorCode[];

describe('WIRE_ERROR_CODES', () => {
  it('holds exactly the published codes (codes are never renamed or removed)', () => {
    expect([...codes].sort()).toEqual(
      [
        'ALREADY_EXISTS',
        'BAD_FRAME',
        'CORRUPT_STATE',
        'DEPENDENT_OBJECTS',
        'DUPLICATE_ID',
        'FORBIDDEN',
        'FRAME_TOO_BIG',
        'INTERNAL',
        'INVALID_ARGUMENT',
        'INVALID_EVENT',
        'INVALID_FIELD',
        'INVALID_OPTION',
        'MISSING_FIELD',
        'OVERLOADED',
        'PAYLOAD_TOO_LARGE',
        'RATE_LIMITED',
        'SHUTTING_DOWN',
        'SQL_SYNTAX',
        'SQL_TYPE',
        'SQL_UNSUPPORTED',
        'STORAGE_ERROR',
        'UNAUTHORIZED',
        'UNKNOWN_COLUMN',
        'UNKNOWN_FUNCTION',
        'UNKNOWN_STREAM',
        'UNKNOWN_SUBSCRIPTION',
        'UNKNOWN_TYPE',
        'UNKNOWN_VIEW',
      ].sort(),
    );
  });

  it("includes every code of util's ErrorCode, read from its source", () => {
    const source = readFileSync(new URL('../util/errors.ts', import.meta.url), 'utf8');
    const union = /export type ErrorCode =([^;]*);/.exec(source)?.[1] ?? '';
    const engineCodes = [...union.matchAll(/'([A-Z_]+)'/g)].map((match) => match[1]!);
    expect(engineCodes.length).toBeGreaterThan(10);
    expect(codes).toEqual(expect.arrayContaining(engineCodes));
    expect(Object.keys(engineCodesOnTheWire)).toEqual(expect.arrayContaining(engineCodes));
  });

  it('marks exactly the overload and shutdown codes temporary', () => {
    const temporary = codes.filter((code) => WIRE_ERROR_CODES[code].temporary);
    expect(temporary.sort()).toEqual(['OVERLOADED', 'RATE_LIMITED', 'SHUTTING_DOWN']);
  });

  it('gives every code a one-line meaning and an HTTP error status', () => {
    for (const code of codes) {
      const info: ErrorCodeInfo = WIRE_ERROR_CODES[code];
      expect(code).toMatch(/^[A-Z]+(_[A-Z]+)*$/);
      expect(info.meaning).toMatch(/^[a-z'][^\n]{10,100}$/);
      expect(info.httpStatus).toBeGreaterThanOrEqual(400);
      expect(info.httpStatus).toBeLessThan(600);
    }
    expect(WIRE_ERROR_CODES.OVERLOADED.httpStatus).toBe(429);
    expect(WIRE_ERROR_CODES.PAYLOAD_TOO_LARGE.httpStatus).toBe(413);
  });

  it('is listed in docs/protocol.md with the same meaning, temporary flag and status', () => {
    const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
    const rows = new Map(
      [...doc.matchAll(/^\| `([A-Z_]+)` \| ([^\n]*) \| (yes|no) \| (\d{3}) \|$/gm)].map((match) => [
        match[1]!,
        {
          meaning: match[2]!.replaceAll('`', ''),
          temporary: match[3] === 'yes',
          httpStatus: Number(match[4]),
        },
      ]),
    );
    for (const code of codes) {
      expect(rows.get(code), code).toEqual(WIRE_ERROR_CODES[code]);
    }
    expect([...rows.keys()].sort()).toEqual([...codes].sort());
  });
});

describe('isWireErrorCode', () => {
  it('knows catalog codes and nothing inherited', () => {
    expect(isWireErrorCode('INVALID_EVENT')).toBe(true);
    expect(isWireErrorCode('SOMETHING_NEW')).toBe(false);
    expect(isWireErrorCode('toString')).toBe(false);
    expect(isWireErrorCode('__proto__')).toBe(false);
  });
});

describe('createErrorFrame', () => {
  it('takes temporary from the catalog and leaves out absent context', () => {
    expect(createErrorFrame('OVERLOADED', 'ingest backlog is full')).toEqual({
      type: 'error',
      code: 'OVERLOADED',
      message: 'ingest backlog is full',
      temporary: true,
    });
    const frame = createErrorFrame('INVALID_EVENT', 'event 3: price: expected DOUBLE, got string', {
      id: '7',
      sub: undefined,
    });
    expect(JSON.stringify(frame)).toBe(
      '{"type":"error","id":"7","code":"INVALID_EVENT","message":"event 3: price: expected DOUBLE, got string","temporary":false}',
    );
  });

  it('carries the subscription it ends and the SQL position', () => {
    expect(
      JSON.stringify(
        createErrorFrame('SQL_SYNTAX', 'x', { id: '1', sub: '1', line: 2, column: 5 }),
      ),
    ).toBe(
      '{"type":"error","id":"1","sub":"1","code":"SQL_SYNTAX","message":"x","temporary":false,"line":2,"column":5}',
    );
  });
});
