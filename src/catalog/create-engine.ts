import {
  CheckpointMismatchError,
  encodeNumber,
  EventValidator,
  parseEncodedNumber,
  ViewRuntime,
  type ChangeBatch,
  type OutputRow,
  type RowFilter,
  type StreamSpec,
  type ValidatedBatch,
  type ViewCheckpoint,
} from '../engine/index.ts';
import { parse } from '../sql/index.ts';
import { systemClock, VaneError } from '../util/index.ts';
import { CatalogState } from './catalog-state.ts';
import type {
  ApplyOptions,
  ChangeHandler,
  Engine,
  EngineOptions,
  EngineStats,
  IngestResult,
  StatementResult,
  StreamCheckpoint,
  StreamInfo,
  ViewCheckpointOptions,
  ViewCheckpointTask,
  ViewInfo,
} from './engine-api.ts';
import { keyNames, planStatements, type Action } from './plan-statements.ts';
import { runQuery } from './run-query.ts';
import { SlicedViewCheckpoint, ViewFrozenError } from './view-checkpoint-task.ts';

/** Bumped whenever the stream checkpoint layout changes. */
const STREAM_CHECKPOINT_VERSION = 1;

interface StreamRuntime {
  validator: EventValidator;
  views: RunningView[];
  /** Highest event time seen (or arrival time), -Infinity before the first event. */
  maxTimeMs: number;
  events: number;
  /** How many of `views` are frozen: 0 keeps `apply` on its hot path. */
  frozenViews: number;
}

interface RunningView {
  runtime: ViewRuntime;
  handlers: ChangeHandler[];
  /**
   * The view's emission schedule (see `emitDue`): the time its next batch is due on average.
   * Saved in checkpoints under the name `lastEmitMs` (a format written when it held the time of
   * the last batch; read either way, the schedule only shapes the rate).
   */
  emitScheduleMs: number;
  /** The open checkpoint task that freezes the view and queues what it misses, or null. */
  frozen: SlicedViewCheckpoint | null;
}

/** Creates an embedded engine with an empty catalog. See `Engine` for the contract. */
export function createEngine(options: EngineOptions = {}): Engine {
  return new EmbeddedEngine(options);
}

class EmbeddedEngine implements Engine {
  private catalog: CatalogState;
  private readonly streamRuntimes = new Map<string, StreamRuntime>();
  private readonly viewRuntimes = new Map<string, RunningView>();
  private readonly clock;
  private nowMs = -Infinity;

  constructor(private readonly options: EngineOptions) {
    this.clock = options.clock ?? systemClock;
    this.catalog = new CatalogState(new Map(), new Map(), options.backfill === true);
  }

  execute(sql: string): StatementResult[] {
    const statements = parse(sql);
    const draft = this.catalog.draft();
    const actions = planStatements(statements, draft, this.clock.now());
    this.catalog = draft;
    return actions.map((action) => this.applyAction(action));
  }

  private applyAction(action: Action): StatementResult {
    switch (action.kind) {
      case 'result':
        return action.result;
      case 'create_stream': {
        this.streamRuntimes.set(action.name, {
          validator: new EventValidator(action.spec),
          views: [],
          maxTimeMs: -Infinity,
          events: 0,
          frozenViews: 0,
        });
        return action.result;
      }
      case 'create_view': {
        const plan = action.plan;
        const stream = this.streamRuntimes.get(plan.stream)!;
        // A new view starts at the stream's current watermark: it does not reopen closed time.
        const runtime = new ViewRuntime(
          plan,
          // A backfilled view replays the stream's history first: it starts with no watermark.
          plan.backfill ? -Infinity : stream.maxTimeMs - plan.latenessMs,
          this.options.onLateEvent ?? null,
        );
        const view: RunningView = {
          runtime,
          handlers: [],
          emitScheduleMs: -Infinity,
          frozen: null,
        };
        this.viewRuntimes.set(action.name, view);
        stream.views.push(view);
        return action.result;
      }
      case 'drop_view': {
        const view = this.viewRuntimes.get(action.name)!;
        this.viewRuntimes.delete(action.name);
        const stream = this.streamRuntimes.get(view.runtime.plan.stream)!;
        stream.views.splice(stream.views.indexOf(view), 1);
        if (view.frozen !== null) {
          view.frozen.dropped();
          view.frozen = null;
          stream.frozenViews--;
        }
        return action.result;
      }
      case 'drop_stream':
        this.streamRuntimes.delete(action.name);
        return action.result;
      case 'query': {
        const view = this.viewRuntimes.get(action.plan.view)!;
        return {
          statement: 'SELECT',
          name: action.plan.view,
          message: '',
          columns: action.plan.columns,
          rows: runQuery(action.plan, view.runtime.rows()),
        };
      }
    }
  }

