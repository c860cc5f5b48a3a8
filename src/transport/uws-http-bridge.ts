import type { HttpRequest, HttpResponse, TemplatedApp } from '@trufflesuite/uws-js-unofficial';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import { errorBody } from './error-status.ts';
import { remoteAddress, requestUrl } from './uws-request.ts';

/** The HTTP side of the uWS transport, as its shutdown sees it. */
export interface HttpBridge {
  /** Requests taken and not yet answered (or aborted). */
  readonly inFlight: number;
  /** Resolves once no request is in flight, or after `ms`, whichever comes first. */
  settled(ms: number): Promise<void>;
}

/**
 * Serves every HTTP request `server` gets (WebSocket upgrades aside) with the routes of `http`,
 * the same fastify instance the `ws` transport listens with, through `inject`: the API behaves
 * the same on both transports because it is the same code. fastify never listens itself.
 *
 * Per request: method, URL with its query, headers and remote address are read at once (uWS's
 * request object lives only during the handler call); the body is read up to `maxPayloadBytes`
 * and handed over whole. A body over the limit is not read further: fastify gets its first
 * `maxPayloadBytes + 1` bytes with a length that says so, and answers 413 (PAYLOAD_TOO_LARGE)
 * through its error handler exactly as when it reads the body from a socket itself; that answer
 * closes the connection (fastify asks for it), which also ends the client's upload.
 *
 * The answer is written inside `res.cork` (status, headers, body in one write) and only if the
 * client has not gone away: uWS forbids touching a response after `onAborted` has fired.
 * Responses are buffered: no route streams its body (the API's answers are JSON, the dashboard's
 * files are in memory, /metrics is a string).
 */
export function bridgeHttp(
  server: TemplatedApp,
  http: FastifyInstance,
  maxPayloadBytes: number,
): HttpBridge {
  let inFlight = 0;
  let onIdle: (() => void) | null = null;
  const finished = (): void => {
    if (--inFlight === 0) onIdle?.();
  };
  server.any('/*', (res, req) => {
    inFlight++;
    new Exchange(res, readRequest(req, res), http, maxPayloadBytes, finished);
  });
  return {
    get inFlight() {
      return inFlight;
    },
    settled(ms) {
      if (inFlight === 0) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(done, ms);
        function done(): void {
          clearTimeout(timer);
          onIdle = null;
          resolve();
        }
        onIdle = done;
      });
    },
  };
}

/** A request as read during uWS's handler call. */
interface RequestHead {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  remoteAddress: string;
}

function readRequest(req: HttpRequest, res: HttpResponse): RequestHead {
  const headers: Record<string, string> = {};
  req.forEach((name, value) => {
    const earlier = headers[name];
    headers[name] =
      earlier === undefined ? value : `${earlier}${name === 'cookie' ? '; ' : ', '}${value}`;
  });
  return {
    method: req.getCaseSensitiveMethod(),
    url: requestUrl(req),
    headers,
    remoteAddress: remoteAddress(res),
  };
}

/**
 * One request and its answer. `finished` is called exactly once: after the answer is written, or
 * when the client went away (then nothing more is written, and a body not yet complete is never
 * handed to fastify).
 */
class Exchange {
  private readonly chunks: Buffer[] = [];
  private received = 0;
  private state: 'reading' | 'answering' | 'done' = 'reading';

  constructor(
    private readonly res: HttpResponse,
    private readonly request: RequestHead,
    private readonly http: FastifyInstance,
    private readonly maxPayloadBytes: number,
    private readonly finished: () => void,
  ) {
    res.onAborted(() => this.end());
    const declared = Number(request.headers['content-length']);
    if (declared > maxPayloadBytes) {
      // fastify refuses on the length alone (or ignores the body, on a route without one).
      this.answer(undefined);
      return;
    }
    // uWS calls this for every request, once with isLast and no bytes when there is no body.
    res.onData((chunk, isLast) => this.read(chunk, isLast));
  }

  private read(chunk: ArrayBuffer, isLast: boolean): void {
    if (this.state !== 'reading') return;
    const room = this.maxPayloadBytes + 1 - this.received;
    // The chunk is valid only during this call: copied.
    if (chunk.byteLength > 0) {
      this.chunks.push(Buffer.from(new Uint8Array(chunk, 0, Math.min(room, chunk.byteLength))));
    }
    this.received += chunk.byteLength;
    if (this.received > this.maxPayloadBytes) {
      const { headers } = this.request;
      delete headers['transfer-encoding'];
      headers['content-length'] = String(this.received);
      this.answer(Buffer.concat(this.chunks));
      return;
    }
    if (!isLast) return;
    if (this.received === 0) {
      this.answer(undefined);
      return;
    }
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    // uWS has taken a chunked encoding off: fastify is told the length of what it gets.
    delete this.request.headers['transfer-encoding'];
    this.request.headers['content-length'] = String(body.length);
    this.answer(body);
  }

  private answer(body: Buffer | undefined): void {
    this.state = 'answering';
    const { method, url, headers, remoteAddress } = this.request;
    this.http
      .inject({ method, url, headers, payload: body, remoteAddress })
      .then(
        (response) => {
          if (this.state === 'done') return;
          this.res.cork(() => writeResponse(this.res, response, method));
        },
        (error: unknown) => {
          if (this.state === 'done') return;
          this.res.cork(() => writeError(this.res, error));
        },
      )
      .finally(() => this.end());
  }

  /** Answered, or the client went away: the response is never touched again. */
  private end(): void {
    if (this.state === 'done') return;
    this.state = 'done';
    this.finished();
  }
}

/** Headers uWS writes itself (Date, Content-Length) or that describe fastify's in-memory reply. */
const NOT_COPIED = new Set([
  'connection',
  'content-length',
  'date',
  'keep-alive',
  'transfer-encoding',
]);

function writeResponse(res: HttpResponse, response: LightMyRequestResponse, method: string): void {
  const status = response.statusCode;
  res.writeStatus(`${status} ${response.statusMessage || STATUS_CODES[status] || ''}`.trimEnd());
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined || NOT_COPIED.has(name.toLowerCase())) continue;
    if (Array.isArray(value)) {
      for (const item of value) res.writeHeader(name, item);
    } else {
      res.writeHeader(name, String(value));
    }
  }
  // fastify asks to close the connection when it did not read a request body (413).
  const close = String(response.headers['connection'] ?? '').toLowerCase() === 'close';
  const length = Number(response.headers['content-length']);
  if (method === 'HEAD' && Number.isInteger(length)) {
    res.endWithoutBody(length, close);
  } else if (method === 'HEAD' || status === 204 || status === 304) {
    // Called without arguments: uWS then writes no Content-Length (an undefined one is taken as
    // 2^63); such answers never come with `close`.
    res.endWithoutBody();
  } else {
    res.end(response.rawPayload, close);
  }
}

/** `inject` itself failed (it does not for a request fastify can route): a bug, answered 500. */
function writeError(res: HttpResponse, error: unknown): void {
  res.writeStatus('500 Internal Server Error');
  res.writeHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ error: errorBody(error) }), true);
}
