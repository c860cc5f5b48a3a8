/**
 * The dashboard of a running `vane demo` (all four use cases, alerts staged every 3 s) in a real
 * browser: the catalog lists the demo's streams and views, a view's rows change live, the alerts
 * panel shows the demo's alert_* views firing, and a view made in the SQL console over a demo
 * stream fills. dashboard.test.ts covers the rest (errors, charts, restarts) on a small fixture.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, USE_CASES, type RunningDemo } from '../../src/demo/index.ts';
import { chromiumAvailable, launchChromium } from './chromium.ts';

const WAIT_MS = 15_000;

describe.skipIf(!chromiumAvailable())('the dashboard of a running demo', () => {
  let dataDir: string;
  let shots: string;
  let demo: RunningDemo;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

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
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.setDefaultTimeout(WAIT_MS);
  });

  afterAll(async () => {
    await browser?.close();
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

  it('lists the demo and shows a view whose rows change live', async () => {
    await page.goto(`${demo.server.url}/#view=last_price`);
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
    await page.screenshot({ path: join(shots, '1-demo-live-view.png') });
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
});
