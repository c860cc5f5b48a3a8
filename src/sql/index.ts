/** @module sql: lexer, parser, syntax tree and planner (syntax tree -> engine plan). */
export type * from './ast.ts';
export { parse } from './parser.ts';
export { planStream, DEFAULT_LATENESS_MS, DEFAULT_RETENTION_MS } from './plan-stream.ts';
export { planView, DEFAULT_EMIT_INTERVAL_MS, DEFAULT_KEEP_WINDOWS } from './plan-view.ts';
export { planQuery, type QueryPlan } from './plan-query.ts';
export type { PlannerCatalog } from './planner-catalog.ts';
