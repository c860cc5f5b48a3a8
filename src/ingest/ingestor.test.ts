import { describe, expect, it } from 'vitest';
import { createEngine } from '../catalog/index.ts';
import type { EventLog, LogEntry } from '../log/index.ts';
import { MemoryEventLog } from '../log/index.ts';
import { ManualClock, VaneError } from '../util/index.ts';
import { Ingestor } from './ingestor.ts';

/** An event log whose appends settle only when the test says so (in any order). */
class ControlledLog implements EventLog {
  readonly entries: LogEntry[] = [];
  private readonly waiting: {
    offset: number;
    resolve: (n: number) => void;
    reject: (e: Error) => void;
  }[] = [];
  firstOffset = 0;
  lastOffset = 0;
  private failed = false;

  /** As the EventLog contract says, after one failed append every later one fails too. */
  append(
    stream: string,
    events: readonly Record<string, unknown>[],
    arrivalMs: number,
  ): Promise<number> {
    if (this.failed) {
      return Promise.reject(new VaneError('STORAGE_ERROR', 'log closed by an earlier failure'));
    }
    const offset = ++this.lastOffset;
    this.entries.push({ offset, stream, arrivalMs, events: [...events] });
    return new Promise((resolve, reject) => this.waiting.push({ offset, resolve, reject }));
  }

  settle(offset: number, failure?: Error): void {
    const index = this.waiting.findIndex((entry) => entry.offset === offset);
    const [entry] = this.waiting.splice(index, 1);
    if (failure) {
      this.failed = true;
      entry!.reject(failure);
    } else {
      entry!.resolve(offset);
    }
  }

  get pendingOffsets(): number[] {
    return this.waiting.map((entry) => entry.offset);
  }

  *read(fromOffset: number): Iterable<LogEntry> {
    yield* this.entries.filter((entry) => entry.offset >= fromOffset);
  }

