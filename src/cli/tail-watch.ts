import type { VaneClient, VaneClientError } from '../client/index.ts';
import type { WireColumn } from '../protocol/index.ts';

/** What `vane tail` watches, with its filters already checked against the columns. */
export interface TailTarget {
  kind: 'view' | 'stream';
  name: string;
  columns: readonly WireColumn[];
  where: Record<string, unknown> | undefined;
  orderBy: [string, 'asc' | 'desc'] | undefined;
  limit: number | undefined;
}

/** How a view or stream watcher reports to the command. */
export interface WatchContext {
  client: VaneClient;
  target: TailTarget;
  /** True: keep state for the terminal table; false: write JSON lines to stdout. */
  live: boolean;
  /** Highlight changed cells (off with NO_COLOR). */
  colour: boolean;
  /** The title line for the terminal, given the number of rows shown. */
  title(count: number): string;
  /** Something to show changed (the screen redraws at its next tick). */
  changed(): void;
  /** The subscription ended for good (unknown view, forbidden). */
  failed(error: VaneClientError): void;
}
