import { createEngine, type Engine, type StatementResult } from '../catalog/index.ts';
import type { ChangeBatch } from '../engine/index.ts';
import { Hub, type HubSource } from '../hub/index.ts';
import { Ingestor, type PublishResult } from '../ingest/index.ts';
import {
  MemoryEventLog,
  MemoryMetadataStore,
  openLmdbStorage,
  type EventLog,
  type MetadataStore,
} from '../log/index.ts';
import { createLogger, createMetrics, type Logger, type Metrics } from '../observability/index.ts';
import type { ServerStats } from '../protocol/index.ts';
import { parse, type Statement } from '../sql/index.ts';
import { systemClock, VaneError, type Clock } from '../util/index.ts';
import { ChangelogRegistry } from '../views/index.ts';
import { CatalogJournal, QUERY_VIEW_PREFIX } from './catalog-journal.ts';
import { backfillView } from './backfill.ts';
import { CheckpointStore } from './checkpoint-store.ts';
import { Checkpointer } from './checkpointer.ts';
import type { VaneConfig } from './config.ts';
import { failpointsFromEnv, type Failpoint } from './failpoints.ts';
import { LiveStats } from './live-stats.ts';
import { LogRetention } from './log-retention.ts';
import { QueryViews } from './query-views.ts';
import { recoverEngine, type RecoveryReport } from './recovery.ts';

/** Views that are checkpointed: all but the hidden views of ad-hoc SQL subscriptions. */
function isSavedView(name: string): boolean {
  return !name.startsWith(QUERY_VIEW_PREFIX);
}

/** Names of the views the statements create WITH (backfill = true). */
function backfilled(statements: readonly Statement[]): Set<string> {
  const names = new Set<string>();
  for (const statement of statements) {
    if (
      statement.kind === 'create_view' &&
      statement.options.some((option) => option.key === 'backfill' && option.value === true)
    ) {
      names.add(statement.name);
    }
  }
  return names;
}

function parseName(saved: string): ['view' | 'stream', string] {
  const at = saved.indexOf(':');
  return [saved.slice(0, at) as 'view' | 'stream', saved.slice(at + 1)];
}

/** Metadata key of the checkpoint rounds' (time, offset) notes (see LogRetention). */
const ROUNDS_KEY = 'log/rounds';

/** The minimum de-duplication horizon (SPEC §3). */
const MIN_DEDUP_HORIZON_MS = 600_000;

/**
 * One Vane node: the engine, its durable log and catalog, the view changelogs, the hub and the
 * ingest path, wired together and driven by a timer. The transport sits on top of it.
 *
 * Time: every `tickMs` the engine advances to the clock (views emit, arrival-time windows close)
 * and the hub flushes throttled subscriptions; both wait a tick while the transport is still
 * writing an earlier fan-out (`holdEmissionsWhile`). Ingested batches do not wait for the timer:
 * the views of their streams emit at the end of the turn they are applied in, and a tick runs
 * when a held change's emit schedule allows it (`emitSoon`, `armEmitTimer`).
 */
export class VaneNode {
  readonly engine: Engine;
  readonly hub: Hub;
  readonly ingestor: Ingestor;
  readonly metrics: Metrics;
  readonly logger: Logger;
  private readonly changelogs: ChangelogRegistry;
  private readonly journal: CatalogJournal;
  private readonly queries: QueryViews;
  /** Views whose changes reach the changelog and hub, with the function that detaches them. */
  private readonly attached = new Map<string, () => void>();
  private readonly hubSource: HubSource;
  private readonly dedupHorizons = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private checkpointTimer: NodeJS.Timeout | null = null;
  private readonly checkpoints: CheckpointStore;
  private readonly checkpointer: Checkpointer;
  private readonly retention: LogRetention;
  private readonly failpoint: Failpoint;
  /** Serializes catalog changes (DDL). */
  private catalogChanges: Promise<unknown> = Promise.resolve();
  /** Views being backfilled: not checkpointed until their backfill is done. */
  private readonly backfilling = new Set<string>();
  /** What the start-up recovery did (restored checkpoints, replayed batches). */
  lastRecovery: RecoveryReport = {
    restored: 0,
    rebuilt: [],
    replayedBatches: 0,
    replayedEvents: 0,
    durationMs: 0,
  };
  private gaugesAtMs = -Infinity;
  private emissionsHeld: () => boolean = () => false;
  /** A tick was skipped because emissions were held; `emissionsReleased` runs it. */
  private tickHeld = false;
  /** Streams that batches were applied to this turn; their views' changes go out at its end. */
  private readonly appliedStreams = new Set<string>();
  /** Fires when the emit schedule lets held changes go out (see armEmitTimer). */
  private emitTimer: NodeJS.Timeout | null = null;
  private bytesOutReported = 0;
  private closed = false;
  /** Rates for GET /v1/stats, sampled with the gauges. */
  private readonly liveStats = new LiveStats();

