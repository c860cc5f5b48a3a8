/** A demo event: a flat JSON object that validates against its use case's stream. */
export type DemoEvent = Record<string, string | number>;

/**
 * A use case's simulated world, producing its stream's events as time passes.
 *
 * Contract: `advance` is called with non-decreasing `nowMs` and returns the events of the time
 * since the previous call (event times in (previous, nowMs]); the first call only sets the
 * starting point and may return nothing. Given the same seed, run id and sequence of `nowMs`, it
 * returns the same events. Event ids are `<runId>-<stream prefix><n>`: unique within a run, so a
 * batch sent again is recognised as a duplicate, and a new run (a new run id) never collides
 * with the ids an earlier run left in the log.
 */
export interface EventModel {
  readonly stream: string;
  advance(nowMs: number): DemoEvent[];
}

/** What every model is built from. */
export interface ModelOptions {
  seed: number;
  /** Prefix of the event ids (see EventModel). */
  runId: string;
  /** Events per second on average (IoT: the number of devices, each reporting once a second). */
  ratePerSecond: number;
  /**
   * How often an alert condition is staged (a volume spike, an overheating device, a failing
   * device, an angry topic); the first comes a few seconds after the start. Tests shorten it.
   * @default 25_000
   */
  alertEveryMs?: number;
}

export const DEFAULT_ALERT_EVERY_MS = 25_000;

/**
 * Turns elapsed time into a whole number of events at a rate, carrying the fraction so the
 * average is exact. Elapsed time is capped at `maxCatchUpMs`: after a stall (a slow publish, a
 * suspended laptop) the demo carries on at its rate instead of producing one huge batch.
 */
export class EventBudget {
  private lastMs: number | null = null;
  private carry = 0;

  constructor(
    private readonly ratePerSecond: number,
    private readonly maxCatchUpMs = 1_000,
  ) {}

  take(nowMs: number): number {
    if (this.lastMs === null) {
      this.lastMs = nowMs;
      return 0;
    }
    const elapsedMs = Math.min(Math.max(0, nowMs - this.lastMs), this.maxCatchUpMs);
    this.lastMs = nowMs;
    const exact = (elapsedMs * this.ratePerSecond) / 1000 + this.carry;
    const count = Math.floor(exact);
    this.carry = exact - count;
    return count;
  }
}

/**
 * Stages alert conditions: `due(nowMs)` is true once per `everyMs`, the first time `firstAfterMs`
 * after the first call.
 */
export class AlertSchedule {
  private nextMs: number | null = null;

  constructor(
    private readonly everyMs: number,
    private readonly firstAfterMs: number,
  ) {}

  due(nowMs: number): boolean {
    this.nextMs ??= nowMs + this.firstAfterMs;
    if (nowMs < this.nextMs) return false;
    this.nextMs = Math.max(this.nextMs + this.everyMs, nowMs);
    return true;
  }
}

/** Event times spread over the elapsed interval, oldest first, never after `nowMs`. */
export function spreadTimes(fromMs: number, nowMs: number, count: number): number[] {
  const times: number[] = [];
  const spanMs = Math.max(0, nowMs - fromMs);
  for (let i = 1; i <= count; i++) times.push(Math.round(fromMs + (spanMs * i) / count));
  return times;
}
