import type { ValidatedBatch } from '../engine/index.ts';
import { VaneError } from '../util/index.ts';
import type { ViewCheckpointTask } from './engine-api.ts';

/**
 * `beginViewCheckpoint` on a view that already has an open checkpoint task, or `restoreView` of
 * such a view. Temporary: it works again once the task is finished or aborted.
 */
export class ViewFrozenError extends VaneError {
  override readonly name = 'ViewFrozenError';

  constructor(
    readonly view: string,
    doing: string,
  ) {
    super(
      'INVALID_ARGUMENT',
      `cannot ${doing} view ${view}: a checkpoint of it is being taken (the view is frozen until the task finishes or is aborted)`,
      { temporary: true },
    );
  }
}

/**
 * `step` of a checkpoint task that was aborted: code UNKNOWN_VIEW when its view was dropped,
 * INVALID_ARGUMENT when the caller aborted it.
 */
export class CheckpointAbortedError extends VaneError {
  override readonly name = 'CheckpointAbortedError';

  constructor(
    readonly view: string,
    readonly reason: 'aborted' | 'dropped',
  ) {
    super(
      reason === 'dropped' ? 'UNKNOWN_VIEW' : 'INVALID_ARGUMENT',
      reason === 'dropped'
        ? `view ${view} was dropped while its checkpoint was being taken`
        : `the checkpoint task of view ${view} was aborted`,
    );
  }
}

/** What a frozen view missed: a batch of its stream, or a watermark (arrival-time streams). */
export type QueuedInput = ValidatedBatch | number;

type TaskState = 'running' | 'finished' | 'aborted' | 'dropped';

/** How the engine applies what a frozen view missed, and unfreezes it. */
export interface FrozenViewHost {
  apply(input: QueuedInput): void;
  /** The view is no longer frozen: `apply`, `advanceTo` and `flush` reach it directly again. */
  unfreeze(): void;
}

/**
 * One open checkpoint task and the queue of the view it freezes (contract: engine-api.ts). The
 * engine queues what the view misses with `queue` / `queueWatermark`. Once the capture is done,
 * `step` drains the queue through the host within its budget too (inputs that arrive meanwhile
 * queue behind), then unfreezes the view; `abort` drains what is left at once; `dropped` ends the
 * task without draining.
 */
export class SlicedViewCheckpoint implements ViewCheckpointTask {
  private state: TaskState = 'running';
  /** The capture's text chunks once it is done (the task may still be draining). */
  private captured: readonly string[] | null = null;
  private inputs: (QueuedInput | undefined)[] = [];
  /** Inputs before this index are applied. */
  private head = 0;
  private events = 0;

  constructor(
    readonly view: string,
    private readonly slices: Generator<void, readonly string[]>,
    private readonly now: () => number,
    private readonly host: FrozenViewHost,
  ) {}

  get json(): string {
    return this.jsonChunks.join('');
  }

  get jsonChunks(): readonly string[] {
    if (this.state !== 'finished') {
      throw new VaneError(
        'INVALID_ARGUMENT',
        `the checkpoint of view ${this.view} is ${this.state === 'running' ? 'not finished' : this.state}`,
      );
    }
    return this.captured!;
  }

  get queuedEvents(): number {
    return this.events;
  }

  step(maxMs: number): boolean {
    if (this.state === 'finished') return true;
    if (this.state !== 'running') throw new CheckpointAbortedError(this.view, this.state);
    let now = this.now();
    const deadline = now + maxMs;
    for (;;) {
      const started = now;
      if (this.captured === null) {
        this.captureSlice();
      } else if (this.head < this.inputs.length) {
        // What applying throws (an onLateEvent handler) propagates as from `apply`; the input is
        // applied as far as it got, and the next step goes on with the next one.
        this.applyNext();
      } else {
        this.end('finished');
        return true;
      }
      now = this.now();
      // Stop before a slice as long as the last one would overrun the budget.
      if (now + (now - started) > deadline) return false;
    }
  }

  private captureSlice(): void {
    let next: IteratorResult<void, readonly string[]>;
    try {
      next = this.slices.next();
    } catch (error) {
      // A capture that fails (a bug) must not leave the view frozen.
      this.end('aborted');
      throw error;
    }
    if (next.done === true) this.captured = next.value;
  }

  abort(): void {
    if (this.state === 'running') this.end('aborted');
  }

  queue(batch: ValidatedBatch): void {
    this.inputs.push(batch);
    this.events += batch.events.length;
  }

  /** Consecutive watermarks collapse into the highest: applying them in a row does the same. */
  queueWatermark(watermarkMs: number): void {
    const inputs = this.inputs;
    const last = inputs.length - 1;
    const previous = inputs[last];
    if (last >= this.head && typeof previous === 'number') {
      inputs[last] = Math.max(previous, watermarkMs);
    } else {
      inputs.push(watermarkMs);
    }
  }

  /** The view was dropped: the task ends without a thaw and its queue goes with the view. */
  dropped(): void {
    if (this.state !== 'running') return;
    this.state = 'dropped';
    this.inputs = [];
    this.events = 0;
    this.slices.return([]);
  }

  /** Applies the oldest queued input (taken off the queue first, in case applying throws). */
  private applyNext(): void {
    const input = this.inputs[this.head]!;
    this.inputs[this.head++] = undefined;
    if (typeof input !== 'number') this.events -= input.events.length;
    this.host.apply(input);
  }

  private end(state: 'finished' | 'aborted'): void {
    this.state = state;
    try {
      if (this.captured === null) this.slices.return([]);
      while (this.head < this.inputs.length) this.applyNext();
    } finally {
      this.inputs = [];
      this.events = 0;
      this.host.unfreeze();
    }
  }
}
