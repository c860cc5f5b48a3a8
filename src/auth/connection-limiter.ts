import { VaneError } from '../util/index.ts';

export interface ConnectionLimiter {
  /** Counts one more connection from `ip` and returns true, or returns false at the cap. */
  tryAcquire(ip: string): boolean;
  /**
   * Gives back one connection from `ip`; call exactly once per successful `tryAcquire`, when the
   * connection closes. A release with nothing held is ignored, so a double close cannot drive a
   * count negative and let an address exceed its cap later.
   */
  release(ip: string): void;
  /** Connections currently held by `ip`. */
  count(ip: string): number;
  /** Addresses currently holding at least one connection (the size of the internal map). */
  readonly trackedIps: number;
}

/**
 * Concurrent connections per client address. Memory is bounded by the number of open
 * connections: an address's entry is deleted when its count returns to zero.
 */
export function createConnectionLimiter(options: { maxPerIp: number }): ConnectionLimiter {
  const { maxPerIp } = options;
  if (!(Number.isInteger(maxPerIp) && maxPerIp >= 1)) {
    throw new VaneError('INVALID_OPTION', `maxPerIp must be an integer >= 1, got ${maxPerIp}`);
  }
  const held = new Map<string, number>();
  return {
    tryAcquire(ip) {
      const current = held.get(ip) ?? 0;
      if (current >= maxPerIp) return false;
      held.set(ip, current + 1);
      return true;
    },
    release(ip) {
      const current = held.get(ip);
      if (current === undefined) return;
      if (current <= 1) held.delete(ip);
      else held.set(ip, current - 1);
    },
    count(ip) {
      return held.get(ip) ?? 0;
    },
    get trackedIps() {
      return held.size;
    },
  };
}
