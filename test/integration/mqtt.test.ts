/**
 * MQTT ingest end to end: a real mosquitto (started here, on a free port, from a generated
 * config), a Vane server configured through `vane serve` flags, an mqtt.js publisher. Skips with
 * a warning when mosquitto is not installed, except on CI, where it fails.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveConfig } from '../../src/cli/serve-command.ts';
import { startMqttBridge, type MqttIngestTarget } from '../../src/mqtt/index.ts';
import { resolveConfig, startServer, type VaneServer } from '../../src/node/index.ts';
import { VaneError } from '../../src/util/index.ts';
import { eventually, http, mqttMessages, sleep, viewState } from './helpers.ts';
import { Broker, freePort, haveMosquitto } from './mosquitto.ts';

const WAIT_MS = 10_000;

const SCHEMA = `
CREATE STREAM readings (device_id STRING, temp DOUBLE, ts TIMESTAMP, reading_id STRING)
  WITH (timestamp = 'ts', id = 'reading_id', lateness = '1h');
CREATE VIEW per_device WITH (emit_interval = '10ms') AS
  SELECT device_id, count(*) AS n, sum(temp) AS total FROM readings GROUP BY device_id;
`;

async function publisher(url: string): Promise<MqttClient> {
  return connectAsync(url, { reconnectPeriod: 0, connectTimeout: WAIT_MS });
}

let readingCounter = 0;
function reading(deviceId: string, temp: number): Record<string, unknown> {
  readingCounter += 1;
  return { device_id: deviceId, temp, ts: Date.now(), reading_id: `r${readingCounter}` };
}

async function deviceCount(url: string, deviceId: string): Promise<number> {
  const { rows } = await viewState(url, 'per_device');
  return Number(rows.find((row) => row['device_id'] === deviceId)?.['n'] ?? 0);
}

describe.skipIf(!haveMosquitto)('MQTT ingest through mosquitto', () => {
  let dir: string;
  let broker: Broker;
  let server: VaneServer;
  let client: MqttClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vane-mqtt-'));
    broker = await Broker.start(dir, await freePort());
    const schemaFile = join(dir, 'schema.sql');
    writeFileSync(schemaFile, SCHEMA);
    const config = serveConfig(
      [
        ['--port', '0'],
        ['--memory'],
        ['--log-level', 'silent'],
        ['--init', schemaFile],
        ['--mqtt', broker.url],
        ['--mqtt-map', 'sensors/{device_id}/reading=readings'],
      ].flat(),
      {},
    );
    if (config === 'help') throw new Error('unexpected help');
    server = await startServer({ ...config, tickMs: 2 });
    await server.mqtt!.subscribed(WAIT_MS);
    client = await publisher(broker.url);
  });

  afterAll(async () => {
    await client?.endAsync(true);
    await server?.stop();
    await broker?.kill();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('stores QoS 1 JSON objects and arrays, with the device id taken from the topic', async () => {
    await client.publishAsync('sensors/d1/reading', JSON.stringify(reading('ignored', 20)), {
      qos: 1,
    });
    await client.publishAsync(
      'sensors/d1/reading',
      JSON.stringify([reading('d1', 21), reading('d1', 22)]),
      { qos: 1 },
    );
    expect(await eventually(async () => (await deviceCount(server.url, 'd1')) === 3, WAIT_MS)).toBe(
      true,
    );
    expect(await deviceCount(server.url, 'ignored')).toBe(0);
    expect(await mqttMessages(server.url, 'accepted')).toBe(2);
  });

  it('de-duplicates a resent message by the stream id column', async () => {
    const payload = JSON.stringify(reading('dup', 1));
    await client.publishAsync('sensors/dup/reading', payload, { qos: 1 });
    await client.publishAsync('sensors/dup/reading', payload, { qos: 1 });
    expect(await eventually(async () => (await mqttMessages(server.url, 'accepted')) === 4)).toBe(
      true,
    );
    expect(await deviceCount(server.url, 'dup')).toBe(1);
  });

  it('counts malformed and refused payloads and keeps working', async () => {
    const malformedBefore = await mqttMessages(server.url, 'malformed');
    const refusedBefore = await mqttMessages(server.url, 'refused');
    await client.publishAsync('sensors/d2/reading', 'not json at all', { qos: 1 });
    await client.publishAsync('sensors/d2/reading', '[1, 2, 3]', { qos: 1 });
    await client.publishAsync(
      'sensors/d2/reading',
      JSON.stringify({ ...reading('d2', 0), temp: 'warm' }),
      { qos: 1 },
    );
    await client.publishAsync('sensors/d2/reading', JSON.stringify(reading('d2', 5)), { qos: 0 });
    expect(await eventually(async () => (await deviceCount(server.url, 'd2')) === 1, WAIT_MS)).toBe(
      true,
    );
    expect(await mqttMessages(server.url, 'malformed')).toBe(malformedBefore + 2);
    expect(await mqttMessages(server.url, 'refused')).toBe(refusedBefore + 1);
    expect(server.mqtt!.connected).toBe(true);
  });

  it('reconnects and resubscribes after the broker is killed and restarted', async () => {
    await client.endAsync(true);
    await broker.kill();
    expect(await eventually(() => !server.mqtt!.connected, WAIT_MS)).toBe(true);
    const { text } = await http('GET', `${server.url}/metrics`);
    expect(text).toMatch(/^vane_mqtt_connected 0$/m);
    broker = await Broker.start(dir, broker.port);
    // A new broker without persistence: the session is gone, so the bridge must subscribe again.
    await server.mqtt!.subscribed(WAIT_MS);
    client = await publisher(broker.url);
    await client.publishAsync('sensors/d3/reading', JSON.stringify(reading('d3', 7)), { qos: 1 });
    expect(await eventually(async () => (await deviceCount(server.url, 'd3')) === 1, WAIT_MS)).toBe(
      true,
    );
  });

  it('leaves a QoS 1 message unacknowledged on a temporary failure; the broker redelivers it', async () => {
    // A second bridge in front of the same node, whose first publish fails as an overloaded
    // server would: the message must come back from the broker and be stored exactly once.
    const node = server.node;
    let calls = 0;
    const target: MqttIngestTarget = {
      publish: (stream, events) => {
        calls += 1;
        if (calls === 1) {
          return Promise.reject(
            new VaneError('OVERLOADED', 'too many events are waiting', { temporary: true }),
          );
        }
        return node.publish(stream, events);
      },
      engine: node.engine,
      logger: node.logger,
      metrics: node.metrics,
    };
    const bridge = startMqttBridge(
      target,
      {
        url: broker.url,
        mappings: [{ topic: 'retry/{device_id}', stream: 'readings' }],
        clientId: 'vane-redelivery-test',
      },
      { redeliveryDelayMs: 50, reconnectPeriodMs: 100 },
    );
    try {
      await bridge.subscribed(WAIT_MS);
      const failedBefore = await mqttMessages(server.url, 'failed');
      await client.publishAsync('retry/d4', JSON.stringify(reading('d4', 9)), { qos: 1 });
      expect(
        await eventually(async () => (await deviceCount(server.url, 'd4')) === 1, WAIT_MS),
      ).toBe(true);
      expect(calls).toBe(2);
      expect(await mqttMessages(server.url, 'failed')).toBe(failedBefore + 1);
      await sleep(200);
      expect(calls).toBe(2);
      expect(await deviceCount(server.url, 'd4')).toBe(1);
    } finally {
      await bridge.close();
    }
  });

  it('gets the messages published while Vane was stopped from its broker session', async () => {
    const config = resolveConfig({
      port: 0,
      dataDir: null,
      logLevel: 'silent',
      tickMs: 2,
      initSql: SCHEMA,
      mqtt: {
        url: broker.url,
        mappings: [{ topic: 'offline/{device_id}', stream: 'readings' }],
        clientId: 'vane-restart-test',
      },
    });
    const first = await startServer(config);
    await first.mqtt!.subscribed(WAIT_MS);
    await first.stop();
    expect(first.mqtt!.connected).toBe(false);
    await client.publishAsync('offline/d5', JSON.stringify(reading('d5', 1)), { qos: 1 });
    const second = await startServer(config);
    try {
      expect(
        await eventually(async () => (await deviceCount(second.url, 'd5')) === 1, WAIT_MS),
      ).toBe(true);
    } finally {
      await second.stop();
    }
  });

  it('refuses to start when a mapping names a stream that does not exist', async () => {
    const config = resolveConfig({
      port: 0,
      dataDir: null,
      logLevel: 'silent',
      initSql: SCHEMA,
      mqtt: { url: broker.url, mappings: [{ topic: 'x/+', stream: 'nope' }] },
    });
    const refusal = startServer(config);
    await expect(refusal).rejects.toThrow(/MQTT mapping 'x\/\+=nope': there is no stream nope/);
    await expect(refusal).rejects.toMatchObject({ code: 'UNKNOWN_STREAM' });
  });
});
