/** @module node: the composition root: a Vane node and the server around it. */
export { VaneNode } from './vane-node.ts';
export {
  DEFAULT_CONFIG,
  resolveConfig,
  isLoopback,
  type VaneConfig,
  type DeepPartial,
} from './config.ts';
export { startServer, type VaneServer } from './create-server.ts';
export {
  checkDataDir,
  type DataCheckProgress,
  type DataCheckReport,
  type DataProblem,
} from './data-check.ts';
export { failpointsFromEnv } from './failpoints.ts';
