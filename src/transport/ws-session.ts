import {
  canAdmin,
  canPublish,
  canSubscribe,
  createTokenBucket,
  type Principal,
  type TokenBucket,
} from '../auth/index.ts';
import type { HubConnection } from '../hub/index.ts';
import {
  CloseCode,
  createMsgpackDecoder,
  isPlainJson,
  MSGPACK_SUBPROTOCOL,
  parseClientFrame,
  readClientFrame,
  type ClientFrame,
  type ErrorFrame,
  type ServerFrame,
} from '../protocol/index.ts';
import { VaneError } from '../util/index.ts';
import { errorBody } from './error-status.ts';
import type { ServerApp } from './server-app.ts';
import type { SessionSink } from './session-sink.ts';

export interface SessionLimits {
  messagesPerSecond: number;
  bytesPerSecond: number;
  maxBatchEvents: number;
}

/**
 * One message as the WebSocket libraries hand it over: `ws` gives a Buffer (or its fragments),
 * uWebSockets.js an ArrayBuffer that is valid only during the call, so `receive` reads it at once.
 */
export type ReceivedData = Buffer | ArrayBuffer | Buffer[];

/** After this many refused messages in a row the connection is closed with 4009. */
const RATE_STRIKES_BEFORE_CLOSE = 20;

/**
 * One client's WebSocket session: reads frames, checks permissions and rate limits, and hands
 * work to the node (publish, SQL) or the hub (subscriptions). Every request gets exactly one
 * answer frame carrying its id; nothing thrown here escapes into the socket's event handlers.
 * It knows its connection only through a SessionSink, so both WebSocket transports (ws,
 * uWebSockets.js) run the same sessions.
 */
export class WsSession {
  readonly connection: HubConnection;
  /**
   * The message and byte rate buckets, made at the first message: most connections of a large
   * server only listen, and a bucket that starts full at the first message lets through exactly
   * what one made at connect time would have after the idle spell.
   */
  private rates: { messages: TokenBucket; bytes: TokenBucket } | null = null;
  private strikes = 0;
  /** Publish and sql requests taken whose answer has not been sent yet. */
  private inFlight = 0;
  private draining = false;
  private onIdle: (() => void) | null = null;
  /** Binary frames on a `vane.v1.msgpack` connection; null on a JSON one, which refuses them. */
  private readonly decodeBinary: ((bytes: Uint8Array) => unknown) | null;
  /** Closes the connection when the token expires; null for a token without expiry. */
  expiry: NodeJS.Timeout | null = null;
  alive = true;

  /**
   * Registers no listener on the socket: the gateway's shared listeners (or handlers) find the
   * session and call `receive`, so an idle connection carries no closures of its own.
   */
  constructor(
    readonly sink: SessionSink,
    private readonly app: ServerApp,
    private readonly principal: Principal,
    private readonly limits: SessionLimits,
    private readonly now: () => number,
    /** The client's address, for the per-IP connection count released at close. */
    readonly ip: string,
  ) {
    this.decodeBinary = sink.protocol === MSGPACK_SUBPROTOCOL ? createMsgpackDecoder() : null;
    this.connection = app.hub.connect(sink);
  }

  /** The socket closed: free the hub state. */
  closed(): void {
    this.app.hub.disconnect(this.connection);
  }

