import type { Engine } from '../catalog/index.ts';
import type { EventLog } from '../log/index.ts';
import type { Logger } from '../observability/index.ts';
import { VaneError } from '../util/index.ts';
import type { CheckpointKind, CheckpointStore, StoredCheckpoint } from './checkpoint-store.ts';

/** What recovery did, for the start-up log line and tests. */
export interface RecoveryReport {
  /** Views and streams restored from a checkpoint. */
  restored: number;
  /** Views and streams rebuilt from the log (no usable checkpoint; the log held all their input). */
  rebuilt: string[];
  /** Log batches replayed, and the events in them. */
  replayedBatches: number;
  replayedEvents: number;
  durationMs: number;
}

interface Target {
  kind: CheckpointKind;
  name: string;
  stream: string;
  /** The offset the restored state reflects; batches after it are replayed into it. */
  offset: number;
}

/**
 * Brings the engine back to the state it had when the log ended: each view and stream from its
 * latest checkpoint, then the log replayed from the oldest checkpoint's offset, each batch into
 * exactly the views and streams whose checkpoint is older than it.
 *
 * Call after the catalog is re-created (CatalogJournal.restore) and before anything is ingested.
 *
 * Never starts with silently wrong state: a checkpoint ahead of the log (the log lost acknowledged
 * batches), a checkpoint whose following batches the log no longer holds, or a gap in the log
 * refuses to start with CORRUPT_STATE naming what is wrong. A damaged or missing checkpoint is
 * repaired by rebuilding from the log when the log still holds all of its input (`inputAfter`:
 * everything after its creation), and the repair is logged; otherwise it refuses too.
 */
export function recoverEngine(
  engine: Engine,
  log: EventLog,
  store: CheckpointStore,
  logger: Logger,
  saved: (view: string) => boolean,
  /** The offset after which the log holds all of a view's or stream's input (its creation). */
  inputAfter: (kind: CheckpointKind, name: string) => number = () => 0,
): RecoveryReport {
  const started = performance.now();
  const targets: Target[] = [];
  const rebuilt: string[] = [];
  let restored = 0;
  const all: { kind: CheckpointKind; name: string; stream: string }[] = [
    ...engine.streams().map((stream) => ({
      kind: 'stream' as const,
      name: stream.name,
      stream: stream.name,
    })),
    ...engine
      .views()
      .filter((view) => saved(view.name))
      .map((view) => ({ kind: 'view' as const, name: view.name, stream: view.stream })),
  ];
  for (const { kind, name, stream } of all) {
    const start = inputAfter(kind, name);
    const offset = restoreOne(engine, log, store, logger, kind, name, start);
    if (offset === null) rebuilt.push(`${kind} ${name}`);
    else restored++;
    targets.push({ kind, name, stream, offset: offset ?? start });
  }

  let replayedBatches = 0;
  let replayedEvents = 0;
  const from = Math.min(...targets.map((target) => target.offset)) + 1;
  if (targets.length > 0 && from <= log.lastOffset) {
    const replay = new Replay(engine, targets);
    let expected = from;
    for (const entry of log.read(from)) {
      if (entry.offset !== expected) {
        throw new VaneError(
          'CORRUPT_STATE',
          `the event log has a gap: batch ${expected} is missing (next is ${entry.offset})`,
        );
      }
      expected++;
      if (replay.apply(entry.stream, entry.offset, entry.events, entry.arrivalMs)) {
        replayedBatches++;
        replayedEvents += entry.events.length;
      }
    }
    if (expected !== log.lastOffset + 1) {
      throw new VaneError(
        'CORRUPT_STATE',
        `the event log ends at batch ${expected - 1}, before its last offset ${log.lastOffset}`,
      );
    }
  }
  return {
    restored,
    rebuilt,
    replayedBatches,
    replayedEvents,
    durationMs: performance.now() - started,
  };
}

/** Restores one checkpoint; returns its offset, or null when rebuilt from the start of the log. */
function restoreOne(
  engine: Engine,
  log: EventLog,
  store: CheckpointStore,
  logger: Logger,
  kind: CheckpointKind,
  name: string,
  inputAfter: number,
): number | null {
  const what = `${kind} ${name}`;
  let problem = 'it has no checkpoint';
  let checkpoint: StoredCheckpoint | undefined;
  try {
    checkpoint = store.get(kind, name);
  } catch (error) {
    problem = unusable(error);
  }
  if (checkpoint !== undefined) {
    if (checkpoint.offset > log.lastOffset) {
      throw new VaneError(
        'CORRUPT_STATE',
        `the checkpoint of ${what} reflects log offset ${checkpoint.offset}, but the log ends at ` +
          `${log.lastOffset}: acknowledged batches are missing from the log`,
      );
    }
    if (checkpoint.offset + 1 < log.firstOffset) {
      throw new VaneError(
        'CORRUPT_STATE',
        `the checkpoint of ${what} reflects log offset ${checkpoint.offset}, but the log starts at ` +
          `${log.firstOffset}: the batches in between are gone`,
      );
    }
    try {
      if (kind === 'view') engine.restoreView(name, checkpoint.state);
      else engine.restoreStream(name, checkpoint.state);
      return checkpoint.offset;
    } catch (error) {
      problem = unusable(error);
    }
  }
  if (log.firstOffset > inputAfter + 1) {
    throw new VaneError(
      'CORRUPT_STATE',
      `${what} cannot be recovered: ${problem}, and the log no longer holds its input (from ` +
        `offset ${inputAfter + 1}; the log starts at ${log.firstOffset}). Restore the data ` +
        `directory from a backup, or drop and re-create the ${kind}.`,
    );
  }
  logger.warn(
    { [kind]: name, problem, fromOffset: inputAfter + 1 },
    `${what}: ${problem}; rebuilding it from the log`,
  );
  return null;
}

/** The reason a damaged checkpoint cannot be used; anything but CORRUPT_STATE is a bug: rethrown. */
function unusable(error: unknown): string {
  if (error instanceof VaneError && error.code === 'CORRUPT_STATE') {
    return `its checkpoint cannot be used (${error.message})`;
  }
  throw error;
}

/** Feeds log batches to the views and streams whose checkpoints are older than each batch. */
class Replay {
  private readonly byStream = new Map<string, { targets: Target[]; views: Set<string> }>();

  constructor(
    private readonly engine: Engine,
    targets: readonly Target[],
  ) {
    for (const target of targets) {
      let entry = this.byStream.get(target.stream);
      if (entry === undefined) {
        entry = { targets: [], views: new Set() };
        this.byStream.set(target.stream, entry);
      }
      entry.targets.push(target);
    }
  }

  /** Applies one batch where it is due; false if nothing takes it. */
  apply(stream: string, offset: number, events: unknown, arrivalMs: number): boolean {
    const entry = this.byStream.get(stream);
    // A batch of a stream dropped since: no view or stream takes it.
    if (entry === undefined) return false;
    const views = new Set<string>();
    let updateStream = false;
    for (const target of entry.targets) {
      if (target.offset >= offset) continue;
      if (target.kind === 'view') views.add(target.name);
      else updateStream = true;
    }
    if (views.size === 0 && !updateStream) return false;
    let batch;
    try {
      batch = this.engine.validate(stream, events, arrivalMs);
    } catch (error) {
      throw new VaneError(
        'CORRUPT_STATE',
        `log batch ${offset} of stream ${stream} no longer fits the stream's schema: ` +
          (error as Error).message,
        { cause: error },
      );
    }
    this.engine.apply(stream, batch, { views, updateStream });
    return true;
  }
}
