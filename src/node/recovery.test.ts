import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../catalog/index.ts';
import { Ingestor } from '../ingest/index.ts';
import { MemoryEventLog, MemoryMetadataStore, type EventLog } from '../log/index.ts';
import { createLogger } from '../observability/index.ts';
import { ManualClock, VaneError } from '../util/index.ts';
import { CheckpointStore } from './checkpoint-store.ts';
import { Checkpointer } from './checkpointer.ts';
import { recoverEngine } from './recovery.ts';

const SQL = `
CREATE STREAM trades (id STRING, symbol STRING, price DOUBLE, ts TIMESTAMP)
  WITH (timestamp = 'ts', id = 'id', lateness = '2s');
CREATE VIEW per_second AS
  SELECT symbol, window_start, count(*) AS n, sum(price) AS total
  FROM TUMBLE(trades, INTERVAL '1' SECOND) GROUP BY symbol, window_start;
CREATE VIEW sessions AS
  SELECT symbol, window_start, window_end, count(*) AS n
  FROM SESSION(trades, INTERVAL '3' SECOND) GROUP BY symbol, window_start, window_end;
CREATE VIEW latest AS SELECT symbol, last(price) AS price, count(*) AS n FROM trades GROUP BY symbol;
`;
const VIEWS = ['per_second', 'sessions', 'latest'];
const silent = createLogger({ level: 'silent' });

/** One server life: engine, log, checkpoints and the ingest path, as VaneNode wires them. */
class Life {
  readonly engine: Engine;
  readonly ingestor: Ingestor;
  readonly checkpointer: Checkpointer;
  readonly store: CheckpointStore;

  constructor(
    readonly log: EventLog,
    readonly metadata: MemoryMetadataStore,
    readonly clock: ManualClock,
  ) {
    this.engine = createEngine({ clock });
    this.engine.execute(SQL);
    this.store = new CheckpointStore(metadata);
    this.ingestor = new Ingestor(this.engine, log, {
      now: () => clock.now(),
      dedupHorizonMs: () => 600_000,
    });
    this.checkpointer = new Checkpointer({
      engine: this.engine,
      store: this.store,
      appliedOffset: () => this.ingestor.appliedOffset,
      now: () => clock.now(),
      failpoint: () => {},
      saved: () => true,
    });
  }

  async created(): Promise<void> {
    await this.checkpointer.saveCreated('stream', 'trades');
    for (const view of VIEWS) await this.checkpointer.saveCreated('view', view);
  }

  rows(view: string): unknown[] {
    this.engine.flush();
    return sorted(this.engine.snapshot(view));
  }
}

function sorted(rows: object[]): unknown[] {
  return rows.map((row) => JSON.stringify(row)).sort();
}

let nextId = 0;
/** A batch of trades around `atMs`, some out of order within the lateness. */
function trades(atMs: number, count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `t${nextId++}`,
    symbol: ['A', 'B', 'C'][(nextId * 7 + i) % 3],
    price: 10 + ((nextId * 13) % 17),
    ts: atMs - ((nextId * 37) % 1500),
  }));
}

/** Publishes `batches` batches, moving time forward, with a checkpoint round after `checkpointAt`. */
async function run(life: Life, startMs: number, batches: number, checkpointAt: number[]) {
  for (let b = 0; b < batches; b++) {
    const atMs = startMs + b * 250;
    life.clock.set(atMs);
    await life.ingestor.publish('trades', trades(atMs, 20));
    life.engine.advanceTo(atMs);
    if (checkpointAt.includes(b)) await life.checkpointer.run();
  }
}