  /**
   * The first step of a shutdown: requests from now on are refused with SHUTTING_DOWN, and the
   * promise resolves once every publish and sql already taken has been answered, so that the close
   * (1001) that follows never leaves a request that was acted on without its answer.
   */
  drain(): Promise<void> {
    this.draining = true;
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => (this.onIdle = resolve));
  }

  /** One message from the client (the gateway's 'message' listener); read before it returns. */
  receive(data: ReceivedData, isBinary: boolean): void {
    // Frames that arrive after the close frame was sent could not be answered: not acted on.
    if (!this.sink.isOpen) return;
    const size = Array.isArray(data)
      ? data.reduce((n, part) => n + part.length, 0)
      : data.byteLength;
    const rates = (this.rates ??= this.createRates());
    if (!rates.messages.take() || !rates.bytes.take(Math.min(size, this.limits.bytesPerSecond))) {
      if (++this.strikes >= RATE_STRIKES_BEFORE_CLOSE) {
        this.sink.close(CloseCode.rateLimited, 'rate limited');
        return;
      }
      this.send({
        type: 'error',
        code: 'RATE_LIMITED',
        message: 'too many messages; slow down',
        temporary: true,
      });
      return;
    }
    this.strikes = 0;
    const bytes = Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(data);
    const limits = { maxEventsPerBatch: this.limits.maxBatchEvents };
    let parsed: ReturnType<typeof parseClientFrame>;
    if (!isBinary) {
      parsed = parseClientFrame(bytes.toString('utf8'), limits);
    } else if (this.decodeBinary === null) {
      this.send(badFrame(`frames on ${this.sink.protocol} are JSON text, not binary`));
      return;
    } else {
      let value: unknown;
      try {
        value = this.decodeBinary(bytes);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        this.send(badFrame(`frame is not valid MessagePack: ${reason}`));
        return;
      }
      if (!isPlainJson(value)) {
        this.send(
          badFrame(
            'frame holds values JSON cannot (binary, dates, non-finite numbers, non-string map keys); send plain JSON data',
          ),
        );
        return;
      }
      parsed = readClientFrame(value, limits);
    }
    if (!parsed.ok) {
      this.send(parsed.error);
      return;
    }
    try {
      this.dispatch(parsed.frame);
    } catch (error) {
      this.sendError(parsed.frame.id, error);
    }
  }

  private createRates(): { messages: TokenBucket; bytes: TokenBucket } {
    const { messagesPerSecond, bytesPerSecond } = this.limits;
    return {
      messages: createTokenBucket({
        ratePerSec: messagesPerSecond,
        burst: messagesPerSecond,
        now: this.now,
      }),
      bytes: createTokenBucket({
        ratePerSec: bytesPerSecond,
        burst: bytesPerSecond,
        now: this.now,
      }),
    };
  }

  private dispatch(frame: ClientFrame): void {
    if (this.draining && frame.type !== 'ping') {
      this.send({
        type: 'error',
        id: frame.id,
        code: 'SHUTTING_DOWN',
        message: 'the server is shutting down',
        temporary: true,
      });
      return;
    }
    switch (frame.type) {
      case 'ping':
        this.send({ type: 'pong', id: frame.id });
        return;
      case 'publish':
        if (!canPublish(this.principal, frame.stream)) {
          this.forbidden(frame.id, `publishing to ${frame.stream} is not allowed for this token`);
          return;
        }
        this.answer(
          frame.id,
          () => this.app.publish(frame.stream, frame.events),
          (result) =>
            this.send({
              type: 'ack',
              id: frame.id,
              accepted: result.accepted,
              duplicates: result.duplicates,
            }),
        );
        return;
      case 'subscribe': {
        const target = frame.view ?? frame.stream;
        const allowed =
          target !== undefined
            ? canSubscribe(this.principal, target)
            : canSubscribe(this.principal, '*');
        if (!allowed) {
          this.forbidden(
            frame.id,
            target === undefined
              ? 'ad-hoc SQL subscriptions need subscribe permission on *'
              : `subscribing to ${target} is not allowed for this token`,
          );
          return;
        }
        this.app.hub.subscribe(this.connection, frame);
        return;
      }
      case 'unsubscribe':
        this.app.hub.unsubscribe(this.connection, frame.sub, frame.id);
        return;
      case 'sql':
        this.answer(
          frame.id,
          () => this.app.executeSql(frame.sql, { admin: canAdmin(this.principal) }),
          (results) => {
            const withRows = [...results].reverse().find((result) => result.rows !== undefined);
            this.send({
              type: 'result',
              id: frame.id,
              ok: true,
              results,
              rows: withRows?.rows ?? [],
            });
          },
        );
        return;
    }
  }

  /** Sends the answer of an asynchronous request (or its error), counted for `drain`. */
  private answer<T>(id: string, work: () => Promise<T>, send: (value: T) => void): void {
    this.inFlight += 1;
    let pending: Promise<T>;
    try {
      pending = work();
    } catch (error) {
      pending = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    void pending
      .then(send, (error: unknown) => this.sendError(id, error))
      .finally(() => {
        if (--this.inFlight === 0) this.onIdle?.();
      });
  }

  private forbidden(id: string, message: string): void {
    this.send({ type: 'error', id, code: 'FORBIDDEN', message, temporary: false });
  }

  private sendError(id: string, error: unknown): void {
    if (error instanceof VaneError) this.app.metrics.rejected.inc({ code: error.code });
    const frame: ErrorFrame = { type: 'error', id, ...errorBody(error) };
    this.send(frame);
  }

  private send(frame: ServerFrame): void {
    this.sink.send(JSON.stringify(frame));
  }
}

function badFrame(message: string): ErrorFrame {
  return { type: 'error', code: 'BAD_FRAME', message, temporary: false };
}