  ingest(stream: string, events: unknown): IngestResult {
    return this.apply(stream, this.validate(stream, events));
  }

  validate(stream: string, events: unknown, arrivalMs = this.clock.now()): ValidatedBatch {
    return this.requireStream(stream).validator.validate(events, arrivalMs);
  }

  apply(stream: string, batch: ValidatedBatch, options?: ApplyOptions): IngestResult {
    const runtime = this.requireStream(stream);
    if (options === undefined) {
      if (runtime.frozenViews === 0) {
        for (const view of runtime.views) view.runtime.process(batch.events, batch.timesMs);
      } else {
        for (const view of runtime.views) feed(view, batch);
      }
      advanceStream(runtime, batch);
    } else {
      const only = options.views === undefined ? null : this.viewsOf(stream, options.views);
      for (const view of runtime.views) {
        if (only === null || only.has(view)) feed(view, batch);
      }
      if (options.updateStream ?? true) advanceStream(runtime, batch);
    }
    return { accepted: batch.events.length };
  }

  /** The named views, each checked to be a view of `stream`. */
  private viewsOf(stream: string, names: Iterable<string>): Set<RunningView> {
    const views = new Set<RunningView>();
    for (const name of names) {
      const view = this.requireView(name);
      if (view.runtime.plan.stream !== stream) {
        throw new VaneError(
          'INVALID_ARGUMENT',
          `view ${name} reads stream ${view.runtime.plan.stream}, not ${stream}`,
        );
      }
      views.add(view);
    }
    return views;
  }

  private requireStream(name: string): StreamRuntime {
    const runtime = this.streamRuntimes.get(name);
    if (runtime === undefined) throw new VaneError('UNKNOWN_STREAM', `unknown stream '${name}'`);
    return runtime;
  }

  advanceTo(nowMs: number): void {
    if (nowMs > this.nowMs) this.nowMs = nowMs;
    for (const [name, stream] of this.streamRuntimes) {
      const spec = this.catalog.stream(name)!;
      if (spec.timestampColumn !== null) continue;
      // Arrival-time streams: no event can arrive earlier than now, so time passing closes windows.
      if (nowMs > stream.maxTimeMs) stream.maxTimeMs = nowMs;
      for (const view of stream.views) {
        if (view.frozen === null) view.runtime.advanceWatermark(nowMs - spec.latenessMs);
        else view.frozen.queueWatermark(nowMs - spec.latenessMs);
      }
    }
    this.emit(
      (view) => emitDue(view.emitScheduleMs, view.runtime.plan.emitIntervalMs, nowMs),
      nowMs,
    );
  }

  emitApplied(streams: Iterable<string>, nowMs: number): void {
    this.emit(
      (view) => emitDue(view.emitScheduleMs, view.runtime.plan.emitIntervalMs, nowMs),
      nowMs,
      this.viewsOfStreams(streams),
    );
  }

  nextEmitAtMs(streams?: Iterable<string>): number | null {
    let next = Infinity;
    for (const view of streams === undefined
      ? this.viewRuntimes.values()
      : this.viewsOfStreams(streams)) {
      if (view.frozen !== null || !view.runtime.hasPending) continue;
      next = Math.min(next, emitAllowedAtMs(view.emitScheduleMs, view.runtime.plan.emitIntervalMs));
    }
    return next === Infinity ? null : next;
  }

  flush(): void {
    this.emit(() => true, this.nowMs);
  }

