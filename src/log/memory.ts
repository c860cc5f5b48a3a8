import {
  asError,
  checkAppendArguments,
  checkMetadataKey,
  checkMetadataValue,
  checkOffset,
  closedError,
  compareCodePoints,
} from './arguments.ts';
import type { EventLog, LogEntry } from './event-log.ts';
import { frozenCopy } from './frozen-copy.ts';
import type { MetadataStore } from './metadata-store.ts';

/**
 * The event log for tests and for servers without a data directory: nothing is durable, nothing
 * fails after the arguments are checked. Batches are copied and frozen on append (see
 * `frozenCopy`), so neither the caller changing its arrays afterwards nor a reader changing an
 * entry can alter the log.
 */
export class MemoryEventLog implements EventLog {
  /** entries[i] has offset base + i; entries past lastOffset are stored but not yet resolved. */
  #entries: LogEntry[] = [];
  #base = 1;
  #lastOffset = 0;
  #lastAppend: Promise<unknown> = Promise.resolve();
  #closed = false;

  get firstOffset(): number {
    return this.#lastOffset === 0 ? 0 : this.#base;
  }

  get lastOffset(): number {
    return this.#lastOffset;
  }

  append(
    stream: string,
    events: readonly Record<string, unknown>[],
    arrivalMs: number,
  ): Promise<number> {
    let entry: LogEntry;
    try {
      if (this.#closed) throw closedError('event log');
      checkAppendArguments(stream, events, arrivalMs);
      const offset = this.#base + this.#entries.length;
      const copied = frozenCopy(events, 'append: events') as Record<string, unknown>[];
      entry = Object.freeze({ offset, stream, arrivalMs, events: copied });
    } catch (error) {
      return Promise.reject(asError(error));
    }
    this.#entries.push(entry);
    // Resolving on a later microtask, as a real log does, keeps callers honest about awaiting.
    const done = Promise.resolve().then(() => {
      this.#lastOffset = entry.offset;
      return entry.offset;
    });
    this.#lastAppend = done;
    return done;
  }

  read(fromOffset: number): Iterable<LogEntry> {
    checkOffset('read', fromOffset);
    if (this.#closed) throw closedError('event log');
    return this.#iterate(fromOffset, this.#lastOffset);
  }

  *#iterate(fromOffset: number, toOffset: number): Generator<LogEntry> {
    for (let offset = Math.max(fromOffset, 1); offset <= toOffset; offset++) {
      // Skips what a truncation deleted, also one that ran while the caller was iterating.
      offset = Math.max(offset, this.#base);
      if (offset > toOffset) return;
      yield this.#entries[offset - this.#base]!;
    }
  }

  truncateBefore(offset: number): Promise<number> {
    try {
      checkOffset('truncateBefore', offset);
      if (this.#closed) throw closedError('event log');
    } catch (error) {
      return Promise.reject(asError(error));
    }
    const deleted = Math.max(0, Math.min(offset, this.#lastOffset) - this.#base);
    this.#entries.splice(0, deleted);
    this.#base += deleted;
    return Promise.resolve(deleted);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#lastAppend;
  }
}

/** The metadata store for tests and for servers without a data directory. */
export class MemoryMetadataStore implements MetadataStore {
  #values = new Map<string, unknown>();
  #closed = false;

  get(key: string): unknown {
    checkMetadataKey(key);
    const value = this.#values.get(key);
    return value === undefined ? undefined : structuredClone(value);
  }

  put(key: string, value: unknown): Promise<void> {
    try {
      if (this.#closed) throw closedError('metadata store');
      checkMetadataKey(key);
      checkMetadataValue(value);
      this.#values.set(key, frozenCopy(value, 'metadata value'));
    } catch (error) {
      return Promise.reject(asError(error));
    }
    return Promise.resolve();
  }

  remove(key: string): Promise<void> {
    try {
      if (this.#closed) throw closedError('metadata store');
      checkMetadataKey(key);
    } catch (error) {
      return Promise.reject(asError(error));
    }
    this.#values.delete(key);
    return Promise.resolve();
  }

  entries(prefix: string): [string, unknown][] {
    return this.keys(prefix).map((key) => [key, structuredClone(this.#values.get(key))]);
  }

  keys(prefix: string): string[] {
    const keys = [...this.#values.keys()].filter((key) => key.startsWith(prefix));
    return keys.sort(compareCodePoints);
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}
