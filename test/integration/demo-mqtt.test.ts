/**
 * `vane demo iot --mqtt <url>`: the IoT sensors publish to a real mosquitto (started here) and
 * the server's MQTT bridge stores their readings, so the IoT views fill through the broker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoOptions } from '../../src/cli/demo-command.ts';
import { startDemo, type RunningDemo } from '../../src/demo/index.ts';
import { eventually, mqttMessages, viewState } from './helpers.ts';
import { Broker, freePort, haveMosquitto } from './mosquitto.ts';

describe.skipIf(!haveMosquitto)('the iot demo through MQTT', () => {
  let dir: string;
  let broker: Broker;
  let demo: RunningDemo;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vane-demo-mqtt-'));
    broker = await Broker.start(dir, await freePort());
    demo = await startDemo({
      useCases: ['iot'],
      port: 0,
      dataDir: null,
      rates: { iot: 50 },
      mqttUrl: broker.url,
      logLevel: 'silent',
    });
  });

  afterAll(async () => {
    await demo?.stop();
    await broker?.kill();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('fills the IoT views with readings that came through the broker', async () => {
    const url = demo.server.url;
    expect(await eventually(async () => (await mqttMessages(url, 'accepted')) >= 50, 10_000)).toBe(
      true,
    );
    // 50 devices report once a second; the view emits once a second.
    const devicesSeen = async () => (await viewState(url, 'device_stats_1m')).rows.length;
    expect(await eventually(async () => (await devicesSeen()) >= 40, 10_000)).toBe(true);
    const { rows } = await viewState(url, 'device_stats_1m');
    // Nothing went to the stream in process: every reading the view counts came as a message.
    const readings = rows.reduce((total, row) => total + Number(row['readings']), 0);
    expect(readings).toBeLessThanOrEqual(await mqttMessages(url, 'accepted'));
    expect(demo.useCases[0]?.rateUnit).toMatch(/through MQTT/);
  });
});

describe('vane demo --mqtt', () => {
  it('needs the iot use case', () => {
    expect(() => demoOptions(['stocks', '--mqtt', 'mqtt://127.0.0.1:1'])).toThrow(/iot/);
  });

  it('says when no broker answers, before a server starts', async () => {
    const port = await freePort();
    await expect(
      startDemo({ useCases: ['iot'], port: 0, dataDir: null, mqttUrl: `mqtt://127.0.0.1:${port}` }),
    ).rejects.toThrow(new RegExp(`no MQTT broker answered at mqtt://127.0.0.1:${port}`));
  });
});
