/**
 * The dashboard of a running `vane demo` (all four use cases, alerts staged every 3 s) in a real
 * browser: the catalog lists the demo's streams and views, a view's rows change live in place
 * (same `<tr>`, changed cells flash), the top bar shows the server's rates, subscribers and ack
 * latency, the alerts panel shows the demo's alert_* views firing, a view made in the SQL console
 * over a demo stream fills, and after the connection drops (the server staying up) the open
 * view resumes from its offset instead of reloading. Every request the page makes off its own
 * origin is blocked and counted: there must be none (no CDN, works offline).
 * dashboard.test.ts covers the rest (errors, charts, restarts) on a small fixture.
 *
 * The page talks to the demo through a TCP proxy (tcp-proxy.ts) that can cut its connections.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, USE_CASES, type RunningDemo } from '../../src/demo/index.ts';
import { chromiumAvailable, launchChromium } from './chromium.ts';
import { continuity, isCurrentElement, stat, watchRowUpdate } from './page-checks.ts';
import { TcpProxy } from './tcp-proxy.ts';

const WAIT_MS = 15_000;

describe.skipIf(!chromiumAvailable())('the dashboard of a running demo', () => {
  let dataDir: string;
  let shots: string;
  let demo: RunningDemo;
  let proxy: TcpProxy;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  /** Requests to the page's own origin (let through) and to any other (blocked). */
  let onOrigin = 0;
  const offOrigin: string[] = [];
  const webSockets: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vane-demo-dashboard-'));
    shots = await mkdtemp(join(tmpdir(), 'vane-demo-dashboard-shots-'));
    demo = await startDemo({
      useCases: USE_CASES,
      port: 0,
      dataDir,
      alertEveryMs: 3_000,
      logLevel: 'silent',
    });
    proxy = await TcpProxy.start(demo.server.port);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith(`${proxy.url}/`)) {
        onOrigin += 1;
        await route.continue();
      } else {
        offOrigin.push(url);
        await route.abort('blockedbyclient');
      }
    });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('websocket', (socket) => webSockets.push(socket.url()));
    page.setDefaultTimeout(WAIT_MS);
  });

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await demo?.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    if (shots !== undefined) console.info(`demo dashboard screenshots: ${shots}`);
  });

  /** The text of the `column` cells of the view table, in row order. */
  async function column(name: string): Promise<string[]> {
    const headers = await page.locator('#view table.rows th').allTextContents();
    const index = headers.indexOf(name);
    if (index < 0) return [];
    return page.locator(`#view table.rows tbody tr td:nth-child(${index + 1})`).allTextContents();
  }

  it('lists the demo and shows a view whose rows change live, in place, flashing', async () => {
    await page.goto(`${proxy.url}/#view=last_price`);
    await page.waitForSelector('#connection[data-state="open"]');
    for (const name of ['trades', 'readings', 'posts', 'game_events', 'leaderboard']) {
      await page.waitForSelector(`#catalog li[data-name="${name}"]`);
    }
    await page.waitForSelector('#view table.rows tbody tr[data-key]');
    const before = (await column('trades')).join(',');
    await expect
      .poll(async () => (await column('trades')).join(','), { timeout: WAIT_MS })
      .not.toBe(before);
    expect((await column('symbol')).length).toBeGreaterThan(10);

    // The next render that touches the first row rewrites its changed cells in the same <tr>,
    // and every changed cell flashes.
    const key = (await page.locator('#view table.rows tbody tr').first().getAttribute('data-key'))!;
    const selector = `#view table.rows tbody tr[data-key='${key}']`;
    const row = (await page.$(selector))!;
    const update = await watchRowUpdate(page, row, WAIT_MS);
    expect(update.changedCells).toBeGreaterThan(0);
    expect(update.flashedCells).toBe(update.changedCells);
    expect(await isCurrentElement(page, row, selector)).toBe(true);
    await page.screenshot({ path: join(shots, '1-demo-live-view.png') });
  });

  it('shows the server stats: events/s, subscribers, connections, ack latency', async () => {
    await expect
      .poll(() => stat(page, 'events-per-second'), { timeout: WAIT_MS })
      .toMatch(/^[1-9]/);
    // The page is the demo's only client: one WebSocket, subscribed to the open view and to
    // every alert view (the alerts panel).
    const alertViews = await page.locator('#catalog li.alert-view').count();
    expect(alertViews).toBeGreaterThan(0);
    await expect
      .poll(() => stat(page, 'subscriptions'), { timeout: WAIT_MS })
      .toBe(String(1 + alertViews));
    await expect.poll(() => stat(page, 'connections'), { timeout: WAIT_MS }).toBe('1');
    expect(await stat(page, 'ack-p50')).toMatch(/^[\d.]+ ms$/);
    expect(await stat(page, 'ack-p99')).toMatch(/^[\d.]+ ms$/);
  });

  it("shows the demo's alerts as they fire", async () => {
    const alert = page.locator('.alert[data-view^="alert_"]').first();
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.getAttribute('data-view')).toMatch(/^alert_/);
    await page.screenshot({ path: join(shots, '2-demo-alerts.png') });
  });

  it('makes a view in the SQL console over a demo stream and fills it', async () => {
    await page.fill(
      '.sql-editor',
      `CREATE VIEW kinds_live WITH (emit_interval = '200ms') AS
         SELECT kind, count(*) AS n FROM game_events GROUP BY kind;`,
    );
    await page.click('button.run');
    await page.click('#catalog li[data-name="kinds_live"]');
    await page.waitForSelector('#view h1:text("kinds_live")');
    await page.waitForSelector('#view table.rows tbody tr[data-key]');
    const before = (await column('n')).join(',');
    await expect
      .poll(async () => (await column('n')).join(','), { timeout: WAIT_MS })
      .not.toBe(before);
    expect(pageErrors).toEqual([]);
    await page.screenshot({ path: join(shots, '3-demo-sql-view.png') });
  });

  it('resumes the open view from its offset after the connection drops', async () => {
    await page.click('#catalog li[data-name="last_price"]');
    await page.waitForSelector('#view h1:text("last_price")');
    await page.waitForSelector('#view table.rows tbody tr[data-key]');
    const before = await continuity(page);

    proxy.cut(); // the server stays up; the page's sockets are gone and new ones refused
    await page.waitForSelector('#connection[data-state="reconnecting"]');
    await page.screenshot({ path: join(shots, '4-demo-reconnecting.png') });
    const stalled = (await column('trades')).join(',');
    proxy.restore();
    await page.waitForSelector('#connection[data-state="open"]');

    // The SDK resubscribed with its last { epoch, offset } and the server answered with the
    // missed deltas (recovered: true), not a fresh snapshot.
    await expect
      .poll(() => continuity(page), { timeout: WAIT_MS })
      .toEqual({ resumed: before.resumed + 1, reloaded: before.reloaded, last: 'resumed' });
    expect(await page.locator('#view .continuity').textContent()).toMatch(/^resumed /);
    await expect
      .poll(async () => (await column('trades')).join(','), { timeout: WAIT_MS })
      .not.toBe(stalled);
    expect(pageErrors).toEqual([]);
    await page.screenshot({ path: join(shots, '5-demo-resumed.png') });
  });

  it('fetches nothing from any other origin (no CDN, works offline)', () => {
    // Everything above ran with every off-origin request blocked.
    expect(offOrigin).toEqual([]);
    expect(onOrigin).toBeGreaterThan(3); // the page, its script and styles, the API polls
    expect(webSockets.length).toBeGreaterThanOrEqual(2); // the first socket, and the reconnect
    for (const url of webSockets) expect(url).toBe(`${proxy.url.replace(/^http/, 'ws')}/v1/ws`);
  });
});
