/**
 * A scripted fake Vane server for the SDK's tests (test-only; imports `ws`, which the SDK itself
 * never does). Each test reads the frames a connection received and answers by hand.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientFrame, ServerFrame } from '../protocol/index.ts';

/** How long a test waits for a frame or a connection before failing with a clear message. */
const WAIT_MS = 2_000;

/** Waits until `ready()` or a wake-up from `waiters`; fails after WAIT_MS naming `what`. */
async function waitFor(waiters: (() => void)[], ready: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + WAIT_MS;
  while (!ready()) {
    const left = deadline - performance.now();
    if (left <= 0) throw new Error(`fake server: no ${what} within ${WAIT_MS} ms`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, left);
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

export class FakeConnection {
  readonly received: ClientFrame[] = [];
  /** The frames exactly as they arrived. */
  readonly texts: string[] = [];
  private readonly waiters: (() => void)[] = [];
  private cursor = 0;
  readonly closed: Promise<void>;

  constructor(
    readonly socket: WebSocket,
    /** The subprotocols the client offered, in order. */
    readonly protocols: string[],
  ) {
    socket.on('message', (data: Buffer) => {
      this.texts.push(data.toString());
      this.received.push(JSON.parse(data.toString()) as ClientFrame);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  /** The next frame not yet read by `next`, optionally skipping frames of other types. */
  async next<T extends ClientFrame['type']>(type?: T): Promise<Extract<ClientFrame, { type: T }>> {
    const wanted = (): boolean => {
      while (this.cursor < this.received.length) {
        const frame = this.received[this.cursor] as ClientFrame;
        if (type === undefined || frame.type === type) return true;
        this.cursor += 1;
      }
      return false;
    };
    await waitFor(this.waiters, wanted, `${type ?? 'frame'} frame`);
    return this.received[this.cursor++] as Extract<ClientFrame, { type: T }>;
  }

  send(frame: ServerFrame): void {
    this.socket.send(JSON.stringify(frame));
  }

  close(code: number, reason = ''): void {
    this.socket.close(code, reason);
  }

  /** Drops the TCP connection without a closing handshake (a network failure). */
  drop(): void {
    this.socket.terminate();
  }
}

export class FakeServer {
  readonly connections: FakeConnection[] = [];
  private readonly waiters: (() => void)[] = [];
  private seen = 0;

  private constructor(private readonly server: WebSocketServer) {
    server.on('connection', (socket, request) => {
      const header = request.headers['sec-websocket-protocol'] ?? '';
      const protocols = header.split(',').map((value) => value.trim());
      this.connections.push(new FakeConnection(socket, protocols));
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** `refuseWith`: answer every handshake with this HTTP status instead of upgrading. */
  static async start(refuseWith?: number): Promise<FakeServer> {
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      ...(refuseWith === undefined
        ? {}
        : {
            verifyClient: (_info, done: (ok: boolean, code: number) => void) =>
              done(false, refuseWith),
          }),
    });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    return new FakeServer(server);
  }

  get url(): string {
    const { port } = this.server.address() as { port: number };
    return `ws://127.0.0.1:${port}/v1/ws`;
  }

  /** The next connection not yet returned by this method. */
  async nextConnection(): Promise<FakeConnection> {
    await waitFor(this.waiters, () => this.seen < this.connections.length, 'connection');
    return this.connections[this.seen++] as FakeConnection;
  }

  async stop(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error === undefined ? resolve() : reject(error))),
    );
  }
}
