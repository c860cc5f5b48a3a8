import type { Accumulator } from '../aggregate/accumulator.ts';
import type { PlanExpr } from '../expr/plan-expr.ts';
import type { Column } from '../types.ts';

export type WindowSpec =
  | { kind: 'none' }
  | { kind: 'tumble'; sizeMs: number }
  | { kind: 'hop'; slideMs: number; sizeMs: number }
  | { kind: 'session'; gapMs: number };

/**
 * How long rows of closed windows stay in the view before delete changes remove them: the last
 * `windows` closed windows (per key for sessions), or those that closed less than `ms` ago in
 * event time (window end + ms > watermark).
 */
export type KeepPolicy = { kind: 'windows'; windows: number } | { kind: 'duration'; ms: number };

export interface AggregateCall {
  accumulator: Accumulator;
  /** Argument expressions over event fields; at most two (the rest are constants). */
  args: PlanExpr[];
}

/**
 * Everything the engine needs to run one view, produced by the planner.
 *
 * Group context: after aggregation each group is seen as a value array
 * `[...groupKeys, ...aggregateResults, windowStartMs, windowEndMs]`; `outputs` and `having` read it
 * through `slot` expressions. Output rows are value arrays in `columns` order; `keyColumns` index
 * the primary key (GROUP BY columns plus window_start for windowed views).
 */
export interface ViewPlan {
  name: string;
  stream: string;
  window: WindowSpec;
  /** Allowed lateness of the stream, in ms of event time. */
  latenessMs: number;
  filter: PlanExpr | null;
  groupKeys: PlanExpr[];
  aggregates: AggregateCall[];
  /** Doubles and objects per group, summed over the accumulators' layouts. */
  numSlots: number;
  objSlots: number;
  columns: Column[];
  outputs: PlanExpr[];
  keyColumns: number[];
  having: PlanExpr | null;
  emit: 'changes' | 'final';
  emitIntervalMs: number;
  keep: KeepPolicy;
  /**
   * Created WITH (backfill = true): the view starts with no watermark (not its stream's), and
   * the host feeds it the retained log before live batches.
   */
  backfill: boolean;
}
