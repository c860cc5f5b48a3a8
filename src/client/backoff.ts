/** How the delay between retries grows. All fields are optional in the public options. */
export interface BackoffOptions {
  /** Delay before the first retry. */
  initialDelayMs: number;
  /** No delay is longer than this, jitter included. */
  maxDelayMs: number;
  /** Each failed attempt multiplies the delay by this. */
  factor: number;
  /** 0…1: the share of each delay that is random; 0.5 gives a delay in [d/2, d]. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialDelayMs: 250,
  maxDelayMs: 10_000,
  factor: 2,
  jitter: 0.5,
};

/**
 * Exponential backoff with jitter. The n-th delay (from 0) is
 * `min(maxDelayMs, initialDelayMs * factor ** n) * (1 - jitter * random())`: it grows, is capped,
 * and the random part spreads clients that lost the same server so they do not return at once.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly options: BackoffOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const { initialDelayMs, maxDelayMs, factor, jitter } = this.options;
    const ceiling = Math.min(maxDelayMs, initialDelayMs * factor ** this.attempt);
    this.attempt += 1;
    return Math.round(ceiling * (1 - jitter * this.random()));
  }

  /** After a success: the next delay is the initial one again. */
  reset(): void {
    this.attempt = 0;
  }
}
