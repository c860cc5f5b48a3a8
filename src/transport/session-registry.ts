import { CloseCode } from '../protocol/index.ts';
import type { HandshakeGate } from './handshake-gate.ts';
import type { ServerApp } from './server-app.ts';
import type { WsSession } from './ws-session.ts';

/** How long a shutdown waits for a connection's pending acks before closing it anyway. */
const DRAIN_TIMEOUT_MS = 5_000;
/** How long a connection closed with 1001 has to finish the close handshake before it is cut. */
const TERMINATE_AFTER_MS = 2_000;

/**
 * The open sessions of one gateway, by the library's socket object (`K`): what happens when a
 * connection opens and closes, the same on both transports. Opening counts the connection and
 * arms the token's expiry (4001); closing, by whichever side, undoes both, gives the client's
 * per-IP slot back to the HandshakeGate and frees the hub state, once per connection.
 */
export class SessionRegistry<K> {
  private readonly sessions = new Map<K, WsSession>();
  /** Resolvers of `closeAll`, by socket; null until a shutdown begins. */
  private closeWaiters: Map<K, () => void> | null = null;

  constructor(
    private readonly app: ServerApp,
    private readonly gate: HandshakeGate,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  get(key: K): WsSession | undefined {
    return this.sessions.get(key);
  }

  entries(): IterableIterator<[K, WsSession]> {
    return this.sessions.entries();
  }

  /** A session opened on `key`; a token that expires closes it with 4001 at `expiresAtMs`. */
  add(key: K, session: WsSession, expiresAtMs: number | null): void {
    this.sessions.set(key, session);
    this.app.metrics.connections.inc();
    if (expiresAtMs !== null) {
      session.expiry = setTimeout(
        () => session.sink.close(CloseCode.unauthorized, 'token expired'),
        Math.max(0, expiresAtMs - this.now()),
      );
    }
  }

  /** The socket closed; a second call for the same socket does nothing. */
  remove(key: K): void {
    const session = this.sessions.get(key);
    if (session === undefined) return;
    if (session.expiry !== null) clearTimeout(session.expiry);
    this.sessions.delete(key);
    this.gate.release(session.ip);
    this.app.metrics.connections.dec();
    session.closed();
    const waiter = this.closeWaiters?.get(key);
    if (waiter !== undefined) {
      this.closeWaiters!.delete(key);
      waiter();
    }
  }

  /**
   * Shutdown: each open session answers the requests it has taken (bounded by DRAIN_TIMEOUT_MS),
   * then is closed with 1001; a socket still open TERMINATE_AFTER_MS later is cut with
   * `terminate`. Resolves once every session is closed or cut.
   */
  closeAll(terminate: (key: K) => void): Promise<void> {
    const waiters = (this.closeWaiters ??= new Map());
    const closed = [...this.sessions].map(
      ([key, session]) =>
        new Promise<void>((resolve) => {
          waiters.set(key, resolve);
          void within(session.drain(), DRAIN_TIMEOUT_MS).then(() => {
            session.sink.close(CloseCode.goingAway, 'server shutting down');
            setTimeout(() => {
              if (this.sessions.has(key)) terminate(key);
              resolve();
            }, TERMINATE_AFTER_MS).unref();
          });
        }),
    );
    return Promise.all(closed).then(() => undefined);
  }
}

/** Resolves when `promise` does or after `ms`, whichever comes first. */
function within(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
