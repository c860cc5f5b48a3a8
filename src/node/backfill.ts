import type { Engine } from '../catalog/index.ts';
import type { Ingestor } from '../ingest/index.ts';
import type { EventLog } from '../log/index.ts';
import type { Logger } from '../observability/index.ts';

/** Events applied between two yields to the event loop (about 10 ms of work). */
const SLICE_EVENTS = 20_000;
/** How often a long backfill reports its progress. */
const PROGRESS_EVERY_MS = 2_000;

export interface BackfillReport {
  batches: number;
  events: number;
  /** The first log offset the backfill could read (older batches were deleted by retention). */
  fromOffset: number;
  durationMs: number;
}

/**
 * Computes a new view (`CREATE VIEW … WITH (backfill = true)`) from the retained log: every batch
 * of its stream after the stream was created (`streamCreatedAt`) and up to the engine's applied
 * offset goes to that view alone, in log order.
 *
 * Applying to the engine is held meanwhile (Ingestor.holdApply): new batches are still appended
 * and wait, in order, to be applied to every view (this one included) once the backfill is done,
 * so the view sees every batch exactly once. Their acknowledgements wait as long. The work is
 * sliced so the server keeps serving subscribers, and progress is logged for long backfills.
 */
export async function backfillView(
  engine: Engine,
  log: EventLog,
  ingestor: Ingestor,
  logger: Logger,
  view: { name: string; stream: string; streamCreatedAt: number },
): Promise<BackfillReport> {
  const started = performance.now();
  const release = ingestor.holdApply();
  try {
    const upTo = ingestor.appliedOffset;
    const fromOffset = Math.max(log.firstOffset, view.streamCreatedAt + 1);
    const views = [view.name];
    let batches = 0;
    let events = 0;
    let sinceYield = 0;
    let reportedAt = started;
    for (const entry of log.read(fromOffset)) {
      if (entry.offset > upTo) break;
      if (entry.stream !== view.stream) continue;
      const batch = engine.validate(view.stream, entry.events, entry.arrivalMs);
      engine.apply(view.stream, batch, { views, updateStream: false });
      batches++;
      events += entry.events.length;
      sinceYield += entry.events.length;
      if (sinceYield >= SLICE_EVENTS) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
        if (performance.now() - reportedAt >= PROGRESS_EVERY_MS) {
          reportedAt = performance.now();
          logger.info(
            { view: view.name, offset: entry.offset, upTo, events },
            `backfilling ${view.name}: log offset ${entry.offset} of ${upTo}`,
          );
        }
      }
    }
    return { batches, events, fromOffset, durationMs: performance.now() - started };
  } finally {
    release();
  }
}
