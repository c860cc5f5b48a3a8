import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  canAdmin,
  canPublish,
  canSubscribe,
  extractToken,
  type OriginCheck,
  type Principal,
} from '../auth/index.ts';
import { VaneError } from '../util/index.ts';
import { registerDashboardRoutes, type DashboardSource } from './dashboard-routes.ts';
import { errorBody, httpStatusOf } from './error-status.ts';
import type { ServerApp } from './server-app.ts';

export interface HttpApiOptions {
  maxPayloadBytes: number;
  originAllowed: OriginCheck;
  authenticate: (token: string | null) => Promise<Principal>;
  /** The dashboard's files (GET / and GET /assets/{file}). */
  dashboard: DashboardSource;
}

/**
 * The HTTP API of SPEC §5 on fastify. Errors are `{"error": {code, message, temporary, line?,
 * column?}}` with the status of their code; 429 carries Retry-After. /healthz, /readyz and
 * /metrics need no token (they reveal no data); everything else does, unless auth is off.
 */
export function createHttpApi(app: ServerApp, options: HttpApiOptions): FastifyInstance {
  const http = Fastify({ logger: false, bodyLimit: options.maxPayloadBytes });

  http.addContentTypeParser(
    ['application/x-ndjson', 'application/ndjson', 'text/plain'],
    { parseAs: 'string' },
    (_request, body, done) => {
      try {
        done(null, parseNdjson(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );

  http.setErrorHandler((error: unknown, _request, reply) => {
    const vaneError = toVaneError(error);
    app.metrics.rejected.inc({ code: vaneError.code });
    return sendError(reply, vaneError);
  });

  const principalOf = async (request: FastifyRequest): Promise<Principal> => {
    if (!options.originAllowed(request.headers.origin)) {
      throw new VaneError('FORBIDDEN', 'origin not allowed');
    }
    const { token } = extractToken({
      authorization: request.headers.authorization,
      url: request.url,
    });
    return options.authenticate(token);
  };

  http.get('/healthz', () => ({ ok: true }));
  http.get('/readyz', (_request, reply) => {
    const readiness = app.readiness();
    return reply.code(readiness.ready ? 200 : 503).send(readiness);
  });
  http.get('/metrics', async (_request, reply) => {
    const body = await app.metrics.render();
    return reply.type(app.metrics.contentType).send(body);
  });
  registerDashboardRoutes(http, options.dashboard);

  http.post<{ Params: { stream: string } }>('/v1/streams/:stream/events', async (request) => {
    const principal = await principalOf(request);
    const stream = request.params.stream;
    if (!canPublish(principal, stream))
      throw new VaneError('FORBIDDEN', `publishing to ${stream} is not allowed for this token`);
    return app.publish(stream, request.body);
  });

  http.post<{ Body: { sql?: unknown } }>('/v1/sql', async (request) => {
    const principal = await principalOf(request);
    const sql = (request.body as { sql?: unknown } | undefined)?.sql;
    if (typeof sql !== 'string')
      throw new VaneError('INVALID_ARGUMENT', 'the body must be {"sql": "…"}');
    return { results: await app.executeSql(sql, { admin: canAdmin(principal) }) };
  });

  http.get('/v1/streams', async (request) => {
    const principal = await principalOf(request);
    return {
      streams: app
        .catalog()
        .streams.filter(
          (stream) => canSubscribe(principal, stream.name) || canPublish(principal, stream.name),
        ),
    };
  });

  http.get('/v1/stats', async (request) => {
    const principal = await principalOf(request);
    const stats = app.stats();
    return {
      ...stats,
      streams: stats.streams.filter(
        (stream) => canSubscribe(principal, stream.name) || canPublish(principal, stream.name),
      ),
      views: stats.views.filter((view) => canSubscribe(principal, view.name)),
    };
  });

  http.get('/v1/views', async (request) => {
    const principal = await principalOf(request);
    return { views: app.catalog().views.filter((view) => canSubscribe(principal, view.name)) };
  });

  http.get<{ Params: { view: string }; Querystring: Record<string, string | string[]> }>(
    '/v1/views/:view',
    async (request) => {
      const principal = await principalOf(request);
      const name = request.params.view;
      if (!canSubscribe(principal, name))
        throw new VaneError('FORBIDDEN', `reading ${name} is not allowed for this token`);
      const view = app.catalog().views.find((candidate) => candidate.name === name);
      if (view === undefined) throw new VaneError('UNKNOWN_VIEW', `unknown view '${name}'`);
      const where: Record<string, unknown> = {};
      for (const [column, raw] of Object.entries(request.query)) {
        if (column === 'token') continue;
        const definition = view.columns.find((candidate) => candidate.name === column);
        if (definition === undefined || !view.key.includes(column)) {
          throw new VaneError(
            'INVALID_ARGUMENT',
            `'${column}' is not a key column of ${name} (key: ${view.key.join(', ')})`,
          );
        }
        const values = (Array.isArray(raw) ? raw : [raw]).flatMap((value) => value.split(','));
        where[column] = values.map((value) => fromQueryText(value, definition.type));
      }
      return app.viewRows(name, where);
    },
  );

  return http;
}

/** Query parameters are text; numeric and boolean key columns compare as their type. */
function fromQueryText(text: string, type: string): unknown {
  if (type === 'BIGINT' || type === 'DOUBLE') {
    const number = Number(text);
    return Number.isFinite(number) && text.trim() !== '' ? number : text;
  }
  if (type === 'BOOLEAN') return text === 'true' ? true : text === 'false' ? false : text;
  return text;
}

/** NDJSON: one JSON object per non-empty line; the error names the line. */
function parseNdjson(body: string): unknown[] {
  const events: unknown[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    try {
      events.push(JSON.parse(line));
    } catch {
      throw new VaneError('INVALID_EVENT', `line ${i + 1}: not valid JSON`);
    }
  }
  return events;
}

function toVaneError(error: unknown): VaneError {
  if (error instanceof VaneError) return error;
  const fastifyError = error as { code?: string; statusCode?: number; message?: string };
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new VaneError('PAYLOAD_TOO_LARGE', 'the request body is larger than the server accepts');
  }
  if (fastifyError.statusCode !== undefined && fastifyError.statusCode < 500) {
    return new VaneError('INVALID_ARGUMENT', fastifyError.message ?? 'bad request');
  }
  return new VaneError('INTERNAL', 'internal error', { cause: error });
}

function sendError(reply: FastifyReply, error: VaneError): FastifyReply {
  const status = httpStatusOf(error.code);
  if (status === 429) reply.header('Retry-After', '1');
  return reply.code(status).send({ error: errorBody(error) });
}