  private constructor(
    readonly config: VaneConfig,
    private readonly clock: Clock,
    private readonly log: EventLog,
    private readonly metadata: MetadataStore,
    private readonly closeStorage: () => Promise<void>,
    logger: Logger,
  ) {
    this.logger = logger;
    this.metrics = createMetrics();
    this.engine = createEngine({
      clock,
      onLateEvent: (view) => this.metrics.lateEvents.inc({ view }),
      backfill: true,
    });
    this.changelogs = new ChangelogRegistry({
      now: () => clock.now(),
      maxBatches: config.history.maxBatches,
      maxAgeMs: config.history.maxAgeMs,
    });
    this.journal = new CatalogJournal(metadata);
    this.failpoint = failpointsFromEnv();
    this.checkpoints = new CheckpointStore(metadata);
    this.retention = new LogRetention(metadata.get(ROUNDS_KEY));
    this.queries = new QueryViews(this.engine, () => this.syncViews());
    this.hubSource = this.createHubSource();
    this.hub = new Hub(this.hubSource, {
      maxQueuedBytes: config.limits.maxQueuedBytes,
      now: () => clock.now(),
      onSlowConsumerClose: () => this.metrics.slowConsumerCloses.inc(),
      onInternalError: (error: unknown) => this.logger.error({ err: error }, 'hub internal error'),
    });
    this.ingestor = new Ingestor(this.engine, log, {
      now: () => clock.now(),
      dedupHorizonMs: (stream) => this.dedupHorizonMs(stream),
      maxBatchEvents: config.limits.maxBatchEvents,
      onApplied: (stream, events, latencyMs) => {
        this.metrics.eventsIn.inc({ stream }, events.length);
        this.metrics.ackLatency.observe(latencyMs / 1000);
        this.liveStats.countEvents(stream, events.length);
        this.liveStats.observeAck(latencyMs);
        this.hub.publishEvents(stream, events as Record<string, unknown>[]);
        this.emitSoon(stream);
      },
      onDuplicates: (stream, duplicates) => this.metrics.duplicates.inc({ stream }, duplicates),
      onApplyError: (error) =>
        this.logger.error({ err: error }, 'a view failed to apply a stored batch'),
      afterDurable: () => this.failpoint('ingest.after-append'),
    });
    this.checkpointer = new Checkpointer({
      engine: this.engine,
      store: this.checkpoints,
      appliedOffset: () => this.ingestor.appliedOffset,
      now: () => clock.now(),
      failpoint: this.failpoint,
      saved: (view) => isSavedView(view) && !this.backfilling.has(view),
    });
  }

