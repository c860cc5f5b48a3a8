import { VaneError } from '../util/index.ts';

export interface TokenBucketOptions {
  /** Tokens added per second (messages/s, or bytes/s when each take is a message's size). */
  ratePerSec: number;
  /** Capacity: the most that can be taken at once after an idle spell. The bucket starts full. */
  burst: number;
  /** Milliseconds; only differences matter. A clock that steps back adds nothing. */
  now: () => number;
}

export interface TokenBucket {
  /** Takes `n` tokens if that many are available and says whether it did; takes none otherwise. */
  take(n?: number): boolean;
  /** How long until `n` tokens are available: 0 when `take(n)` would succeed now (for Retry-After). */
  retryAfterMs(n?: number): number;
}

/**
 * A token bucket: refills continuously at `ratePerSec` up to `burst`. O(1) per call with no
 * timers; the refill is computed lazily from the time elapsed since the last call. A take larger
 * than `burst` can never succeed, so callers must cap a single message below the byte burst.
 */
export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  const { ratePerSec, burst, now } = options;
  if (!(Number.isFinite(ratePerSec) && ratePerSec > 0)) {
    throw new VaneError(
      'INVALID_OPTION',
      `ratePerSec must be a positive number, got ${ratePerSec}`,
    );
  }
  if (!(Number.isFinite(burst) && burst >= 1)) {
    throw new VaneError('INVALID_OPTION', `burst must be a number >= 1, got ${burst}`);
  }
  let tokens = burst;
  let lastMs = now();

  function refill(): void {
    const nowMs = now();
    if (nowMs > lastMs) {
      tokens = Math.min(burst, tokens + ((nowMs - lastMs) * ratePerSec) / 1000);
      lastMs = nowMs;
    }
  }

  function checkCount(n: number): void {
    if (!(Number.isFinite(n) && n >= 0)) {
      throw new VaneError('INVALID_ARGUMENT', `token count must be a number >= 0, got ${n}`);
    }
  }

  return {
    take(n = 1) {
      checkCount(n);
      refill();
      if (tokens < n) return false;
      tokens -= n;
      return true;
    },
    retryAfterMs(n = 1) {
      checkCount(n);
      refill();
      if (tokens >= n) return 0;
      if (n > burst) return Infinity;
      return Math.ceil(((n - tokens) * 1000) / ratePerSec);
    },
  };
}
