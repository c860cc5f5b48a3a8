import { describe, expect, it } from 'vitest';
import { parseIsoTimestamp } from './iso-timestamp.ts';

describe('parseIsoTimestamp', () => {
  it('reads dates and date-times as UTC', () => {
    expect(parseIsoTimestamp('1970-01-01T00:00:00Z')).toBe(0);
    expect(parseIsoTimestamp('1970-01-02')).toBe(86_400_000);
    expect(parseIsoTimestamp('1970-01-01T00:01')).toBe(60_000);
    expect(parseIsoTimestamp('1970-01-01 00:00:01')).toBe(1000);
    expect(parseIsoTimestamp('1970-01-01t00:00:01z')).toBe(1000);
    expect(parseIsoTimestamp('1969-12-31T23:59:59.999Z')).toBe(-1);
    expect(parseIsoTimestamp('2024-03-01T12:34:56.789Z')).toBe(1_709_296_496_789);
  });

  it('applies zone offsets', () => {
    expect(parseIsoTimestamp('1970-01-01T01:00:00+01:00')).toBe(0);
    expect(parseIsoTimestamp('1970-01-01T00:00:00-0130')).toBe(5_400_000);
    expect(parseIsoTimestamp('1970-01-01T00:00:00+01')).toBe(-3_600_000);
  });

  it('truncates fractions to milliseconds', () => {
    expect(parseIsoTimestamp('1970-01-01T00:00:00.1239Z')).toBe(123);
    expect(parseIsoTimestamp('1970-01-01T00:00:00,5')).toBe(500);
    expect(parseIsoTimestamp('1970-01-01T00:00:00.999999999Z')).toBe(999);
  });

  it('knows leap years and far years', () => {
    expect(parseIsoTimestamp('2024-02-29')).toBe(1_709_164_800_000);
    expect(parseIsoTimestamp('2000-02-29')).toBe(951_782_400_000);
    expect(parseIsoTimestamp('0001-01-01T00:00:00Z')).toBe(-62_135_596_800_000);
    expect(parseIsoTimestamp('0050-01-01')).toBe(-60_589_296_000_000);
  });

  it('rejects anything malformed or out of range', () => {
    const bad = [
      '',
      'not a date',
      '2024-1-1',
      '2024-02-30',
      '2023-02-29',
      '1900-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-01-01T24:00',
      '2024-01-01T12:60',
      '2024-01-01T12:00:60',
      '2024-01-01T12',
      '2024-01-01X12:00',
      '2024-01-01T12:00Zjunk',
      '2024-01-01T12:00:00.',
      '2024-01-01T12:00+1',
      '2024-01-01T12:00+24:00',
      ' 2024-01-01',
      '2024-01-01 ',
    ];
    for (const text of bad) expect(parseIsoTimestamp(text), text).toBeNull();
  });
});
