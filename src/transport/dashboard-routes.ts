import type { FastifyInstance, FastifyReply } from 'fastify';

/** One file of the dashboard, ready to send. */
export interface DashboardAsset {
  body: string | Uint8Array;
  contentType: string;
  /**
   * True for content-hashed names (`app-3F2A….js`): cached for a year as immutable. The page
   * itself is revalidated on every load, so a rebuilt dashboard is picked up at once.
   */
  immutable: boolean;
}

/**
 * Where the dashboard's files come from (node/ builds or reads them). `index.html` is the page;
 * other names are the files it links under `/assets/`. Resolves undefined for an unknown name.
 * May be slow the first time (a build on demand) and must not reject: a failure is a page that
 * says what to do.
 */
export type DashboardSource = (name: string) => Promise<DashboardAsset | undefined>;

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/**
 * GET / (the page) and GET /assets/{file} (its script and styles). No token needed: the files
 * hold no data; the page asks for a token's data over the API like any client.
 */
export function registerDashboardRoutes(http: FastifyInstance, source: DashboardSource): void {
  const send = async (name: string, reply: FastifyReply): Promise<FastifyReply> => {
    const asset = await source(name);
    if (asset === undefined) {
      return reply.code(404).type('text/plain; charset=utf-8').send(`no dashboard file ${name}`);
    }
    return reply
      .type(asset.contentType)
      .header('cache-control', asset.immutable ? IMMUTABLE : REVALIDATE)
      .header('x-content-type-options', 'nosniff')
      .send(asset.body);
  };
  http.get('/', (_request, reply) => send('index.html', reply));
  http.get<{ Params: { file: string } }>('/assets/:file', (request, reply) =>
    send(request.params.file, reply),
  );
}
