/**
 * @module log: the event log and the metadata store, as ports with in-memory and LMDB
 * implementations. The shared contract suites live in `log.contract.ts`; they import Vitest, so
 * they are not exported here, where production code imports from.
 */
export type { EventLog, LogEntry } from './event-log.ts';
export type { MetadataStore } from './metadata-store.ts';
export { MemoryEventLog, MemoryMetadataStore } from './memory.ts';
export {
  DamagedLogError,
  LMDB_FILE_NAME,
  LmdbEventLog,
  LmdbMetadataStore,
  openLmdbStorage,
  type LmdbStorage,
} from './lmdb.ts';
