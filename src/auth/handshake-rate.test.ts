import { describe, expect, it } from 'vitest';
import { ManualClock } from '../util/index.ts';
import { createHandshakeRate } from './handshake-rate.ts';

describe('createHandshakeRate', () => {
  it('admits a burst per address, then the refill rate', () => {
    const clock = new ManualClock(0);
    const rate = createHandshakeRate({ ratePerSec: 10, burst: 3, now: () => clock.now() });
    expect([1, 2, 3, 4].map(() => rate.tryAdmit('10.0.0.1'))).toEqual([true, true, true, false]);
    // Another address is not affected.
    expect(rate.tryAdmit('10.0.0.2')).toBe(true);
    expect(rate.retryAfterMs('10.0.0.1')).toBe(100);
    clock.advance(100);
    expect(rate.tryAdmit('10.0.0.1')).toBe(true);
    expect(rate.tryAdmit('10.0.0.1')).toBe(false);
  });

  it('drops the buckets of idle addresses once many are tracked', () => {
    const clock = new ManualClock(0);
    const rate = createHandshakeRate({ ratePerSec: 10, burst: 2, now: () => clock.now() });
    for (let i = 0; i < 10_000; i++) rate.tryAdmit(`a${i}`);
    expect(rate.trackedIps).toBe(10_000);
    rate.tryAdmit('busy');
    rate.tryAdmit('busy');
    clock.advance(1_000);
    rate.tryAdmit('b0');
    // The 10,000 idle addresses refilled and went; 'busy' and 'b0' remain.
    expect(rate.trackedIps).toBeLessThan(10);
    expect(rate.trackedIps).toBeGreaterThanOrEqual(1);
  });
});
