import { MemoryEventLog, MemoryMetadataStore } from './memory.ts';
import { runEventLogContract, runMetadataStoreContract } from './log.contract.ts';

runEventLogContract(
  'MemoryEventLog',
  () => {
    const log = new MemoryEventLog();
    return Promise.resolve({ log, cleanup: () => log.close() });
  },
  { durable: false },
);

runMetadataStoreContract(
  'MemoryMetadataStore',
  () => {
    const store = new MemoryMetadataStore();
    return Promise.resolve({ store, cleanup: () => store.close() });
  },
  { durable: false },
);
