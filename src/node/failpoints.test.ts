import { describe, expect, it } from 'vitest';
import { failpointsFromEnv, parseFailpoints } from './failpoints.ts';

describe('failpoints', () => {
  it('die at the Nth hit of an armed point only', () => {
    let deaths: string[] = [];
    const reach = failpointsFromEnv(
      { VANE_TEST_FAILPOINTS: '1', VANE_FAILPOINTS: 'checkpoint.inside@3, ingest.after-append' },
      () => deaths.push('died'),
    );
    reach('checkpoint.before');
    reach('checkpoint.inside');
    reach('checkpoint.inside');
    expect(deaths).toEqual([]);
    reach('checkpoint.inside');
    expect(deaths).toEqual(['died']);
    deaths = [];
    reach('ingest.after-append');
    expect(deaths).toEqual(['died']);
  });

  it('are ignored without VANE_TEST_FAILPOINTS=1', () => {
    let died = false;
    const reach = failpointsFromEnv({ VANE_FAILPOINTS: 'checkpoint.before' }, () => (died = true));
    reach('checkpoint.before');
    expect(died).toBe(false);
  });

  it('reject unknown names and bad counts', () => {
    expect(() => parseFailpoints('checkpoint.befor')).toThrow(
      /unknown failpoint 'checkpoint.befor'/,
    );
    expect(() => parseFailpoints('checkpoint.before@0')).toThrow(/count of 1 or more/);
    expect(() => parseFailpoints('checkpoint.before@x')).toThrow(/count/);
    expect(parseFailpoints('checkpoint.after@2')).toEqual(new Map([['checkpoint.after', 2]]));
  });
});
