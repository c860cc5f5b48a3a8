import type { Engine } from '../catalog/index.ts';
import type { Logger } from '../observability/index.ts';
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
  logger: Logger;
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

/**
 * Takes checkpoints: every view's and stream's state with the log offset it reflects, saved as
 * one durable record each (CheckpointStore).
 *
 * A round captures one record per event-loop turn, so a round stalls ingest and fan-out only for
 * the time one view takes to capture and encode, never for all of them together; each record
 * carries the applied offset of its own turn. Rounds never overlap: a round asked for while one
 * runs waits for it and runs after.
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
      const captureStarted = performance.now();
      // The view or stream may have been dropped while the round waited for its turn.
      const exists =
        kind === 'view'
          ? engine.views().some((view) => view.name === name)
          : engine.streamSpec(name) !== undefined;
      if (!exists) continue;
      const offset = this.options.appliedOffset();
      const state = kind === 'view' ? engine.checkpointView(name) : engine.checkpointStream(name);
      const write = store.put(kind, name, { offset, savedAtMs: this.options.now(), state });
      longestStallMs = Math.max(longestStallMs, performance.now() - captureStarted);
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