  /** Opens storage, restores the catalog, runs the init SQL and starts the clock. */
  static async open(config: VaneConfig, clock: Clock = systemClock): Promise<VaneNode> {
    const logger = createLogger({ level: config.logLevel });
    const storage =
      config.dataDir === null
        ? {
            log: new MemoryEventLog(),
            metadata: new MemoryMetadataStore(),
            close: async () => {},
          }
        : await openLmdbStorage(config.dataDir);
    const node = new VaneNode(config, clock, storage.log, storage.metadata, storage.close, logger);
    try {
      const catalogEntries = node.journal.restore(node.engine);
      const recovery = recoverEngine(
        node.engine,
        node.log,
        node.checkpoints,
        logger,
        isSavedView,
        (kind, name) => node.inputAfter(kind, name),
      );
      node.lastRecovery = recovery;
      const orphanParts = await node.checkpoints.sweepOrphanParts();
      if (orphanParts > 0) {
        logger.info({ orphanParts }, 'deleted checkpoint parts left by an interrupted checkpoint');
      }
      // Recovered rows become the views' emitted state before any changelog is attached: each
      // start is a new epoch whose first snapshot already holds them (docs/recovery.md). Time
      // first: checkpoints hold no processing time, and arrival-time windows may be due to close.
      node.engine.advanceTo(clock.now());
      node.engine.flush();
      if (config.initSql !== null) await node.runInit(config.initSql);
      // Batches received before the longest horizon began cannot hold ids that still matter.
      const rememberFrom = node.retention.receivedBy(clock.now() - node.maxDedupHorizonMs()) + 1;
      void node.ingestor.rememberLogged(rememberFrom).then(
        (ids) => logger.info({ ids, fromOffset: rememberFrom }, 'event ids re-learned'),
        (error: unknown) => logger.error({ err: error }, 'event ids could not be re-learned'),
      );
      node.syncViews();
      node.timer = setInterval(() => node.tick(), config.tickMs);
      if (config.dataDir !== null) {
        node.checkpointTimer = setInterval(
          () => void node.checkpointRound(),
          config.checkpointIntervalMs,
        );
      }
      logger.info(
        {
          catalogEntries,
          recovery,
          dataDir: config.dataDir,
          lastOffset: storage.log.lastOffset,
        },
        'vane node ready',
      );
    } catch (error) {
      await storage.close();
      throw error;
    }
    return node;
  }

  /** Publishes a batch: resolves once it is durable and applied (see Ingestor). */
  publish(stream: string, events: unknown): Promise<PublishResult> {
    if (this.closed) {
      return Promise.reject(
        new VaneError('SHUTTING_DOWN', 'the server is shutting down', { temporary: true }),
      );
    }
    return this.ingestor.publish(stream, events);
  }

  /**
   * Runs SQL. Statements that change the catalog need `admin`; they are durable when this
   * resolves.
   */
  async executeSql(sql: string, access: { admin: boolean }): Promise<StatementResult[]> {
    const statements = parse(sql);
    const changesCatalog = statements.some(
      (statement) =>
        statement.kind === 'create_stream' ||
        statement.kind === 'create_view' ||
        statement.kind === 'drop',
    );
    if (changesCatalog && !access.admin) {
      throw new VaneError(
        'FORBIDDEN',
        'creating or dropping streams and views needs the admin permission',
      );
    }
    for (const statement of statements) {
      if (
        'name' in statement &&
        statement.name.startsWith(QUERY_VIEW_PREFIX) &&
        statement.kind !== 'describe'
      ) {
        throw new VaneError(
          'INVALID_ARGUMENT',
          `names starting with ${QUERY_VIEW_PREFIX} are reserved`,
        );
      }
    }
    if (!changesCatalog) return this.engine.execute(sql);
    // One catalog change at a time: a backfill holds the engine while later DDL waits its turn.
    const change = this.catalogChanges.then(() => this.changeCatalog(sql, backfilled(statements)));
    this.catalogChanges = change.catch(() => {});
    return change;
  }

  /**
   * Runs DDL and makes it durable: new views and streams get their creation offset and first
   * checkpoint (after their backfill, if asked for) before the catalog that names them is saved;
   * dropped ones lose their checkpoints after it.
   */
  private async changeCatalog(sql: string, backfills: Set<string>): Promise<StatementResult[]> {
    const before = this.savedNames();
    // Every view of this statement is backfilled up to the same offset, with applying held from
    // their creation until the last is done: released between two backfills, batches stored
    // meanwhile went live to every new view and were then read from the log again by the later
    // ones (counted twice).
    const releaseApply = backfills.size > 0 ? this.ingestor.holdApply() : () => undefined;
    try {
      const results = this.engine.execute(sql);
      this.syncViews();
      const after = this.savedNames();
      const created = [...after].filter((name) => !before.has(name)).map(parseName);
      for (const [, name] of created) this.journal.created(name, this.ingestor.appliedOffset);
      for (const [kind, name] of created) {
        if (kind !== 'view' || !backfills.has(name)) continue;
        const stream = this.engine.views().find((view) => view.name === name)!.stream;
        this.backfilling.add(name);
        try {
          const report = await backfillView(this.engine, this.log, this.ingestor, this.logger, {
            name,
            stream,
            streamCreatedAt: this.journal.createdAtOffset(stream),
          });
          this.logger.info({ view: name, ...report }, `backfilled view ${name}`);
        } finally {
          this.backfilling.delete(name);
        }
      }
      releaseApply();
      await this.saveCatalogChange(created, before, after);
      return results;
    } finally {
      releaseApply();
    }
  }

