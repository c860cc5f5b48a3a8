import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { resolveConfig, startServer, type VaneServer } from '../node/index.ts';
import { connect, VaneClientError } from './index.ts';
import { httpOrigin } from './server-info.ts';

describe('httpOrigin', () => {
  it('maps the WebSocket URL to the HTTP origin of the same server', () => {
    expect(httpOrigin('ws://127.0.0.1:7070/v1/ws')).toBe('http://127.0.0.1:7070');
    expect(httpOrigin('wss://vane.example.com/v1/ws?token=x')).toBe('https://vane.example.com');
    expect(httpOrigin('ws://[::1]:7070/v1/ws')).toBe('http://[::1]:7070');
    expect(httpOrigin('ws://example.com:80/v1/ws')).toBe('http://example.com');
  });
});

describe('catalog() and stats() against a server', () => {
  let server: VaneServer;
  let wsUrl: string;

  beforeAll(async () => {
    server = await startServer(
      resolveConfig({ host: '127.0.0.1', port: 0, dataDir: null, logLevel: 'silent', tickMs: 5 }),
    );
    wsUrl = `${server.url.replace(/^http/, 'ws')}/v1/ws`;
    await server.node.executeSql(
      `CREATE STREAM ticks (k STRING, v DOUBLE);
       CREATE VIEW totals WITH (emit_interval = '10ms') AS
         SELECT k, sum(v) AS total FROM ticks GROUP BY k HAVING sum(v) > 0;`,
      { admin: true },
    );
  });

  afterAll(() => server.stop());

  it('reads the catalog with SQL, columns, key and window', async () => {
    const client = connect(wsUrl, { WebSocket });
    try {
      const catalog = await client.catalog();
      expect(catalog.streams.map((stream) => stream.name)).toEqual(['ticks']);
      expect(catalog.views).toMatchObject([
        { name: 'totals', stream: 'ticks', key: ['k'], window: 'none', emit: 'changes' },
      ]);
      expect(catalog.views[0]!.sql).toMatch(/HAVING/);
    } finally {
      client.close();
    }
  });

  it('reads live rates, counts and ack latency', async () => {
    const client = connect(wsUrl, { WebSocket });
    try {
      const table = client.subscribe('totals');
      await table.ready;
      const deadline = performance.now() + 5_000;
      let stats = await client.stats();
      while (stats.eventsPerSecond === 0 && performance.now() < deadline) {
        await client.publish('ticks', [
          { k: 'a', v: 1 },
          { k: 'b', v: 2 },
        ]);
        await new Promise((resolve) => setTimeout(resolve, 100));
        stats = await client.stats();
      }
      expect(stats.eventsPerSecond).toBeGreaterThan(0);
      expect(stats.streams).toMatchObject([{ name: 'ticks' }]);
      expect(stats.streams[0]!.eventsTotal).toBeGreaterThan(0);
      expect(stats.views).toMatchObject([{ name: 'totals' }]);
      expect(stats.views[0]!.changesTotal).toBeGreaterThan(0);
      expect(stats.connections).toBeGreaterThanOrEqual(1);
      expect(stats.subscriptions).toBeGreaterThanOrEqual(1);
      expect(stats.ackLatencyMs?.p99).toBeGreaterThanOrEqual(stats.ackLatencyMs?.p50 ?? 0);
    } finally {
      client.close();
    }
  });

  it('rejects with a temporary CONNECTION_LOST when the server cannot be reached', async () => {
    const client = connect(wsUrl.replace(/:\d+\//, ':1/'), { WebSocket, reconnect: false });
    await expect(client.stats()).rejects.toBeInstanceOf(VaneClientError);
    await expect(client.stats()).rejects.toMatchObject({
      code: 'CONNECTION_LOST',
      temporary: true,
    });
    client.close();
  });
});
