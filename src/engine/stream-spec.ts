import type { Column } from './types.ts';

/** A stream as the engine needs it; built by the planner from CREATE STREAM. */
export interface StreamSpec {
  name: string;
  columns: Column[];
  /** The event-time column (TIMESTAMP), or null to use arrival time. */
  timestampColumn: string | null;
  /** The column that identifies an event for de-duplication, or null. */
  idColumn: string | null;
  /** How far behind the latest event time an event may arrive and still count. */
  latenessMs: number;
  /** How long events are kept in the log. */
  retentionMs: number;
}
