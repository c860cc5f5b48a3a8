import type { Batch } from './batch-publisher.ts';

export interface BatchBuilderOptions {
  /** Events per batch, at most. */
  maxEvents: number;
  /** JSON bytes per batch, at most (an event's own size is checked by the caller). */
  maxBytes: number;
  /**
   * How long a partly filled batch waits for more events before it is sent anyway, so that
   * events trickling in from a live producer (`tail -f log | vane publish …`) go out promptly.
   */
  lingerMs: number;
  /** Hands a full (or lingering) batch on; resolves once it may be followed by the next. */
  submit(batch: Batch): Promise<void>;
}

/**
 * Collects input events into batches: a batch is handed on when it holds `maxEvents`, when the
 * next event would take it over `maxBytes`, when it waited `lingerMs`, or on `flush()`.
 */
export class BatchBuilder {
  private batch: Batch = { events: [], lines: [] };
  private bytes = 0;
  private linger: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: BatchBuilderOptions) {}

  async add(event: Record<string, unknown>, line: number, jsonBytes: number): Promise<void> {
    if (this.bytes + jsonBytes > this.options.maxBytes) await this.flush();
    this.batch.events.push(event);
    this.batch.lines.push(line);
    this.bytes += jsonBytes + 1;
    if (this.batch.events.length >= this.options.maxEvents) {
      await this.flush();
    } else if (this.linger === undefined) {
      this.linger = setTimeout(() => void this.flush(), this.options.lingerMs);
    }
  }

  /** Hands on what was collected (nothing when empty). */
  async flush(): Promise<void> {
    clearTimeout(this.linger);
    this.linger = undefined;
    if (this.batch.events.length === 0) return;
    const full = this.batch;
    this.batch = { events: [], lines: [] };
    this.bytes = 0;
    await this.options.submit(full);
  }
}
