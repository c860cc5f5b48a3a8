import { afterEach, describe, expect, it } from 'vitest';
import { RawClient, refusedHandshake, startTestServer, type TestServer } from './helpers.ts';

describe('per-connection rate limits', () => {
  let server: TestServer | undefined;

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('answers messages over the rate with RATE_LIMITED, then closes with 4009, and serves others', async () => {
    server = await startTestServer({ limits: { messagesPerSecond: 5 } });
    const noisy = await RawClient.open(server.wsUrl);
    for (let i = 0; i < 200; i++) noisy.send({ type: 'ping', id: `p${i}` });
    const close = await noisy.closed;
    expect(close.code).toBe(4009);
    const pongs = noisy.frames.filter((frame) => frame.type === 'pong');
    const limited = noisy.frames.filter(
      (frame) => frame.type === 'error' && frame.code === 'RATE_LIMITED' && frame.temporary,
    );
    // The bucket starts full (burst = rate): the first 5 pass, then refusals until 20 in a row
    // (a slow machine may refill a token in between, which restarts the count).
    expect(pongs.length).toBeGreaterThanOrEqual(5);
    expect(pongs.length).toBeLessThan(100);
    expect(limited.length).toBeGreaterThanOrEqual(19);
    expect(noisy.frames.length).toBeLessThan(200);
    const calm = await RawClient.open(server.wsUrl);
    calm.send({ type: 'ping', id: 'ok' });
    await expect(calm.waitFor((frame) => frame.type === 'pong')).resolves.toMatchObject({
      id: 'ok',
    });
    await calm.shut();
  });

  it('refuses new connections past the per-address rate with 429 and Retry-After', async () => {
    server = await startTestServer({ limits: { newConnectionsPerIpPerSecond: 5 } });
    // A burst of twice the rate passes (the time it takes may refill a token or two).
    const opened: RawClient[] = [];
    for (let i = 0; i < 10; i++) opened.push(await RawClient.open(server.wsUrl));
    let refused: { status: number; body: string } | undefined;
    for (let i = 0; i < 5 && refused === undefined; i++) {
      try {
        refused = await refusedHandshake(server.wsUrl);
      } catch {
        // accepted: a token had refilled; try again
      }
    }
    expect(refused?.status).toBe(429);
    expect(refused?.body).toMatch(/too many new connections/);
    // Connections already open keep working.
    opened[0]!.send({ type: 'ping', id: 'still' });
    await expect(opened[0]!.waitFor((frame) => frame.type === 'pong')).resolves.toMatchObject({
      id: 'still',
    });
    for (const client of opened) await client.shut();
  });
});
