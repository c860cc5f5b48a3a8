/**
 * A small durable key/value store for the catalog and other metadata.
 *
 * Guarantees every implementation keeps (checked by `runMetadataStoreContract`):
 * - Keys are non-empty strings without NUL characters, at most 1,000 UTF-8 bytes. Values are
 *   JSON data; `undefined` is not a value (use `remove`).
 * - `put` and `remove` resolve once the change is durable (for the memory store: at once, and
 *   it survives nothing). Changes apply in call order, so the last `put` of a key wins.
 * - `get` reflects every change whose promise has resolved (the memory store: every change at
 *   once), or returns `undefined`; each call returns a fresh copy the caller may change freely.
 * - `entries(prefix)` returns the entries whose key starts with `prefix`, sorted by key in
 *   Unicode code point order (the UTF-8 byte order LMDB keeps); `keys(prefix)` the same keys
 *   without reading their values.
 * - `close` waits for pending changes; after it, `put` and `remove` reject.
 */
export interface MetadataStore {
  get(key: string): unknown;
  put(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
  entries(prefix: string): [string, unknown][];
  keys(prefix: string): string[];
  close(): Promise<void>;
}
