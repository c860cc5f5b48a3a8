export type { Catalog, ServerStats, StreamInfo, ViewInfo } from '../protocol/index.ts';
import { VaneClientError } from './errors.ts';

/** `ws://host:port/v1/ws` → `http://host:port` (`wss:` → `https:`): where the HTTP API is. */
export function httpOrigin(wsUrl: string): string {
  const url = new URL(wsUrl);
  const protocol =
    url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : url.protocol;
  return `${protocol}//${url.host}`;
}

/**
 * GETs a JSON document from the server's HTTP API with the token as a Bearer header. Rejects with
 * a VaneClientError: the server's code for an error body, CONNECTION_LOST when it is unreachable.
 */
export async function getJson<T>(
  origin: string,
  path: string,
  token: string | undefined,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== undefined && token !== '') headers['authorization'] = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(`${origin}${path}`, { headers });
  } catch (cause) {
    throw new VaneClientError('CONNECTION_LOST', `GET ${path} failed: the server is unreachable`, {
      temporary: true,
      cause,
    });
  }
  const body = (await response.json().catch(() => undefined)) as
    { error?: { code: string; message: string; temporary?: boolean } } | undefined;
  if (!response.ok) {
    const error = body?.error;
    throw new VaneClientError(
      error?.code ?? 'PROTOCOL_ERROR',
      error?.message ?? `GET ${path} answered ${response.status}`,
      { temporary: error?.temporary === true },
    );
  }
  if (body === undefined) throw new VaneClientError('PROTOCOL_ERROR', `GET ${path}: not JSON`);
  return body as T;
}
