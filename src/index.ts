/** Vane's public library surface: the embedded engine and the types it speaks. */
export { createEngine } from './catalog/index.ts';
export type * from './catalog/index.ts';
export type {
  ChangeBatch,
  Column,
  OutputRow,
  RowFilter,
  SqlType,
  ViewStats,
} from './engine/index.ts';
export { VaneError, SqlError, InvalidEventError, ManualClock, systemClock } from './util/index.ts';
export type { Clock, ErrorCode } from './util/index.ts';
