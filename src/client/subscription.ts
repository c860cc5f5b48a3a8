import type {
  ClientFrame,
  DeltaFrame,
  ErrorFrame,
  EventsFrame,
  ResumePoint,
  ServerFrame,
  SnapshotFrame,
  SubscribeFrame,
  SubscribedFrame,
} from '../protocol/index.ts';
import { Backoff, type BackoffOptions } from './backoff.ts';
import { Emitter, type EventMap } from './emitter.ts';
import { VaneClientError } from './errors.ts';
import type { PendingRequest } from './request-map.ts';

/** A frame the client routes to a subscription by its server-side `sub` id. */
export type SubscriptionFrame = SnapshotFrame | DeltaFrame | EventsFrame | ErrorFrame;

/** What a subscription needs from its client. */
export interface SubscriptionHost {
  isOpen(): boolean;
  readonly retryBackoff: BackoffOptions;
  nextId(): string;
  /** Tracks and sends a request (the connection is open when a subscription calls this). */
  request(request: PendingRequest): void;
  /** Sends a frame nobody waits for; dropped when no connection is open. */
  sendNow(frame: ClientFrame): void;
  /** Frames carrying `sub` go to `link` until `unbind(sub)` or the connection drops. */
  bind(sub: string, link: SubscriptionLink): void;
  unbind(sub: string): void;
  /** The subscription is over: no more resubscribing. */
  remove(link: SubscriptionLink): void;
}

/** How the client drives a subscription. */
export interface SubscriptionLink {
  /** A connection opened (or the subscription was created on an open one): subscribe. */
  connected(): void;
  /** The connection dropped: the server side of the subscription is gone. */
  disconnected(): void;
  receive(frame: SubscriptionFrame): void;
  /** The client closed; `emitError` is false when the user closed it. */
  end(error: VaneClientError, emitError: boolean): void;
}

/** What a subscription watches, as it goes in the subscribe frame. */
export type SubscribeTarget = Omit<SubscribeFrame, 'type' | 'id' | 'resume'>;

export interface SubscriptionEvents extends EventMap {
  /**
   * The subscription failed for good (unknown view, forbidden, client refused access); it will
   * not resubscribe. Temporary failures are retried with backoff and not reported here.
   */
  error: (error: VaneClientError) => void;
  /**
   * Continuity was broken: a `seq` gap (the subscription starts over from a fresh snapshot) or,
   * for a stream, a lost connection (the events sent meanwhile were not received).
   */
  reset: () => void;
}

/**
 * The protocol side of one subscription (SPEC §4): subscribe on every new connection (with a
 * resume point when the subclass has one), check that `seq` runs 1, 2, 3, … per server
 * subscription, start over on a gap, retry temporary refusals with backoff. Subclasses turn the
 * frames into rows or events.
 */
