import { describe, expect, it } from 'vitest';
import { Backoff, DEFAULT_BACKOFF } from './backoff.ts';

function delays(backoff: Backoff, count: number): number[] {
  return Array.from({ length: count }, () => backoff.next());
}

describe('Backoff', () => {
  it('doubles from the initial delay up to the cap when the random part is zero', () => {
    const backoff = new Backoff(DEFAULT_BACKOFF, () => 0);
    expect(delays(backoff, 8)).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('takes up to `jitter` of each delay off at random, the cap included', () => {
    const backoff = new Backoff(DEFAULT_BACKOFF, () => 0.96);
    expect(delays(backoff, 8)).toEqual([130, 260, 520, 1040, 2080, 4160, 5200, 5200]);
    const spread = new Backoff({ ...DEFAULT_BACKOFF, jitter: 0.2 }, () => 0.5);
    expect(delays(spread, 3)).toEqual([225, 450, 900]);
  });

  it('stays within [ceiling * (1 - jitter), ceiling] for any random value', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const backoff = new Backoff(DEFAULT_BACKOFF, random);
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const ceiling = Math.min(10_000, 250 * 2 ** attempt);
      const delay = backoff.next();
      expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });

  it('starts over after reset', () => {
    const backoff = new Backoff(DEFAULT_BACKOFF, () => 0);
    delays(backoff, 5);
    backoff.reset();
    expect(delays(backoff, 2)).toEqual([250, 500]);
  });
});
