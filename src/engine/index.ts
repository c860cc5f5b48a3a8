/** @module engine: pure, deterministic incremental operators, windows and aggregates; no I/O, no clock. */
export * from './types.ts';
export type * from './aggregate/accumulator.ts';
export type * from './functions/scalar-function.ts';
export type * from './expr/plan-expr.ts';
export type * from './view/view-plan.ts';
export type * from './view/change-batch.ts';
export type * from './stream-spec.ts';
export { operatorType, comparable } from './expr/operator-types.ts';
export { compileExpr, compilePredicate } from './expr/compile.ts';
export { parseTimestamp, formatTimestamp } from './timestamp.ts';
export { EventValidator, type ValidatedBatch } from './event-validator.ts';
export {
  ViewRuntime,
  type LateEventHandler,
  type RowFilter,
  type ViewStats,
} from './view/view-runtime.ts';
export { OutputFormat } from './view/output-format.ts';
export {
  CheckpointMismatchError,
  VIEW_CHECKPOINT_VERSION,
  type ViewCheckpoint,
} from './view/view-checkpoint.ts';
export type { GroupTableData } from './view/group-table.ts';
export type { StoreCheckpoint } from './view/window-store.ts';
export type { AlignedStoreCheckpoint } from './view/aligned-store.ts';
export type { SessionStoreCheckpoint } from './view/session-store.ts';
export type { RunningStoreCheckpoint } from './view/running-store.ts';
export {
  encodeNumber,
  parseEncodedNumber,
  type EncodedNumber,
  type EncodedValue,
} from './aggregate/state-codec.ts';
export { AGGREGATE_FUNCTIONS } from './aggregate/registry.ts';
export { SCALAR_FUNCTIONS } from './functions/registry.ts';
