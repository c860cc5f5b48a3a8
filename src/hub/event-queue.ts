import { estimateRowBytes } from './conflation-queue.ts';

type Row = Record<string, unknown>;

/**
 * The raw events of one stream subscription that could not be sent yet (the connection is slow).
 * Events are not conflated: each one is a fact, not the state of a row. They are held by
 * reference (shared with every other queue that holds them); `bytes` estimates their JSON size.
 */
export class EventQueue {
  private events: Row[] = [];
  private bytesValue = 0;

  get isEmpty(): boolean {
    return this.events.length === 0;
  }

  get bytes(): number {
    return this.bytesValue;
  }

  add(events: readonly Row[]): void {
    for (const event of events) {
      this.events.push(event);
      this.bytesValue += estimateRowBytes(event) + 1;
    }
  }

  /** Empties the queue, returning the events in the order they were added. */
  take(): Row[] {
    const events = this.events;
    this.clear();
    return events;
  }

  clear(): void {
    this.events = [];
    this.bytesValue = 0;
  }
}
