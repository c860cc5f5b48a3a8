import type {
  ChangeBatch,
  Column,
  EncodedNumber,
  LateEventHandler,
  OutputRow,
  RowFilter,
  StreamSpec,
  ViewPlan,
  ValidatedBatch,
  ViewCheckpoint,
  ViewStats,
} from '../engine/index.ts';
import type { Clock } from '../util/index.ts';

export interface EngineOptions {
  /** Where arrival time comes from for streams without a timestamp column. @default systemClock */
  clock?: Clock;
  /** Called for every event a view drops as late (beyond the stream's lateness). */
  onLateEvent?: LateEventHandler;
  /**
   * The host keeps an event log and feeds views created WITH (backfill = true) their stream's
   * retained history (with `apply(stream, batch, { views: [view], updateStream: false })`) before
   * live batches. Without it, such views are refused. @default false
   */
  backfill?: boolean;
}

/** The outcome of one statement. Statements that return rows (SELECT, SHOW, DESCRIBE) carry them. */
export interface StatementResult {
  statement:
    | 'CREATE STREAM'
    | 'CREATE VIEW'
    | 'DROP STREAM'
    | 'DROP VIEW'
    | 'SHOW STREAMS'
    | 'SHOW VIEWS'
    | 'DESCRIBE'
    | 'SELECT';
  /** The stream or view the statement is about, if any. */
  name?: string;
  /** A sentence for people: "created view ohlc_1m", "view x already exists; kept". */
  message: string;
  columns?: Column[];
  rows?: OutputRow[];
}

export interface IngestResult {
  /** Events accepted into the stream (late events are accepted by the stream, dropped by views). */
  accepted: number;
}

export interface StreamInfo {
  name: string;
  sql: string;
  spec: StreamSpec;
  views: string[];
}

export interface ViewInfo {
  name: string;
  stream: string;
  sql: string;
  columns: Column[];
  /** Primary key column names. */
  key: string[];
  plan: ViewPlan;
}

export interface EngineStats {
  streams: Record<string, { events: number }>;
  views: Record<string, ViewStats>;
}

export type ChangeHandler = (batch: ChangeBatch) => void;

export type { ViewCheckpoint };

/** A stream's own running state as plain data (JSON and msgpack safe): see `checkpointStream`. */
export interface StreamCheckpoint {
  version: number;
  stream: string;
  /** Highest event time applied (arrival time for streams without a timestamp column). */
  maxTimeMs: EncodedNumber;
  /** Events applied, as `stats().streams` counts them. */
  events: number;
}

/**
 * A checkpoint of one view taken in slices (see `Engine.beginViewCheckpoint`): the caller runs one
 * `step` per event-loop turn until it returns true, then reads `json`.
 */
export interface ViewCheckpointTask {
  readonly view: string;
  /**
   * Does about `maxMs` of work and returns true when the task is finished. The work comes in
   * slices (about a thousand groups numbered, one chunk of the group table encoded, or one queued
   * batch applied); a step stops before a slice once the last one would overrun `maxMs`, and
   * always does at least one (`step(0)` still makes progress). Once the capture is done, steps
   * apply the batches the frozen view queued, oldest first (new ones queue behind), and the step
   * that applies the last one unfreezes the view and returns true. After that `step` returns true
   * and does nothing. On a task that was aborted (by `abort`, or by DROP VIEW of its view) it
   * throws CheckpointAbortedError.
   */
  step(maxMs: number): boolean;
  /**
   * The whole checkpoint as JSON text, once `step` returned true: `restoreView(view,
   * JSON.parse(json))` restores it, and it is the text of `JSON.stringify(checkpointView(view))`
   * at the moment the task began. Before that, and on an aborted task, it throws a VaneError
   * (INVALID_ARGUMENT). Reading it joins `jsonChunks` in one go (~15 ms for 13 MB).
   */
  readonly json: string;
  /**
   * The same text as flat chunks of about 256 KB, in order (`json` is their concatenation): to
   * store or send a large checkpoint a chunk at a time. Throws as `json` does.
   */
  readonly jsonChunks: readonly string[];
  /** Events queued for the frozen view and not applied yet: for metrics and limits. */
  readonly queuedEvents: number;
  /**
   * Gives up: everything queued is applied to the view at once and the view is unfrozen; no
   * checkpoint. Does nothing on a finished or aborted task.
   */
  abort(): void;
}

