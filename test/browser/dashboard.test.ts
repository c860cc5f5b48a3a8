/**
 * The dashboard in a real browser (system Chromium through playwright-core) against a real
 * server fed by a publisher in this process: live rows updated in place (same `<tr>`, changed
 * cells flash), server stats, the SQL console, alerts, 50 chart lines at 10 updates a second,
 * a view too large to follow whole shown as a server-side top 100, a dropped connection the open
 * view resumes from (its offset: no reload), and a server restart that the page rides out
 * (reconnecting, then a fresh snapshot: a new epoch cannot resume).
 * The page talks to the server through a TCP proxy (tcp-proxy.ts) that can cut its connections.
 * Screenshots of each step go to a fresh temporary directory, printed at the end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VaneServer } from '../../src/node/index.ts';
import { chromiumAvailable, launchChromium } from './chromium.ts';
import { Publisher, SCHEMA, startFixtureServer } from './fixture.ts';
import { continuity, isCurrentElement, stat, watchRowUpdate } from './page-checks.ts';
import { TcpProxy } from './tcp-proxy.ts';

const WAIT_MS = 10_000;

describe.skipIf(!chromiumAvailable())('the dashboard', () => {
  let dataDir: string;
  let shots: string;
  let server: VaneServer;
  let publisher: Publisher;
  let proxy: TcpProxy;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vane-dashboard-data-'));
    shots = await mkdtemp(join(tmpdir(), 'vane-dashboard-shots-'));
    server = await startFixtureServer(dataDir);
    await server.node.executeSql(SCHEMA, { admin: true });
    publisher = new Publisher(`${server.url.replace(/^http/, 'ws')}/v1/ws`);
    publisher.start(100);
    proxy = await TcpProxy.start(server.port);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.setDefaultTimeout(WAIT_MS);
  });

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    publisher?.stop();
    await server?.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    if (shots !== undefined) console.info(`dashboard screenshots: ${shots}`);
  });

  /** The text of one cell of the view table: the row with this key, the column of this name. */
  async function cell(key: string, column: string): Promise<string> {
    const headers = await page.locator('#view table.rows th').allTextContents();
    const row = page.locator(`#view table.rows tbody tr[data-key='${key}']`);
    if ((await row.count()) === 0) return '';
    return (await row.locator('td').nth(headers.indexOf(column)).textContent()) ?? '';
  }

  /** Waits until the cell shows something other than `before` (and something at all). */
  async function cellChanges(key: string, column: string, before: string): Promise<string> {
    const deadline = performance.now() + WAIT_MS;
    for (;;) {
      const now = await cell(key, column);
      if (now !== '' && now !== before) return now;
      if (performance.now() > deadline) {
        throw new Error(`${key}.${column} stayed '${before}' for ${WAIT_MS} ms`);
      }
      await page.waitForTimeout(100);
    }
  }

  it('serves the built page and assets with their content types and caching', async () => {
    const response = await fetch(`${server.url}/`);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const html = await response.text();
    const script = /src="(assets\/app-[^"]+\.js)"/.exec(html)?.[1];
    const styles = /href="(assets\/app-[^"]+\.css)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect(styles).toBeDefined();
    const js = await fetch(`${server.url}/${script}`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('cache-control')).toContain('immutable');
    const css = await fetch(`${server.url}/${styles}`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(await css.text()).toContain('.uplot'); // uPlot's styles are bundled in
    expect((await fetch(`${server.url}/assets/nothing.js`)).status).toBe(404);
  });

  it('shows a view whose rows change live, with rates and server stats', async () => {
    await page.goto(`${proxy.url}/#view=last_price`);
    await page.waitForSelector('#connection[data-state="open"]');
    await page.waitForSelector('#view tr[data-key=\'["AAPL"]\']');
    const before = await cell('["AAPL"]', 'trades');
    await cellChanges('["AAPL"]', 'trades', before);
    await page.waitForSelector('#catalog li[data-name="trades"] .rate:not(.idle)');
    await page.waitForSelector('#view .chart canvas');
    expect(await page.locator('#view table.rows tbody tr').count()).toBe(8);

    // The next render that touches AAPL rewrites its changed cells in the same <tr>, and every
    // changed cell flashes.
    const selector = `#view table.rows tbody tr[data-key='["AAPL"]']`;
    const row = (await page.$(selector))!;
    const update = await watchRowUpdate(page, row, WAIT_MS);
    expect(update.changedCells).toBeGreaterThan(0);
    expect(update.flashedCells).toBe(update.changedCells);
    expect(await isCurrentElement(page, row, selector)).toBe(true);

    // Server stats: two WebSockets (the page, the publisher), two subscriptions (the page's
    // last_price and its alert view overheating), and the ack latency of the publishes.
    await expect
      .poll(() => stat(page, 'events-per-second'), { timeout: WAIT_MS })
      .toMatch(/^[1-9]/);
    await expect.poll(() => stat(page, 'subscriptions'), { timeout: WAIT_MS }).toBe('2');
    await expect.poll(() => stat(page, 'connections'), { timeout: WAIT_MS }).toBe('2');
    expect(await stat(page, 'ack-p50')).toMatch(/^[\d.]+ ms$/);
    expect(await stat(page, 'ack-p99')).toMatch(/^[\d.]+ ms$/);
    await page.screenshot({ path: join(shots, '1-live-view.png') });
  });

  it('runs SQL: an error points at its line and column, a new view appears and fills', async () => {
    await page.fill('.sql-editor', 'SELECT symbol\n  FROM last_price WHERE ;');
    await page.click('button.run');
    const error = page.locator('.sql-error');
    await expect.poll(() => error.textContent()).toMatch(/^SQL_SYNTAX at line 2, column \d+/);
    expect(await page.locator('.sql-caret').textContent()).toContain('^');

    await page.fill(
      '.sql-editor',
      `CREATE VIEW big_trades WITH (emit_interval = '100ms') AS
         SELECT symbol, max(qty) AS max_qty, count(*) AS n FROM trades WHERE qty > 10
         GROUP BY symbol;`,
    );
    await page.click('button.run');
    await expect
      .poll(() => page.locator('.sql-message').first().textContent())
      .toContain('big_trades');
    await page.click('#catalog li[data-name="big_trades"]');
    await page.waitForSelector('#view h1:text("big_trades")');
    await page.waitForSelector('#view table.rows tbody tr[data-key]');
    const symbol = (await page
      .locator('#view table.rows tbody tr')
      .first()
      .getAttribute('data-key'))!;
    await cellChanges(symbol, 'n', await cell(symbol, 'n'));

    await page.fill('.sql-editor', 'SELECT symbol, n FROM big_trades ORDER BY n DESC LIMIT 3;');
    await page.click('button.run');
    await expect.poll(() => page.locator('.result-box tbody tr').count()).toBe(3);
    await page.screenshot({ path: join(shots, '2-sql-console.png') });
  });

  it('lists an alert when a HAVING view gets a row', async () => {
    expect(await page.locator('.alert[data-view="overheating"]').count()).toBe(0);
    publisher.heat('press-1');
    const alert = page.locator('.alert[data-view="overheating"]').first();
    await alert.waitFor();
    expect(await alert.textContent()).toContain('press-1');
    await page.screenshot({ path: join(shots, '3-alert.png') });
  });

  it('charts 50 series updated 10 times a second', async () => {
    await server.node.executeSql(
      `CREATE STREAM ticks (k STRING, v DOUBLE);
       CREATE VIEW tick_values WITH (emit_interval = '100ms') AS
         SELECT k, last(v) AS v, count(*) AS n FROM ticks GROUP BY k;`,
      { admin: true },
    );
    const keys = Array.from({ length: 50 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    let step = 0;
    const feed = setInterval(() => {
      step += 1;
      const events = keys.map((k, i) => ({ k, v: i * 10 + Math.sin(step / 5 + i) * 4 }));
      publisher.client.publish('ticks', events).catch(() => undefined);
    }, 100);
    try {
      await page.click('#catalog li[data-name="tick_values"]');
      await page.waitForSelector('#view h1:text("tick_values")');
      await expect.poll(() => page.locator('.legend-more').textContent()).toBe('+34 more');
      // All 50 keys reach the table and keep changing. How smoothly the page draws them is a
      // benchmark's question, not a test's (npm run bench:dashboard; BENCHMARKS.md).
      await expect.poll(() => page.locator('#view table.rows tbody tr').count()).toBe(50);
      const key = (await page
        .locator('#view table.rows tbody tr')
        .first()
        .getAttribute('data-key'))!;
      await cellChanges(key, 'n', await cell(key, 'n'));
      await page.screenshot({ path: join(shots, '4-fifty-series.png') });
    } finally {
      clearInterval(feed);
    }
  });

  it('shows a view of more rows than it follows whole as a server-side top 100', async () => {
    await server.node.executeSql(
      `CREATE STREAM wide (k STRING, v DOUBLE);
       CREATE VIEW wide_keys WITH (emit_interval = '100ms') AS
         SELECT k, last(v) AS v FROM wide GROUP BY k;`,
      { admin: true },
    );
    // One more row than FULL_VIEW_MAX_ROWS (dashboard/src/view-panel.ts).
    const events = Array.from({ length: 5_001 }, (_, i) => ({ k: `w${i}`, v: i }));
    await publisher.client.publish('wide', events);
    await page.click('#catalog li[data-name="wide_keys"]');
    await page.waitForSelector('#view h1:text("wide_keys")');
    await page.waitForSelector('#view[data-mode="top"]');
    await expect
      .poll(() => page.locator('#view .row-count').textContent(), { timeout: WAIT_MS })
      .toBe('top 100 of a large view');
    expect(await page.locator('#view table.rows tbody tr').count()).toBe(100);
    // Key order, as the server ranks it: w0, w1, w10, w100, …
    expect(await page.locator('#view table.rows tbody tr').first().getAttribute('data-key')).toBe(
      '["w0"]',
    );
  });

  it('resumes the open view from its offset after the connection drops', async () => {
    await page.click('#catalog li[data-name="last_price"]');
    await page.waitForSelector('#view tr[data-key=\'["MSFT"]\']');
    const before = await continuity(page);
    proxy.cut(); // the server stays up; the page's sockets are gone and new ones refused
    await page.waitForSelector('#connection[data-state="reconnecting"]');
    const stalled = await cell('["MSFT"]', 'trades');
    proxy.restore();
    await page.waitForSelector('#connection[data-state="open"]');
    // The SDK resubscribed with its last { epoch, offset }; the server sent the missed deltas
    // (recovered: true) rather than a fresh snapshot.
    await expect
      .poll(() => continuity(page), { timeout: WAIT_MS })
      .toEqual({ resumed: before.resumed + 1, reloaded: before.reloaded, last: 'resumed' });
    await cellChanges('["MSFT"]', 'trades', stalled);
    await page.screenshot({ path: join(shots, '5-resumed.png') });
  });

  it('shows reconnecting while the server is down and reloads live rows after it restarts', async () => {
    await page.waitForSelector('#view tr[data-key=\'["MSFT"]\']');
    const before = await continuity(page);
    const port = server.port;
    await server.stop();
    await page.waitForSelector('#connection[data-state="reconnecting"]');
    await page.screenshot({ path: join(shots, '6-reconnecting.png') });
    const stalled = await cell('["MSFT"]', 'trades');

    server = await startFixtureServer(dataDir, port);
    await page.waitForSelector('#connection[data-state="open"]');
    // A restart issues a new epoch (docs/recovery.md): the old offset cannot resume, the SDK
    // gets recovered: false and a fresh snapshot, and the page says it reloaded.
    await expect
      .poll(() => continuity(page), { timeout: WAIT_MS })
      .toEqual({ resumed: before.resumed, reloaded: before.reloaded + 1, last: 'reloaded' });
    expect(await page.locator('#view .continuity').textContent()).toMatch(/^reloaded /);
    await cellChanges('["MSFT"]', 'trades', stalled);
    const later = await cell('["MSFT"]', 'trades');
    await cellChanges('["MSFT"]', 'trades', later);
    await page.screenshot({ path: join(shots, '7-reloaded.png') });
    expect(pageErrors).toEqual([]);
  });
});