export abstract class Subscription<Events extends SubscriptionEvents>
  extends Emitter<Events>
  implements SubscriptionLink
{
  /** Settles once: resolved when the first data is in, rejected if that can never happen. */
  readonly ready: Promise<void>;
  private resolveReady!: () => void;
  private rejectReady!: (error: VaneClientError) => void;
  private serverSub: string | undefined;
  private requestId: string | undefined;
  private lastSeq = 0;
  private ended = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly backoff: Backoff;

  constructor(
    private readonly host: SubscriptionHost,
    private readonly target: SubscribeTarget,
  ) {
    super();
    this.ready = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // Nobody has to await `ready`: an unobserved rejection must not crash the process.
    this.ready.catch(() => undefined);
    this.backoff = new Backoff(host.retryBackoff);
  }

  /** Stops the subscription: no more events, no resubscribing. Idempotent. */
  unsubscribe(): void {
    if (this.ended) return;
    this.finish(new VaneClientError('CLOSED', 'unsubscribed'));
    this.host.remove(this);
  }

  connected(): void {
    if (this.ended || this.requestId !== undefined || this.serverSub !== undefined) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const id = this.host.nextId();
    this.requestId = id;
    const resume = this.resumePoint();
    const frame: SubscribeFrame = {
      type: 'subscribe',
      id,
      ...this.target,
      ...(resume === undefined ? {} : { resume }),
    };
    this.host.request({
      frame,
      resend: false,
      answer: (answer) => this.answered(id, answer),
      fail: (error) => this.failed(id, error),
    });
  }

  disconnected(): void {
    this.serverSub = undefined;
    this.requestId = undefined;
  }

  receive(frame: SubscriptionFrame): void {
    if (this.ended) return;
    if (frame.type === 'error') {
      // The server ended this subscription (SPEC §4: an error frame with `sub`).
      if (this.serverSub !== undefined) this.host.unbind(this.serverSub);
      this.serverSub = undefined;
      this.refused(VaneClientError.fromFrame(frame));
      return;
    }
    if (frame.seq !== this.lastSeq + 1 || !this.apply(frame)) {
      this.startOver();
      return;
    }
    this.lastSeq = frame.seq;
  }

  end(error: VaneClientError, emitError: boolean): void {
    if (this.ended) return;
    this.finish(error);
    if (emitError) this.emit('error', ...([error] as Parameters<Events['error']>));
  }

  /** The resume point to send with the next subscribe, if any. */
  protected abstract resumePoint(): ResumePoint | undefined;
  /** A new server subscription answered. */
  protected abstract subscribed(frame: SubscribedFrame): void;
  /** Applies one in-order frame; false when it cannot apply (the subscription starts over). */
  protected abstract apply(frame: SnapshotFrame | DeltaFrame | EventsFrame): boolean;
  /** Forget the resume point: the next subscribe asks for a fresh snapshot. */
  protected abstract forgetPosition(): void;

  protected markReady(): void {
    this.resolveReady();
  }

  protected emitReset(): void {
    this.emit('reset', ...([] as Parameters<Events['reset']>));
  }

  private answered(id: string, answer: ServerFrame): void {
    if (answer.type === 'subscribed' && (this.ended || id !== this.requestId)) {
      // Too late to be wanted: do not leave the server streaming to nobody.
      this.host.sendNow({ type: 'unsubscribe', id: this.host.nextId(), sub: answer.sub });
      return;
    }
    if (this.ended || id !== this.requestId) return;
    this.requestId = undefined;
    if (answer.type === 'subscribed') {
      this.serverSub = answer.sub;
      this.lastSeq = 0;
      this.backoff.reset();
      this.host.bind(answer.sub, this);
      this.subscribed(answer);
    } else if (answer.type === 'error') {
      this.refused(VaneClientError.fromFrame(answer));
    } else {
      this.refused(
        new VaneClientError('PROTOCOL_ERROR', `${answer.type} frame answered subscribe`),
      );
    }
  }

  private failed(id: string, error: VaneClientError): void {
    if (this.ended || id !== this.requestId) return;
    this.requestId = undefined;
    // A lost connection resubscribes on the next one; a timeout tries again later.
    if (error.code !== 'CONNECTION_LOST') this.retryLater();
  }

  private refused(error: VaneClientError): void {
    if (error.temporary) {
      this.retryLater();
    } else {
      this.end(error, true);
      this.host.remove(this);
    }
  }

  private retryLater(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.host.isOpen()) this.connected();
    }, this.backoff.next());
  }

  /** Drops the current server subscription and subscribes again without a resume point. */
  private startOver(): void {
    this.dropServerSub();
    this.forgetPosition();
    this.emitReset();
    if (this.host.isOpen()) this.connected();
  }

  private finish(error: VaneClientError): void {
    this.ended = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.dropServerSub();
    this.rejectReady(error);
  }

  private dropServerSub(): void {
    if (this.serverSub === undefined) return;
    this.host.unbind(this.serverSub);
    this.host.sendNow({ type: 'unsubscribe', id: this.host.nextId(), sub: this.serverSub });
    this.serverSub = undefined;
  }
}
