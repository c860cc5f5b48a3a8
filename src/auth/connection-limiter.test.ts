import { describe, expect, it } from 'vitest';
import { VaneError } from '../util/index.ts';
import { createConnectionLimiter } from './connection-limiter.ts';

describe('createConnectionLimiter', () => {
  it('caps concurrent connections per address, independently per address', () => {
    const limiter = createConnectionLimiter({ maxPerIp: 2 });
    expect(limiter.tryAcquire('10.0.0.1')).toBe(true);
    expect(limiter.tryAcquire('10.0.0.1')).toBe(true);
    expect(limiter.tryAcquire('10.0.0.1')).toBe(false);
    expect(limiter.tryAcquire('10.0.0.2')).toBe(true);
    expect(limiter.count('10.0.0.1')).toBe(2);
    expect(limiter.count('10.0.0.2')).toBe(1);
  });

  it('a release frees a slot', () => {
    const limiter = createConnectionLimiter({ maxPerIp: 1 });
    expect(limiter.tryAcquire('::1')).toBe(true);
    expect(limiter.tryAcquire('::1')).toBe(false);
    limiter.release('::1');
    expect(limiter.tryAcquire('::1')).toBe(true);
  });

  it('forgets an address when its count returns to zero', () => {
    const limiter = createConnectionLimiter({ maxPerIp: 5 });
    for (let i = 0; i < 1000; i++) {
      const ip = `10.0.${i >> 8}.${i & 255}`;
      expect(limiter.tryAcquire(ip)).toBe(true);
      expect(limiter.tryAcquire(ip)).toBe(true);
    }
    expect(limiter.trackedIps).toBe(1000);
    for (let i = 0; i < 1000; i++) {
      const ip = `10.0.${i >> 8}.${i & 255}`;
      limiter.release(ip);
      limiter.release(ip);
    }
    expect(limiter.trackedIps).toBe(0);
  });

  it('ignores a release with nothing held, so the cap still holds afterwards', () => {
    const limiter = createConnectionLimiter({ maxPerIp: 1 });
    limiter.release('1.2.3.4');
    limiter.release('1.2.3.4');
    expect(limiter.trackedIps).toBe(0);
    expect(limiter.tryAcquire('1.2.3.4')).toBe(true);
    expect(limiter.tryAcquire('1.2.3.4')).toBe(false);
  });

  it('refuses a cap that is not a positive integer', () => {
    expect(() => createConnectionLimiter({ maxPerIp: 0 })).toThrow(VaneError);
    expect(() => createConnectionLimiter({ maxPerIp: 1.5 })).toThrow(VaneError);
  });
});
