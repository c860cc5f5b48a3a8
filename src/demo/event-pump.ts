import type { Clock } from '../util/index.ts';
import type { DemoEvent, EventModel } from './event-model.ts';

/** Hands a batch to the server; resolves once it is durable (the node's in-process ingest path). */
export type Publish = (
  stream: string,
  events: DemoEvent[],
) => Promise<{ accepted: number; duplicates: number }>;

export interface PumpOptions {
  model: EventModel;
  publish: Publish;
  clock: Clock;
  /** How often a batch is made and published. @default 100 */
  tickMs?: number;
  /** A publish failed (logged by the caller; the pump carries on). */
  onError: (error: unknown, stream: string) => void;
}

/** A failed batch is sent again this many times (same ids: never counted twice), then dropped. */
const MAX_ATTEMPTS = 3;

/**
 * Drives one model: every tick, the events of the time since the last tick go to the server as
 * one batch. One publish is in flight at a time; while it is, ticks are skipped and the model
 * later produces the events of the whole interval (up to its catch-up cap), so a slow server
 * slows the demo down instead of queueing without bound. A failed batch is retried at the next
 * tick with the same event ids, so if the failure came after the batch was stored it counts as
 * duplicates, not twice.
 */
export class EventPump {
  /** Events the server acknowledged as new. */
  accepted = 0;
  duplicates = 0;
  /** Batches given up after MAX_ATTEMPTS failures. */
  droppedBatches = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private retry: { events: DemoEvent[]; attempts: number } | null = null;

  constructor(private readonly options: PumpOptions) {}

  get stream(): string {
    return this.options.model.stream;
  }

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.tick(), this.options.tickMs ?? 100);
  }

  /** Stops ticking and waits for the publish in flight; resolves once nothing is pending. */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  private tick(): void {
    if (this.inFlight !== null) return;
    const pending = this.retry ?? {
      events: this.options.model.advance(this.options.clock.now()),
      attempts: 0,
    };
    this.retry = null;
    if (pending.events.length === 0) return;
    this.inFlight = this.send(pending).finally(() => {
      this.inFlight = null;
    });
  }

  private async send(batch: { events: DemoEvent[]; attempts: number }): Promise<void> {
    try {
      const ack = await this.options.publish(this.stream, batch.events);
      this.accepted += ack.accepted;
      this.duplicates += ack.duplicates;
    } catch (error) {
      this.options.onError(error, this.stream);
      const attempts = batch.attempts + 1;
      if (attempts < MAX_ATTEMPTS && this.timer !== null) {
        this.retry = { events: batch.events, attempts };
      } else {
        this.droppedBatches += 1;
      }
    }
  }
}
