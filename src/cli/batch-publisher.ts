import type { PublishAck, VaneClientError } from '../client/index.ts';
import type { CliError } from './exit-codes.ts';

/** Events of one publish, with the input line of each (to name a line the server refuses). */
export interface Batch {
  events: Record<string, unknown>[];
  lines: number[];
}

/** A line that was not published, and why. */
export interface RejectedLine {
  line: number;
  reason: string;
}

export interface PublishCounts {
  /** Events handed to the server (each batch once, retries not counted again). */
  sent: number;
  /** Events in batches the server acknowledged as durable. */
  acked: number;
  accepted: number;
  duplicates: number;
  /** Lines skipped (`--skip-invalid`): refused here or by the server. */
  rejected: RejectedLine[];
  /** Batches sent again after a timeout or a temporary refusal. */
  retries: number;
}

export interface BatchPublisherOptions {
  /** Batches sent and not yet acknowledged, at most. */
  maxInFlight: number;
  /** Times one batch is sent again after a timeout or a temporary refusal. */
  maxRetries: number;
  /** Continue past an event the server refuses (drop it, send the rest of its batch again). */
  skipInvalid: boolean;
  /** Delay before a retry, by attempt number (1, 2, …). */
  retryDelayMs(attempt: number): number;
  /** Turns a refusal that ends the run into the error to report (`line` when one event is named). */
  failure(error: VaneClientError, line: number | undefined): CliError;
}

/** `event 3: price: expected DOUBLE, got string` (docs/protocol.md INVALID_EVENT). */
const INVALID_EVENT_INDEX = /^event (\d+): ([\s\S]*)$/;

/**
 * Sends batches through `publish` (the SDK's, which resolves on the durable ack), pipelined with
 * at most `maxInFlight` unacknowledged, and counts what the acks say. A batch counts only once
 * acknowledged. A batch that times out or is refused with a temporary error is sent again as the
 * same event objects, so events carrying the stream's id column are de-duplicated by the server
 * (events without one may count twice; the command warns about those). When the server refuses
 * one event (INVALID_EVENT names its index) the batch was not stored: with `skipInvalid` that
 * event is dropped and the rest sent again, otherwise the run fails at that event's input line.
 * The first failure stops further submits; batches already in flight still settle.
 */
export class BatchPublisher {
  readonly counts: PublishCounts = {
    sent: 0,
    acked: 0,
    accepted: 0,
    duplicates: 0,
    rejected: [],
    retries: 0,
  };
  private readonly inFlight = new Set<Promise<void>>();
  private failedWith: CliError | undefined;
  private admissions: Promise<void> = Promise.resolve();

  constructor(
    private readonly publish: (events: Record<string, unknown>[]) => Promise<PublishAck>,
    private readonly options: BatchPublisherOptions,
  ) {}

  /** The error that ended the run, once there is one. */
  get failure(): CliError | undefined {
    return this.failedWith;
  }

  /** Ends the run from outside (the connection watchdog); the first failure wins. */
  abort(error: CliError): void {
    this.failedWith ??= error;
  }

  /** A line refused before sending, counted with `--skip-invalid`. */
  skip(line: number, reason: string): void {
    this.counts.rejected.push({ line, reason });
  }

  /**
   * Sends a batch once fewer than `maxInFlight` are unacknowledged; no-op after a failure.
   * Submits are taken in call order, one at a time, so concurrent callers (the reader and a
   * lingering batch's timer) cannot exceed `maxInFlight` or reorder batches.
   */
  submit(batch: Batch): Promise<void> {
    const admitted = this.admissions.then(() => this.admit(batch));
    this.admissions = admitted;
    return admitted;
  }

  private async admit(batch: Batch): Promise<void> {
    while (this.inFlight.size >= this.options.maxInFlight && this.failedWith === undefined) {
      await Promise.race(this.inFlight);
    }
    if (this.failedWith !== undefined || batch.events.length === 0) return;
    this.counts.sent += batch.events.length;
    const settled = this.send(batch, 0).finally(() => this.inFlight.delete(settled));
    this.inFlight.add(settled);
  }

  /** Waits until every batch sent is acknowledged or given up. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
  }

  private async send(batch: Batch, attempt: number): Promise<void> {
    let ack: PublishAck;
    try {
      ack = await this.publish(batch.events);
    } catch (error) {
      await this.refused(batch, attempt, error as VaneClientError);
      return;
    }
    this.counts.acked += batch.events.length;
    this.counts.accepted += ack.accepted;
    this.counts.duplicates += ack.duplicates;
  }

  private async refused(batch: Batch, attempt: number, error: VaneClientError): Promise<void> {
    if (this.failedWith !== undefined) return;
    const named = error.code === 'INVALID_EVENT' ? INVALID_EVENT_INDEX.exec(error.message) : null;
    const index = named === null ? undefined : Number(named[1]);
    const line = index === undefined ? undefined : batch.lines[index];
    if (index !== undefined && line !== undefined && this.options.skipInvalid) {
      this.counts.rejected.push({ line, reason: named![2]! });
      const rest: Batch = {
        events: batch.events.filter((_, i) => i !== index),
        lines: batch.lines.filter((_, i) => i !== index),
      };
      this.counts.sent -= 1;
      if (rest.events.length > 0) await this.send(rest, attempt);
      return;
    }
    const retryable = error.code === 'TIMEOUT' || error.temporary;
    if (retryable && attempt < this.options.maxRetries) {
      this.counts.retries += 1;
      await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs(attempt + 1)));
      if (this.failedWith === undefined) await this.send(batch, attempt + 1);
      return;
    }
    this.failedWith ??= this.options.failure(error, line);
  }
}
