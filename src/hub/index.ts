/** @module hub: subscriptions and fan-out; knows connections only through the `Sink` port. */
export { Hub, type HubOptions, type HubStats } from './hub.ts';
export type { Sink, HubConnection } from './sink.ts';
export type { HubSource, SourceColumn } from './hub-source.ts';
