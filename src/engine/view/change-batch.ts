import type { OutputRow } from '../types.ts';

/**
 * One emission of a view: the latest value of every row that changed since the previous batch.
 * A key appears at most once per batch. `upserts` are whole rows; `deletes` hold only the key
 * columns. Rows are formatted for the wire (TIMESTAMP as ISO-8601 strings).
 */
export interface ChangeBatch {
  view: string;
  upserts: OutputRow[];
  deletes: OutputRow[];
}
