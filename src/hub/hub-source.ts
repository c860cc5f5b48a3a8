import type { ChangeBatch } from '../views/index.ts';

export interface SourceColumn {
  name: string;
  type: string;
}

/**
 * What the hub reads from the server node (the engine plus the views' changelogs).
 *
 * Contract: single-threaded and synchronous. `snapshot` and `since` reflect exactly the batches
 * that were passed to `Hub.publishChanges` so far, so a subscription that starts from either
 * continues with the next published batch without a gap or a duplicate.
 */
export interface HubSource {
  view(name: string): { key: string[]; columns: SourceColumn[] } | undefined;
  stream(name: string): { columns: SourceColumn[] } | undefined;
  /**
   * Current rows (as last emitted) with the position they reflect, atomically. `where` holds key
   * column values (TIMESTAMP values as ISO-8601 strings) or lists of them.
   */
  snapshot(
    view: string,
    where?: Record<string, unknown>,
  ): { rows: Record<string, unknown>[]; epoch: string; offset: number };
  /** Batches after (epoch, offset), or null when that history is gone. */
  since(
    view: string,
    epoch: string,
    offset: number,
  ): { offset: number; batch: ChangeBatch }[] | null;
  /**
   * Ad-hoc SQL subscriptions: identical SQL shares one hidden view; refcounted (one `closeQuery`
   * per successful `openQuery`). Throws a VaneError (SqlError with line and column) on bad SQL.
   */
  openQuery(sql: string): string;
  closeQuery(view: string): void;
}
