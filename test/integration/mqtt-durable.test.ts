/**
 * MQTT ingest across crashes of a `vane serve` process with a data dir, through a real mosquitto
 * (docs/mqtt.md, "Acknowledgement and delivery"). The server is armed with the failpoint
 * `ingest.after-append` (VANE_TEST_FAILPOINTS=1), so it SIGKILLs itself once a message's events are
 * durable in its log and before the bridge sends the PUBACK. The broker keeps the bridge's
 * persistent session (clean start off, same client id `vane-<host>-<port>` on the same port), so it
 * sends the unacknowledged message again when the restarted server resumes the session. Checked:
 *
 * - a message the bridge acknowledged before a kill -9 is still stored after the restart, and is
 *   not redelivered (it was acknowledged, so only after its durable append);
 * - the message caught between append and PUBACK is redelivered (so it was not acknowledged before
 *   the append) and, on a stream with an id column, counted once: the copy is a duplicate;
 * - on a stream without an id column the redelivered copy is stored a second time: delivery is at
 *   least once, exactly once only with ids (as docs/mqtt.md says);
 * - a malformed payload is counted, logged at warn with its topic and the start of the payload,
 *   and the bridge goes on.
 *
 * Skips with a warning without mosquitto, except under CI=true, where it fails (mosquitto.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run-vane.ts';
import { eventually, metricValue, mqttMessages, sleep, viewState } from './helpers.ts';
import { Broker, freePort, haveMosquitto } from './mosquitto.ts';

const WAIT_MS = 10_000;

const SCHEMA = `
CREATE STREAM readings (device_id STRING, temp DOUBLE, ts TIMESTAMP, reading_id STRING)
  WITH (timestamp = 'ts', id = 'reading_id', lateness = '1h');
CREATE STREAM plain (device_id STRING, temp DOUBLE, ts TIMESTAMP)
  WITH (timestamp = 'ts', lateness = '1h');
CREATE VIEW readings_per_device WITH (emit_interval = '10ms') AS
  SELECT device_id, count(*) AS n FROM readings GROUP BY device_id;
CREATE VIEW plain_per_device WITH (emit_interval = '10ms') AS
  SELECT device_id, count(*) AS n FROM plain GROUP BY device_id;
`;

interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** `vane serve` as a child on a fixed port, every line of its output kept. */
class VaneProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<ExitStatus>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        this.lines.push(...lines.filter((line) => line !== ''));
      });
    }
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The JSON log lines (pino). */
  get logs(): Record<string, unknown>[] {
    return this.lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  /** Starts the server and waits for /readyz; `failpoint` arms one (`name@N`). */
  static async start(args: string[], port: number, failpoint?: string): Promise<VaneProcess> {
    const env: NodeJS.ProcessEnv = { ...process.env, VANE_FROM_SOURCE: '1' };
    delete env.VANE_FAILPOINTS;
    delete env.VANE_TEST_FAILPOINTS;
    if (failpoint !== undefined)
      Object.assign(env, { VANE_TEST_FAILPOINTS: '1', VANE_FAILPOINTS: failpoint });
    const child = spawn(
      process.execPath,
      ['bin/vane.js', 'serve', '--dev', '--host', '127.0.0.1', '--port', String(port), ...args],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const server = new VaneProcess(child, `http://127.0.0.1:${port}`);
    const ready = await eventually(
      async () => {
        if (!server.running) return true;
        try {
          return (await fetch(`${server.url}/readyz`)).status === 200;
        } catch {
          return false;
        }
      },
      15_000,
      50,
    );
    if (!ready || !server.running) {
      await server.kill();
      throw new Error(`vane serve did not get ready:\n${server.lines.join('\n')}`);
    }
    return server;
  }

  /** SIGKILL (if still running), by this child's pid; waits for the exit. */
  async kill(): Promise<ExitStatus> {
    if (this.running) this.child.kill('SIGKILL');
    return this.exited;
  }
}

async function counts(url: string, view: string): Promise<Record<string, number>> {
  const { rows } = await viewState(url, view);
  return Object.fromEntries(rows.map((row) => [String(row['device_id']), Number(row['n'])]));
}

/** Resolves with the exit of a server that must kill itself (its failpoint), within `ms`. */
async function death(server: VaneProcess, ms = WAIT_MS): Promise<ExitStatus> {
  return Promise.race([
    server.exited,
    sleep(ms).then(() => {
      throw new Error(`the failpoint did not kill the server:\n${server.lines.join('\n')}`);
    }),
  ]);
}

describe.skipIf(!haveMosquitto)('MQTT ingest across a crash between append and PUBACK', () => {
  let dir: string;
  let broker: Broker;
  let publisher: MqttClient;
  let args: string[];
  let port: number;
  const servers: VaneProcess[] = [];
  const serve = async (failpoint?: string) => {
    const server = await VaneProcess.start(args, port, failpoint);
    servers.push(server);
    return server;
  };
  const send = (topic: string, payload: string) =>
    publisher.publishAsync(topic, payload, { qos: 1 });
  const reading = (device: string, id: string) =>
    JSON.stringify({ temp: 20, ts: Date.now(), reading_id: id, device_id: device });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vane-mqtt-durable-'));
    broker = await Broker.start(dir, await freePort());
    port = await freePort();
    const initFile = join(dir, 'schema.sql');
    writeFileSync(initFile, SCHEMA);
    args = [
      ['--data-dir', join(dir, 'data')],
      ['--init', initFile],
      ['--log-level', 'info'],
      ['--mqtt', broker.url],
      ['--mqtt-map', 'sensors/{device_id}/reading=readings'],
      ['--mqtt-map', 'plain/{device_id}=plain'],
    ].flat();
    publisher = await connectAsync(broker.url, { reconnectPeriod: 0, connectTimeout: WAIT_MS });
  });

  afterAll(async () => {
    await publisher?.endAsync(true);
    for (const server of servers) await server.kill();
    await broker?.kill();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** The server the next test starts with (each test leaves one armed for the next). */
  let current: VaneProcess;

  it('counts and logs a malformed payload at warn, with topic and payload start, and goes on', async () => {
    // Dies at its second durable append (the first is the message of the next test).
    current = await serve('ingest.after-append@2');
    const payload = 'this is not JSON, just a sensor shouting into the void';
    // Until the bridge is subscribed the broker drops messages: send until one is counted.
    const counted = await eventually(
      async () => {
        await send('sensors/probe/reading', payload);
        return (await mqttMessages(current.url, 'malformed')) > 0;
      },
      WAIT_MS,
      100,
    );
    expect(counted, current.lines.join('\n')).toBe(true);
    // One line (the first of its kind in 10 s), at warn, with what an operator needs.
    let warnings: Record<string, unknown>[] = [];
    await expect
      .poll(() => (warnings = current.logs.filter((log) => log.topic === 'sensors/probe/reading')))
      .toHaveLength(1);
    const [warning] = warnings;
    expect(warning).toMatchObject({
      level: 40,
      component: 'mqtt',
      bytes: payload.length,
      payloadStart: `${payload.slice(0, 32)}…`,
    });
    expect(warning!.msg).toMatch(/^malformed MQTT payload/);
    expect(warning!.reason).toEqual(expect.any(String));
    expect(
      await metricValue(current.url, 'vane_rejected_total{code="INVALID_ARGUMENT"}'),
    ).toBeGreaterThan(0);
    expect(current.running).toBe(true);
  });

  it('keeps an acknowledged message through a kill -9; redelivers the one caught before its PUBACK, once', async () => {
    // Acknowledged by the bridge once durable: the failpoint's first hit, not a death.
    await send('sensors/d1/reading', reading('d1', 'r1'));
    await expect
      .poll(() => counts(current.url, 'readings_per_device'), { timeout: WAIT_MS })
      .toEqual({ d1: 1 });
    // Durable, then the server dies before the PUBACK (the publisher's PUBACK is the broker's).
    await send('sensors/d2/reading', reading('d2', 'r2'));
    expect(await death(current)).toEqual({ code: null, signal: 'SIGKILL' });

    // Armed again for the next test: its first durable append kills it.
    const second = await serve('ingest.after-append@1');
    // The broker sends r2 again; its events are in the log already: a duplicate, no append.
    await expect
      .poll(() => metricValue(second.url, 'vane_duplicates_total{stream="readings"}'), {
        timeout: WAIT_MS,
      })
      .toBe(1);
    expect(await counts(second.url, 'readings_per_device')).toEqual({ d1: 1, d2: 1 });
    // Only r2 came back: r1 had been acknowledged, so it is stored from the log alone.
    expect(await mqttMessages(second.url, 'accepted')).toBe(1);
    expect(second.running).toBe(true);
    current = second;
  });

  it('stores a message twice on a stream without an id column when the crash hit before its PUBACK', async () => {
    const second = current;
    await send('plain/d3', JSON.stringify({ temp: 1, ts: Date.now() }));
    expect(await death(second)).toEqual({ code: null, signal: 'SIGKILL' });

    const third = await serve();
    // Redelivered and stored again: nothing tells the copy from the original (at least once).
    await expect
      .poll(() => counts(third.url, 'plain_per_device'), { timeout: WAIT_MS })
      .toEqual({ d3: 2 });
    expect(await mqttMessages(third.url, 'accepted')).toBe(1);
    expect(await counts(third.url, 'readings_per_device')).toEqual({ d1: 1, d2: 1 });
  });
});
