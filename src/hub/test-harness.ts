/**
 * Test doubles for the hub: recording sinks, a client-side table that checks seq/offset
 * discipline, and two HubSources (an in-memory keyed table, and one over the real embedded engine,
 * typed structurally so this file needs no import from catalog).
 */
import { ChangelogRegistry, ViewChangelog, type ChangeBatch } from '../views/index.ts';
import type { Hub } from './hub.ts';
import type { HubSource, SourceColumn } from './hub-source.ts';
import type { Sink } from './sink.ts';

export type Row = Record<string, unknown>;

/** A frame as a client parses it. */
export interface Frame {
  type: string;
  id?: string;
  sub?: string;
  seq?: number;
  offset?: number;
  rows?: Row[];
  upserts?: Row[];
  deletes?: Row[];
  events?: Row[];
  code?: string;
  recovered?: boolean;
  epoch?: string;
  key?: string[];
  line?: number;
  column?: number;
  temporary?: boolean;
}

export class RecordingSink implements Sink {
  readonly raw: string[] = [];
  bufferedBytes = 0;
  closed: { code: number; reason: string } | null = null;
  /** Set to make `send` throw (a broken transport). */
  failing = false;
  onClose: (() => void) | null = null;
  /** Set to let every frame sent stay in `bufferedBytes` (a socket that writes nothing). */
  stalled = false;

  send(data: string): void {
    if (this.failing) throw new Error('socket exploded');
    if (this.closed !== null) throw new Error('send after close');
    this.raw.push(data);
    if (this.stalled) this.bufferedBytes += data.length;
  }

  sendParts(head: string, body: string): void {
    this.send(head + body);
  }

  close(code: number, reason: string): void {
    this.closed = { code, reason };
    this.onClose?.();
  }

  get frames(): Frame[] {
    return this.raw.map((text) => JSON.parse(text) as Frame);
  }

  framesOf(sub: string): Frame[] {
    return this.frames.filter((frame) => frame.sub === sub || frame.id === sub);
  }

  errors(): Frame[] {
    return this.frames.filter((frame) => frame.type === 'error');
  }
}

/**
 * A client's copy of one subscription's rows. Throws (failing the test) on a seq gap, an offset
 * going backwards, or a delta before the subscription started.
 */
export class ClientTable {
  readonly rows = new Map<string, Row>();
  seq = 0;
  offset = 0;
  frames = 0;
  private started = false;
  private read = 0;

  constructor(private readonly key: readonly string[]) {}

  static of(sink: RecordingSink, sub: string, key: readonly string[]): ClientTable {
    return new ClientTable(key).sync(sink, sub);
  }

  /** A new subscription's table that starts from `previous`'s rows and offset (for resume). */
  static resuming(previous: ClientTable, key: readonly string[]): ClientTable {
    const table = new ClientTable(key);
    for (const [rowKey, row] of previous.rows) table.rows.set(rowKey, row);
    table.offset = previous.offset;
    return table;
  }

  /** Applies the frames of `sub` that `sink` received since the last sync. */
  sync(sink: RecordingSink, sub: string): this {
    for (; this.read < sink.raw.length; this.read++) {
      const frame = JSON.parse(sink.raw[this.read]!) as Frame;
      if (frame.sub === sub) this.apply(frame);
    }
    return this;
  }

  apply(frame: Frame): void {
    if (frame.type === 'subscribed') {
      this.started = true;
      return;
    }
    if (frame.type !== 'snapshot' && frame.type !== 'delta') return;
    if (!this.started) throw new Error(`${frame.type} before subscribed`);
    if (frame.seq !== this.seq + 1) throw new Error(`seq gap: ${this.seq} then ${frame.seq}`);
    this.seq = frame.seq;
    this.frames += 1;
    const offset = frame.offset ?? -1;
    if (frame.type === 'snapshot') {
      if (frame.seq !== 1) throw new Error(`snapshot with seq ${frame.seq}`);
      this.rows.clear();
      for (const row of frame.rows ?? []) this.rows.set(this.keyOf(row), row);
    } else {
      if (offset <= this.offset) throw new Error(`offset ${offset} after ${this.offset}`);
      for (const row of frame.deletes ?? []) this.rows.delete(this.keyOf(row));
      for (const row of frame.upserts ?? []) this.rows.set(this.keyOf(row), row);
    }
    this.offset = offset;
  }

  /** Rows in key order, for comparing with a snapshot. */
  sorted(): Row[] {
    return sortByKey([...this.rows.values()], this.key);
  }

  private keyOf(row: Row): string {
    return JSON.stringify(this.key.map((column) => row[column]));
  }
}

export function sortByKey(rows: Row[], key: readonly string[]): Row[] {
  const keyOf = (row: Row) => JSON.stringify(key.map((column) => row[column]));
  return [...rows].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}

/**
 * One keyed view held in memory with a real changelog; `emit` plays the server node: apply to
 * the table, append to the changelog, publish to the hub.
 */
export class MemorySource implements HubSource {
  readonly rows = new Map<string, Row>();
  changelog: ViewChangelog;
  hub: Hub | null = null;
  readonly streams = new Map<string, SourceColumn[]>();
  readonly calls = { snapshot: 0, since: 0 };
  private epochs = 0;

  constructor(
    readonly name: string,
    readonly key: string[],
    readonly columns: SourceColumn[],
    private readonly maxBatches = 100,
  ) {
    this.changelog = this.newChangelog();
  }

  view(name: string) {
    return name === this.name ? { key: this.key, columns: this.columns } : undefined;
  }

