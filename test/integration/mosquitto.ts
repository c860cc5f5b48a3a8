/**
 * A mosquitto broker for the MQTT tests, started by the test on a free port from a generated
 * config and killed by its pid. `haveMosquitto` is false when the binary is missing: the tests
 * then skip with a warning, except under CI=true, where a test fails on it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { eventually, sleep } from './helpers.ts';

/** MOSQUITTO_BIN points elsewhere (or at nothing, to see the skip). */
export const MOSQUITTO = process.env.MOSQUITTO_BIN ?? '/usr/sbin/mosquitto';
export const haveMosquitto = existsSync(MOSQUITTO);
const onCi = process.env.CI === 'true';
if (!haveMosquitto) {
  // On CI a missing broker fails every file that needs one (.ci/run installs it); elsewhere the
  // MQTT tests skip, loudly.
  if (onCi)
    throw new Error(`${MOSQUITTO} is missing; CI must install mosquitto for the MQTT tests`);
  console.warn(
    `[mosquitto] ${MOSQUITTO} not found: MQTT integration tests skipped (install mosquitto)`,
  );
}

const WAIT_MS = 10_000;

/** A mosquitto process this test started, on a fixed port so it can be restarted there. */
export class Broker {
  private output = '';

  private constructor(
    readonly port: number,
    private readonly process: ChildProcess,
    private readonly exited: Promise<void>,
  ) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  static async start(dir: string, port: number): Promise<Broker> {
    const configFile = join(dir, `mosquitto-${port}.conf`);
    writeFileSync(
      configFile,
      `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\n`,
    );
    const child = spawn(MOSQUITTO, ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const broker = new Broker(port, child, exited);
    child.stdout?.on('data', (chunk: Buffer) => (broker.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (broker.output += chunk.toString()));
    const listening = await eventually(
      () => child.exitCode === null && canConnect(port),
      WAIT_MS,
      50,
    );
    if (!listening) {
      await broker.kill();
      throw new Error(`mosquitto did not listen on ${port}:\n${broker.output}`);
    }
    return broker;
  }

  /** SIGKILL (a crash), then waits for the exit, bounded. */
  async kill(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill('SIGKILL');
    await Promise.race([this.exited, sleep(WAIT_MS)]);
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
