import { compileExpr, compilePredicate } from '../expr/compile.ts';
import { VaneError } from '../../util/index.ts';
import { encodeNumber, type EncodedValue } from '../aggregate/state-codec.ts';
import { parseTimestamp } from '../timestamp.ts';
import type { OutputRow, Value } from '../types.ts';
import { AlignedStore } from './aligned-store.ts';
import { Aggregation } from './aggregation.ts';
import type { ChangeBatch } from './change-batch.ts';
import { CheckpointReader } from './checkpoint-reader.ts';
import type { Group } from './group.ts';
import { compileGroupKey, type GroupKey } from './group-key.ts';
import { encodeValues, GroupTableReader, GroupTableWriter } from './group-table.ts';
import { JsonText } from './json-text.ts';
import { OutputFormat } from './output-format.ts';
import { RunningStore } from './running-store.ts';
import { SessionStore } from './session-store.ts';
import {
  CheckpointMismatchError,
  planFingerprint,
  VIEW_CHECKPOINT_VERSION,
  type ViewCheckpoint,
  type ViewCheckpointHead,
} from './view-checkpoint.ts';
import type { ViewPlan } from './view-plan.ts';
import type { StoreCheckpoint, StoreHost, WindowStore } from './window-store.ts';

/** Called for each event dropped as late (beyond the allowed lateness) by one view. */
export type LateEventHandler = (view: string, event: object, timeMs: number) => void;

/** Filters on output columns: a value or a list of accepted values per column (wire form). */
export type RowFilter = Record<string, unknown>;

export interface ViewStats {
  /** Events dropped because every window they belonged to was already closed. */
  lateEvents: number;
  /** Groups still accumulating (open windows). */
  openGroups: number;
  /** Rows currently in the view. */
  rows: number;
  watermarkMs: number;
}

/**
 * One running view: consumes event batches of its stream, keeps groups per window, and emits
 * coalesced change batches when `flush` is called (the caller owns the emit interval).
 *
 * Ordering contract: events are applied in the order given; the watermark (max event time minus
 * lateness) advances after each event, so whether an event is late depends only on the events
 * before it. Change batches hold, per key, the latest row since the previous batch; a final row
 * (EMIT FINAL) is emitted once, when the watermark passes its window's end.
 */
export class ViewRuntime implements StoreHost {
  readonly plan: ViewPlan;
  readonly aggregation: Aggregation;
  readonly groupKey: GroupKey;
  private store: WindowStore;
  private readonly filter: ((event: object) => boolean) | null;
  private readonly outputs: ((context: object) => Value)[];
  private readonly having: ((context: object) => boolean) | null;
  private readonly format: OutputFormat;
  private readonly emitFinal: boolean;
  /** Scratch group context: keys, aggregate results, window start and end. */
  private readonly context: Value[];
  private readonly windowAt: number;
  private pending: Group[] = [];
  private pendingDeletes: Value[][] = [];
  /**
   * Groups that left the store between emissions (merged sessions): their rows stay visible until
   * the next emission deletes them, so a snapshot always equals the emitted changelog.
   */
  private departed: Group[] = [];
  private watermark: number;
  private late = 0;
  private visibleRows = 0;
  private fingerprint: string | null = null;
  /** A checkpoint is numbering this view's groups (their marks are in use). */
  private capturing = false;

  constructor(
    plan: ViewPlan,
    initialWatermarkMs: number,
    private readonly onLate: LateEventHandler | null = null,
  ) {
    this.plan = plan;
    this.aggregation = new Aggregation(plan);
    this.groupKey = compileGroupKey(plan.groupKeys);
    this.filter = plan.filter === null ? null : compilePredicate(plan.filter);
    this.outputs = plan.outputs.map((output) => compileExpr(output));
    this.having = plan.having === null ? null : compilePredicate(plan.having);
    this.format = new OutputFormat(plan.columns);
    this.emitFinal = plan.emit === 'final';
    this.windowAt = plan.groupKeys.length + plan.aggregates.length;
    this.context = new Array<Value>(this.windowAt + 2).fill(null);
    this.watermark = initialWatermarkMs;
    this.store = createStore(this, plan);
  }

  get name(): string {
    return this.plan.name;
  }

  get watermarkMs(): number {
    return this.watermark;
  }

  get hasPending(): boolean {
    return this.pending.length > 0 || this.pendingDeletes.length > 0 || this.departed.length > 0;
  }

