/**
 * The orchestrator's handle on one load-generator process (generator.ts): start it with a job,
 * wait until it is ready, mark the measured window, collect its samples, stop it.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnNode, stopChild } from './children.ts';
import type { Counters, FromGenerator, Job, Samples, ToGenerator } from './messages.ts';

const GENERATOR = fileURLToPath(new URL('./generator.ts', import.meta.url));
const READY_TIMEOUT_MS = 120_000;
const REPLY_TIMEOUT_MS = 30_000;

export class GeneratorProcess {
  private readonly waiting: ((message: FromGenerator) => void)[] = [];

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: FromGenerator) => this.waiting.shift()?.(message));
    child.on('exit', (code, signal) => {
      const failed: FromGenerator = {
        kind: 'failed',
        message: `generator exited (code ${code}, signal ${signal})`,
      };
      for (const waiter of this.waiting.splice(0)) waiter(failed);
    });
  }

  /** Starts one generator per job, all or none: if one fails, the others are stopped. */
  static async startAll(jobs: readonly Job[], script = GENERATOR): Promise<GeneratorProcess[]> {
    const started = await Promise.allSettled(
      jobs.map((job) => GeneratorProcess.start(job, script)),
    );
    const generators = started.flatMap((result) =>
      result.status === 'fulfilled' ? [result.value] : [],
    );
    const failure = started.find((result) => result.status === 'rejected');
    if (failure !== undefined) {
      await Promise.all(generators.map((generator) => generator.stop()));
      throw failure.reason;
    }
    return generators;
  }

  /**
   * Spawns a generator and waits until its job is set up (connected, subscribed). `script` is
   * another generator speaking the same IPC (the side-by-side suite's Socket.IO one).
   */
  static async start(job: Job, script = GENERATOR): Promise<GeneratorProcess> {
    const fds = ('connections' in job ? job.connections : 1) + 200;
    const child = spawnNode(
      ['--import', 'tsx', script],
      fds,
      ['ignore', 'inherit', 'inherit', 'ipc'],
      'advanced',
    );
    const generator = new GeneratorProcess(child);
    const reply = await generator.request({ cmd: 'start', job }, READY_TIMEOUT_MS);
    if (reply.kind !== 'ready') {
      await generator.stop();
      throw new Error(`generator (${job.kind}) failed: ${describe(reply)}`);
    }
    return generator;
  }

  /** Starts recording samples (on the first call) and returns the generator's counters. */
  async mark(): Promise<Counters> {
    const reply = await this.request({ cmd: 'mark' }, REPLY_TIMEOUT_MS);
    if (reply.kind !== 'mark') throw new Error(`generator mark failed: ${describe(reply)}`);
    return reply.counters;
  }

  /** Stops the generator's load and returns its samples; the process then exits. */
  async finish(): Promise<Samples> {
    const reply = await this.request({ cmd: 'finish' }, REPLY_TIMEOUT_MS);
    await this.stop();
    if (reply.kind !== 'samples') throw new Error(`generator finish failed: ${describe(reply)}`);
    return reply.samples;
  }

  /** Ends the process (it exits by itself after `finish`; SIGKILL if it does not). */
  stop(): Promise<void> {
    return stopChild(this.child, null, 5_000);
  }

  private request(message: ToGenerator, timeoutMs: number): Promise<FromGenerator> {
    return new Promise((resolve) => {
      const waiter = (reply: FromGenerator): void => {
        clearTimeout(timer);
        resolve(reply);
      };
      const timer = setTimeout(() => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        resolve({ kind: 'failed', message: `no answer to ${message.cmd} in ${timeoutMs} ms` });
      }, timeoutMs);
      this.waiting.push(waiter);
      this.child.send(message);
    });
  }
}

function describe(reply: FromGenerator): string {
  return reply.kind === 'failed' ? reply.message : `unexpected ${reply.kind}`;
}
