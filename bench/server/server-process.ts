/**
 * The Vane server under test, as its own process: `node bin/vane.js serve` on 127.0.0.1 with a
 * fresh temporary data dir (or `--memory`), the scenario's schema as `--init`, and a config file
 * for the limits a benchmark must lift (connections per IP) or set (tick).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  procStats,
  spawnNode,
  stopChild,
  trackTempDir,
  untrackTempDir,
  type ProcStats,
} from './children.ts';
import { freePort } from '../free-port.ts';

const VANE_BIN = fileURLToPath(new URL('../../bin/vane.js', import.meta.url));
const START_TIMEOUT_MS = 30_000;

export interface ServerOptions {
  /** `--memory` instead of an lmdb data dir. */
  memory: boolean;
  /** The schema, run with `--init`. */
  initSql: string;
  /** Open files the server may hold (connections + a margin). */
  fds: number;
  /** Connections allowed from one address (every generator is on 127.0.0.1). */
  connectionsPerIp: number;
  /** Writes a V8 CPU profile of the server into this directory when it exits. */
  cpuProfDir?: string;
  /** More `vane serve` flags (the side-by-side suite's contenders, e.g. a transport). */
  extraArgs?: string[];
}

export class ServerProcess {
  private stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4000);
    });
  }

  static async start(options: ServerOptions): Promise<ServerProcess> {
    const dir = await mkdtemp(join(tmpdir(), 'vane-bench-server-'));
    trackTempDir(dir);
    const port = await freePort();
    const configFile = join(dir, 'config.json');
    const initFile = join(dir, 'schema.sql');
    await writeFile(
      configFile,
      JSON.stringify({
        limits: {
          connectionsPerIp: options.connectionsPerIp,
          // Every generator connects from 127.0.0.1, thousands at once.
          newConnectionsPerIpPerSecond: 100_000,
        },
      }),
    );
    await writeFile(initFile, options.initSql);
    const nodeFlags =
      options.cpuProfDir === undefined
        ? []
        : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`];
    const args = [
      ...nodeFlags,
      VANE_BIN,
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--log-level',
      'warn',
      '--config',
      configFile,
      '--init',
      initFile,
      ...(options.memory ? ['--memory'] : ['--data-dir', join(dir, 'data')]),
      ...(options.extraArgs ?? []),
    ];
    const child = spawnNode(args, options.fds, ['ignore', 'ignore', 'pipe']);
    const server = new ServerProcess(child, dir, port);
    try {
      await server.waitReady();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/v1/ws`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  stats(): ProcStats {
    return procStats(this.pid);
  }

  /** Numeric samples of `/metrics` by name (labels included in the name). */
  async metrics(): Promise<Map<string, number>> {
    const response = await fetch(`http://127.0.0.1:${this.port}/metrics`);
    const text = await response.text();
    const values = new Map<string, number>();
    for (const line of text.split('\n')) {
      if (line.startsWith('#') || line.trim() === '') continue;
      const space = line.lastIndexOf(' ');
      values.set(line.slice(0, space), Number(line.slice(space + 1)));
    }
    return values;
  }

  /** SIGTERM (a graceful stop, which also writes the CPU profile), SIGKILL after 15 s. */
  async stop(): Promise<void> {
    await stopChild(this.child, 'SIGTERM', 15_000);
    await rm(this.dir, { recursive: true, force: true });
    untrackTempDir(this.dir);
  }

  private async waitReady(): Promise<void> {
    const deadline = performance.now() + START_TIMEOUT_MS;
    while (performance.now() < deadline) {
      if (this.child.exitCode !== null) break;
      try {
        const response = await fetch(`http://127.0.0.1:${this.port}/readyz`);
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the server did not become ready; its stderr:\n${this.stderr}`);
  }
}