  /** New views and streams get their first checkpoint before the catalog that names them. */
  private async saveCatalogChange(
    created: ReturnType<typeof parseName>[],
    before: Set<string>,
    after: Set<string>,
  ): Promise<void> {
    await Promise.all(created.map(([kind, name]) => this.checkpointer.saveCreated(kind, name)));
    await this.journal.save(this.engine);
    const dropped = [...before].filter((name) => !after.has(name)).map(parseName);
    await Promise.all(dropped.map(([kind, name]) => this.checkpoints.remove(kind, name)));
  }

  /**
   * The log offset after which the log holds all of a stream's or view's input: its creation, or
   * for a view made WITH (backfill = true) its stream's creation.
   */
  private inputAfter(kind: 'view' | 'stream', name: string): number {
    if (kind === 'stream') return this.journal.createdAtOffset(name);
    const view = this.engine.views().find((candidate) => candidate.name === name);
    if (view !== undefined && backfilled(parse(view.sql)).has(name)) {
      return this.journal.createdAtOffset(view.stream);
    }
    return this.journal.createdAtOffset(name);
  }

  /** `view:name` and `stream:name` of everything that is checkpointed. */
  private savedNames(): Set<string> {
    return new Set([
      ...this.engine.streams().map((stream) => `stream:${stream.name}`),
      ...this.engine
        .views()
        .filter((view) => isSavedView(view.name))
        .map((view) => `view:${view.name}`),
    ]);
  }

  /**
   * One checkpoint round, then retention: the log keeps what a checkpoint does not cover yet, and
   * the longest of the streams' retentions and de-duplication horizons.
   */
  async checkpointRound(): Promise<void> {
    try {
      const round = await this.checkpointer.run();
      this.metrics.checkpoints.inc();
      this.metrics.checkpointSeconds.set(round.durationMs / 1000);
      this.metrics.checkpointStallSeconds.set(round.longestStallMs / 1000);
      const now = this.clock.now();
      this.retention.noteRound(now, round.minOffset);
      const before = this.retention.truncateBefore(now, this.retentionMs(), round.minOffset);
      await this.metadata.put(ROUNDS_KEY, this.retention.notes);
      if (before > this.log.firstOffset) {
        this.metrics.logTruncatedBatches.inc(await this.log.truncateBefore(before));
      }
    } catch (error) {
      this.metrics.checkpointFailures.inc();
      this.logger.error({ err: error }, 'checkpoint failed; the previous one stays valid');
    }
  }

  /**
   * How long the log keeps a batch: the longest stream retention, and for streams with an id
   * column the de-duplication horizon (restarts re-learn ids from the log). One log holds every
   * stream, so the longest wins.
   */
  private retentionMs(): number {
    let keep = 0;
    for (const stream of this.engine.streams()) {
      keep = Math.max(keep, stream.spec.retentionMs);
      if (stream.spec.idColumn !== null) keep = Math.max(keep, this.dedupHorizonMs(stream.name));
    }
    return keep;
  }

  private maxDedupHorizonMs(): number {
    let horizon = MIN_DEDUP_HORIZON_MS;
    for (const stream of this.engine.streams()) {
      horizon = Math.max(horizon, this.dedupHorizonMs(stream.name));
    }
    return horizon;
  }

  /** Streams and views users made (hidden query views left out). */
  catalog(): { streams: ReturnType<Engine['streams']>; views: ReturnType<Engine['views']> } {
    return {
      streams: this.engine.streams(),
      views: this.engine.views().filter((view) => !view.name.startsWith(QUERY_VIEW_PREFIX)),
    };
  }

  /** A view's current rows with the changelog position they reflect. */
  viewRows(view: string, where?: Record<string, unknown>) {
    return this.hubSource.snapshot(view, where);
  }

