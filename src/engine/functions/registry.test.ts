import { describe, expect, it } from 'vitest';
import { SCALAR_FUNCTIONS } from './registry.ts';

describe('SCALAR_FUNCTIONS', () => {
  it('holds the dialect, each under its own lowercase name', () => {
    const names = `abs round floor ceil ceiling sqrt ln exp log10 power greatest least lower upper
      length concat substr substring trim replace coalesce nullif json_get sentiment hashtags
      to_timestamp date_trunc epoch_ms`.split(/\s+/);
    for (const name of names) {
      expect(SCALAR_FUNCTIONS.get(name)?.name, name).toBe(name);
    }
    for (const [name, fn] of SCALAR_FUNCTIONS) {
      expect(name).toBe(name.toLowerCase());
      expect(fn.name).toBe(name);
    }
  });

  it('leaves operators and now() to the compiler and planner', () => {
    expect(SCALAR_FUNCTIONS.has('now')).toBe(false);
    expect(SCALAR_FUNCTIONS.has('count')).toBe(false);
  });

  it('accepts a NULL literal wherever a value goes', () => {
    for (const [name, fn] of SCALAR_FUNCTIONS) {
      expect(fn.minArgs).toBeLessThanOrEqual(fn.maxArgs);
      const counts = new Set([fn.minArgs, Math.min(fn.maxArgs, fn.minArgs + 2)]);
      for (const count of counts) {
        const result = fn.check(Array<'NULL'>(count).fill('NULL'));
        expect(typeof result, `${name} with ${count} NULLs`).toBe('string');
      }
    }
  });

  it('reports too few arguments from check as well', () => {
    for (const [name, fn] of SCALAR_FUNCTIONS) {
      expect(fn.minArgs, name).toBeGreaterThan(0);
      expect(fn.check(Array<'NULL'>(fn.minArgs - 1).fill('NULL')), name).toHaveProperty('error');
    }
  });
});