export interface ViewCheckpointOptions {
  /**
   * The time source that bounds each `step`, in milliseconds (any origin). @default performance.now
   */
  now?: () => number;
}

/** Options of `apply` for log replay after a restore. */
export interface ApplyOptions {
  /**
   * Only these views of the stream get the batch (default: all): those whose checkpoint is older
   * than the batch. Each name must be a view of this stream, or nothing is applied.
   */
  views?: ReadonlySet<string> | readonly string[];
  /**
   * Whether the stream's own state (max time, event count) takes the batch (default: true): false
   * when the stream's checkpoint already covers it.
   */
  updateStream?: boolean;
}

/**
 * The embedded analytics engine: a catalog of streams and continuous views, fed with events and
 * driven by processing time.
 *
 * Contract: everything is synchronous and single-threaded. `ingest` applies a batch to every view
 * of the stream before it returns. Changes are delivered only from `advanceTo` / `flush`, one
 * batch per view per emit interval, to handlers in registration order.
 *
 * @example
 * const engine = createEngine({ clock: systemClock });
 * engine.execute(`CREATE STREAM trades (symbol STRING, price DOUBLE, ts TIMESTAMP) WITH (timestamp = 'ts');
 *   CREATE VIEW last_price AS SELECT symbol, last(price) AS price FROM trades GROUP BY symbol;`);
 * engine.onChanges('last_price', (batch) => console.log(batch.upserts));
 * engine.ingest('trades', [{ symbol: 'AAPL', price: 189.2, ts: Date.now() }]);
 * engine.advanceTo(Date.now());
 */
