/**
 * One client connection as the hub sees it; implemented by the transport.
 *
 * Contract: `send` only queues a text frame (the transport corks and writes once per tick), so it
 * is cheap and never blocks; frames go out in the order they were sent. `bufferedBytes` tells how
 * far the socket is behind; when it falls back below the hub's high-water mark after having been
 * above, the transport calls `Hub.drained`. `close` ends the connection; the transport then calls
 * `Hub.disconnect` (calling it again is harmless). A sink's methods may throw only on a transport
 * bug; the hub then closes that connection alone.
 */
export interface Sink {
  /** Queues one text frame. */
  send(data: string): void;
  /**
   * Queues one text frame made of `head` + `body`. Every subscriber of a fan-out group gets the
   * same `body` string object for one emission, so a transport may encode it once and reuse the
   * bytes for each connection (checking identity, then equality, of the string it cached).
   */
  sendParts(head: string, body: string): void;
  /** Bytes handed to the socket but not yet written. */
  readonly bufferedBytes: number;
  close(code: number, reason: string): void;
}

/** The hub's handle on a connection; opaque to the transport. */
export interface HubConnection {
  readonly id: number;
}