  /** Live rates and counts for GET /v1/stats (rates over the last few seconds). */
  stats(): ServerStats {
    const { streams, views } = this.catalog();
    const hub = this.hub.stats();
    return {
      connections: hub.connections,
      subscriptions: hub.subscriptions,
      ...this.liveStats.rates(
        this.clock.now(),
        streams.map((stream) => stream.name),
        views.map((view) => view.name),
      ),
    };
  }

  readiness(): { ready: boolean; checks: Record<string, boolean> } {
    const checks = { log: !this.closed, catalog: true, clock: this.timer !== null };
    return { ready: Object.values(checks).every(Boolean), checks };
  }

  /** Stops the clock, waits for pending acks, closes storage. The transport closes first. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.emitTimer !== null) clearTimeout(this.emitTimer);
    this.emitTimer = null;
    if (this.checkpointTimer !== null) clearInterval(this.checkpointTimer);
    this.checkpointTimer = null;
    for (let waited = 0; this.ingestor.pending > 0 && waited < 10_000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    this.engine.flush();
    // The last checkpoint: a graceful restart replays nothing.
    if (this.config.dataDir !== null) await this.checkpointRound();
    await this.closeStorage();
    this.logger.info('vane node closed');
  }

  /**
   * Ticks skip emitting while `held()` is true: the transport is behind on writing earlier
   * emissions, and the views coalesce changes per key until it catches up (see
   * Transport.writesBacklogged).
   */
  holdEmissionsWhile(held: () => boolean): void {
    this.emissionsHeld = held;
  }

  /**
   * What held emissions back is gone (the transport caught up): a tick that was skipped for it
   * runs now. Without this, a held tick lost its view's whole emit slot until the next timer
   * tick: a fan-out taking a little longer than the emit interval then emitted every other slot.
   */
  emissionsReleased(): void {
    if (!this.tickHeld || this.closed) return;
    this.tick();
  }

  /**
   * A batch was applied: its changes go out at the end of this turn when the views' emit
   * schedules allow (see emitDue in catalog/create-engine.ts), not at the next periodic tick;
   * changes a schedule holds back go out when it allows (armEmitTimer). Without this, a change
   * waited for the tick timer, up to a whole tick (10 ms) after it was applied, whatever the
   * interval allowed. One check per turn, after every batch of the turn (a group commit applies
   * many at once, and they should leave in one emission), over the views of the streams those
   * batches went to: the ingest path pays for them, not for every view of the server.
   */
  private emitSoon(stream: string): void {
    if (this.closed) return;
    if (this.appliedStreams.size === 0) setImmediate(this.emitAppliedChanges);
    this.appliedStreams.add(stream);
  }

  private readonly emitAppliedChanges = (): void => {
    const streams = [...this.appliedStreams];
    this.appliedStreams.clear();
    if (this.closed) return;
    // Held for a backlogged transport: `emissionsReleased` runs a tick once it caught up.
    if (this.emissionsHeld()) {
      this.tickHeld = true;
      return;
    }
    try {
      this.engine.emitApplied(streams, this.clock.now());
    } catch (error) {
      this.logger.error({ err: error }, 'a view change handler failed');
    }
    this.armEmitTimer(streams);
  };

  /**
   * Runs a tick when the earliest held change may go out. One timer at a time; a tick that comes
   * first (periodic, or after another batch) emits it and the timer's tick then finds nothing.
   * Not armed while emissions are held: `emissionsReleased` ticks then.
   */
  private armEmitTimer(streams: readonly string[]): void {
    if (this.emitTimer !== null || this.tickHeld || this.closed) return;
    const next = this.engine.nextEmitAtMs(streams);
    if (next === null) return;
    // +1: a timer can fire up to a millisecond before its delay by the clock (it counts from the
    // event loop's cached time); firing before the schedule allows would leave the change to the
    // periodic tick.
    const delayMs = Math.max(1, Math.ceil(next - this.clock.now()) + 1);
    this.emitTimer = setTimeout(() => {
      this.emitTimer = null;
      if (!this.closed) this.tick();
    }, delayMs);
  }

