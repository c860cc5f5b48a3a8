import {
  createMsgpackDecoder,
  MSGPACK_SUBPROTOCOL,
  SUBPROTOCOL,
  type ClientFrame,
  type ErrorFrame,
  type PublishFrame,
  type ServerFrame,
  type StatementResultWire,
  type WireRow,
} from '../protocol/index.ts';
import { DEFAULT_BACKOFF, type BackoffOptions, Backoff } from './backoff.ts';
import { Connection, type ConnectionState, type WebSocketConstructor } from './connection.ts';
import { VaneClientError } from './errors.ts';
import type { Change } from './keyed-rows.ts';
import { LiveTable } from './live-table.ts';
import type { ConnectOptions, StreamSubscribeOptions, SubscribeOptions } from './options.ts';
import { RequestMap, type PendingRequest } from './request-map.ts';
import {
  getJson,
  httpOrigin,
  type Catalog,
  type ServerStats,
  type StreamInfo,
  type ViewInfo,
} from './server-info.ts';
import type {
  AnySchema,
  ClientSchema,
  StreamEvent,
  StreamName,
  ViewName,
  ViewRow,
} from './schema.ts';
import { StreamSubscription } from './stream-subscription.ts';
import type { SubscribeTarget, SubscriptionHost, SubscriptionLink } from './subscription.ts';

/** SPEC §3: how many events of the batch were new and how many were already accepted before. */
export interface PublishAck {
  accepted: number;
  duplicates: number;
}

/** One statement's outcome from `sql()`. */
export type StatementResult = StatementResultWire;

type AnyRow = Record<string, unknown>;

const DEFAULT_RESET_AFTER_MS = 5_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_PUBLISH_RETRIES = 5;
const DEFAULT_MAX_PENDING_REQUESTS = 10_000;
const DEFAULT_HEARTBEAT_MS = 20_000;

/**
 * Opens a client to a Vane server (`ws://host:7070/v1/ws`). Returns at once: the connection is made
 * in the background and requests made meanwhile wait for it. The type parameter is the schema
 * `vane types` generates; without it every event and row is `Record<string, unknown>`.
 */
export function connect<S extends ClientSchema = AnySchema>(
  url: string,
  options: ConnectOptions = {},
): VaneClient<S> {
  return new VaneClient<S>(url, options);
}

/**
 * A client of one Vane server over one logical WebSocket connection that survives disconnects:
 * it reconnects with backoff and jitter, sends unacknowledged publishes again and resubscribes
 * with resume. Nothing it does throws across an async boundary: failures are rejections and
 * `'error'` events carrying a VaneClientError.
 */
export class VaneClient<S extends ClientSchema = AnySchema> {
  private readonly requests: RequestMap;
  private readonly connection: Connection;
  private readonly retryBackoff: BackoffOptions;
  private readonly maxPublishRetries: number;
  private readonly maxPendingRequests: number;
  private readonly subscriptions = new Set<SubscriptionLink>();
  private readonly byServerSub = new Map<string, SubscriptionLink>();
  /** Publishes waiting out a backoff delay after a temporary refusal. */
  private readonly delayed = new Map<ReturnType<typeof setTimeout>, PendingRequest>();
  private closedBy: VaneClientError | undefined;
  private readonly host: SubscriptionHost;