  /** The views of these streams (unknown names are skipped: a stream dropped meanwhile). */
  private *viewsOfStreams(streams: Iterable<string>): Generator<RunningView> {
    for (const name of streams) yield* this.streamRuntimes.get(name)?.views ?? [];
  }

  private emit(
    due: (view: RunningView) => boolean,
    nowMs: number,
    views: Iterable<RunningView> = this.viewRuntimes.values(),
  ): void {
    const errors: unknown[] = [];
    for (const view of views) {
      if (view.frozen !== null || !due(view)) continue;
      const batch = view.runtime.flush();
      if (batch === null) continue;
      view.emitScheduleMs = scheduleAfterEmit(
        view.emitScheduleMs,
        view.runtime.plan.emitIntervalMs,
        nowMs,
      );
      deliver(view.handlers, batch, errors);
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1)
      throw new AggregateError(errors, `${errors.length} change handlers threw`);
  }

  onChanges(view: string, handler: ChangeHandler): () => void {
    const running = this.requireView(view);
    running.handlers.push(handler);
    return () => {
      const index = running.handlers.indexOf(handler);
      if (index >= 0) running.handlers.splice(index, 1);
    };
  }

  snapshot(view: string, where?: RowFilter): OutputRow[] {
    return this.requireView(view).runtime.snapshot(where);
  }

  streams(): StreamInfo[] {
    return [...this.catalog.streamEntries.values()].map(({ spec, sql }) => ({
      name: spec.name,
      sql,
      spec,
      views: this.catalog.viewsOf(spec.name),
    }));
  }

  streamSpec(name: string): StreamSpec | undefined {
    return this.catalog.stream(name);
  }

  views(): ViewInfo[] {
    return [...this.catalog.viewEntries.values()].map(({ plan, sql }) => ({
      name: plan.name,
      stream: plan.stream,
      sql,
      columns: plan.columns,
      key: keyNames(plan),
      plan,
    }));
  }

  stats(): EngineStats {
    const stats: EngineStats = { streams: {}, views: {} };
    for (const [name, stream] of this.streamRuntimes)
      stats.streams[name] = { events: stream.events };
    for (const [name, view] of this.viewRuntimes) stats.views[name] = view.runtime.stats;
    return stats;
  }

  checkpointView(name: string): ViewCheckpoint {
    const view = this.requireView(name);
    return view.runtime.checkpoint(view.emitScheduleMs);
  }

  beginViewCheckpoint(name: string, options: ViewCheckpointOptions = {}): ViewCheckpointTask {
    const view = this.requireView(name);
    if (view.frozen !== null) throw new ViewFrozenError(name, 'begin a checkpoint of');
    const stream = this.streamRuntimes.get(view.runtime.plan.stream)!;
    const now = options.now ?? (() => performance.now());
    const task = new SlicedViewCheckpoint(
      name,
      view.runtime.checkpointText(view.emitScheduleMs),
      now,
      {
        apply: (input) => {
          if (typeof input === 'number') view.runtime.advanceWatermark(input);
          else view.runtime.process(input.events, input.timesMs);
        },
        unfreeze: () => {
          view.frozen = null;
          stream.frozenViews--;
        },
      },
    );
    view.frozen = task;
    stream.frozenViews++;
    return task;
  }

  restoreView(name: string, checkpoint: unknown): void {
    const view = this.requireView(name);
    if (view.frozen !== null) throw new ViewFrozenError(name, 'restore');
    // Restored into a new runtime and swapped in only on success: all or nothing.
    const runtime = new ViewRuntime(
      view.runtime.plan,
      view.runtime.watermarkMs,
      this.options.onLateEvent ?? null,
    );
    const { lastEmitMs } = runtime.restore(checkpoint);
    view.runtime = runtime;
    view.emitScheduleMs = lastEmitMs;
  }

  checkpointStream(name: string): StreamCheckpoint {
    const stream = this.requireStream(name);
    return {
      version: STREAM_CHECKPOINT_VERSION,
      stream: name,
      maxTimeMs: encodeNumber(stream.maxTimeMs),
      events: stream.events,
    };
  }

