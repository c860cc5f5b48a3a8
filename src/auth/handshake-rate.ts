import { createTokenBucket, type TokenBucket } from './rate-limiter.ts';

export interface HandshakeRate {
  /** Counts one new connection attempt from `ip`; false when the address is over its rate. */
  tryAdmit(ip: string): boolean;
  /** How long until `ip` may try again (for Retry-After); 0 when it may now. */
  retryAfterMs(ip: string): number;
  /** Addresses with a bucket (bounded: see `createHandshakeRate`). */
  readonly trackedIps: number;
}

/** Sweep idle buckets once the map holds this many addresses. */
const SWEEP_AT = 10_000;

/**
 * New connections per client address and second (a token bucket per address), so one address
 * cannot make the server run thousands of handshakes and token checks a second; the concurrent
 * cap (ConnectionLimiter) does not stop connect-close loops.
 *
 * Memory stays bounded: once SWEEP_AT addresses hold a bucket, buckets that have refilled
 * completely (their address was idle for `burst / ratePerSec` seconds) are dropped: a full bucket
 * is what a new address gets anyway.
 */
export function createHandshakeRate(options: {
  ratePerSec: number;
  burst: number;
  now: () => number;
}): HandshakeRate {
  const buckets = new Map<string, TokenBucket>();
  const bucketOf = (ip: string): TokenBucket => {
    let bucket = buckets.get(ip);
    if (bucket === undefined) {
      if (buckets.size >= SWEEP_AT) {
        for (const [address, candidate] of buckets) {
          if (candidate.retryAfterMs(options.burst) === 0) buckets.delete(address);
        }
      }
      bucket = createTokenBucket(options);
      buckets.set(ip, bucket);
    }
    return bucket;
  };
  return {
    tryAdmit: (ip) => bucketOf(ip).take(),
    retryAfterMs: (ip) => buckets.get(ip)?.retryAfterMs() ?? 0,
    get trackedIps() {
      return buckets.size;
    },
  };
}