  private tick(): void {
    const now = this.clock.now();
    if (now - this.gaugesAtMs >= 1000) this.refreshGauges(now);
    this.tickHeld = this.emissionsHeld();
    if (this.tickHeld) return;
    try {
      this.engine.advanceTo(now);
    } catch (error) {
      this.logger.error({ err: error }, 'a view change handler failed');
    }
    this.hub.tick(now);
  }

  /** Copies the hub's counters into the metrics about once a second. */
  private refreshGauges(now: number): void {
    this.gaugesAtMs = now;
    this.liveStats.sample(now);
    const stats = this.hub.stats();
    this.metrics.subscriptions.set(stats.subscriptions);
    this.metrics.queuedBytes.set(stats.queuedBytes);
    this.metrics.dedupIds.set(this.ingestor.dedupEntries);
    this.metrics.dedupEvictedBatches.set(this.ingestor.dedupEvictedBatches);
    if (stats.bytesOut > this.bytesOutReported) {
      this.metrics.bytesOut.inc(stats.bytesOut - this.bytesOutReported);
      this.bytesOutReported = stats.bytesOut;
    }
  }

  private async runInit(sql: string): Promise<void> {
    for (const statement of parse(sql)) {
      try {
        await this.executeSql(statement.text, { admin: true });
      } catch (error) {
        if (error instanceof VaneError && error.code === 'ALREADY_EXISTS') continue;
        throw error;
      }
    }
  }

  /** Attaches changelogs to new views and detaches dropped ones. */
  private syncViews(): void {
    this.dedupHorizons.clear();
    const current = new Set(this.engine.views().map((view) => view.name));
    for (const [name, detach] of this.attached) {
      if (current.has(name)) continue;
      detach();
      this.attached.delete(name);
      this.changelogs.drop(name);
      this.hub.dropView(name);
    }
    for (const name of current) {
      if (this.attached.has(name)) continue;
      // Each start is a new epoch (docs/recovery.md): the history of the last run is not kept.
      const changelog = this.changelogs.get(name);
      const detach = this.engine.onChanges(name, (batch: ChangeBatch) => {
        const offset = changelog.append(batch);
        this.metrics.changesOut.inc({ view: name }, batch.upserts.length + batch.deletes.length);
        this.liveStats.countChanges(name, batch.upserts.length + batch.deletes.length);
        this.hub.publishChanges(name, changelog.position.epoch, offset, batch);
      });
      this.attached.set(name, detach);
    }
  }

  /** Per stream, cached: it runs for every published batch and only changes with the catalog. */
  private dedupHorizonMs(stream: string): number {
    let horizon = this.dedupHorizons.get(stream);
    if (horizon === undefined) {
      horizon = this.computeDedupHorizonMs(stream);
      this.dedupHorizons.set(stream, horizon);
    }
    return horizon;
  }

  private computeDedupHorizonMs(stream: string): number {
    const spec = this.engine.streamSpec(stream);
    let horizon = MIN_DEDUP_HORIZON_MS;
    for (const view of this.engine.views()) {
      if (view.stream !== stream) continue;
      const window = view.plan.window;
      const size =
        window.kind === 'tumble' || window.kind === 'hop'
          ? window.sizeMs
          : window.kind === 'session'
            ? window.gapMs
            : 0;
      horizon = Math.max(horizon, size + (spec?.latenessMs ?? 0));
    }
    return horizon;
  }

  private createHubSource(): HubSource {
    const engine = this.engine;
    const changelogs = this.changelogs;
    return {
      view: (name) => {
        const view = engine.views().find((candidate) => candidate.name === name);
        return view === undefined ? undefined : { key: view.key, columns: view.columns };
      },
      stream: (name) => {
        const spec = engine.streamSpec(name);
        return spec === undefined ? undefined : { columns: spec.columns };
      },
      snapshot: (view, where) => {
        const rows = engine.snapshot(view, where);
        const position = changelogs.get(view).position;
        return { rows, epoch: position.epoch, offset: position.offset };
      },
      since: (view, epoch, offset) => changelogs.find(view)?.since(epoch, offset) ?? null,
      openQuery: (sql) => this.queries.open(sql),
      closeQuery: (view) => this.queries.close(view),
    };
  }

  get eventLog(): EventLog {
    return this.log;
  }
}
