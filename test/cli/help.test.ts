/**
 * `--help` of every command, and of `vane` itself, prints usage and an "Examples:" section whose
 * examples run that command; exit code 0, nothing on stderr.
 */
import { describe, it } from 'vitest';
import { runVane } from './run-vane.ts';

/** The command line, and what each example of its help must run. */
const COMMANDS: [string, string][] = [
  ['--help', 'vane '],
  ['', 'vane '],
  ['sql --help', 'vane sql '],
  ['types --help', 'vane types '],
  ['publish --help', 'vane publish '],
  ['tail --help', 'vane tail '],
  ['serve --help', 'vane serve '],
  ['demo -h', 'vane demo'],
  ['check --help', 'vane check '],
];

describe('--help', () => {
  // Concurrently: each run is mostly the child's start-up.
  it.concurrent.for(COMMANDS)(
    'vane %s prints usage and examples',
    async ([line, runs], { expect }) => {
      const run = await runVane(line === '' ? [] : line.split(' '));
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^Usage: vane /m);
      const examples = /^Examples:\n((?: {2}.*\n?)+)/m.exec(run.stdout);
      expect(examples, run.stdout).not.toBeNull();
      const lines = examples![1]!.split('\n').filter((text) => text.includes(runs));
      expect(lines.length, examples![1]).toBeGreaterThanOrEqual(2);
    },
  );
});
