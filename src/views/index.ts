/** @module views: live view state around the engine — changelog history (epoch, offset) for resume. */
export {
  ViewChangelog,
  type ViewChangelogOptions,
  type ChangelogPosition,
  type ChangelogEntry,
} from './view-changelog.ts';
export { ChangelogRegistry, type ChangelogRegistryOptions } from './changelog-registry.ts';
export type { ChangeBatch } from '../engine/index.ts';