  constructor(
    private readonly url: string,
    private readonly options: ConnectOptions = {},
  ) {
    const WebSocket = options.WebSocket ?? globalWebSocket();
    if (WebSocket === undefined) {
      throw new VaneClientError(
        'NO_WEBSOCKET',
        "no WebSocket implementation: on Node 20 pass the ws package's class, " +
          "connect(url, { WebSocket }) with `import WebSocket from 'ws'`",
      );
    }
    const reconnect =
      options.reconnect === false
        ? false
        : { ...DEFAULT_BACKOFF, resetAfterMs: DEFAULT_RESET_AFTER_MS, ...options.reconnect };
    this.retryBackoff = reconnect === false ? DEFAULT_BACKOFF : reconnect;
    this.maxPublishRetries = options.maxPublishRetries ?? DEFAULT_MAX_PUBLISH_RETRIES;
    this.maxPendingRequests = options.maxPendingRequests ?? DEFAULT_MAX_PENDING_REQUESTS;
    if (!(Number.isInteger(this.maxPendingRequests) && this.maxPendingRequests > 0)) {
      throw new VaneClientError(
        'INVALID_OPTION',
        `maxPendingRequests must be a positive integer, got ${String(options.maxPendingRequests)}`,
      );
    }
    this.requests = new RequestMap(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
    this.host = this.subscriptionHost();
    this.connection = new Connection(
      url,
      () => protocols(options.token, options.encoding),
      WebSocket,
      reconnect,
      {
        state: (state, error) => this.stateChanged(state, error),
        open: () => this.opened(),
        frame: (frame) => this.route(frame),
        lost: () => this.lost(),
        unreadable: (error) => this.options.onError?.(error),
        probeRefusal: typeof fetch === 'function' ? () => this.probeRefusal() : undefined,
      },
      options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
      options.encoding === 'msgpack' ? createMsgpackDecoder() : undefined,
    );
    this.connection.start();
  }

  get state(): ConnectionState {
    return this.connection.state;
  }

  /**
   * Appends events to a stream; resolves once the server says they are durable. If the connection
   * drops before the ack the same events are sent again after the reconnect, and the server's
   * de-duplication by the stream's id column keeps them from counting twice: exactly-once across
   * reconnects needs that id column (`CREATE STREAM … WITH (id = '…')`) and events that carry it.
   * A temporary refusal (RATE_LIMITED, OVERLOADED) is retried with backoff up to
   * `maxPublishRetries` times (safe without ids: a refused batch was not accepted); any other
   * error rejects.
   */
  publish<K extends StreamName<S>>(
    stream: K,
    events: readonly StreamEvent<S, K>[],
  ): Promise<PublishAck> {
    return new Promise((resolve, reject) => {
      const frame: PublishFrame = {
        type: 'publish',
        id: this.requests.nextId(),
        stream,
        events: events as readonly unknown[] as WireRow[],
      };
      const backoff = new Backoff(this.retryBackoff);
      let retries = 0;
      const request: PendingRequest = {
        frame,
        resend: true,
        answer: (answer) => {
          if (answer.type === 'ack') {
            resolve({ accepted: answer.accepted, duplicates: answer.duplicates });
          } else if (answer.type !== 'error') {
            reject(unexpected(answer, frame));
          } else if (answer.temporary && retries < this.maxPublishRetries) {
            retries += 1;
            this.sendLater(request, backoff.next());
          } else {
            reject(VaneClientError.fromFrame(answer));
          }
        },
        fail: reject,
      };
      this.request(request);
    });
  }

  /**
   * Runs SQL statements (DDL needs an admin token); resolves with one result per statement. A
   * request already sent when the connection drops rejects with CONNECTION_LOST rather than
   * running twice.
   */
  sql(text: string): Promise<StatementResult[]> {
    return new Promise((resolve, reject) => {
      const frame: ClientFrame = { type: 'sql', id: this.requests.nextId(), sql: text };
      this.request({
        frame,
        resend: false,
        answer: (answer) => {
          if (answer.type === 'result') resolve(answer.results);
          else if (answer.type === 'error') reject(VaneClientError.fromFrame(answer));
          else reject(unexpected(answer, frame));
        },
        fail: reject,
      });
    });
  }

  /**
   * The streams and views the token may see, with their SQL, columns, key and window (`GET
   * /v1/streams` and `GET /v1/views` on the HTTP origin of the WebSocket URL). Uses the global
   * `fetch` (browsers, Node 18+).
   */
  async catalog(): Promise<Catalog> {
    const [streams, views] = await Promise.all([
      this.getJson<{ streams: StreamInfo[] }>('/v1/streams'),
      this.getJson<{ views: ViewInfo[] }>('/v1/views'),
    ]);
    return { streams: streams.streams, views: views.views };
  }

  /** Live rates and counts: events/s per stream, changes/s per view, ack latency (`GET /v1/stats`). */
  stats(): Promise<ServerStats> {
    return this.getJson<ServerStats>('/v1/stats');
  }

  /**
   * Watches a view (by name or `{ view }`), an ad-hoc SQL view (`{ sql }`) as a live table, or a
   * stream's raw events (`{ stream }`). The subscription lives until `unsubscribe()` or `close()`,
   * across reconnects.
   */
  subscribe<K extends ViewName<S>>(
    view: K | { view: K },
    options?: SubscribeOptions<ViewRow<S, K>>,
    onChange?: (change: Change<ViewRow<S, K>>) => void,
  ): LiveTable<ViewRow<S, K>>;
  subscribe<K extends StreamName<S>>(
    target: { stream: K },
    options?: StreamSubscribeOptions<StreamEvent<S, K>>,
    onEvents?: (events: StreamEvent<S, K>[]) => void,
  ): StreamSubscription<StreamEvent<S, K>>;
  subscribe<Row = Record<string, unknown>>(
    target: { sql: string },
    options?: SubscribeOptions<Row>,
    onChange?: (change: Change<Row>) => void,
  ): LiveTable<Row>;
  subscribe(
    target: string | { view: string } | { stream: string } | { sql: string },
    options: SubscribeOptions<AnyRow> = {},
    handler?: ((change: Change<AnyRow>) => void) | ((events: AnyRow[]) => void),
  ): LiveTable<AnyRow> | StreamSubscription<AnyRow> {
    const what = typeof target === 'string' ? { view: target } : target;
    const fields: SubscribeTarget = {
      ...what,
      where: options.where,
      order_by: options.orderBy?.map(([column, direction]) => [column, direction]),
      limit: options.limit,
      interval: options.interval,
    };
    let subscription: LiveTable<AnyRow> | StreamSubscription<AnyRow>;
    if ('stream' in what) {
      const stream = new StreamSubscription<AnyRow>(this.host, fields);
      if (handler !== undefined) stream.on('events', handler as (events: AnyRow[]) => void);
      subscription = stream;
    } else {
      const table = new LiveTable<AnyRow>(this.host, fields, options.orderBy);
      if (handler !== undefined) table.on('change', handler as (change: Change<AnyRow>) => void);
      subscription = table;
    }
    if (this.closedBy !== undefined) {
      subscription.end(this.closedBy, false);
      return subscription;
    }
    this.subscriptions.add(subscription);
    if (this.connection.isOpen) subscription.connected();
    return subscription;
  }

  /**
   * Closes for good: no more reconnects, pending requests reject with CLOSED, subscriptions end
   * (their `ready` rejects if it had not resolved), the socket closes with 1000. Idempotent.
   */
  close(): void {
    this.connection.close();
  }

  /**
   * A handshake failed without a status (browsers hide it): GET /v1/streams with the same token
   * tells a refused token (401) or access (403) from a server that is down or restarting.
   */
  private probeRefusal(): Promise<VaneClientError | undefined> {
    return this.getJson('/v1/streams').then(
      () => undefined,
      (error: unknown) =>
        error instanceof VaneClientError &&
        (error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN')
          ? error
          : undefined,
    );
  }

  private getJson<T>(path: string): Promise<T> {
    const token =
      typeof this.options.token === 'function' ? this.options.token() : this.options.token;
    return getJson<T>(httpOrigin(this.url), path, token);
  }

  private request(request: PendingRequest): void {
    if (this.closedBy !== undefined) {
      request.fail(this.closedBy);
      return;
    }
    if (this.requests.size >= this.maxPendingRequests && !this.requests.has(request.frame.id)) {
      request.fail(
        new VaneClientError(
          'QUEUE_FULL',
          `${this.requests.size} requests already wait for ${
            this.connection.isOpen ? 'their answers' : 'a connection'
          } (maxPendingRequests); retry later`,
          { temporary: true },
        ),
      );
      return;
    }
    this.requests.add(request);
    this.flush();
  }

  private sendLater(request: PendingRequest, delayMs: number): void {
    const timer = setTimeout(() => {
      this.delayed.delete(timer);
      this.request(request);
    }, delayMs);
    this.delayed.set(timer, request);
  }

  private flush(): void {
    if (!this.connection.isOpen) return;
    for (const text of this.requests.takeQueued()) this.connection.send(text);
  }

  private opened(): void {
    this.flush();
    for (const subscription of this.subscriptions) subscription.connected();
  }

  private lost(): void {
    this.byServerSub.clear();
    this.requests.connectionLost();
    for (const subscription of this.subscriptions) subscription.disconnected();
  }

  private stateChanged(state: ConnectionState, error: VaneClientError | undefined): void {
    if (state === 'closed') this.shutDown(error);
    this.options.onStateChange?.(state, error);
  }

  /** `error` is why the connection closed for good; undefined when the user closed it. */
  private shutDown(error: VaneClientError | undefined): void {
    const reason = error ?? new VaneClientError('CLOSED', 'the client was closed');
    this.closedBy = reason;
    for (const [timer, request] of this.delayed) {
      clearTimeout(timer);
      request.fail(reason);
    }
    this.delayed.clear();
    const subscriptions = [...this.subscriptions];
    this.subscriptions.clear();
    this.byServerSub.clear();
    for (const subscription of subscriptions) subscription.end(reason, error !== undefined);
    this.requests.failAll(reason);
    if (error !== undefined) this.options.onError?.(error);
  }

  private route(frame: ServerFrame): void {
    switch (frame.type) {
      case 'ack':
      case 'result':
      case 'pong':
      case 'subscribed':
        this.requests.answer(frame.id, frame);
        return;
      case 'snapshot':
      case 'delta':
      case 'events':
        this.byServerSub.get(frame.sub)?.receive(frame);
        return;
      case 'error':
        this.routeError(frame);
        return;
    }
  }

  private routeError(frame: ErrorFrame): void {
    if (frame.id !== undefined && this.requests.answer(frame.id, frame)) return;
    const subscription = frame.sub === undefined ? undefined : this.byServerSub.get(frame.sub);
    if (subscription !== undefined) subscription.receive(frame);
    else this.options.onError?.(VaneClientError.fromFrame(frame));
  }

  private subscriptionHost(): SubscriptionHost {
    return {
      isOpen: () => this.connection.isOpen,
      retryBackoff: this.retryBackoff,
      nextId: () => this.requests.nextId(),
      request: (request) => this.request(request),
      sendNow: (frame) => {
        this.connection.send(JSON.stringify(frame));
      },
      bind: (sub, link) => {
        this.byServerSub.set(sub, link);
      },
      unbind: (sub) => {
        this.byServerSub.delete(sub);
      },
      remove: (link) => {
        this.subscriptions.delete(link);
      },
    };
  }
}

/** `vane.v1` (or `vane.v1.msgpack`), plus `token.<jwt>` when there is a token (SPEC §6). */
function protocols(token: ConnectOptions['token'], encoding: ConnectOptions['encoding']): string[] {
  const value = typeof token === 'function' ? token() : token;
  const protocol = encoding === 'msgpack' ? MSGPACK_SUBPROTOCOL : SUBPROTOCOL;
  return value === undefined || value === '' ? [protocol] : [protocol, `token.${value}`];
}

function globalWebSocket(): WebSocketConstructor | undefined {
  return (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
}

function unexpected(answer: ServerFrame, request: ClientFrame): VaneClientError {
  return new VaneClientError('PROTOCOL_ERROR', `${answer.type} frame answered ${request.type}`);
}
