import { describe, expect, it } from 'vitest';
import { readOptions, UsageError } from '../../bench/suite/options.ts';

describe('bench options', () => {
  it('reads the defaults and the values given', () => {
    expect(readOptions([])).toMatchObject({ rounds: 3, warmupMs: 2_000, measureMs: 8_000 });
    expect(
      readOptions(['--quick', '--rounds', '2', '--seconds', '0.5', '--subscribers', '10,20']),
    ).toMatchObject({ quick: true, rounds: 2, measureMs: 500, subscribers: [10, 20] });
  });

  it.each([
    [['--rounds', 'x'], "--rounds takes a positive integer, got 'x'"],
    [['--rounds', '1.5'], "--rounds takes a positive integer, got '1.5'"],
    [['--seconds', '0'], "--seconds takes a positive number, got '0'"],
    [['--seconds=-1'], "--seconds takes a positive number, got '-1'"],
    [['--subscribers', '1000,lots'], "--subscribers takes a positive integer, got 'lots'"],
    [['--cpu-prof'], "Option '--cpu-prof <value>' argument missing"],
    [['--bogus'], "Unknown option '--bogus'"],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => readOptions(argv)).toThrow(UsageError);
    expect(() => readOptions(argv)).toThrow(message);
  });
});
