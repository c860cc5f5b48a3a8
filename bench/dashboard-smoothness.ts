/**
 * Dashboard smoothness (issue 5: "smooth with 50 series at 10 updates/s"): a server in this
 * process, a view of 50 keys whose values change 10 times a second, and the dashboard in
 * headless Chromium charting it. Each round counts the frames the page draws and its longest
 * frame over a few seconds (requestAnimationFrame), with and then without the chart open, so the
 * chart's share shows beside the machine's own noise. Prints a row per round and the medians.
 *
 * Run: `npm run bench:dashboard` (`-- --rounds 5 --seconds 3`). Needs /usr/bin/chromium (or
 * VANE_CHROMIUM). Headless Chromium draws without a GPU here: the figures are a floor, and a shared
 * machine moves them a lot, hence medians of alternating rounds.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connect } from '../src/client/index.ts';
import { resolveConfig, startServer } from '../src/node/index.ts';
import { launchChromium } from '../test/browser/chromium.ts';
import { median } from './server/stats.ts';
import WebSocket from 'ws';

const { values: flags } = parseArgs({
  options: { rounds: { type: 'string' }, seconds: { type: 'string' } },
});
const ROUNDS = Number(flags.rounds ?? 5);
const SECONDS = Number(flags.seconds ?? 3);
if (!(Number.isInteger(ROUNDS) && ROUNDS > 0 && SECONDS > 0)) {
  process.stderr.write('usage: bench:dashboard [--rounds N] [--seconds S]\n');
  process.exit(2);
}

const KEYS = Array.from({ length: 50 }, (_, i) => `k${String(i).padStart(2, '0')}`);

interface Frames {
  fps: number;
  longestFrameMs: number;
}

const dataDir = await mkdtemp(join(os.tmpdir(), 'vane-bench-dashboard-'));
const server = await startServer(
  resolveConfig({ host: '127.0.0.1', port: 0, dataDir, dev: true, logLevel: 'silent' }),
);
const browser = await launchChromium();
const client = connect(`${server.url.replace(/^http/, 'ws')}/v1/ws`, { WebSocket });
let feed: NodeJS.Timeout | undefined;
try {
  await server.node.executeSql(
    `CREATE STREAM ticks (k STRING, v DOUBLE);
     CREATE VIEW tick_values WITH (emit_interval = '100ms') AS
       SELECT k, last(v) AS v, count(*) AS n FROM ticks GROUP BY k;`,
    { admin: true },
  );
  let step = 0;
  feed = setInterval(() => {
    step += 1;
    const events = KEYS.map((k, i) => ({ k, v: i * 10 + Math.sin(step / 5 + i) * 4 }));
    client.publish('ticks', events).catch(() => undefined);
  }, 100);

  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
  await page.waitForSelector('#catalog li[data-name="tick_values"]');
  // Page code as text: this file is compiled without the DOM's types.
  const measure = (): Promise<Frames> =>
    page.evaluate<Frames>(`new Promise((resolve) => {
      let frames = 0;
      let longest = 0;
      let last = performance.now();
      const start = last;
      const frame = (now) => {
        frames += 1;
        longest = Math.max(longest, now - last);
        last = now;
        if (now - start < ${SECONDS * 1000}) requestAnimationFrame(frame);
        else resolve({ fps: frames / ((now - start) / 1000), longestFrameMs: longest });
      };
      requestAnimationFrame(frame);
    })`);

  console.log(
    `Vane dashboard smoothness: 50 series, 10 updates/s, ${SECONDS} s per measurement; ` +
      `${os.cpus()[0]?.model ?? 'cpu'} (${os.cpus().length} cores), load ${os.loadavg()[0]!.toFixed(1)}`,
  );
  console.log(
    '| round | chart open: fps | longest frame (ms) | no view open: fps | longest frame (ms) |',
  );
  console.log('|---:|---:|---:|---:|---:|');
  const open: Frames[] = [];
  const idle: Frames[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    await page.click('#catalog li[data-name="tick_values"]');
    await page.waitForSelector('#view h1:text("tick_values")');
    await page.waitForFunction(
      `document.querySelector('.legend-more')?.textContent === '+34 more'`,
    );
    open.push(await measure());
    // The same page with the view closed: what the machine and the rest of the page cost.
    await page.goto(server.url);
    await page.waitForSelector('#catalog li[data-name="tick_values"]');
    idle.push(await measure());
    const [a, b] = [open.at(-1)!, idle.at(-1)!];
    console.log(
      `| ${round} | ${a.fps.toFixed(1)} | ${a.longestFrameMs.toFixed(1)} | ${b.fps.toFixed(1)} | ${b.longestFrameMs.toFixed(1)} |`,
    );
  }
  console.log(
    `medians: chart open ${median(open.map((f) => f.fps)).toFixed(1)} fps, longest frame ` +
      `${median(open.map((f) => f.longestFrameMs)).toFixed(1)} ms; no view open ` +
      `${median(idle.map((f) => f.fps)).toFixed(1)} fps, longest frame ` +
      `${median(idle.map((f) => f.longestFrameMs)).toFixed(1)} ms`,
  );
} finally {
  if (feed !== undefined) clearInterval(feed);
  client.close();
  await browser.close();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