  /** Applies a batch of validated events; `timesMs[i]` is the event time of `events[i]`. */
  process(events: readonly object[], timesMs: ArrayLike<number>): void {
    const store = this.store;
    const filter = this.filter;
    const latenessMs = this.plan.latenessMs;
    let watermark = this.watermark;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      const timeMs = timesMs[i]!;
      if (filter === null || filter(event)) {
        if (!store.add(event, timeMs, watermark)) {
          this.late++;
          this.onLate?.(this.plan.name, event, timeMs);
        }
      }
      const candidate = timeMs - latenessMs;
      if (candidate > watermark) {
        watermark = candidate;
        this.watermark = watermark;
        if (watermark >= store.nextCloseAtMs) store.close(watermark);
      }
    }
  }

  /** Moves the watermark forward without an event (arrival-time streams, as time passes). */
  advanceWatermark(watermarkMs: number): void {
    if (watermarkMs <= this.watermark) return;
    this.watermark = watermarkMs;
    if (watermarkMs >= this.store.nextCloseAtMs) this.store.close(watermarkMs);
  }

  touched(group: Group): void {
    if (!group.dirty && !this.emitFinal) {
      group.dirty = true;
      this.pending.push(group);
    }
  }

  closed(group: Group): void {
    if (this.emitFinal) this.pending.push(group);
  }

  removed(group: Group): void {
    if (group.emitted !== null) this.departed.push(group);
  }

  /** Turns the rows of departed groups into delete changes. */
  private deleteDeparted(): void {
    for (const group of this.departed) {
      if (group.emitted === null) continue;
      this.pendingDeletes.push(group.emitted);
      group.emitted = null;
      this.visibleRows--;
    }
    this.departed = [];
  }

  /** The change batch since the previous flush, or null when nothing changed. */
  flush(): ChangeBatch | null {
    this.store.expire(this.watermark);
    this.deleteDeparted();
    const upserts: OutputRow[] = [];
    const pending = this.pending;
    this.pending = [];
    for (const group of pending) {
      group.dirty = false;
      if (!group.dead) this.emitGroup(group, upserts);
    }
    this.store.release();
    const deleted = this.pendingDeletes;
    this.pendingDeletes = [];
    if (upserts.length === 0 && deleted.length === 0) return null;
    const keyColumns = this.plan.keyColumns;
    const deletes = deleted.map((values) => this.format.partial(values, keyColumns));
    return { view: this.plan.name, upserts, deletes };
  }

  private emitGroup(group: Group, upserts: OutputRow[]): void {
    const context = this.context;
    const keyValues = group.keyValues;
    const keyCount = this.plan.groupKeys.length;
    if (keyValues === null) context[0] = group.mapKey as Value;
    else for (let i = 0; i < keyCount; i++) context[i] = keyValues[i]!;
    const windowed = this.plan.window.kind !== 'none';
    this.aggregation.writeResults(
      group,
      windowed ? { startMs: group.startMs, endMs: group.endMs } : null,
      context,
      keyCount,
    );
    context[this.windowAt] = windowed ? group.startMs : null;
    context[this.windowAt + 1] = windowed ? group.endMs : null;

    const previous = group.emitted;
    if (this.having !== null && !this.having(context)) {
      if (previous !== null) {
        this.pendingDeletes.push(previous);
        group.emitted = null;
        this.visibleRows--;
      }
      return;
    }
    const values = this.outputs.map((output) => output(context));
    if (previous === null) {
      this.visibleRows++;
    } else if (!sameValues(previous, values, this.plan.keyColumns)) {
      // A session whose start moved has a new key: its old row goes away.
      this.pendingDeletes.push(previous);
    } else if (sameValues(previous, values, null)) {
      return;
    }
    group.emitted = values;
    upserts.push(this.format.row(values));
  }

  /** The view's current rows (as last emitted), optionally filtered by column values. */
  snapshot(where: RowFilter = {}): OutputRow[] {
    const match = this.compileRowFilter(where);
    const rows: OutputRow[] = [];
    for (const values of this.rows()) if (match(values)) rows.push(this.format.row(values));
    return rows;
  }

  /** The view's current rows in internal form (for snapshot queries). */
  *rows(): Iterable<readonly Value[]> {
    for (const group of this.store.groups()) if (group.emitted !== null) yield group.emitted;
    for (const group of this.departed) if (group.emitted !== null) yield group.emitted;
  }

  get stats(): ViewStats {
    return {
      lateEvents: this.late,
      openGroups: this.store.openGroupCount,
      rows: this.visibleRows,
      watermarkMs: this.watermark,
    };
  }

  /**
   * Everything that decides this view's future output, as plain data (see ViewCheckpoint).
   * `lastEmitMs` belongs to the caller that schedules emissions; it travels with the view's state.
   * Read-only: the view goes on as if nothing happened.
   */
  checkpoint(lastEmitMs = -Infinity): ViewCheckpoint {
    const { head, table } = runToEnd(this.checkpointHead(lastEmitMs));
    return { ...head, groups: [...table.chunks()] };
  }

  /**
   * The checkpoint as JSON text, `JSON.stringify(this.checkpoint(lastEmitMs))` to the byte, built
   * in slices: the generator yields after each slice of work (about a thousand groups numbered, or
   * one chunk of the group table built and encoded) and returns the text as flat chunks of about
   * 256 KB whose concatenation is the text (JsonText.chunks). The view must not change
   * until the generator is done: the caller freezes it (no `process`, `advanceWatermark`, `flush`
   * or `restore`); reading it (`snapshot`, `rows`, `stats`, `checkpoint`) is fine.
   */
  *checkpointText(lastEmitMs = -Infinity): Generator<void, readonly string[]> {
    const { head, table } = yield* this.checkpointHead(lastEmitMs);
    const out = new JsonText();
    out.write('{');
    yield* out.members(head);
    out.write(',"groups":[');
    let first = true;
    for (const chunk of table.chunks()) {
      out.write((first ? '' : ',') + JSON.stringify(chunk));
      first = false;
      yield;
    }
    out.write(']}');
    return out.chunks;
  }

  /** Numbers the groups (the table's order) and builds everything but the table, in slices. */
  private *checkpointHead(
    lastEmitMs: number,
  ): Generator<void, { head: ViewCheckpointHead; table: GroupTableWriter }> {
    // One capture at a time numbers groups on the groups themselves; one taken meanwhile (a
    // `checkpoint` while `checkpointText` runs) uses a Map.
    const exclusive = !this.capturing;
    const chunkGroups = this.plan.objSlots === 0 ? 128 : 32;
    const table = new GroupTableWriter(this.aggregation, chunkGroups, exclusive);
    this.capturing = true;
    let store: StoreCheckpoint;
    let pending: number[];
    let departed: number[];
    try {
      store = yield* this.store.checkpoint(table);
      pending = yield* table.refs(this.pending);
      departed = yield* table.refs(this.departed);
      yield* table.unmark();
    } finally {
      // Also when the capture is abandoned half way (`return` on the generator).
      table.unmarkAll();
      if (exclusive) this.capturing = false;
    }
    const pendingDeletes: EncodedValue[][] = [];
    for (const values of this.pendingDeletes) {
      pendingDeletes.push(encodeValues(values));
      if (table.paced(values.length)) yield;
    }
    const head: ViewCheckpointHead = {
      version: VIEW_CHECKPOINT_VERSION,
      view: this.plan.name,
      plan: this.planFingerprint,
      lastEmitMs: encodeNumber(lastEmitMs),
      watermarkMs: encodeNumber(this.watermark),
      lateEvents: this.late,
      rows: this.visibleRows,
      pending,
      pendingDeletes,
      departed,
      store,
    };
    return { head, table };
  }

  /**
   * Replaces this view's whole state with a checkpoint's and returns the checkpoint's
   * `lastEmitMs`. All or nothing: when it throws, the view is as it was. A checkpoint of another
   * version, view or plan throws CheckpointMismatchError; damaged data throws CORRUPT_STATE. The
   * checks cover shapes, types, references and the invariants that tie them together, not the
   * aggregate values themselves (a changed count that is still a count goes unnoticed).
   */
  restore(data: unknown): { lastEmitMs: number } {
    const plan = this.plan;
    const reader = new CheckpointReader(`view ${plan.name} checkpoint`);
    const record = reader.record(data, 'checkpoint');
    if (record.version !== VIEW_CHECKPOINT_VERSION) {
      throw new CheckpointMismatchError(
        `${reader.what} has format version ${String(record.version)}; this Vane reads version ${VIEW_CHECKPOINT_VERSION}`,
      );
    }
    if (record.view !== plan.name || record.plan !== this.planFingerprint) {
      throw new CheckpointMismatchError(
        `${reader.what} was taken from ${typeof record.view === 'string' ? `view ${record.view}` : 'something else'} with another definition (plan ${String(record.plan)}, this view's is ${this.planFingerprint})`,
      );
    }
    const lastEmitMs = reader.number(record.lastEmitMs, 'lastEmitMs');
    const watermark = reader.number(record.watermarkMs, 'watermarkMs');
    const late = reader.count(record.lateEvents, 'lateEvents');
    const rows = reader.count(record.rows, 'rows');
    const columnTypes = plan.columns.map((column) => column.type);
    const keyTypes = plan.groupKeys.map((key) => (key.type === 'NULL' ? 'JSON' : key.type));
    const table = new GroupTableReader(
      record.groups,
      this.aggregation,
      { columnTypes, keyTypes, groupKey: this.groupKey },
      reader,
    );
    const store = createStore(this, plan);
    store.restore(record.store, table);
    const pending = table.groupsAt(record.pending, 'pending');
    const departed = table.groupsAt(record.departed, 'departed');
    const pendingDeletes = reader
      .array(record.pendingDeletes, 'pendingDeletes')
      .map((row, i) => reader.row(row, columnTypes, 'pendingDeletes', i));
    table.checkAllUsed();
    checkRestored(store, pending, departed, rows, this.emitFinal, reader);
    this.store = store;
    this.pending = pending;
    this.pendingDeletes = pendingDeletes;
    this.departed = departed;
    this.watermark = watermark;
    this.late = late;
    this.visibleRows = rows;
    return { lastEmitMs };
  }

  private get planFingerprint(): string {
    this.fingerprint ??= planFingerprint(this.plan);
    return this.fingerprint;
  }

  private compileRowFilter(where: RowFilter): (values: readonly Value[]) => boolean {
    const tests = Object.entries(where).map(([name, wanted]) => {
      const index = this.plan.columns.findIndex((column) => column.name === name);
      if (index < 0) {
        const names = this.plan.columns.map((column) => column.name).join(', ');
        throw new VaneError(
          'UNKNOWN_COLUMN',
          `view ${this.plan.name} has no column '${name}' (columns: ${names})`,
        );
      }
      const isTimestamp = this.plan.columns[index]!.type === 'TIMESTAMP';
      const accepted = new Set(
        (Array.isArray(wanted) ? wanted : [wanted]).map((value: unknown) =>
          isTimestamp ? parseTimestamp(value) : value,
        ),
      );
      return (values: readonly Value[]) => accepted.has(values[index]);
    });
    return (values) => tests.every((test) => test(values));
  }
}

