/**
 * A TCP proxy between the browser and a server, so a test can drop the page's connections with
 * the server still up: `cut()` destroys every proxied connection (the page's WebSocket closes
 * abnormally, 1006, as on a network failure; the server sees its socket end) and refuses new
 * ones until `restore()`. Playwright cannot close a page's WebSocket itself, and
 * `context.setOffline(true)` leaves open WebSockets up (the SDK then notices only through its
 * heartbeat, 10 to 15 s later).
 *
 * The page is opened at the proxy's URL, so its origin is the proxy's; the server accepts
 * WebSockets only from its own origin (src/transport/own-origins.ts). The proxy therefore
 * rewrites the `Origin` header of each connection's first request to the server's origin (a
 * WebSocket handshake always comes first on its own connection). Nothing else is touched.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

const HEADER_END = Buffer.from('\r\n\r\n');

export class TcpProxy {
  /** Connections destroyed by `cut()` so far. */
  connectionsCut = 0;
  private readonly sockets = new Set<Socket>();
  private refusing = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly targetPort: number,
  ) {}

  /** A proxy on 127.0.0.1 (any free port) to the server on 127.0.0.1:`targetPort`. */
  static async start(targetPort: number): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no port');
    const proxy = new TcpProxy(server, address.port, targetPort);
    server.on('connection', (client) => proxy.accept(client));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Drops every open connection and refuses new ones until `restore()`. */
  cut(): void {
    this.refusing = true;
    for (const socket of this.sockets) {
      socket.destroy();
      this.connectionsCut += 1;
    }
    this.sockets.clear();
  }

  restore(): void {
    this.refusing = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(this.targetPort, '127.0.0.1');
    const pair = [client, upstream];
    for (const socket of pair) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        for (const other of pair) other.destroy();
      });
    }
    upstream.pipe(client);
    const ownOrigin = `\r\nOrigin: http://127.0.0.1:${this.port}\r\n`;
    const serverOrigin = `\r\nOrigin: http://127.0.0.1:${this.targetPort}\r\n`;
    let head: Buffer | undefined = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      if (head === undefined) {
        upstream.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf(HEADER_END);
      if (end < 0 && head.length < 64 * 1024) return;
      const split = end < 0 ? head.length : end + HEADER_END.length;
      const headers = head.subarray(0, split).toString('latin1');
      const at = headers.toLowerCase().indexOf(ownOrigin.toLowerCase());
      const rewritten =
        at < 0
          ? headers
          : headers.slice(0, at) + serverOrigin + headers.slice(at + ownOrigin.length);
      upstream.write(Buffer.concat([Buffer.from(rewritten, 'latin1'), head.subarray(split)]));
      head = undefined;
    });
  }
}
