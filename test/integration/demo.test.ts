/**
 * `vane demo` end to end: the four use cases run in one in-process server on a free port with an
 * lmdb data dir, as the command runs them; every view gets rows, every alert fires, the
 * leaderboard serves a top-N subscription, and stop() stops the generators and the server. A
 * second test runs the real command in a child process and stops it with SIGINT (Ctrl-C).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { demoOptions } from '../../src/cli/demo-command.ts';
import { connect, type WebSocketConstructor } from '../../src/client/index.ts';
import { startDemo, USE_CASES } from '../../src/demo/index.ts';
import { http, TEST_TRANSPORT } from './helpers.ts';

/**
 * Views with an EMIT FINAL window or an alert need their first window closed or staged; the
 * slowest is alert_device_silent: the first failure is staged 2 s in and listed 10 to 17 s later.
 */
const ALL_ROWS_WITHIN_MS = 30_000;

async function viewRows(url: string, view: string): Promise<Record<string, unknown>[]> {
  const answer = await http('GET', `${url}/v1/views/${view}`);
  expect(answer.status, view).toBe(200);
  return (answer.body as { rows: Record<string, unknown>[] }).rows;
}

it('fills every view and fires every alert, then stops cleanly', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'vane-demo-test-'));
  const demo = await startDemo({
    useCases: USE_CASES,
    port: 0,
    transport: TEST_TRANSPORT,
    dataDir,
    alertEveryMs: 3_000,
    logLevel: 'silent',
  });
  const url = demo.server.url;
  try {
    const views = (
      (await http('GET', `${url}/v1/views`)).body as { views: { name: string }[] }
    ).views.map((view) => view.name);
    expect(views).toHaveLength(17);
    const empty = new Set(views);
    const deadline = Date.now() + ALL_ROWS_WITHIN_MS;
    while (empty.size > 0 && Date.now() < deadline) {
      for (const view of empty) if ((await viewRows(url, view)).length > 0) empty.delete(view);
      if (empty.size > 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect([...empty], 'views still without rows').toEqual([]);

    const silent = await viewRows(url, 'alert_device_silent');
    expect(String(silent[0]?.device)).toMatch(/^dev-/);
    expect(silent.every((row) => (row.silent_ms as number) >= 10_000)).toBe(true);
    const spikes = await viewRows(url, 'alert_volume_spike');
    expect(spikes.every((row) => (row.volume as number) > 20_000)).toBe(true);

    const client = connect(`${url.replace(/^http/, 'ws')}/v1/ws`, {
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    try {
      const top = client.subscribe('leaderboard', { orderBy: [['score', 'desc']], limit: 10 });
      await top.ready;
      const scores = top.rows().map((row) => row.score as number);
      expect(scores).toHaveLength(10);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    } finally {
      client.close();
    }
  } finally {
    await demo.stop();
  }
  const accepted = demo.accepted();
  expect(Object.keys(accepted).sort()).toEqual(['game_events', 'posts', 'readings', 'trades']);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(demo.accepted(), 'a generator kept publishing after stop').toEqual(accepted);
  await expect(http('GET', `${url}/healthz`)).rejects.toThrow();
  await rm(dataDir, { recursive: true, force: true });
});

/** The demo's own temporary data dirs (tsx keeps its cache in the same temp dir). */
async function demoDirs(tmp: string): Promise<string[]> {
  return (await readdir(tmp)).filter((name) => name.startsWith('vane-demo-'));
}

it('runs as `vane demo`, prints the dashboard URL, and exits 0 on Ctrl-C, removing its data', async () => {
  const tmp = await mkdtemp(join(tmpdir(), 'vane-demo-cli-'));
  const bin = fileURLToPath(new URL('../../bin/vane.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'demo', 'stocks', '--port', '0', '--rate', '0.2'], {
    env: { ...process.env, VANE_FROM_SOURCE: '1', TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    await expect
      .poll(() => stdout, { timeout: 20_000, interval: 100 })
      .toMatch(/Dashboard +http:\/\/127\.0\.0\.1:\d+\//);
    expect(stdout).toContain('alerts: alert_volume_spike');
    expect(await demoDirs(tmp)).toHaveLength(1);
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(0);
    expect(stderr).toMatch(/stopped; events accepted: trades \d+/);
    expect(await demoDirs(tmp)).toEqual([]);
  } finally {
    child.kill('SIGKILL');
    await rm(tmp, { recursive: true, force: true });
  }
});

describe('vane demo options', () => {
  it('runs every use case by default, in a fresh temporary data dir, on port 7070', () => {
    expect(demoOptions([])).toMatchObject({
      useCases: ['stocks', 'iot', 'social', 'gaming'],
      port: 7070,
      storage: { kind: 'temp' },
      rates: {},
      seed: 1,
    });
  });

  it('takes use cases, a data dir or memory, rates and the alert cadence', () => {
    expect(demoOptions(['iot', 'stocks', '--data-dir', 'd', '--rate', 'iot=20'])).toMatchObject({
      useCases: ['iot', 'stocks'],
      storage: { kind: 'dir', path: 'd' },
      rates: { iot: 20 },
    });
    expect(demoOptions(['--memory', '--alert-every', '5'])).toMatchObject({
      storage: { kind: 'memory' },
      alertEveryMs: 5_000,
    });
    expect(demoOptions(['--help'])).toBe('help');
    expect(demoOptions([])).toMatchObject({ transport: 'ws' });
    expect(demoOptions(['--transport', 'uws'])).toMatchObject({ transport: 'uws' });
  });

  it.each([
    ['crypto'],
    ['--port', 'x'],
    ['--memory', '--data-dir', 'd'],
    ['--rate', 'fast'],
    ['--transport', 'h2'],
  ])('refuses %j as bad usage', (...argv) => {
    expect(() => demoOptions(argv)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
