/**
 * A peer server (peers/*.ts) as its own child process on 127.0.0.1: started with a raised
 * open-file limit, ready once it says `listening` over IPC, measured from /proc like Vane's
 * server, stopped by pid (SIGTERM, SIGKILL after a grace period).
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { procStats, spawnNode, stopChild, type ProcStats } from '../server/children.ts';
import { freePort } from '../free-port.ts';
import type { PeerListening } from './peers/lifecycle.ts';

const START_TIMEOUT_MS = 30_000;

export type PeerName = 'ws-corked' | 'ws-naive' | 'socketio' | 'uws';

export class PeerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(name: PeerName, fds: number): Promise<PeerProcess> {
    const port = await freePort();
    const script = fileURLToPath(new URL(`./peers/${name}.ts`, import.meta.url));
    const child = spawnNode(['--import', 'tsx', script, String(port)], fds, [
      'ignore',
      'inherit',
      'inherit',
      'ipc',
    ]);
    const peer = new PeerProcess(child, port);
    try {
      await peer.waitListening(name);
    } catch (error) {
      await peer.stop();
      throw error;
    }
    return peer;
  }

  /** The generators' URL; the peers accept any path, Socket.IO's generator rewrites it. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}/v1/ws`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  stats(): ProcStats {
    return procStats(this.pid);
  }

  stop(): Promise<void> {
    return stopChild(this.child, 'SIGTERM', 5_000);
  }

  private waitListening(name: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`peer ${name} did not listen in ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      this.child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`peer ${name} exited (code ${code}) before listening`));
      });
      this.child.on('message', (message: PeerListening) => {
        if (message.kind !== 'listening') return;
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
