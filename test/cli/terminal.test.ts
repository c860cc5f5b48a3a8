/**
 * The CLI on a terminal, run under `script`, which gives it a pseudo-terminal: `vane tail` draws
 * the live table in place (cursor movement, hidden cursor) instead of printing JSON lines and
 * Ctrl-C typed into the terminal ends it with exit code 0, while `vane tail --json` prints JSON
 * lines even there; `vane publish` shows its progress line on stderr while it runs. Skips with a
 * warning where util-linux's `script` is missing (CI=true: fails).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  http,
  startTestServer,
  trade,
  TRADES_SQL,
  type TestServer,
} from '../integration/helpers.ts';
import { ROOT, waitForOutput } from './run-vane.ts';

const SCRIPT = '/usr/bin/script';
const haveScript = existsSync(SCRIPT);
if (!haveScript) {
  if (process.env.CI === 'true') throw new Error(`${SCRIPT} is missing (util-linux)`);
  console.warn(`[tail-tty] ${SCRIPT} not found: the terminal test of vane tail is skipped`);
}

/** Text as a terminal shows it, without the escape sequences that move the cursor. */
const ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');
const plain = (text: string) => text.replace(ESCAPE, '');

describe.skipIf(!haveScript)('the CLI on a terminal', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ dev: true, initSql: TRADES_SQL });
  });

  afterAll(async () => {
    await server?.stop();
  });

  async function publish(...events: ReturnType<typeof trade>[]): Promise<void> {
    expect(
      (await http('POST', `${server.url}/v1/streams/trades/events`, { body: events })).status,
    ).toBe(200);
  }

  /**
   * `vane <args>` in a pseudo-terminal of 100 × 20 (COLUMNS, LINES: script sizes none). `exec`
   * matters: script runs the command through $SHELL or /bin/sh, and dash (Debian's sh) stays as
   * the parent, so a Ctrl-C typed into the terminal kills the shell too and script reports 130
   * whatever vane does. CI runs without SHELL set; an interactive bash hides it.
   */
  function inTerminal(args: string) {
    return spawn(
      SCRIPT,
      ['-q', '-e', '-c', `exec ${process.execPath} bin/vane.js ${args}`, '/dev/null'],
      {
        cwd: ROOT,
        env: { ...process.env, VANE_FROM_SOURCE: '1', NO_COLOR: '1', COLUMNS: '100', LINES: '20' },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
  }

  it('tail draws the table in place, redraws it on changes, and exits 0 on Ctrl-C', async () => {
    await publish(trade('TTYA', 10), trade('TTYB', 20));
    const child = inTerminal(`tail last_price --url ${server.url}`);
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      const first = await waitForOutput(child, (out) => /TTYB/.test(plain(out)));
      // A table, not JSON lines: the header names the columns, the cursor is hidden.
      expect(plain(first)).toMatch(/symbol\s+price\s+volume\s+n/);
      expect(first).not.toContain('{"op"');
      expect(first).toContain('\x1b[?25l');
      await publish(trade('TTYA', 12.5));
      const redrawn = await waitForOutput(child, (out) => plain(out).includes('12.5'));
      // Redrawn in place: the cursor goes back up over the lines drawn before.
      expect(redrawn).toMatch(new RegExp(`${String.fromCharCode(27)}\\[\\d+F`));
      child.stdin.write('\x03'); // Ctrl-C, through the terminal
      const code = await Promise.race([
        exited,
        new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000)),
      ]);
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('tail --json prints JSON lines on a terminal too, not the table, and exits 0 on Ctrl-C', async () => {
    await publish(trade('TTYJ', 7));
    const child = inTerminal(`tail last_price --json --where symbol=TTYJ --url ${server.url}`);
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      const first = await waitForOutput(child, (out) => out.includes('"symbol":"TTYJ"'));
      await publish(trade('TTYJ', 8.5));
      const output = await waitForOutput(child, (out) => out.includes('"price":8.5'));
      child.stdin.write('\x03'); // Ctrl-C, through the terminal
      const code = await Promise.race([
        exited,
        new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000)),
      ]);
      expect(code).toBe(0);
      // The terminal ends lines with CR LF; every line is one JSON change, in order.
      const text = `${first}${output}`;
      const changes = text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as unknown);
      expect(changes[0]).toEqual({
        op: 'upsert',
        row: { symbol: 'TTYJ', price: 7, volume: 1, n: 1 },
      });
      expect(changes.at(-1)).toEqual({
        op: 'upsert',
        row: { symbol: 'TTYJ', price: 8.5, volume: 2, n: 2 },
      });
      // No table: no escape sequences (hidden cursor, cursor movement), no header line.
      expect(text).not.toContain(String.fromCharCode(27));
      expect(text).not.toMatch(/symbol\s+price\s+volume\s+n/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('publish shows a progress line while it runs, then the summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vane-terminal-'));
    try {
      const file = join(dir, 'trades.ndjson');
      const events = Array.from({ length: 40_000 }, (_, i) => trade(`P${i % 50}`, 1 + (i % 7)));
      writeFileSync(file, events.map((event) => JSON.stringify(event)).join('\n'));
      const child = inTerminal(`publish trades ${file} --url ${server.url} --batch-size 200`);
      const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
      const output = await waitForOutput(
        child,
        (out) => out.includes('published to trades'),
        60_000,
      );
      expect(await exited).toBe(0);
      // At least one progress line was drawn (and rewritten in place) before the summary.
      expect(plain(output)).toMatch(
        /\[[#-]{20}\] \d+% · sent [\d,]+ · acked [\d,]+ · [\d,]+ events\/s/,
      );
      expect(plain(output)).toContain('published to trades: 40,000 accepted');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