  restoreStream(name: string, checkpoint: unknown): void {
    const stream = this.requireStream(name);
    const what = `stream ${name} checkpoint`;
    if (typeof checkpoint !== 'object' || checkpoint === null || Array.isArray(checkpoint)) {
      throw new VaneError('CORRUPT_STATE', `damaged state: ${what}: not an object`);
    }
    const record = checkpoint as Record<string, unknown>;
    if (record.version !== STREAM_CHECKPOINT_VERSION || record.stream !== name) {
      throw new CheckpointMismatchError(
        `${what} is of version ${String(record.version)} and stream ${String(record.stream)}; expected version ${STREAM_CHECKPOINT_VERSION} and stream ${name}`,
      );
    }
    const maxTimeMs = parseEncodedNumber(record.maxTimeMs);
    const events = record.events;
    if (maxTimeMs === undefined || Number.isNaN(maxTimeMs)) {
      throw new VaneError('CORRUPT_STATE', `damaged state: ${what}: maxTimeMs is not a time`);
    }
    if (typeof events !== 'number' || !Number.isSafeInteger(events) || events < 0) {
      throw new VaneError('CORRUPT_STATE', `damaged state: ${what}: events is not a count`);
    }
    stream.maxTimeMs = maxTimeMs;
    stream.events = events;
  }

  private requireView(name: string): RunningView {
    const view = this.viewRuntimes.get(name);
    if (view === undefined) throw new VaneError('UNKNOWN_VIEW', `unknown view '${name}'`);
    return view;
  }
}

/** A view takes a batch, or queues it while frozen. */
function feed(view: RunningView, batch: ValidatedBatch): void {
  if (view.frozen === null) view.runtime.process(batch.events, batch.timesMs);
  else view.frozen.queue(batch);
}

/** The stream's own state takes a batch: its max event time and event count. */
function advanceStream(runtime: StreamRuntime, batch: ValidatedBatch): void {
  const times = batch.timesMs;
  let maxTimeMs = runtime.maxTimeMs;
  for (let i = 0; i < times.length; i++) if (times[i]! > maxTimeMs) maxTimeMs = times[i]!;
  runtime.maxTimeMs = maxTimeMs;
  runtime.events += batch.events.length;
}

/**
 * Whether a view whose emission schedule stands at `scheduleMs` may emit at `nowMs`. The rule is
 * a cell-rate schedule (GCRA) with a tolerance of one interval: each batch moves the schedule one
 * interval past the later of itself and now, and a batch may go out once now is within one
 * interval of the schedule. So batches average at most one per interval and never come more
 * than two in an interval, while changes that arrive about once per interval go out the moment
 * they are applied, whatever their jitter.
 *
 * Rules tried before: one batch per interval measured from the last batch skipped about a third
 * of the batches when ticks came a millisecond early; one batch per interval-aligned slot held a
 * change that arrived mid-slot after a batch at the slot's start until the next slot, and once
 * that happened every later change of a steady stream waited the same (each batch used the slot
 * the next change arrived in).
 */
export function emitDue(scheduleMs: number, intervalMs: number, nowMs: number): boolean {
  return intervalMs <= 0 || nowMs >= scheduleMs - intervalMs;
}

/** The schedule after a batch emitted at `nowMs`. */
export function scheduleAfterEmit(scheduleMs: number, intervalMs: number, nowMs: number): number {
  return Math.max(scheduleMs, nowMs) + Math.max(0, intervalMs);
}

/** The first time at which `emitDue(scheduleMs, intervalMs, t)` holds. */
export function emitAllowedAtMs(scheduleMs: number, intervalMs: number): number {
  return intervalMs <= 0 ? -Infinity : scheduleMs - intervalMs;
}

/** Every handler gets the batch even if an earlier one throws; errors are rethrown afterwards. */
function deliver(handlers: readonly ChangeHandler[], batch: ChangeBatch, errors: unknown[]): void {
  for (const handler of [...handlers]) {
    try {
      handler(batch);
    } catch (error) {
      errors.push(error);
    }
  }
}
