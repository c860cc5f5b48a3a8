import { deltaBody, eventsBody, type DeltaBody, type EventsBody } from '../protocol/index.ts';
import type { ChangeBatch } from '../views/index.ts';
import type { RowFilter } from './filter.ts';
import type { StreamSubscription, ViewSubscription } from './subscription.ts';
import type { TopN } from './top-n.ts';

type Row = Record<string, unknown>;

/**
 * The subscriptions of one view that receive the same deltas: same filter and, for top-N, the
 * same order and limit (`topN` is then the ranking they share). Per view emission the group
 * filters the batch once, serializes the result at most once (lazily: only if a subscriber sends
 * it straight away) and hands the same body to every subscriber, which adds only its prefix.
 */
export class ViewFanoutGroup {
  readonly subscribers = new Set<ViewSubscription>();

  constructor(
    readonly key: string,
    readonly filter: RowFilter,
    readonly topN: TopN | null,
  ) {}

  publish(offset: number, batch: ChangeBatch, nowMs: number): void {
    let upserts = this.filter.select(batch.upserts);
    let deletes = this.filter.select(batch.deletes);
    if (this.topN !== null) {
      const change = this.topN.apply(offset, upserts, deletes);
      if (change === null) return;
      ({ upserts, deletes } = change);
    }
    if (upserts.length === 0 && deletes.length === 0) return;
    let body: DeltaBody | undefined;
    const shared = (): DeltaBody => (body ??= deltaBody(offset, upserts, deletes));
    for (const subscriber of this.subscribers) {
      subscriber.offer(offset, upserts, deletes, shared, nowMs);
    }
  }
}

/** The subscriptions of one stream with the same filter; events are serialized once per group. */
export class StreamFanoutGroup {
  readonly subscribers = new Set<StreamSubscription>();

  constructor(
    readonly key: string,
    readonly filter: RowFilter,
  ) {}

  publish(events: Row[], nowMs: number): void {
    const selected = this.filter.select(events);
    if (selected.length === 0) return;
    let body: EventsBody | undefined;
    const shared = (): EventsBody => (body ??= eventsBody(selected));
    for (const subscriber of this.subscribers) subscriber.offer(selected, shared, nowMs);
  }
}