export interface Engine {
  /** Runs SQL statements; all or nothing: if one fails, none of them changes the catalog. */
  execute(sql: string): StatementResult[];
  /** Validates a batch (whole or nothing) and applies it to the stream's views. */
  ingest(stream: string, events: unknown): IngestResult;
  /**
   * Validates a batch without applying it: the events in engine form and their event times.
   * `arrivalMs` (default: the clock) is the event time for streams without a timestamp column.
   * Together with `apply` this lets a caller make a batch durable between the two steps.
   */
  validate(stream: string, events: unknown, arrivalMs?: number): ValidatedBatch;
  /**
   * Applies a batch `validate` returned, to every view of the stream (or, for replay, to the
   * views `options` names). Without options this is the ingest hot path: no work beyond the views'.
   */
  apply(stream: string, batch: ValidatedBatch, options?: ApplyOptions): IngestResult;
  /** Processing time is now `nowMs`: close arrival-time windows, emit views whose interval passed. */
  advanceTo(nowMs: number): void;
  /**
   * Emits the views of these streams whose emission schedule allows it at `nowMs` (see
   * `emitDue`), without advancing time: what applying batches to them changed goes out as soon as
   * the schedule allows, at the cost of their views only, not every view's.
   */
  emitApplied(streams: Iterable<string>, nowMs: number): void;
  /**
   * When the earliest view holding changes it has not emitted may emit them (its emission
   * schedule, see `emitDue`), or null when no view holds any; only the views of `streams` when
   * given. A caller that wants changes out as soon as the schedule allows, rather than at its
   * next periodic `advanceTo`, calls `advanceTo` again at that time.
   */
  nextEmitAtMs(streams?: Iterable<string>): number | null;
  /** Emits every view's pending changes now, whatever the intervals. */
  flush(): void;
  /** Receives the view's change batches; returns a function that stops them. */
  onChanges(view: string, handler: ChangeHandler): () => void;
  /** The view's current rows, optionally filtered by column values (`{ symbol: ['A', 'B'] }`). */
  snapshot(view: string, where?: RowFilter): OutputRow[];
  streams(): StreamInfo[];
  /** One stream's spec, or undefined. */
  streamSpec(name: string): StreamSpec | undefined;
  views(): ViewInfo[];
  stats(): EngineStats;
  /**
   * The view's whole state as plain data (JSON and msgpack safe), including when it last emitted;
   * read-only. Saved with the log offset of the last batch applied to the view, it lets a restarted
   * engine go on exactly where this one is: same change batches, snapshots and stats.
   *
   * Recovery: execute the same DDL; `restoreStream` and `restoreView` each checkpoint; then replay
   * the log from the oldest checkpoint on, each batch with `apply(stream, batch, { views,
   * updateStream })` naming the views and saying whether the stream's checkpoint is older than the
   * batch; drive `advanceTo` as usual. Streams and views are restored independently because each
   * has its own offset (a view created later starts at a later offset). A view created after its
   * stream has events should be checkpointed at once: an empty view's checkpoint still holds the
   * watermark it started at. Processing time is not part of any checkpoint: after restoring, call
   * `advanceTo` before `flush`. A restore checks shapes, types, references and the invariants
   * between them, not whether a number was changed to another valid number: checksum the stored
   * bytes if the store does not.
   */
  checkpointView(name: string): ViewCheckpoint;
  /**
   * Begins a checkpoint of the view that is built a slice at a time, so that a view of any size
   * never holds the event loop for long (`checkpointView` plus `JSON.stringify` of 100,000 groups
   * takes hundreds of milliseconds in one go). The checkpoint is the view's state at this call:
   * save it with the log offset of the last batch applied before it.
   *
   * While the task is open the view is FROZEN, so its state cannot change between steps:
   * - `apply` / `ingest` leave the view as it is and queue its share of each batch (and `apply`'s
   *   replay to named views queues too); the stream's own state (max time, event count) takes the
   *   batch as usual. For a stream without a timestamp column, the watermark `advanceTo` would
   *   have given the view is queued in order with the batches.
   * - `advanceTo` and `flush` skip the view: no watermark, no emission, no expiry.
   * - `snapshot`, `execute` SELECT, `views`, `stats` and `checkpointView` read it, as it is: until
   *   the capture is done, as it was frozen; then as far as the queue has been applied to it.
   * - `restoreView` and a second `beginViewCheckpoint` on it throw ViewFrozenError.
   * - DROP VIEW aborts the task: its queue is dropped with the view, and the next `step` throws
   *   CheckpointAbortedError with code UNKNOWN_VIEW.
   * What was queued is applied to the view in the order it came, by the last steps (within their
   * budget, so a long queue does not stall either) or at once by `abort`; then the view takes part
   * in `advanceTo` / `flush` as usual. So its late events, final rows and stats are those of a
   * view that was never frozen; only its emissions come later (and the order of its rows in a
   * snapshot may differ where closed windows expired at other emissions). Queued batches are kept
   * by reference (the events must not be mutated, as for `apply`) and are not bounded here: the
   * caller steps the task promptly, and may abort it when `queuedEvents` grows too large.
   */
  beginViewCheckpoint(name: string, options?: ViewCheckpointOptions): ViewCheckpointTask;
  /**
   * Replaces the view's whole state with a checkpoint of it, before the view gets events (whatever
   * it had is discarded). All or nothing. A checkpoint of another view, another definition of this
   * view, or another format version throws CheckpointMismatchError (code CORRUPT_STATE): the view
   * must be rebuilt from the log. Damaged data throws a VaneError with code CORRUPT_STATE.
   */
  restoreView(name: string, checkpoint: unknown): void;
  /** The stream's own state (max time, event count) as plain data; see `checkpointView`. */
  checkpointStream(name: string): StreamCheckpoint;
  /** Replaces the stream's own state with a checkpoint of it; errors as `restoreView`. */
  restoreStream(name: string, checkpoint: unknown): void;
}
