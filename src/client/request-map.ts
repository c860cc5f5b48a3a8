import type { ClientFrame, ServerFrame } from '../protocol/index.ts';
import { VaneClientError } from './errors.ts';

type Timer = ReturnType<typeof setTimeout>;

/** A request waiting for the frame that echoes its id. */
export interface PendingRequest {
  /** The request; its `id` stays the same for the request's whole life, resends included. */
  readonly frame: ClientFrame;
  /**
   * After the connection drops: true sends the same text again on the next connection (publish:
   * the server de-duplicates by event id); false fails the request with CONNECTION_LOST.
   */
  readonly resend: boolean;
  /** The answer: any frame with this id, error frames included. Called at most once. */
  answer(frame: ServerFrame): void;
  /** The request cannot complete (timeout, lost, closed). Called at most once, never with answer. */
  fail(error: VaneClientError): void;
}

interface Entry {
  request: PendingRequest;
  /** The serialized frame: a resend puts exactly the same bytes on the wire. */
  text: string;
  /** 'queued': waits for an open connection; 'sent': waits for its answer on this one. */
  status: 'queued' | 'sent';
  timer: Timer | undefined;
}

/**
 * The requests of one client, by id, in the order they were made. Owns the answer timeouts: a
 * timeout runs only while the request is on a live connection, so a request queued during a
 * disconnect waits for the next connection (or `close()`), however long that takes.
 */
export class RequestMap {
  private readonly entries = new Map<string, Entry>();
  /** A frame added again (a publish retried after a temporary error) keeps its first bytes. */
  private readonly texts = new WeakMap<ClientFrame, string>();
  private counter = 0;

  constructor(private readonly timeoutMs: number) {}

  nextId(): string {
    this.counter += 1;
    return String(this.counter);
  }

  get size(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Queues a request; `takeQueued` hands it to the connection. */
  add(request: PendingRequest): void {
    let text = this.texts.get(request.frame);
    if (text === undefined) {
      text = JSON.stringify(request.frame);
      this.texts.set(request.frame, text);
    }
    this.entries.set(request.frame.id, { request, text, status: 'queued', timer: undefined });
  }

  /**
   * The texts of every queued request, in the order they were added, marked as sent from now on:
   * the caller writes them to an open socket before anything else touches the map.
   */
  takeQueued(): string[] {
    const texts: string[] = [];
    for (const [id, entry] of this.entries) {
      if (entry.status !== 'queued') continue;
      entry.status = 'sent';
      entry.timer = setTimeout(() => this.timeOut(id), this.timeoutMs);
      texts.push(entry.text);
    }
    return texts;
  }

  /** Routes a frame that carries an id; false when no request waits for it (late, unknown). */
  answer(id: string, frame: ServerFrame): boolean {
    const entry = this.take(id);
    if (entry === undefined) return false;
    entry.request.answer(frame);
    return true;
  }

  /** The connection dropped: sent requests are queued again or fail, as each one asked. */
  connectionLost(): void {
    for (const [id, entry] of this.entries) {
      if (entry.status !== 'sent') continue;
      clearTimeout(entry.timer);
      entry.timer = undefined;
      if (entry.request.resend) {
        entry.status = 'queued';
      } else {
        this.entries.delete(id);
        entry.request.fail(
          new VaneClientError('CONNECTION_LOST', `connection lost before the answer to ${id}`, {
            temporary: true,
          }),
        );
      }
    }
  }

  /** Fails every request with `error` (client closed, access refused). */
  failAll(error: VaneClientError): void {
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const entry of entries) {
      clearTimeout(entry.timer);
      entry.request.fail(error);
    }
  }

  private timeOut(id: string): void {
    const entry = this.take(id);
    if (entry === undefined) return;
    entry.request.fail(
      new VaneClientError('TIMEOUT', `no answer to ${entry.request.frame.type} ${id} in time`, {
        temporary: true,
      }),
    );
  }

  private take(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    this.entries.delete(id);
    clearTimeout(entry.timer);
    return entry;
  }
}
