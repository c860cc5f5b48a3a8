import type {
  DeltaFrame,
  EventsFrame,
  ResumePoint,
  SnapshotFrame,
  SubscribedFrame,
} from '../protocol/index.ts';
import { Subscription, type SubscriptionEvents } from './subscription.ts';

export interface StreamSubscriptionEvents<Event> extends SubscriptionEvents {
  /** Each `events` frame, in order. */
  events: (events: Event[]) => void;
}

/**
 * A stream's raw events as they are accepted. There is no history to resume from: after a
 * reconnect the subscription starts again from new events and emits `'reset'` for the gap.
 */
export class StreamSubscription<Event> extends Subscription<StreamSubscriptionEvents<Event>> {
  private wasSubscribed = false;

  override disconnected(): void {
    if (this.wasSubscribed) this.emitReset();
    this.wasSubscribed = false;
    super.disconnected();
  }

  protected resumePoint(): ResumePoint | undefined {
    return undefined;
  }

  protected forgetPosition(): void {}

  protected subscribed(_frame: SubscribedFrame): void {
    this.wasSubscribed = true;
    this.markReady();
  }

  protected apply(frame: SnapshotFrame | DeltaFrame | EventsFrame): boolean {
    if (frame.type !== 'events') return false;
    this.emit('events', frame.events as Event[]);
    return true;
  }
}
