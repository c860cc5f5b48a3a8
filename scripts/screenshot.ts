// Writes docs/screenshot.png: the dashboard on a live fixture (test/browser/fixture.ts) after a
// few seconds of trades and readings, with one alert firing, at 1280×800. Run it by hand when the
// dashboard's look changes: `node --import tsx scripts/screenshot.ts [out.png]`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../test/browser/chromium.ts';
import { Publisher, SCHEMA, startFixtureServer } from '../test/browser/fixture.ts';

const out = process.argv[2] ?? 'docs/screenshot.png';
const dataDir = await mkdtemp(join(tmpdir(), 'vane-screenshot-'));
const server = await startFixtureServer(dataDir);
await server.node.executeSql(SCHEMA, { admin: true });
const publisher = new Publisher(`${server.url.replace(/^http/, 'ws')}/v1/ws`);
publisher.start(100);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${server.url}/#view=last_price`);
  await page.waitForSelector('#connection[data-state="open"]');
  await page.waitForTimeout(12_000);
  publisher.heat('oven-2');
  await page.waitForSelector('.alert[data-view="overheating"]', { timeout: 15_000 });
  await page.fill(
    '.sql-editor',
    'SELECT symbol, price, trades FROM last_price\n  ORDER BY price DESC LIMIT 5;',
  );
  await page.click('button.run');
  await page.waitForSelector('.result-box table');
  await page.waitForTimeout(4_000);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  publisher.stop();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