/**
 * The invariants that tie a restored view together between emissions: the row count is the
 * number of groups with a row; departed groups are merged sessions with a row; queued groups are
 * exactly the dirty ones (EMIT CHANGES; those outside the store are merged sessions) or exactly
 * the windows closed since the last emission, in closing order (EMIT FINAL).
 */
function checkRestored(
  store: WindowStore,
  pending: readonly Group[],
  departed: readonly Group[],
  rows: number,
  emitFinal: boolean,
  reader: CheckpointReader,
): void {
  const stored = new Set<Group>();
  let visible = 0;
  let dirty = 0;
  for (const group of store.groups()) {
    stored.add(group);
    if (group.emitted !== null) visible++;
    if (group.dirty) dirty++;
  }
  for (const group of departed) {
    if (stored.has(group) || group.emitted === null || !group.dead) {
      throw reader.error('departed: a group that is not a merged session with a row');
    }
    visible++;
  }
  if (visible !== rows) throw reader.error(`rows: ${rows}, but ${visible} groups have a row`);
  if (emitFinal) {
    const closed = store.closedSinceRelease();
    if (
      dirty > 0 ||
      closed.length !== pending.length ||
      closed.some((group, i) => pending[i] !== group)
    ) {
      throw reader.error('pending: not the windows closed since the last emission');
    }
    return;
  }
  for (const group of pending) {
    if (!group.dirty || (!stored.has(group) && !group.dead)) {
      throw reader.error('pending: a group that is not dirty, or not in the view');
    }
    if (!stored.has(group)) dirty++;
  }
  if (dirty !== pending.length) {
    throw reader.error('pending: the queued groups and the dirty flags disagree');
  }
}

function createStore(host: StoreHost, plan: ViewPlan): WindowStore {
  const window = plan.window;
  switch (window.kind) {
    case 'none':
      return new RunningStore(host);
    case 'tumble':
      return new AlignedStore(host, window.sizeMs, window.sizeMs, plan.keep);
    case 'hop':
      return new AlignedStore(host, window.sizeMs, window.slideMs, plan.keep);
    case 'session':
      return new SessionStore(host, window.gapMs, plan.keep);
  }
}

/** Equal values at `indexes` (all when null); structured values compare by their JSON. */
function sameValues(
  a: readonly Value[],
  b: readonly Value[],
  indexes: readonly number[] | null,
): boolean {
  const count = indexes === null ? a.length : indexes.length;
  for (let j = 0; j < count; j++) {
    const i = indexes === null ? j : indexes[j]!;
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    if (JSON.stringify(x) !== JSON.stringify(y)) return false;
  }
  return true;
}

/** Runs a generator of slices of work to its end, at once. */
function runToEnd<T>(slices: Generator<void, T>): T {
  for (;;) {
    const next = slices.next();
    if (next.done === true) return next.value;
  }
}
