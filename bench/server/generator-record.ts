/**
 * What every load-generator process keeps and how it talks to the orchestrator, whatever client
 * library it drives (generator.ts: raw `ws`; bench/suite/socketio-generator.ts: socket.io-client):
 * the counters and latency samples of messages.ts, and the IPC loop (start a job, mark the start
 * of the measured window, finish with the samples).
 */
import type { Counters, FromGenerator, Job, ToGenerator } from './messages.ts';

/** The monotonic clock in µs; CLOCK_MONOTONIC is the same in every process of the machine. */
export const nowUs = (): number => Number(process.hrtime.bigint()) / 1000;

/** Connections a generator opens at once. */
const CONNECT_CONCURRENCY = 64;

/**
 * Opens `total` connections with `connect`, CONNECT_CONCURRENCY at a time, and sets each up with
 * `setup` (subscribe, wait for the answer) before its worker opens the next.
 */
export async function openMany<S>(
  total: number,
  connect: () => Promise<S>,
  setup: (socket: S, index: number) => Promise<void> | void,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const index = next++;
      await setup(await connect(), index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, total) }, worker));
}

export class GeneratorRecord {
  readonly closes: Record<string, number> = {};
  readonly errors: Record<string, number> = {};
  readonly latencyUs: number[] = [];
  readonly ackUs: number[] = [];
  units = 0;
  rows = 0;
  gaps = 0;
  /** Samples are kept from `mark` on (the warm-up is not measured). */
  recording = false;
  /** Closes from now on are the generator's own. */
  finishing = false;
  stopSending = false;

  count(table: Record<string, number>, key: string, by = 1): void {
    table[key] = (table[key] ?? 0) + by;
  }

  counters(open: number): Counters {
    const cpu = process.cpuUsage();
    return {
      atUs: nowUs(),
      units: this.units,
      rows: this.rows,
      cpuUs: cpu.user + cpu.system,
      open,
      gaps: this.gaps,
      closes: { ...this.closes },
      errors: { ...this.errors },
    };
  }
}

export function sendToOrchestrator(message: FromGenerator): void {
  process.send?.(message);
}

/** Answers the orchestrator: runs the job it sends, marks, and finishes with the samples. */
export function serveJobs(
  record: GeneratorRecord,
  run: (job: Job) => Promise<void>,
  openConnections: () => number,
): void {
  process.on('message', (message: ToGenerator) => {
    switch (message.cmd) {
      case 'start':
        run(message.job).then(
          () => sendToOrchestrator({ kind: 'ready' }),
          (error: unknown) =>
            sendToOrchestrator({
              kind: 'failed',
              message: error instanceof Error ? error.message : String(error),
            }),
        );
        return;
      case 'mark':
        record.recording = true;
        sendToOrchestrator({ kind: 'mark', counters: record.counters(openConnections()) });
        return;
      case 'finish': {
        record.stopSending = true;
        record.finishing = true;
        const reply: FromGenerator = {
          kind: 'samples',
          samples: {
            latencyUs: Float64Array.from(record.latencyUs),
            ackUs: Float64Array.from(record.ackUs),
          },
        };
        process.send?.(reply, () => process.exit(0));
        return;
      }
    }
  });
  process.on('disconnect', () => process.exit(0));
}
