// Writes docs/screenshot.png: the dashboard of a running `vane demo` (all four use cases, in
// memory, an alert staged every 5 s) at 1280×800, with the stocks' top_movers view open (ordered
// by abs_change_pct, the chart on change_pct after about 30 s of trading), the demo's alerts
// firing, and a SELECT in the SQL console. Run it by hand when the dashboard's look changes:
// `node --import tsx scripts/screenshot.ts [out.png]`.
import { startDemo, USE_CASES } from '../src/demo/index.ts';
import { launchChromium } from '../test/browser/chromium.ts';

const out = process.argv[2] ?? 'docs/screenshot.png';
const demo = await startDemo({
  useCases: USE_CASES,
  port: 0,
  dataDir: null,
  alertEveryMs: 5_000,
  logLevel: 'silent',
});
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(30_000);
  await page.goto(`${demo.server.url}/#view=top_movers`);
  await page.waitForSelector('#connection[data-state="open"]');
  await page.waitForSelector('#view h1:text("top_movers")');
  await page.waitForSelector('#view table.rows tbody tr[data-key]');
  await page.selectOption('.column-picker', 'change_pct');
  await page.click('#view th[data-column="abs_change_pct"]'); // descending: the biggest movers
  await page.waitForSelector('.alert[data-view^="alert_"]');
  await page.waitForTimeout(30_000); // the chart fills; the rates settle
  await page.fill(
    '.sql-editor',
    'SELECT symbol, price, change_pct FROM top_movers\n  ORDER BY change_pct DESC LIMIT 5;',
  );
  await page.click('button.run');
  await page.waitForSelector('.result-box table');
  await page.waitForTimeout(500); // a render or two of the table after the query
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await demo.stop();
}
