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

/**
 * Takes checkpoints: every view's and stream's state with the log offset it reflects, saved as
 * one durable record each (CheckpointStore).
 *
 * A view is captured in steps of about STEP_MS, one per event-loop turn, while the engine keeps
 * it frozen (Engine.beginViewCheckpoint): ingest and fan-out go on between steps, the view's
 * share of new batches waits and is applied when the capture is done. So a round holds the event
 * loop for a few milliseconds at a time whatever the views' sizes, plus the store's write of each
 * record's text. Each record carries the applied offset at which its capture began. Rounds never
 * overlap: a round asked for while one runs waits for it and runs after.
 */
export class Checkpointer {
  private running: Promise<CheckpointRound> | null = null;

  constructor(private readonly options: CheckpointerOptions) {}

  /** Runs a round now (after the one in progress, if any). */
  run(): Promise<CheckpointRound> {
    const previous = this.running ?? Promise.resolve(null);
    const round = previous
      .catch(() => null)
      .then(() => this.round())
      .finally(() => {
        if (this.running === round) this.running = null;
      });
    this.running = round;
    return round;
  }

  /** Writes the first checkpoint of a new view or stream: its state when created, at `offset`. */
  saveCreated(kind: CheckpointKind, name: string): Promise<void> {
    const { engine, store } = this.options;
    const state = kind === 'view' ? engine.checkpointView(name) : engine.checkpointStream(name);
    return store.put(kind, name, {
      offset: this.options.appliedOffset(),
      savedAtMs: this.options.now(),
      state,
    });
  }

  /**
   * One record's JSON text and the applied offset it reflects, or null if the view or stream is
   * gone. `stalled` hears how long each synchronous piece held the event loop.
   */
  private async capture(
    kind: CheckpointKind,
    name: string,
    stalled: (ms: number) => void,
  ): Promise<{ offset: number; json: string } | null> {
    const { engine } = this.options;
    let started = performance.now();
    if (kind === 'stream') {
      if (engine.streamSpec(name) === undefined) return null;
      const json = JSON.stringify(engine.checkpointStream(name));
      stalled(performance.now() - started);
      return { offset: this.options.appliedOffset(), json };
    }
    if (!engine.views().some((view) => view.name === name)) return null;
    const offset = this.options.appliedOffset();
    const task = engine.beginViewCheckpoint(name);
    try {
      while (!task.step(STEP_MS)) {
        stalled(performance.now() - started);
        await nextTurn();
        started = performance.now();
      }
      const json = task.json;
      stalled(performance.now() - started);
      return { offset, json };
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
      const { offset, json } = captured;
      const writeStarted = performance.now();
      const write = store.putJson(kind, name, { offset, savedAtMs: this.options.now() }, json);
      longestStallMs = Math.max(longestStallMs, performance.now() - writeStarted);
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
