/** @module engine: pure, deterministic incremental operators, windows and aggregates; no I/O, no clock. */
export * from './types.ts';
export type * from './aggregate/accumulator.ts';
export type * from './functions/scalar-function.ts';
