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
export { AGGREGATE_FUNCTIONS } from './aggregate/registry.ts';
export { SCALAR_FUNCTIONS } from './functions/registry.ts';
