import { describe, expect, it } from 'vitest';
import { ManualClock, VaneError } from '../util/index.ts';
import { createTokenBucket } from './rate-limiter.ts';

function bucket(ratePerSec: number, burst: number) {
  const clock = new ManualClock(1_000_000);
  return { clock, bucket: createTokenBucket({ ratePerSec, burst, now: () => clock.now() }) };
}

describe('createTokenBucket', () => {
  it('starts full: burst takes succeed at once, the next fails', () => {
    const { bucket: b } = bucket(100, 200);
    for (let i = 0; i < 200; i++) expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
  });

  it('refills at ratePerSec: 10/s gives one token per 100 ms', () => {
    const { clock, bucket: b } = bucket(10, 5);
    expect(b.take(5)).toBe(true);
    clock.advance(99);
    expect(b.take()).toBe(false);
    clock.advance(1);
    expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
    clock.advance(250);
    expect(b.take(2)).toBe(true);
    expect(b.take(0.5)).toBe(true);
    expect(b.take(0.5)).toBe(false);
  });

  it('never holds more than burst, however long it idles', () => {
    const { clock, bucket: b } = bucket(1000, 3);
    clock.advance(3_600_000);
    expect(b.take(3)).toBe(true);
    expect(b.take(1)).toBe(false);
  });

  it('a failed take takes nothing', () => {
    const { clock, bucket: b } = bucket(1, 10);
    expect(b.take(11)).toBe(false);
    expect(b.take(10)).toBe(true);
    clock.advance(3000);
    expect(b.take(4)).toBe(false);
    expect(b.take(3)).toBe(true);
  });

  it('counts bytes: 1 MiB/s with a 2 MiB burst', () => {
    const MiB = 1024 * 1024;
    const { clock, bucket: b } = bucket(MiB, 2 * MiB);
    expect(b.take(1.5 * MiB)).toBe(true);
    expect(b.take(MiB)).toBe(false);
    clock.advance(500);
    expect(b.take(MiB)).toBe(true);
    expect(b.take(1)).toBe(false);
  });

  it('a clock stepping back adds nothing and takes nothing away', () => {
    const { clock, bucket: b } = bucket(10, 2);
    expect(b.take(2)).toBe(true);
    clock.advance(-10_000);
    expect(b.take()).toBe(false);
    clock.advance(10_100);
    expect(b.take()).toBe(true);
  });

  it('retryAfterMs says when a take would succeed', () => {
    const { clock, bucket: b } = bucket(10, 5);
    expect(b.retryAfterMs()).toBe(0);
    expect(b.take(5)).toBe(true);
    expect(b.retryAfterMs()).toBe(100);
    expect(b.retryAfterMs(3)).toBe(300);
    expect(b.retryAfterMs(6)).toBe(Infinity);
    clock.advance(40);
    expect(b.retryAfterMs()).toBe(60);
    clock.advance(60);
    expect(b.retryAfterMs()).toBe(0);
  });

  it('refuses bad options and negative counts', () => {
    const now = () => 0;
    expect(() => createTokenBucket({ ratePerSec: 0, burst: 1, now })).toThrow(VaneError);
    expect(() => createTokenBucket({ ratePerSec: 1, burst: 0.5, now })).toThrow(VaneError);
    expect(() => createTokenBucket({ ratePerSec: NaN, burst: 1, now })).toThrow(VaneError);
    const b = createTokenBucket({ ratePerSec: 1, burst: 1, now });
    expect(() => b.take(-1)).toThrow(/token count/);
    expect(() => b.take(NaN)).toThrow(/token count/);
  });
});
