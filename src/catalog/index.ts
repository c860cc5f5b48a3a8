/** @module catalog: streams and views, the statements that change them, and the embedded engine API. */
export { createEngine } from './create-engine.ts';
export { describeWindow } from './plan-statements.ts';
export type * from './engine-api.ts';
export type { EventRecord, ValidatedBatch } from '../engine/index.ts';
export { CheckpointMismatchError } from '../engine/index.ts';
export { CheckpointAbortedError, ViewFrozenError } from './view-checkpoint-task.ts';
