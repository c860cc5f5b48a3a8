import type { Sink } from '../hub/index.ts';

/**
 * One WebSocket connection as a WsSession sees it, whatever library runs it: the hub's Sink (the
 * session sends its answers through it too, so they keep their order with the fan-out frames)
 * plus what the session reads of the socket. One adapter per library: WsSink (`ws`) and UwsSink
 * (uWebSockets.js).
 *
 * Contract beyond Sink's: `send` and `close` are no-ops once the connection is no longer open,
 * so a session may answer a request that completes after the client left.
 */
export interface SessionSink extends Sink {
  /** The subprotocol chosen at the handshake (`vane.v1`, `vane.v1.msgpack`), '' for none. */
  readonly protocol: string;
  /**
   * False once a close frame was sent or received (or the socket is gone): a message read now
   * could not be answered, so it is not acted on.
   */
  readonly isOpen: boolean;
}
