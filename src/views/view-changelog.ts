import type { ChangeBatch } from '../engine/index.ts';
import { VaneError } from '../util/index.ts';

export interface ViewChangelogOptions {
  /** Names this history; a new epoch means every earlier offset is meaningless. */
  epoch: string;
  /** Batches kept at most. @default 10_000 */
  maxBatches?: number;
  /** Batches older than this (by append time) are dropped on the next append. @default 300_000 */
  maxAgeMs?: number;
  /** Processing time in milliseconds, for age trimming. */
  now: () => number;
}

/** A view's position in its changelog: the offset of the last batch appended in this epoch. */
export interface ChangelogPosition {
  epoch: string;
  offset: number;
}

export interface ChangelogEntry {
  offset: number;
  batch: ChangeBatch;
}

interface StoredEntry extends ChangelogEntry {
  appendedAtMs: number;
}

/**
 * The recent change batches of one view, for resume (SPEC §4).
 *
 * Invariants: offsets start at 1 and grow by 1 per appended batch; the kept batches are a
 * contiguous run ending at the current offset (or none), so `since` answers with exactly the
 * missed batches or with null, never with a gap. Trimming (by count and by age) happens on append
 * only: between appends, what is kept stays answerable, however old.
 */
export class ViewChangelog {
  readonly epoch: string;
  private readonly maxBatches: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  /**
   * Kept entries are `entries[head..]`; the dead prefix holds no batches (each slot is emptied
   * when its entry leaves) and is compacted away in bulk.
   */
  private entries: (StoredEntry | undefined)[] = [];
  private head = 0;
  private offset = 0;

  constructor(options: ViewChangelogOptions) {
    const { maxBatches = 10_000, maxAgeMs = 300_000 } = options;
    if (!Number.isInteger(maxBatches) || maxBatches < 0) {
      throw new VaneError('INVALID_ARGUMENT', `maxBatches must be a whole number >= 0`);
    }
    if (!(maxAgeMs >= 0)) throw new VaneError('INVALID_ARGUMENT', `maxAgeMs must be >= 0`);
    this.epoch = options.epoch;
    this.maxBatches = maxBatches;
    this.maxAgeMs = maxAgeMs;
    this.now = options.now;
  }

  get position(): ChangelogPosition {
    return { epoch: this.epoch, offset: this.offset };
  }

  /** Batches kept now. */
  get size(): number {
    return this.entries.length - this.head;
  }

  /** Records the view's next batch and returns its offset. */
  append(batch: ChangeBatch): number {
    const nowMs = this.now();
    this.offset += 1;
    this.entries.push({ offset: this.offset, batch, appendedAtMs: nowMs });
    this.trim(nowMs);
    return this.offset;
  }

  /**
   * The batches after `offset`, in order, when this history still holds all of them: [] at the
   * current offset; null when the epoch differs, when the offset is in the future, or when some of
   * the batches after it were trimmed.
   */
  since(epoch: string, offset: number): ChangelogEntry[] | null {
    if (epoch !== this.epoch || !Number.isInteger(offset) || offset < 0) return null;
    if (offset > this.offset) return null;
    const oldest = this.size === 0 ? this.offset + 1 : this.entries[this.head]!.offset;
    if (offset < oldest - 1) return null;
    const result: ChangelogEntry[] = [];
    for (let i = this.head + (offset - oldest + 1); i < this.entries.length; i++) {
      const entry = this.entries[i]!;
      result.push({ offset: entry.offset, batch: entry.batch });
    }
    return result;
  }

  private trim(nowMs: number): void {
    const oldestAllowedMs = nowMs - this.maxAgeMs;
    while (
      this.size > this.maxBatches ||
      (this.size > 0 && this.entries[this.head]!.appendedAtMs < oldestAllowedMs)
    ) {
      // Emptied at once: a dead entry kept until compaction would hold its rows up to twice
      // the history's length (steady appends leave the dead prefix as long as the live part).
      this.entries[this.head] = undefined;
      this.head += 1;
    }
    // Amortised O(1): compact once the dead prefix is as large as the live part.
    if (this.head > 0 && this.head >= this.size) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
