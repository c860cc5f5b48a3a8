/**
 * Checks on the dashboard page shared by the browser tests. Code that runs in the page is
 * written as strings: the tests are type-checked without DOM types.
 */
import type { ElementHandle, Page } from 'playwright-core';

/**
 * Calls the function whose source is `source` in the page with `args` (element handles arrive
 * as their elements). Playwright evaluates a string as an expression and passes it no
 * arguments, so the function is made in the page first and then called through its handle.
 */
async function callInPage<R>(page: Page, source: string, ...args: unknown[]): Promise<R> {
  const fn = await page.evaluateHandle<(...args: unknown[]) => R>(source);
  try {
    return await fn.evaluate((call, values) => call(...values), args);
  } finally {
    await fn.dispose();
  }
}

/** What one render did to a row of the view table (see watchRowUpdate). */
export interface RowUpdate {
  /** Cells of the row whose text changed in that render. */
  changedCells: number;
  /** Of those, the cells running a background-colour flash (dashboard/src/dom.ts `flash`). */
  flashedCells: number;
}

/**
 * Waits (up to `timeoutMs`) for the next render that rewrites cells of this `<tr>` and reports
 * how many changed and how many flash. A MutationObserver on the row sees the rewritten text;
 * its callback runs right after that render, when each changed cell's flash, a Web Animation of
 * its background colour started in the same render, is still running (it lasts 500 ms).
 */
export function watchRowUpdate(
  page: Page,
  row: ElementHandle,
  timeoutMs: number,
): Promise<RowUpdate> {
  return callInPage<RowUpdate>(
    page,
    `(tr, timeoutMs) => new Promise((resolve) => {
      const observer = new MutationObserver((records) => {
        const cells = new Set();
        for (const record of records) {
          const node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
          const td = node && node.closest('td');
          if (td && tr.contains(td)) cells.add(td);
        }
        if (cells.size === 0) return;
        observer.disconnect();
        clearTimeout(timer);
        const flashes = (td) => td.getAnimations().some((animation) =>
          animation.effect.getKeyframes().some((frame) => 'backgroundColor' in frame));
        resolve({
          changedCells: cells.size,
          flashedCells: [...cells].filter(flashes).length,
        });
      });
      observer.observe(tr, { childList: true, characterData: true, subtree: true });
      const timer = setTimeout(() => {
        observer.disconnect();
        resolve({ changedCells: 0, flashedCells: 0 });
      }, timeoutMs);
    })`,
    row,
    timeoutMs,
  );
}

/** True when `handle` is (still) the element the page finds for `selector`. */
export function isCurrentElement(
  page: Page,
  handle: ElementHandle,
  selector: string,
): Promise<boolean> {
  return callInPage<boolean>(
    page,
    `(handle, selector) => document.querySelector(selector) === handle`,
    handle,
    selector,
  );
}

/** How the view panel's table came back after reconnects (dashboard/src/view-panel.ts). */
export interface Continuity {
  resumed: number;
  reloaded: number;
  /** The last one, as the Rows bar shows it; undefined before the first reconnect. */
  last: string | undefined;
}

export async function continuity(page: Page): Promise<Continuity> {
  const label = page.locator('#view .continuity');
  return {
    resumed: Number(await label.getAttribute('data-resumed')),
    reloaded: Number(await label.getAttribute('data-reloaded')),
    last: (await label.getAttribute('data-continuity')) ?? undefined,
  };
}

/** The text of one figure of the top bar's server stats (dashboard/src/stats-bar.ts). */
export async function stat(page: Page, name: string): Promise<string> {
  return (await page.locator(`[data-stat="${name}"] .stat-value`).textContent()) ?? '';
}