  stream(name: string) {
    const columns = this.streams.get(name);
    return columns === undefined ? undefined : { columns };
  }

  snapshot(_view: string, where?: Record<string, unknown>) {
    this.calls.snapshot += 1;
    const rows = [...this.rows.values()].filter((row) => matchesWhere(row, where));
    const position = this.changelog.position;
    return { rows, epoch: position.epoch, offset: position.offset };
  }

  since(_view: string, epoch: string, offset: number) {
    this.calls.since += 1;
    return this.changelog.since(epoch, offset);
  }

  openQuery(): string {
    throw new Error('no SQL here');
  }

  closeQuery(): void {}

  /** Applies and publishes one batch; returns its offset. */
  emit(upserts: Row[], deletes: Row[] = []): number {
    for (const row of deletes) this.rows.delete(this.keyOf(row));
    for (const row of upserts) this.rows.set(this.keyOf(row), row);
    const batch: ChangeBatch = { view: this.name, upserts, deletes };
    const offset = this.changelog.append(batch);
    this.hub?.publishChanges(this.name, this.changelog.epoch, offset, batch);
    return offset;
  }

  /** Loses the history: a new epoch (the rows stay). */
  resetEpoch(): void {
    this.changelog = this.newChangelog();
  }

  sorted(): Row[] {
    return sortByKey([...this.rows.values()], this.key);
  }

  private keyOf(row: Row): string {
    return JSON.stringify(this.key.map((column) => row[column]));
  }

  private newChangelog(): ViewChangelog {
    this.epochs += 1;
    return new ViewChangelog({
      epoch: `epoch-${this.epochs}`,
      maxBatches: this.maxBatches,
      now: () => 0,
    });
  }
}

function matchesWhere(row: Row, where: Record<string, unknown> | undefined): boolean {
  if (where === undefined) return true;
  return Object.entries(where).every(([column, wanted]) =>
    (Array.isArray(wanted) ? wanted : [wanted]).includes(row[column]),
  );
}

/** The parts of the embedded engine (src/catalog `Engine`) that EngineSource uses. */
export interface EngineLike {
  execute(sql: string): unknown;
  ingest(stream: string, events: unknown): unknown;
  onChanges(view: string, handler: (batch: ChangeBatch) => void): () => void;
  snapshot(view: string, where?: Record<string, unknown>): Row[];
  views(): { name: string; key: string[]; columns: SourceColumn[] }[];
  streams(): { name: string; spec: { columns: SourceColumn[] } }[];
}

/**
 * A HubSource over the real engine, wired as the server node does it: every view emission is
 * appended to the view's changelog and then published to the hub. Ad-hoc SQL creates one hidden
 * view per distinct text, refcounted, dropped with its last subscriber.
 */
export class EngineSource implements HubSource {
  readonly changelogs: ChangelogRegistry;
  hub: Hub | null = null;
  readonly calls = { snapshot: 0, since: 0, openQuery: 0, closeQuery: 0 };
  private readonly watched = new Map<string, () => void>();
  private readonly queries = new Map<string, { view: string; refs: number }>();
  private nextQuery = 1;

  constructor(
    readonly engine: EngineLike,
    options: { now: () => number; maxBatches?: number },
  ) {
    this.changelogs = new ChangelogRegistry({ now: options.now, maxBatches: options.maxBatches });
    this.watchViews();
  }

  /** Attaches the changelog and the hub to views created since the last call. */
  watchViews(): void {
    for (const { name } of this.engine.views()) {
      if (this.watched.has(name)) continue;
      const changelog = this.changelogs.get(name);
      const detach = this.engine.onChanges(name, (batch) => {
        const offset = changelog.append(batch);
        this.hub?.publishChanges(name, changelog.epoch, offset, batch);
      });
      this.watched.set(name, detach);
    }
  }

  view(name: string) {
    const view = this.engine.views().find((candidate) => candidate.name === name);
    return view === undefined ? undefined : { key: view.key, columns: view.columns };
  }

  stream(name: string) {
    const stream = this.engine.streams().find((candidate) => candidate.name === name);
    return stream === undefined ? undefined : { columns: stream.spec.columns };
  }

  snapshot(view: string, where?: Record<string, unknown>) {
    this.calls.snapshot += 1;
    const rows = this.engine.snapshot(view, where);
    const position = this.changelogs.get(view).position;
    return { rows, epoch: position.epoch, offset: position.offset };
  }

  since(view: string, epoch: string, offset: number) {
    this.calls.since += 1;
    return this.changelogs.find(view)?.since(epoch, offset) ?? null;
  }

  openQuery(sql: string): string {
    this.calls.openQuery += 1;
    const known = this.queries.get(sql);
    if (known !== undefined) {
      known.refs += 1;
      return known.view;
    }
    const view = `q_${this.nextQuery++}`;
    this.engine.execute(`CREATE VIEW ${view} AS ${sql}`);
    this.queries.set(sql, { view, refs: 1 });
    this.watchViews();
    return view;
  }

  closeQuery(view: string): void {
    this.calls.closeQuery += 1;
    for (const [sql, query] of this.queries) {
      if (query.view !== view || --query.refs > 0) continue;
      this.queries.delete(sql);
      this.watched.get(view)?.();
      this.watched.delete(view);
      this.changelogs.drop(view);
      this.engine.execute(`DROP VIEW ${view}`);
    }
  }

  /** Ingests events and hands them to the hub's stream subscriptions, as the node does. */
  publish(stream: string, events: Row[]): void {
    this.engine.ingest(stream, events);
    this.hub?.publishEvents(stream, events);
  }

  get hiddenViews(): number {
    return this.queries.size;
  }
}
