/**
 * Launching the system Chromium (Debian's /usr/bin/chromium) for the browser tests and the
 * screenshot script. Without it the tests skip with a warning, except on CI, where a missing
 * browser must fail the run rather than pass it silently.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env['VANE_CHROMIUM'] ?? '/usr/bin/chromium';

/** True when the tests can run; false (after a console.warn) when they should skip. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env['CI'] === 'true') {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}: CI must install it (apt-get install chromium)`,
    );
  }
  console.warn(`browser tests skipped: no Chromium at ${CHROMIUM_PATH} (set VANE_CHROMIUM)`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
