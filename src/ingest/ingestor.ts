import type { Engine } from '../catalog/index.ts';
import type { EventRecord, ValidatedBatch } from '../catalog/index.ts';
import type { EventLog } from '../log/index.ts';
import { VaneError, errorMessage } from '../util/index.ts';
import { DedupIndex, type Claim } from './dedup-index.ts';

export interface IngestorOptions {
  /** Processing time. */
  now: () => number;
  /** De-duplication horizon of a stream (SPEC §3: at least window size + lateness, ≥ 10 min). */
  dedupHorizonMs: (stream: string) => number;
  /** Events accepted but not yet durable, across all producers; past it publishes are refused. @default 200_000 */
  maxPendingEvents?: number;
  /** Events in one batch. @default 10_000 */
  maxBatchEvents?: number;
  /** Called right after a durable batch is applied, in log order (raw stream subscribers, metrics). */
  onApplied?: (stream: string, events: readonly EventRecord[], latencyMs: number) => void;
  /** A view failed to apply a durable batch: a bug in Vane; the batch is acknowledged anyway. */
  onApplyError?: (error: unknown) => void;
  /** Called for every batch answered, with how many events were duplicates. */
  onDuplicates?: (stream: string, duplicates: number) => void;
  /** Called as soon as a batch is durable, before it is applied or acknowledged (failpoints). */
  afterDurable?: (offset: number) => void;
}

export interface PublishResult {
  accepted: number;
  duplicates: number;
}

/** Events read per slice while re-learning ids at start (about 10 ms of work each). */
const REMEMBER_SLICE_EVENTS = 20_000;

/**
 * The durable path of an event batch (DESIGN: validate → de-duplicate → append → ack):
 * validated against the stream's schema (whole batch or nothing), de-duplicated by the stream's
 * id column, appended to the log, and applied to the engine only once durable, in log order.
 *
 * Contract: the returned promise resolves only after every accepted event of the batch is durable
 * and applied; a duplicate is acknowledged only once the batch that first carried it is durable.
 * It rejects with a VaneError: INVALID_EVENT / INVALID_ARGUMENT / UNKNOWN_STREAM for bad input,
 * PAYLOAD_TOO_LARGE past maxBatchEvents, OVERLOADED (temporary) past maxPendingEvents.
 */
