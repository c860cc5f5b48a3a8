import { describe, expect, it } from 'vitest';
import { parseDurationMs } from '../util/index.ts';
import { parseIntervalMs } from './interval.ts';

function durationMs(text: string): number | null {
  try {
    return parseDurationMs(text);
  } catch {
    return null;
  }
}

describe('parseIntervalMs', () => {
  it.each([
    ['250ms', 250],
    ['1s', 1000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
    ['1.5s', 1500],
    ['0ms', 0],
    [' 10 S ', 10_000],
    ['3MS', 3],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseIntervalMs(text)).toBe(ms);
  });

  it.each([
    '',
    '1',
    'ms',
    '1.5ms',
    '-1s',
    '+1s',
    '1e3ms',
    '.5s',
    '1.s',
    '1 s 2',
    '1sec',
    '1w',
    '1 1s',
  ])('rejects %j', (text) => {
    expect(parseIntervalMs(text)).toBeNull();
  });

  it("accepts exactly the forms of util's parseDurationMs, with the same value", () => {
    const alphabet = [
      '0',
      '1',
      '5',
      '9',
      '.',
      ' ',
      '\t',
      'm',
      's',
      'M',
      'S',
      'h',
      'd',
      'D',
      'x',
      '-',
    ];
    let state = 12345;
    const next = (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state >>> 8) % n;
    };
    let matched = 0;
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      for (let length = 1 + next(7); length > 0; length--) text += alphabet[next(alphabet.length)];
      const expected = durationMs(text);
      if (expected !== null) matched++;
      expect(parseIntervalMs(text), JSON.stringify(text)).toBe(expected);
    }
    expect(matched).toBeGreaterThan(200);
  });
});
