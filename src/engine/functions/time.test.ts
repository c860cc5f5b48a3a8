import { describe, expect, it } from 'vitest';
import { dateTrunc, epochMs, toTimestamp } from './time.ts';

/** 2024-02-29T13:45:12.345Z, a Thursday. */
const LEAP_DAY = 1_709_214_312_345;

describe('to_timestamp', () => {
  it('takes epoch milliseconds, floored to whole ones', () => {
    expect(toTimestamp.invoke([1_700_000_000_000])).toBe(1_700_000_000_000);
    expect(toTimestamp.invoke([1.9])).toBe(1);
    expect(toTimestamp.invoke([-1.5])).toBe(-2);
  });

  it('takes ISO-8601 strings', () => {
    expect(toTimestamp.invoke(['2024-02-29T13:45:12.345Z'])).toBe(LEAP_DAY);
    expect(toTimestamp.invoke(['2024-02-29T14:45:12.345+01:00'])).toBe(LEAP_DAY);
  });

  it('is NULL for what it cannot read', () => {
    expect(toTimestamp.invoke(['yesterday'])).toBeNull();
    expect(toTimestamp.invoke(['1700000000000'])).toBeNull();
    expect(toTimestamp.invoke([9e15])).toBeNull();
    expect(toTimestamp.invoke([Number.NaN])).toBeNull();
    expect(toTimestamp.invoke([true])).toBeNull();
    expect(toTimestamp.invoke([{ ms: 1 }])).toBeNull();
  });

  it('accepts numbers, strings, timestamps and JSON', () => {
    for (const type of ['BIGINT', 'DOUBLE', 'STRING', 'TIMESTAMP', 'JSON', 'NULL'] as const) {
      expect(toTimestamp.check([type])).toBe('TIMESTAMP');
    }
    expect(toTimestamp.check(['BOOLEAN'])).toEqual({
      error:
        'to_timestamp needs an epoch-milliseconds number, ISO-8601 STRING or JSON argument, got BOOLEAN',
    });
  });
});

describe('date_trunc', () => {
  const trunc = (unit: string, ms: number): unknown => dateTrunc.invoke([unit, ms]);

  it('truncates to each unit in UTC', () => {
    expect(trunc('second', LEAP_DAY)).toBe(Date.UTC(2024, 1, 29, 13, 45, 12));
    expect(trunc('minute', LEAP_DAY)).toBe(Date.UTC(2024, 1, 29, 13, 45));
    expect(trunc('hour', LEAP_DAY)).toBe(Date.UTC(2024, 1, 29, 13));
    expect(trunc('day', LEAP_DAY)).toBe(Date.UTC(2024, 1, 29));
    expect(trunc('week', LEAP_DAY)).toBe(Date.UTC(2024, 1, 26));
    expect(trunc('month', LEAP_DAY)).toBe(Date.UTC(2024, 1, 1));
    expect(trunc('year', LEAP_DAY)).toBe(Date.UTC(2024, 0, 1));
  });

  it('rounds instants before 1970 down, not toward zero', () => {
    expect(trunc('hour', -1)).toBe(-3_600_000);
    expect(trunc('day', -1)).toBe(-86_400_000);
    expect(trunc('week', Date.UTC(1969, 11, 31, 5))).toBe(Date.UTC(1969, 11, 29));
    expect(trunc('week', Date.UTC(1969, 11, 20))).toBe(Date.UTC(1969, 11, 15));
    expect(trunc('month', Date.UTC(1969, 11, 15))).toBe(Date.UTC(1969, 11, 1));
  });

  it('takes plurals and any case, and is NULL for unknown units', () => {
    expect(trunc('HOUR', LEAP_DAY)).toBe(Date.UTC(2024, 1, 29, 13));
    expect(trunc('Days', LEAP_DAY)).toBe(Date.UTC(2024, 1, 29));
    expect(trunc('fortnight', LEAP_DAY)).toBeNull();
  });

  it('needs a unit and a TIMESTAMP', () => {
    expect(dateTrunc.check(['STRING', 'TIMESTAMP'])).toBe('TIMESTAMP');
    expect(dateTrunc.check(['NULL', 'NULL'])).toBe('TIMESTAMP');
    expect(dateTrunc.check(['BIGINT', 'TIMESTAMP'])).toEqual({
      error: 'date_trunc needs a STRING argument for the unit, got BIGINT',
    });
    expect(dateTrunc.check(['STRING', 'BIGINT'])).toEqual({
      error:
        'date_trunc needs a TIMESTAMP argument to truncate, got BIGINT (convert it with to_timestamp)',
    });
    expect(dateTrunc.check(['STRING', 'BOOLEAN'])).toEqual({
      error: 'date_trunc needs a TIMESTAMP argument to truncate, got BOOLEAN',
    });
  });
});

describe('epoch_ms', () => {
  it('is the TIMESTAMP as BIGINT milliseconds', () => {
    expect(epochMs.invoke([LEAP_DAY])).toBe(LEAP_DAY);
    expect(epochMs.check(['TIMESTAMP'])).toBe('BIGINT');
    expect(epochMs.check(['BIGINT'])).toEqual({
      error: 'epoch_ms needs a TIMESTAMP argument, got BIGINT',
    });
  });
});