export class Ingestor {
  private readonly dedup: DedupIndex;
  private readonly maxPendingEvents: number;
  private readonly maxBatchEvents: number;
  private pendingEvents = 0;
  /** Durable batches waiting for an earlier offset to be applied first. */
  private readonly ready = new Map<number, () => void>();
  private nextToApply: number;
  /** Open `holdApply` holds. */
  private holds = 0;
  /** Set while `rememberLogged` runs: publishes with ids wait for it. */
  private remembering: Promise<void> | null = null;
  /**
   * Set when `rememberLogged` failed (a damaged log): publishes with ids are refused from then
   * on, since a resend of an id the index could not re-learn would be counted twice.
   */
  private rememberFailure: VaneError | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly log: EventLog,
    private readonly options: IngestorOptions,
  ) {
    this.dedup = new DedupIndex(options.dedupHorizonMs);
    this.maxPendingEvents = options.maxPendingEvents ?? 200_000;
    this.maxBatchEvents = options.maxBatchEvents ?? 10_000;
    this.nextToApply = log.lastOffset + 1;
  }

  /**
   * Re-learns the ids of logged batches still within their stream's horizon, so a producer that
   * resends after a restart is not counted twice. Reads the log from `fromOffset` (the caller
   * knows which batches are too old to matter) in slices, yielding to the event loop between
   * them: the server serves subscribers meanwhile, and publishes to streams with an id column
   * wait until it is done (they could otherwise take a resent id for a new one).
   * Resolves with the number of ids remembered.
   */
  rememberLogged(fromOffset = this.log.firstOffset): Promise<number> {
    const done = this.remember(fromOffset);
    this.remembering = done.then(
      () => {
        this.remembering = null;
      },
      (error: unknown) => {
        this.rememberFailure = new VaneError(
          'STORAGE_ERROR',
          'publishes to streams with an id column are refused: the event ids of the ' +
            `de-duplication horizon could not be re-learned from the log (${errorMessage(error)})`,
          { cause: error },
        );
        this.remembering = null;
      },
    );
    return done;
  }

  private async remember(fromOffset: number): Promise<number> {
    const stored = Promise.resolve(true);
    const now = this.options.now();
    let remembered = 0;
    let sinceYield = 0;
    for (const entry of this.log.read(Math.max(fromOffset, this.log.firstOffset))) {
      const idColumn = this.engine.streamSpec(entry.stream)?.idColumn ?? null;
      if (idColumn === null || entry.arrivalMs + this.options.dedupHorizonMs(entry.stream) <= now) {
        continue;
      }
      const claim = this.dedup.begin(entry.stream, entry.arrivalMs, stored);
      const claimed: unknown[] = [];
      for (const event of entry.events) {
        const id = event[idColumn];
        if (id !== undefined && id !== null && this.dedup.claim(claim, id) === null)
          claimed.push(id);
      }
      this.dedup.commit(claim, claimed);
      remembered += claimed.length;
      sinceYield += entry.events.length;
      if (sinceYield >= REMEMBER_SLICE_EVENTS) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return remembered;
  }

  /** True while `rememberLogged` is still reading the log. */
  get rememberingIds(): boolean {
    return this.remembering !== null;
  }

  get pending(): number {
    return this.pendingEvents;
  }

  /** The log offset of the last batch applied to the engine: the engine's state reflects it. */
  get appliedOffset(): number {
    return this.nextToApply - 1;
  }

  get dedupEntries(): number {
    return this.dedup.size;
  }

  /** Batches whose ids the de-duplication index forgot early because it was full. */
  get dedupEvictedBatches(): number {
    return this.dedup.evictedEarly;
  }

  async publish(stream: string, events: unknown): Promise<PublishResult> {
    const receivedAt = this.options.now();
    if (Array.isArray(events) && events.length > this.maxBatchEvents) {
      throw new VaneError(
        'PAYLOAD_TOO_LARGE',
        `a batch holds at most ${this.maxBatchEvents} events, got ${events.length}`,
      );
    }
    if (this.pendingEvents >= this.maxPendingEvents) {
      throw new VaneError('OVERLOADED', 'too many events are waiting to be stored; retry shortly', {
        temporary: true,
      });
    }
    const idColumn = this.engine.streamSpec(stream)?.idColumn ?? null;
    if (idColumn !== null && this.remembering !== null) await this.remembering;
    if (idColumn !== null && this.rememberFailure !== null) throw this.rememberFailure;
    const batch = this.engine.validate(stream, events, receivedAt);
    let settle!: (durable: boolean) => void;
    const durable = new Promise<boolean>((resolve) => (settle = resolve));
    const { fresh, claim, claimedIds, earlier } =
      idColumn === null
        ? { fresh: batch, claim: null, claimedIds: [], earlier: [] as Promise<boolean>[] }
        : this.claimIds(stream, idColumn, batch, receivedAt, durable);
    const duplicates = batch.events.length - fresh.events.length;
    if (fresh.events.length > 0) {
      this.pendingEvents += fresh.events.length;
      let offset: number;
      try {
        offset = await this.log.append(stream, fresh.events, receivedAt);
      } catch (error) {
        settle(false);
        if (claim !== null) this.dedup.release(claim, claimedIds);
        throw error instanceof VaneError
          ? error
          : new VaneError('INTERNAL', 'the event log failed to store the batch', { cause: error });
      } finally {
        this.pendingEvents -= fresh.events.length;
      }
      // Durable from here on: the batch is acknowledged even if a view fails to apply it (a bug,
      // reported through onApplyError), since the log holds it and a resend would be a duplicate.
      this.options.afterDurable?.(offset);
      settle(true);
      await this.applyInOrder(offset, () => {
        this.engine.apply(stream, fresh);
        this.options.onApplied?.(stream, fresh.events, this.options.now() - receivedAt);
      });
    } else {
      settle(true);
    }
    // Duplicates are acknowledged only once the batch that first carried them is durable.
    if (!(await Promise.all(earlier)).every(Boolean)) {
      throw new VaneError('OVERLOADED', 'an earlier copy of these events failed to store; retry', {
        temporary: true,
      });
    }
    if (duplicates > 0) this.options.onDuplicates?.(stream, duplicates);
    return { accepted: fresh.events.length, duplicates };
  }

  private claimIds(
    stream: string,
    idColumn: string,
    batch: ValidatedBatch,
    nowMs: number,
    durable: Promise<boolean>,
  ): { fresh: ValidatedBatch; claim: Claim; claimedIds: unknown[]; earlier: Promise<boolean>[] } {
    const claim = this.dedup.begin(stream, nowMs, durable);
    const events: EventRecord[] = [];
    const times: number[] = [];
    const claimedIds: unknown[] = [];
    const earlier = new Set<Promise<boolean>>();
    for (let i = 0; i < batch.events.length; i++) {
      const event = batch.events[i]!;
      const id = event[idColumn];
      if (id !== undefined && id !== null) {
        const existing = this.dedup.claim(claim, id);
        if (existing !== null) {
          if (existing.durable !== durable) earlier.add(existing.durable);
          continue;
        }
        claimedIds.push(id);
      }
      events.push(event);
      times.push(batch.timesMs[i]!);
    }
    this.dedup.commit(claim, claimedIds);
    if (events.length === batch.events.length) {
      return { fresh: batch, claim, claimedIds, earlier: [] };
    }
    return {
      fresh: { events, timesMs: Float64Array.from(times) },
      claim,
      claimedIds,
      earlier: [...earlier],
    };
  }

  /**
   * Runs `apply` for `offset` after every earlier offset was applied, so the engine sees batches
   * in log order whatever order their appends settle in.
   */
  private applyInOrder(offset: number, apply: () => void): Promise<void> {
    return new Promise<void>((resolve) => {
      this.ready.set(offset, () => {
        try {
          apply();
        } catch (error) {
          this.options.onApplyError?.(error);
        }
        resolve();
      });
      this.applyReady();
    });
  }

  /** Applies the durable batches that are next in log order, unless applying is held. */
  private applyReady(): void {
    if (this.holds > 0) return;
    for (let run = this.ready.get(this.nextToApply); run; run = this.ready.get(this.nextToApply)) {
      this.ready.delete(this.nextToApply);
      this.nextToApply++;
      run();
    }
  }

  /**
   * Stops applying durable batches to the engine until the returned function is called: they
   * stay queued in log order (and their publishes unacknowledged), so `appliedOffset` and the
   * engine's state stand still while the caller works on them (a view's backfill from the log).
   * Appends go on. Releasing twice is harmless.
   */
  holdApply(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.applyReady();
    };
  }
}
