/**
 * `vane serve` as a child process for fault tests: start it, wait until it is ready, kill it
 * (SIGKILL) or stop it (SIGTERM). Every wait has a deadline; only this process's own child is
 * ever signalled, by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/vane.js', import.meta.url));

/** Lines of output kept for the error message of a failed start. */
const KEPT_LINES = 40;

export interface ServeOptions {
  dataDir: string;
  initFile: string;
  /** 0 picks a free port; the server's log line with its url tells which. */
  port: number;
  readyTimeoutMs: number;
  /** `--checkpoint-interval <ms>`: how often view state is checkpointed; absent: the default. */
  checkpointIntervalMs?: number;
  /**
   * Failpoints to arm in this process (`VANE_FAILPOINTS`, honoured with `VANE_TEST_FAILPOINTS=1`),
   * each `name` or `name@N`: the server SIGKILLs itself the Nth time it reaches that point. Without
   * them neither variable reaches the child, whatever this process's environment holds.
   */
  failpoints?: readonly string[];
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ServerProcess {
  readonly port: number;
  readonly exited: Promise<ExitStatus>;
  private readonly output: string[];

  private constructor(
    private readonly child: ChildProcess,
    port: number,
    output: string[],
    exited: Promise<ExitStatus>,
  ) {
    this.port = port;
    this.output = output;
    this.exited = exited;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/v1/ws`;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The server's recent output, for failure messages. */
  get recentOutput(): string {
    return this.output.join('\n');
  }

  /**
   * Starts `node bin/vane.js serve` on 127.0.0.1 and resolves once it printed its url and
   * `/readyz` answers 200. A server that exits or misses the deadline first is killed and fails
   * the start.
   */
  static async start(options: ServeOptions): Promise<ServerProcess> {
    const args = [
      BIN,
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--data-dir',
      options.dataDir,
      '--init',
      options.initFile,
      '--log-level',
      'warn',
    ];
    if (options.checkpointIntervalMs !== undefined) {
      args.push('--checkpoint-interval', String(options.checkpointIntervalMs));
    }
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.VANE_FAILPOINTS;
    delete env.VANE_TEST_FAILPOINTS;
    if (options.failpoints !== undefined && options.failpoints.length > 0) {
      env.VANE_TEST_FAILPOINTS = '1';
      env.VANE_FAILPOINTS = options.failpoints.join(',');
    }
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    let announced: (port: number) => void = () => {};
    const announcedPort = new Promise<number>((resolve) => (announced = resolve));
    const keep = (line: string): void => {
      output.push(line);
      if (output.length > KEPT_LINES) output.shift();
      const port = urlPort(line);
      if (port !== undefined) announced(port);
    };
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (line !== '') keep(line);
      });
    }
    const exited = new Promise<ExitStatus>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', () => resolve({ code: null, signal: null }));
    });
    const deadline = performance.now() + options.readyTimeoutMs;
    try {
      const outcome = await withDeadline(
        Promise.race([
          announcedPort,
          exited.then((status) => new Error(`vane serve exited early (${describeExit(status)})`)),
        ]),
        options.readyTimeoutMs,
        'vane serve to print its url',
      );
      if (outcome instanceof Error) throw outcome;
      const port = outcome;
      const server = new ServerProcess(child, port, output, exited);
      await server.waitReady(deadline);
      return server;
    } catch (error) {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        process.kill(child.pid, 'SIGKILL');
      }
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${message}\n--- server output ---\n${output.join('\n')}`);
    }
  }

  /** kill -9: resolves once the process is gone. */
  async kill(timeoutMs: number): Promise<ExitStatus> {
    this.signal('SIGKILL');
    return this.waitExit(timeoutMs);
  }

  /** Graceful stop: SIGTERM, then wait for the exit (SIGKILL if it does not come in time). */
  async stop(timeoutMs: number): Promise<ExitStatus> {
    this.signal('SIGTERM');
    try {
      return await this.waitExit(timeoutMs);
    } catch (error) {
      this.signal('SIGKILL');
      await this.waitExit(timeoutMs).catch(() => {});
      throw error;
    }
  }

  /** For cleanup after a failure: SIGKILL if still running, never throws. */
  async forceKill(): Promise<void> {
    if (!this.running) return;
    this.signal('SIGKILL');
    await this.waitExit(5_000).catch(() => {});
  }

  private signal(signal: NodeJS.Signals): void {
    if (this.running && this.child.pid !== undefined) process.kill(this.child.pid, signal);
  }

  private waitExit(timeoutMs: number): Promise<ExitStatus> {
    return withDeadline(this.exited, timeoutMs, `server pid ${this.child.pid} to exit`);
  }

  private async waitReady(deadline: number): Promise<void> {
    let last = 'no answer';
    while (performance.now() < deadline) {
      if (!this.running) throw new Error('vane serve exited before it was ready');
      try {
        const response = await fetch(`${this.baseUrl}/readyz`, {
          signal: AbortSignal.timeout(1_000),
        });
        if (response.status === 200) return;
        last = `status ${response.status}`;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      await sleep(50);
    }
    throw new Error(`/readyz did not answer 200 in time (${last})`);
  }
}

/** The port of the `url` field of a JSON log line, if it has one. */
function urlPort(line: string): number | undefined {
  let fields: unknown;
  try {
    fields = JSON.parse(line);
  } catch {
    return undefined;
  }
  const url = (fields as { url?: unknown } | null)?.url;
  if (typeof url !== 'string') return undefined;
  const port = Number(new URL(url).port);
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

/** `signal SIGKILL` or `exit code 0`, for messages. */
export function describeExit(status: ExitStatus): string {
  return status.signal === null ? `exit code ${status.code}` : `signal ${status.signal}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `promise`, or a rejection naming `what` once `ms` have passed. */
export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
