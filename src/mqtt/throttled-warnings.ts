import type { LogFields, Logger } from '../observability/index.ts';

/**
 * Warnings that a flood of bad messages cannot turn into a flood of log lines: per kind, the
 * first one is logged, then at most one per `intervalMs`, carrying how many were left out since
 * the last line (`suppressed`). The counts in the metrics stay exact; the log shows examples.
 */
export class ThrottledWarnings {
  private readonly lastLoggedMs = new Map<string, number>();
  private readonly suppressed = new Map<string, number>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly intervalMs = 10_000,
  ) {}

  warn(kind: string, fields: LogFields, msg: string): void {
    const now = this.now();
    const last = this.lastLoggedMs.get(kind);
    if (last !== undefined && now - last < this.intervalMs) {
      this.suppressed.set(kind, (this.suppressed.get(kind) ?? 0) + 1);
      return;
    }
    const suppressed = this.suppressed.get(kind) ?? 0;
    this.lastLoggedMs.set(kind, now);
    this.suppressed.delete(kind);
    this.logger.warn(suppressed > 0 ? { ...fields, suppressed } : fields, msg);
  }
}