describe('recoverEngine', () => {
  it('restores checkpoints and replays the rest of the log: views equal an uninterrupted run', async () => {
    const log = new MemoryEventLog();
    const metadata = new MemoryMetadataStore();
    const clock = new ManualClock(1_000_000);
    const first = new Life(log, metadata, clock);
    await first.created();
    await run(first, 1_000_000, 60, [20, 41]);
    const expected = VIEWS.map((view) => first.rows(view));

    // The crash: the second life sees only what is durable (the log and the checkpoints).
    const second = new Life(log, metadata, clock);
    const report = recoverEngine(second.engine, log, second.store, silent, () => true);
    expect(report.restored).toBe(4);
    expect(report.rebuilt).toEqual([]);
    // Checkpointed after batch 41 (offset 42): batches 43 to 60 are replayed.
    expect(report.replayedBatches).toBe(18);
    expect(VIEWS.map((view) => second.rows(view))).toEqual(expected);
    expect(second.engine.stats()).toEqual(first.engine.stats());
  });

  it('rebuilds a view with a damaged checkpoint from the whole log, and says so', async () => {
    const log = new MemoryEventLog();
    const metadata = new MemoryMetadataStore();
    const clock = new ManualClock(1_000_000);
    const first = new Life(log, metadata, clock);
    await first.created();
    await run(first, 1_000_000, 30, [10]);
    const expected = VIEWS.map((view) => first.rows(view));
    const stored = metadata.get('checkpoint/view/sessions') as { json: string };
    await metadata.put('checkpoint/view/sessions', { ...stored, json: '{"version":999}' });

    const second = new Life(log, metadata, clock);
    const report = recoverEngine(second.engine, log, second.store, silent, () => true);
    expect(report.rebuilt).toEqual(['view sessions']);
    expect(VIEWS.map((view) => second.rows(view))).toEqual(expected);
  });

  it('rebuilds a view whose checkpoint record is not JSON', async () => {
    const log = new MemoryEventLog();
    const metadata = new MemoryMetadataStore();
    const clock = new ManualClock(1_000_000);
    const first = new Life(log, metadata, clock);
    await first.created();
    await run(first, 1_000_000, 12, [5]);
    const expected = VIEWS.map((view) => first.rows(view));
    const stored = metadata.get('checkpoint/view/latest') as { json: string };
    await metadata.put('checkpoint/view/latest', { ...stored, json: stored.json.slice(0, 40) });
    const second = new Life(log, metadata, clock);
    const report = recoverEngine(second.engine, log, second.store, silent, () => true);
    expect(report.rebuilt).toEqual(['view latest']);
    expect(VIEWS.map((view) => second.rows(view))).toEqual(expected);
  });

  it('refuses to start when a checkpoint is ahead of the log', async () => {
    const log = new MemoryEventLog();
    const metadata = new MemoryMetadataStore();
    const clock = new ManualClock(1_000_000);
    const first = new Life(log, metadata, clock);
    await first.created();
    await run(first, 1_000_000, 5, [4]);
    const stored = metadata.get('checkpoint/view/latest') as { offset: number };
    await metadata.put('checkpoint/view/latest', { ...stored, offset: 99 });
    const second = new Life(log, metadata, clock);
    expect(() => recoverEngine(second.engine, log, second.store, silent, () => true)).toThrow(
      /checkpoint of view latest reflects log offset 99, but the log ends at 5/,
    );
  });

  it('refuses to start when the log no longer holds what follows a checkpoint', async () => {
    const log = new MemoryEventLog();
    const metadata = new MemoryMetadataStore();
    const clock = new ManualClock(1_000_000);
    const first = new Life(log, metadata, clock);
    await first.created();
    await run(first, 1_000_000, 10, [2]);
    await log.truncateBefore(8);
    const second = new Life(log, metadata, clock);
    let error: unknown;
    try {
      recoverEngine(second.engine, log, second.store, silent, () => true);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(VaneError);
    expect((error as VaneError).code).toBe('CORRUPT_STATE');
    expect((error as Error).message).toMatch(/reflects log offset 3, but the log starts at 8/);
  });

  it('refuses a view without a checkpoint once the log has been truncated', async () => {
    const log = new MemoryEventLog();
    const metadata = new MemoryMetadataStore();
    const clock = new ManualClock(1_000_000);
    const first = new Life(log, metadata, clock);
    await first.created();
    await run(first, 1_000_000, 10, [9]);
    await log.truncateBefore(5);
    await metadata.remove('checkpoint/view/per_second');
    const second = new Life(log, metadata, clock);
    expect(() => recoverEngine(second.engine, log, second.store, silent, () => true)).toThrow(
      /view per_second cannot be recovered: it has no checkpoint, and the log no longer holds its input/,
    );
  });
});
