import { CheckpointAbortedError, type Engine } from '../catalog/index.ts';
import type { CheckpointKind, CheckpointStore } from './checkpoint-store.ts';
import type { Failpoint } from './failpoints.ts';

/** Ad-hoc SQL subscriptions' hidden views live only as long as their subscribers: never saved. */
export type SavedViewFilter = (view: string) => boolean;

export interface CheckpointerOptions {
  engine: Engine;
  store: CheckpointStore;
  /** The log offset the engine's state reflects right now. */
  appliedOffset: () => number;
  now: () => number;
  failpoint: Failpoint;
  saved: SavedViewFilter;
  /**
   * Events a frozen view may have waiting before its capture is finished in one go (default
   * 1,000,000): bounds the memory a long capture under heavy ingest holds, at the price of one
   * longer stall.
   */
  maxQueuedEvents?: number;
}

/** What one round did, for logs, metrics and the benchmark. */
export interface CheckpointRound {
  /** Records written (views and streams). */
  records: number;
  /** The lowest offset a record of this round reflects; every checkpoint now covers it. */
  minOffset: number;
  /** Wall time of the whole round, from start to every record durable. */
  durationMs: number;
  /** The longest the round held the event loop at once (one record's capture and encode). */
  longestStallMs: number;
}

/** The most one step of a view's capture may hold the event loop. */
const STEP_MS = 3;
const MAX_QUEUED_EVENTS = 1_000_000;

/**
 * Takes checkpoints: every view's and stream's state with the log offset it reflects, saved
 * atomically per view or stream (CheckpointStore).
 *
 * A view is captured in steps of about STEP_MS, one per event-loop turn, while the engine keeps
 * it frozen (Engine.beginViewCheckpoint): ingest and fan-out go on between steps, the view's
 * share of new batches waits and is applied when the capture is done. The text is stored one
 * chunk of about 256 KB per turn. So a round holds the event loop for a few milliseconds at a
 * time whatever the views' sizes, unless ingest outruns a capture so far that more than
 * `maxQueuedEvents` wait for the view: then the capture finishes in one step. Each checkpoint carries the applied offset at which its capture
 * began. Rounds and first saves never overlap: one asked for while another runs waits for it.
 */
export class Checkpointer {
  /** The last round or first save asked for; each waits for the one before it. */
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: CheckpointerOptions) {}

  /** Runs a round now (after the round or save in progress, if any). */
  run(): Promise<CheckpointRound> {
    return this.inTurn(() => this.round());
  }

  /**
   * Writes the first checkpoint of a new view or stream: its state once created (a backfilled
   * view: after the backfill), captured and stored in slices like a round's. Runs in turn with
   * the rounds, so a view is never captured by two at once.
   */
  saveCreated(kind: CheckpointKind, name: string): Promise<void> {
    return this.inTurn(async () => {
      const captured = await this.capture(kind, name, () => {});
      if (captured === null) return;
      const at = { offset: captured.offset, savedAtMs: this.options.now() };
      await this.options.store.putJson(kind, name, at, captured.chunks);
    });
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.last.then(work, work);
    this.last = result.catch(() => undefined);
    return result;
  }

  /**
   * One record's JSON text chunks and the applied offset it reflects, or null if the view or
   * stream is gone. `stalled` hears how long each synchronous piece held the event loop.
   */
  private async capture(
    kind: CheckpointKind,
    name: string,
    stalled: (ms: number) => void,
  ): Promise<{ offset: number; chunks: readonly string[] } | null> {
    const { engine } = this.options;
    let started = performance.now();
    if (kind === 'stream') {
      if (engine.streamSpec(name) === undefined) return null;
      const json = JSON.stringify(engine.checkpointStream(name));
      stalled(performance.now() - started);
      return { offset: this.options.appliedOffset(), chunks: [json] };
    }
    if (!engine.views().some((view) => view.name === name)) return null;
    const offset = this.options.appliedOffset();
    const task = engine.beginViewCheckpoint(name);
    const maxQueued = this.options.maxQueuedEvents ?? MAX_QUEUED_EVENTS;
    try {
      // Past maxQueued events waiting for the view, the rest of the capture runs at once.
      while (!task.step(task.queuedEvents > maxQueued ? Infinity : STEP_MS)) {
        stalled(performance.now() - started);
        await nextTurn();
        started = performance.now();
      }
      const chunks = task.jsonChunks;
      stalled(performance.now() - started);
      return { offset, chunks };
    } catch (error) {
      if (error instanceof CheckpointAbortedError) return null;
      task.abort();
      throw error;
    }
  }

  private async round(): Promise<CheckpointRound> {
    const { engine, store, failpoint } = this.options;
    const started = performance.now();
    failpoint('checkpoint.before');
    const targets: [CheckpointKind, string][] = [
      ...engine.streams().map((stream): [CheckpointKind, string] => ['stream', stream.name]),
      ...engine
        .views()
        .filter((view) => this.options.saved(view.name))
        .map((view): [CheckpointKind, string] => ['view', view.name]),
    ];
    let minOffset = Infinity;
    let longestStallMs = 0;
    let records = 0;
    const writes: Promise<void>[] = [];
    for (const [kind, name] of targets) {
      if (records > 0) await nextTurn();
      const captured = await this.capture(kind, name, (ms) => {
        longestStallMs = Math.max(longestStallMs, ms);
      });
      // Dropped while the round was on its way to it.
      if (captured === null) continue;
      const { offset, chunks } = captured;
      const at = { offset, savedAtMs: this.options.now() };
      const write = store.putJson(kind, name, at, chunks, (ms) => {
        longestStallMs = Math.max(longestStallMs, ms);
      });
      minOffset = Math.min(minOffset, offset);
      records++;
      if (records === 1 && targets.length > 1) {
        // The failpoint between records: the first is durable, the others are not written yet.
        await write;
        failpoint('checkpoint.inside');
      }
      writes.push(write);
    }
    await Promise.all(writes);
    failpoint('checkpoint.after');
    return {
      records,
      minOffset: records === 0 ? this.options.appliedOffset() : minOffset,
      durationMs: performance.now() - started,
      longestStallMs,
    };
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
