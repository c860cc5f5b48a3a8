import type { ChangeBatch, OutputRow } from '../../src/index.ts';
import { rowKey } from './compare-rows.ts';

/**
 * A subscriber's copy of one view, built only from its change batches (upserts and deletes
 * applied in order), checking the changelog contract on the way; `problems` collects breaches:
 * - a key appears at most once per batch, upserts are whole rows and deletes key columns only;
 * - a delete names a row that is in the table;
 * - a window that was closed when the view emitted a batch never changes again (`windowEndMs`
 *   tells a row's window end; null for running aggregates, which never close);
 * - EMIT FINAL: a row is emitted only once its window is closed.
 */
export class ChangelogTable {
  readonly rows = new Map<string, OutputRow>();
  /** Upserts per key over the whole run (EMIT FINAL: exactly one each). */
  readonly upsertCounts = new Map<string, number>();
  readonly problems: string[] = [];
  batches = 0;
  upserts = 0;
  deletes = 0;
  /** The view's watermark when it emitted its previous batch. */
  private previousWatermarkMs = -Infinity;

  constructor(
    readonly view: string,
    private readonly key: readonly string[],
    private readonly columns: readonly string[],
    private readonly windowEndMs: ((row: OutputRow) => number) | null,
    private readonly emitFinal: boolean,
  ) {}

  /** Applies one batch; `watermarkMs` is the view's watermark when the batch was emitted. */
  apply(batch: ChangeBatch, watermarkMs: number): void {
    this.batches++;
    if (batch.view !== this.view) this.problem(`batch for view ${batch.view}`);
    const inBatch = new Set<string>();
    const touch = (k: string): void => {
      if (inBatch.has(k)) this.problem(`key ${k} appears twice in batch ${this.batches}`);
      inBatch.add(k);
      const previous = this.rows.get(k);
      if (
        previous !== undefined &&
        this.windowEndMs !== null &&
        this.windowEndMs(previous) <= this.previousWatermarkMs
      ) {
        this.problem(`closed window ${k} changed in batch ${this.batches}`);
      }
    };
    for (const row of batch.deletes) {
      this.deletes++;
      this.checkColumns(row, this.key, 'delete');
      const k = rowKey(row, this.key);
      touch(k);
      if (!this.rows.delete(k)) this.problem(`delete of absent key ${k} in batch ${this.batches}`);
    }
    for (const row of batch.upserts) {
      this.upserts++;
      this.checkColumns(row, this.columns, 'upsert');
      const k = rowKey(row, this.key);
      touch(k);
      if (this.emitFinal && this.windowEndMs !== null && this.windowEndMs(row) > watermarkMs) {
        this.problem(`final row ${k} emitted before its window closed (watermark ${watermarkMs})`);
      }
      this.rows.set(k, row);
      this.upsertCounts.set(k, (this.upsertCounts.get(k) ?? 0) + 1);
    }
    this.previousWatermarkMs = watermarkMs;
  }

  private checkColumns(row: OutputRow, expected: readonly string[], what: string): void {
    const names = Object.keys(row).sort().join(',');
    const wanted = [...expected].sort().join(',');
    if (names !== wanted) this.problem(`${what} with columns ${names}, expected ${wanted}`);
  }

  private problem(message: string): void {
    if (this.problems.length < 50) this.problems.push(`${this.view}: ${message}`);
  }
}
