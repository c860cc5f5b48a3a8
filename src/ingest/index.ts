/** @module ingest: the durable path of event batches: validate, de-duplicate, append, apply, ack. */
export { Ingestor, type IngestorOptions, type PublishResult } from './ingestor.ts';
export { DedupIndex } from './dedup-index.ts';