  truncateBefore(): Promise<number> {
    return Promise.resolve(0);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function setup(
  log: EventLog = new MemoryEventLog(),
  options: { maxBatchEvents?: number; maxPendingEvents?: number } = {},
) {
  const clock = new ManualClock(1_000_000);
  const engine = createEngine({ clock });
  engine.execute(`
    CREATE STREAM s (k STRING, v BIGINT, id STRING, ts TIMESTAMP) WITH (timestamp = 'ts', id = 'id');
    CREATE STREAM plain (k STRING);
    CREATE VIEW totals AS SELECT k, sum(v) AS total, count(*) AS n FROM s GROUP BY k;`);
  const applied: string[] = [];
  const ingestor = new Ingestor(engine, log, {
    now: () => clock.now(),
    dedupHorizonMs: () => 600_000,
    onApplied: (stream, events) =>
      applied.push(...events.map((event) => `${stream}:${String(event.id ?? event.k)}`)),
    ...options,
  });
  const total = () => {
    engine.flush();
    return engine.snapshot('totals');
  };
  return { clock, engine, ingestor, applied, total };
}

const event = (id: string, v = 1, k = 'a') => ({ k, v, id, ts: 1000 });
const flushMicrotasks = () => new Promise((resolve) => setImmediate(resolve));

describe('Ingestor', () => {
  it('accepts new events and counts repeated ids as duplicates, within and across batches', async () => {
    const { ingestor, total } = setup();
    expect(await ingestor.publish('s', [event('1'), event('2'), event('1')])).toEqual({
      accepted: 2,
      duplicates: 1,
    });
    expect(await ingestor.publish('s', [event('2'), event('3')])).toEqual({
      accepted: 1,
      duplicates: 1,
    });
    expect(total()).toEqual([{ k: 'a', total: 3, n: 3 }]);
  });

  it('does not de-duplicate streams without an id column', async () => {
    const { ingestor } = setup();
    expect(await ingestor.publish('plain', [{ k: 'x' }, { k: 'x' }])).toEqual({
      accepted: 2,
      duplicates: 0,
    });
  });

  it('acknowledges only after the append is durable, and applies only then', async () => {
    const log = new ControlledLog();
    const { ingestor, total } = setup(log);
    let acked = false;
    const publishing = ingestor
      .publish('s', [event('1', 5)])
      .then((result) => ((acked = true), result));
    await flushMicrotasks();
    expect(acked).toBe(false);
    expect(total()).toEqual([]);
    log.settle(1);
    expect(await publishing).toEqual({ accepted: 1, duplicates: 0 });
    expect(total()).toEqual([{ k: 'a', total: 5, n: 1 }]);
  });

  it('answers a resend of an in-flight id only once the original is durable', async () => {
    const log = new ControlledLog();
    const { ingestor } = setup(log);
    const original = ingestor.publish('s', [event('1')]);
    let resendDone = false;
    const resend = ingestor
      .publish('s', [event('1')])
      .then((result) => ((resendDone = true), result));
    await flushMicrotasks();
    expect(log.entries).toHaveLength(1); // the resend stored nothing
    expect(resendDone).toBe(false);
    log.settle(1);
    expect(await original).toEqual({ accepted: 1, duplicates: 0 });
    expect(await resend).toEqual({ accepted: 0, duplicates: 1 });
  });

  it('forgets the ids of a batch that failed to store; a resend meanwhile is told to retry', async () => {
    const log = new ControlledLog();
    const { ingestor } = setup(log);
    const failing = ingestor.publish('s', [event('1'), event('2')]);
    const resendMeanwhile = ingestor.publish('s', [event('1')]);
    await flushMicrotasks();
    expect(ingestor.dedupEntries).toBe(2);
    log.settle(1, new VaneError('STORAGE_ERROR', 'disk full'));
    await expect(failing).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
    await expect(resendMeanwhile).rejects.toMatchObject({ code: 'OVERLOADED', temporary: true });
    // Nothing of the failed batch stays claimed: after a restart its ids count as new.
    expect(ingestor.dedupEntries).toBe(0);
  });

  it('applies batches in log order even when their appends settle out of order', async () => {
    const log = new ControlledLog();
    const { ingestor, applied } = setup(log);
    const first = ingestor.publish('s', [event('1')]);
    const second = ingestor.publish('s', [event('2')]);
    const third = ingestor.publish('s', [event('3')]);
    await flushMicrotasks();
    log.settle(3);
    log.settle(2);
    await flushMicrotasks();
    expect(applied).toEqual([]);
    log.settle(1);
    await Promise.all([first, second, third]);
    expect(applied).toEqual(['s:1', 's:2', 's:3']);
  });

  it('refuses a batch over the size limit and publishes past the pending limit', async () => {
    const log = new ControlledLog();
    const { ingestor } = setup(log, { maxBatchEvents: 2, maxPendingEvents: 2 });
    await expect(ingestor.publish('s', [event('1'), event('2'), event('3')])).rejects.toMatchObject(
      {
        code: 'PAYLOAD_TOO_LARGE',
      },
    );
    const pending = ingestor.publish('s', [event('1'), event('2')]);
    await flushMicrotasks();
    await expect(ingestor.publish('s', [event('3')])).rejects.toMatchObject({
      code: 'OVERLOADED',
      temporary: true,
    });
    log.settle(1);
    await pending;
  });

  it('rejects an invalid batch whole, storing nothing', async () => {
    const log = new ControlledLog();
    const { ingestor } = setup(log);
    await expect(
      ingestor.publish('s', [event('1'), { k: 'a', v: 'x', id: '2', ts: 1 }]),
    ).rejects.toMatchObject({
      code: 'INVALID_EVENT',
    });
    await expect(ingestor.publish('nope', [event('1')])).rejects.toMatchObject({
      code: 'UNKNOWN_STREAM',
    });
    expect(log.entries).toEqual([]);
    // The id of the rejected batch was never claimed.
    const retry = ingestor.publish('s', [event('1')]);
    await flushMicrotasks();
    log.settle(1);
    expect(await retry).toEqual({ accepted: 1, duplicates: 0 });
  });

  it('re-learns logged ids within the horizon, so resends after a restart are duplicates', async () => {
    const log = new MemoryEventLog();
    const first = setup(log);
    await first.ingestor.publish('s', [event('1'), event('2')]);
    const restarted = setup(log);
    expect(await restarted.ingestor.rememberLogged()).toBe(2);
    expect(await restarted.ingestor.publish('s', [event('2'), event('3')])).toEqual({
      accepted: 1,
      duplicates: 1,
    });
    const later = setup(log);
    later.clock.advance(600_000);
    expect(await later.ingestor.rememberLogged()).toBe(0);
  });

  it('holds publishes with ids until the logged ids are re-learned, in slices', async () => {
    const log = new MemoryEventLog();
    const first = setup(log);
    // 60,000 ids: three slices of re-learning.
    for (let b = 0; b < 60; b++) {
      await first.ingestor.publish(
        's',
        Array.from({ length: 1_000 }, (_, i) => event(String(b * 1_000 + i))),
      );
    }
    const restarted = setup(log);
    const remembering = restarted.ingestor.rememberLogged();
    expect(restarted.ingestor.rememberingIds).toBe(true);
    // A resend of the very last id arrives while the log is still being read.
    const resend = restarted.ingestor.publish('s', [event('59999'), event('new')]);
    expect(await remembering).toBe(60_000);
    expect(await resend).toEqual({ accepted: 1, duplicates: 1 });
    expect(restarted.ingestor.rememberingIds).toBe(false);
  });

  it('refuses publishes with ids once the logged ids could not be re-learned (a damaged log)', async () => {
    const log = new MemoryEventLog();
    const first = setup(log);
    await first.ingestor.publish('s', [event('1')]);
    await first.ingestor.publish('s', [event('2')]);
    // The log as restarted on a damaged file: reading batch 2 fails.
    const damaged: EventLog = {
      get firstOffset() {
        return log.firstOffset;
      },
      get lastOffset() {
        return log.lastOffset;
      },
      append: (stream, events, arrivalMs) => log.append(stream, events, arrivalMs),
      truncateBefore: (offset) => log.truncateBefore(offset),
      close: () => log.close(),
      *read(from: number): Generator<LogEntry> {
        for (const entry of log.read(from)) {
          if (entry.offset === 2) {
            throw new VaneError('CORRUPT_STATE', 'batch 2 fails its checksum');
          }
          yield entry;
        }
      },
    };
    const restarted = setup(damaged);
    const remembering = restarted.ingestor.rememberLogged();
    const resend = restarted.ingestor.publish('s', [event('2')]);
    await expect(remembering).rejects.toMatchObject({ code: 'CORRUPT_STATE' });
    // Counting the resent id as new would count it twice: refused, now and later.
    for (const publish of [resend, restarted.ingestor.publish('s', [event('3')])]) {
      await expect(publish).rejects.toMatchObject({
        code: 'STORAGE_ERROR',
        message: expect.stringContaining('batch 2 fails its checksum') as unknown,
      });
    }
    expect(log.lastOffset).toBe(2);
  });

  it('re-learns only from the offset it is given', async () => {
    const log = new MemoryEventLog();
    const first = setup(log);
    await first.ingestor.publish('s', [event('1')]);
    await first.ingestor.publish('s', [event('2')]);
    const restarted = setup(log);
    expect(await restarted.ingestor.rememberLogged(2)).toBe(1);
  });

  it('holds applying durable batches while a hold is open, then applies them in order', async () => {
    const log = new MemoryEventLog();
    const { ingestor, engine } = setup(log);
    const release = ingestor.holdApply();
    const first = ingestor.publish('s', [event('1')]);
    const second = ingestor.publish('s', [event('2')]);
    let acked = false;
    void Promise.all([first, second]).then(() => (acked = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Durable, but neither applied nor acknowledged while held.
    expect(log.lastOffset).toBe(2);
    expect(ingestor.appliedOffset).toBe(0);
    expect(engine.stats().streams.s!.events).toBe(0);
    expect(acked).toBe(false);
    release();
    release();
    expect(await first).toEqual({ accepted: 1, duplicates: 0 });
    expect(await second).toEqual({ accepted: 1, duplicates: 0 });
    expect(ingestor.appliedOffset).toBe(2);
    expect(engine.stats().streams.s!.events).toBe(2);
  });
});
