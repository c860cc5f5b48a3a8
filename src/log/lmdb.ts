import { mkdir } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import {
  IF_EXISTS,
  asBinary,
  open,
  type Binary,
  type Database,
  type RootDatabase,
  type RootDatabaseOptionsWithPath,
} from 'lmdb';
import { VaneError, errorMessage, hasErrorCode } from '../util/index.ts';
import {
  asError,
  checkAppendArguments,
  checkMetadataKey,
  checkMetadataValue,
  checkOffset,
  closedError,
} from './arguments.ts';
import type { EventLog, LogEntry } from './event-log.ts';
import { checkLmdbFile } from './lmdb-file-check.ts';
import type { MetadataStore } from './metadata-store.ts';

/**
 * Logged batches `from` to `to` (inclusive) cannot be read as stored: missing from the middle of
 * the log, or failing their checksum. CORRUPT_STATE; a reader that goes on past the damage (a
 * data check) resumes after `to`.
 */
export class DamagedLogError extends VaneError {
  override readonly name = 'DamagedLogError';

  constructor(
    readonly from: number,
    readonly to: number,
    message: string,
  ) {
    super('CORRUPT_STATE', message);
  }
}

/** The file (plus `vane.lmdb-lock`) that holds the log and the metadata inside the data dir. */
export const LMDB_FILE_NAME = 'vane.lmdb';

/**
 * How a batch is stored: one msgpack value per offset key, holding the events as their own
 * msgpack bytes and a CRC-32 over the stream, the arrival time and those bytes (`batchChecksum`).
 * LMDB checks its pages' structure but not the bytes of a value, so without the checksum a
 * damaged byte in an event would be replayed as a different, valid-looking event.
 * Batches written before the checksum was added (`LegacyBatch`) are read unchecked.
 */
type StoredBatch = [stream: string, arrivalMs: number, events: Uint8Array, crc: number];
type LegacyBatch = [stream: string, arrivalMs: number, events: Record<string, unknown>[]];

/** lmdb's msgpack encoder for a database (the `encoder` property its typings leave out). */
interface Encoder {
  encode(value: unknown): Uint8Array;
  decode(bytes: Uint8Array): unknown;
}

/** Entries `read` fetches per read transaction. */
const READ_CHUNK = 100;

/** Entries deleted per write transaction by `truncateBefore`. */
const TRUNCATE_CHUNK = 10_000;

export interface LmdbStorage {
  readonly log: LmdbEventLog;
  readonly metadata: LmdbMetadataStore;
  /** Closes the log, then the metadata store, then the environment. Safe to call unbound. */
  readonly close: () => Promise<void>;
}

/**
 * Opens (creating if needed) the LMDB environment `<dataDir>/vane.lmdb` with its two named
 * databases, `log` (offset → batch) and `meta` (string key → value), and recovers the log's
 * first and last offsets from the stored keys. One process at a time may own a data directory.
 *
 * Durability: a write resolves after its transaction is committed and fsync'ed (see below), so
 * an acknowledged batch survives kill -9 and power loss alike.
 */
export async function openLmdbStorage(dataDir: string): Promise<LmdbStorage> {
  try {
    await mkdir(dataDir, { recursive: true });
  } catch (error) {
    throw new VaneError('STORAGE_ERROR', `cannot create the data directory ${dataDir}`, {
      cause: error,
    });
  }
  const path = join(dataDir, LMDB_FILE_NAME);
  await checkLmdbFile(path);
  let root: RootDatabase;
  try {
    root = open(lmdbOptions(path));
  } catch (error) {
    throw openError(path, error);
  }
  let log: LmdbEventLog;
  let metadata: LmdbMetadataStore;
  try {
    log = new LmdbEventLog(root.openDB<unknown, number>('log', {}));
    metadata = new LmdbMetadataStore(root.openDB<unknown, string>('meta', {}));
  } catch (error) {
    await root.close().catch(() => {});
    throw error instanceof VaneError ? error : openError(path, error);
  }
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await log.close();
      await metadata.close();
      await root.close();
    })();
    return closing;
  };
  return { log, metadata, close };
}

function lmdbOptions(path: string): RootDatabaseOptionsWithPath {
  const options: RootDatabaseOptionsWithPath & { txnStartThreshold: number } = {
    path,
    // Off on purpose although lmdb turns it on by default on Linux and macOS: with it, a write
    // resolves when its transaction commits and the fsync follows later, so an acknowledged
    // batch could be lost on power failure (SPEC §3 acks only what is synced), and a failed
    // fsync would leave the write's promise resolved. Measured here: not slower.
    overlappingSync: false,
    // Off because the batch-start promise that event-turn batching creates has no handler: a
    // failed commit then becomes an unhandled rejection, which kills the process.
    eventTurnBatching: false,
    // With event-turn batching off, lmdb starts a commit after 5 queued writes; waiting for the
    // next turn instead (as event-turn batching does) puts every write of a turn in one commit.
    // Writes queued while a commit runs go in the next one: group commit.
    txnStartThreshold: Number.MAX_SAFE_INTEGER,
  };
  return options;
}

function openError(path: string, error: unknown): VaneError {
  // MDB_INVALID: the file exists but is not an LMDB environment.
  if (hasErrorCode(error, -30793)) {
    return new VaneError('CORRUPT_STATE', `${path} is not an LMDB file (a Vane data file)`, {
      cause: error,
    });
  }
  return new VaneError('STORAGE_ERROR', `cannot open ${path}: ${errorMessage(error)}`, {
    cause: error,
  });
}

/**
 * The event log in an LMDB database: key = offset, value = the whole batch.
 *
 * Each batch is written as `put(offset)` on the condition that `offset - 1` exists and `offset`
 * does not (checked in the write transaction), so a batch is stored only if every earlier one
 * is, and never over another. When a write fails (disk full, I/O error), that append rejects,
 * every append already in flight behind it finds its predecessor missing and rejects too, and
 * the log refuses all further appends with a STORAGE_ERROR until it is reopened: the stored
 * offsets stay contiguous, so a restart resumes after the last stored batch.
 */
export class LmdbEventLog implements EventLog {
  readonly #db: Database<unknown, number>;
  readonly #encoder: Encoder;
  #firstOffset: number;
  #lastOffset: number;
  #nextOffset: number;
  /** Settles (never rejects) once every append issued so far has settled. */
  #appends: Promise<unknown> = Promise.resolve();
  /** Settles (never rejects) once every truncation issued so far has settled. */
  #truncations: Promise<unknown> = Promise.resolve();
  /** Offsets below this may be deleted by retention: set before each delete is issued. */
  #deletingBelow = 0;
  #failure: VaneError | undefined;
  #closed = false;

  constructor(db: Database<unknown, number>) {
    this.#db = db;
    this.#encoder = (db as unknown as { encoder: Encoder }).encoder;
    const [first, last] = readingData(() => recoverOffsets(db));
    this.#firstOffset = first;
    this.#lastOffset = last;
    this.#nextOffset = last + 1;
  }

  get firstOffset(): number {
    return this.#firstOffset;
  }

  get lastOffset(): number {
    return this.#lastOffset;
  }

  append(
    stream: string,
    events: readonly Record<string, unknown>[],
    arrivalMs: number,
  ): Promise<number> {
    const offset = this.#nextOffset;
    let written: Promise<boolean>;
    try {
      if (this.#closed) throw closedError('event log');
      if (this.#failure !== undefined) throw this.#failure;
      checkAppendArguments(stream, events, arrivalMs);
      const value = this.#encode(stream, arrivalMs, events);
      written = this.#write(offset, value);
    } catch (error) {
      return Promise.reject(asError(error));
    }
    this.#nextOffset = offset + 1;
    const done = this.#settle(offset, written, this.#appends);
    this.#appends = done.catch(() => {});
    return done;
  }

  /** Encodes before queueing anything, so data that cannot be stored takes no offset. */
  #encode(stream: string, arrivalMs: number, events: readonly Record<string, unknown>[]): Binary {
    try {
      const bytes = this.#encoder.encode(events);
      const crc = batchChecksum(stream, arrivalMs, bytes);
      return asBinary(this.#encoder.encode([stream, arrivalMs, bytes, crc] satisfies StoredBatch));
    } catch (error) {
      throw new VaneError('INVALID_ARGUMENT', 'append: events are not storable data', {
        cause: error,
      });
    }
  }

  /**
   * Stores the batch if its predecessor exists and its own offset is free, both checked in the
   * write transaction: no gap ever, and a second process appending to the same data directory
   * fails instead of overwriting. Resolves false when a condition did not hold.
   */
  #write(offset: number, value: Binary): Promise<boolean> {
    const db = this.#db;
    const put = (): void => void db.put(offset, value);
    if (offset === 1) return db.ifNoExists(offset, put);
    let free: Promise<boolean> | undefined;
    const follows = db.ifVersion(offset - 1, IF_EXISTS, () => {
      free = db.ifNoExists(offset, put);
    });
    // Both promises reject when the commit fails; Promise.all handles both.
    return Promise.all([follows, free]).then(([a, b]) => a && b === true);
  }

  async #settle(offset: number, written: Promise<boolean>, earlier: Promise<unknown>) {
    let stored: boolean;
    try {
      stored = await written;
    } catch (error) {
      throw this.#fail(offset, await underlyingError(error));
    }
    await earlier; // acknowledgements leave in offset order
    if (!stored) {
      const reason = this.#db.doesExist(offset)
        ? `offset ${offset} is taken: is another process writing to this data directory?`
        : `batch ${offset - 1} is missing`;
      throw this.#fail(offset, new Error(reason));
    }
    this.#lastOffset = offset;
    if (this.#firstOffset === 0) this.#firstOffset = offset;
    return offset;
  }

  #fail(offset: number, cause: unknown): VaneError {
    if (this.#failure === undefined) {
      this.#failure = new VaneError(
        'STORAGE_ERROR',
        `the event log failed to store batch ${offset} (${errorMessage(cause)}); ` +
          'it refuses further appends until it is reopened',
        { cause },
      );
      return this.#failure;
    }
    return new VaneError(
      'STORAGE_ERROR',
      `batch ${offset} was not stored: an earlier batch failed`,
      { cause: this.#failure },
    );
  }

  read(fromOffset: number): Iterable<LogEntry> {
    checkOffset('read', fromOffset);
    if (this.#closed) throw closedError('event log');
    return this.#iterate(Math.max(fromOffset, this.#firstOffset, 1), this.#lastOffset);
  }

  /**
   * Reads in chunks, each in its own short read transaction, so a slow reader pins no old pages,
   * and restarts each chunk from an explicit key, so entries deleted meanwhile are simply gone.
   * (lmdb's own `snapshot: false` iteration skips the entry after one deleted under its cursor.)
   *
   * Every offset up to `toOffset` must be there unless retention deleted it: a missing one is
   * damage (lmdb reads a file with a damaged branch page as a shorter tree, without an error),
   * reported as CORRUPT_STATE rather than replayed as a log that simply has fewer batches.
   */
  *#iterate(fromOffset: number, toOffset: number): Generator<LogEntry> {
    let next = fromOffset;
    while (next <= toOffset) {
      const chunk = readingData(() =>
        Array.from(this.#db.getRange({ start: next, end: toOffset + 1, limit: READ_CHUNK })),
      );
      // Retention may have deleted the entries below #deletingBelow since `next` was reached.
      const expected = Math.max(next, this.#deletingBelow);
      if (chunk.length === 0) {
        if (expected > toOffset) return;
        throw missingBatches(expected, toOffset + 1, true);
      }
      let follows = expected;
      for (const { key, value } of chunk) {
        // The first may be below `expected` (a deletion not committed yet), none above.
        if (isOffset(key) && key > follows) throw missingBatches(follows, key);
        // Entries before a damaged one are yielded first, so a reader knows where it is.
        const entry = toEntry(key, value, this.#encoder);
        yield entry;
        follows = entry.offset + 1;
      }
      next = follows;
    }
  }

  truncateBefore(offset: number): Promise<number> {
    try {
      checkOffset('truncateBefore', offset);
      if (this.#closed) throw closedError('event log');
    } catch (error) {
      return Promise.reject(asError(error));
    }
    const done = this.#truncations.then(() => this.#truncate(offset));
    this.#truncations = done.catch(() => {});
    return done;
  }

  async #truncate(offset: number): Promise<number> {
    // Offsets below lastOffset are contiguous and durable, and no in-flight append depends on
    // them (each depends on its predecessor, which is lastOffset or later).
    const end = Math.min(offset, this.#lastOffset);
    let deleted = 0;
    while (this.#firstOffset < end) {
      const from = this.#firstOffset;
      const to = Math.min(end, from + TRUNCATE_CHUNK);
      this.#deletingBelow = Math.max(this.#deletingBelow, to);
      try {
        await this.#db.batch(() => {
          for (let key = from; key < to; key++) void this.#db.remove(key);
        });
      } catch (error) {
        throw new VaneError('STORAGE_ERROR', `truncating the event log before ${to} failed`, {
          cause: await underlyingError(error),
        });
      }
      deleted += to - from;
      this.#firstOffset = to;
    }
    return deleted;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#appends;
    await this.#truncations;
  }
}

/** Metadata in an LMDB database: string key → msgpack value. */
export class LmdbMetadataStore implements MetadataStore {
  readonly #db: Database<unknown, string>;
  #pending = new Set<Promise<unknown>>();
  #closed = false;

  constructor(db: Database<unknown, string>) {
    this.#db = db;
  }

  get(key: string): unknown {
    checkMetadataKey(key);
    return readingData(() => this.#db.get(key));
  }

  put(key: string, value: unknown): Promise<void> {
    return this.#change(key, () => {
      checkMetadataValue(value);
      try {
        return this.#db.put(key, value);
      } catch (error) {
        throw new VaneError('INVALID_ARGUMENT', 'metadata value is not storable data', {
          cause: error,
        });
      }
    });
  }

  remove(key: string): Promise<void> {
    return this.#change(key, () => this.#db.remove(key));
  }

  /** `write` queues the change (throwing if it cannot) and returns lmdb's commit promise. */
  #change(key: string, write: () => Promise<boolean>): Promise<void> {
    const done = this.#write(key, write);
    this.#pending.add(done);
    void done.finally(() => this.#pending.delete(done)).catch(() => {});
    return done;
  }

  async #write(key: string, write: () => Promise<boolean>): Promise<void> {
    if (this.#closed) throw closedError('metadata store');
    checkMetadataKey(key);
    const written = write();
    try {
      await written;
    } catch (error) {
      throw new VaneError('STORAGE_ERROR', `storing metadata key ${key} failed`, {
        cause: await underlyingError(error),
      });
    }
  }

  entries(prefix: string): [string, unknown][] {
    return readingData(() => this.#entries(prefix));
  }

  #entries(prefix: string): [string, unknown][] {
    const result: [string, unknown][] = [];
    const range = prefix === '' ? this.#db.getRange() : this.#db.getRange({ start: prefix });
    for (const { key, value } of range) {
      if (typeof key !== 'string' || !key.startsWith(prefix)) break;
      result.push([key, value]);
    }
    return result;
  }

  keys(prefix: string): string[] {
    return readingData(() => this.#keys(prefix));
  }

  #keys(prefix: string): string[] {
    const result: string[] = [];
    const keys = prefix === '' ? this.#db.getKeys() : this.#db.getKeys({ start: prefix });
    for (const key of keys) {
      if (typeof key !== 'string' || !key.startsWith(prefix)) break;
      result.push(key);
    }
    return result;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#pending]);
  }
}

function recoverOffsets(db: Database<unknown, number>): [first: number, last: number] {
  const first = firstOf(db.getKeys({ limit: 1 }));
  const last = firstOf(db.getKeys({ limit: 1, reverse: true }));
  if (first === undefined || last === undefined) return [0, 0];
  if (!isOffset(first) || !isOffset(last)) {
    throw new VaneError('CORRUPT_STATE', 'the event log holds a key that is not an offset');
  }
  // Contiguity is an invariant of the conditional writes; entryCount is O(1) to read.
  const { entryCount } = db.getStats() as { entryCount: number };
  if (entryCount !== last - first + 1) {
    throw new VaneError(
      'CORRUPT_STATE',
      `the event log has ${entryCount} entries between offsets ${first} and ${last}`,
    );
  }
  return [first, last];
}

/** lmdb's codes for a file whose page structure is damaged. */
const DAMAGE_CODES = new Map([
  [-30797, 'MDB_PAGE_NOTFOUND'],
  [-30796, 'MDB_CORRUPTED'],
  [-30795, 'MDB_PANIC'],
  [-30794, 'MDB_VERSION_MISMATCH'],
]);

/**
 * Runs a read of the data file, reporting lmdb's damage codes as CORRUPT_STATE. lmdb trusts
 * the file's pages: most damage to them surfaces as one of these codes, some as a shorter tree
 * (caught by `#iterate`), and some crashes the process outright (docs/recovery.md).
 */
function readingData<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const name = typeof code === 'number' ? DAMAGE_CODES.get(code) : undefined;
    if (name === undefined) throw error;
    throw new VaneError('CORRUPT_STATE', `the data file is damaged: lmdb reports ${name}`, {
      cause: error,
    });
  }
}

/**
 * Batches `from` to `before - 1` should be in the log and are not: in the middle of it, or (`atEnd`)
 * up to its last offset.
 */
function missingBatches(from: number, before: number, atEnd = false): DamagedLogError {
  const which = before - from === 1 ? `batch ${from} is` : `batches ${from} to ${before - 1} are`;
  return new DamagedLogError(
    from,
    before - 1,
    `the event log is damaged: ${which} missing although the log ${
      atEnd ? `ends at ${before - 1}` : 'holds later ones'
    }`,
  );
}

function firstOf<T>(values: Iterable<T>): T | undefined {
  for (const value of values) return value;
  return undefined;
}

function isOffset(key: unknown): key is number {
  return typeof key === 'number' && Number.isSafeInteger(key) && key >= 1;
}

function toEntry(key: unknown, value: unknown, encoder: Encoder): LogEntry {
  const malformed = (why: string) =>
    new VaneError('CORRUPT_STATE', `the event log entry at key ${String(key)} ${why}`);
  if (
    !isOffset(key) ||
    !Array.isArray(value) ||
    typeof value[0] !== 'string' ||
    typeof value[1] !== 'number'
  ) {
    throw malformed('is malformed');
  }
  if (value.length === 3 && Array.isArray(value[2])) {
    const [stream, arrivalMs, events] = value as LegacyBatch;
    return { offset: key, stream, arrivalMs, events };
  }
  if (value.length !== 4 || !(value[2] instanceof Uint8Array) || typeof value[3] !== 'number') {
    throw malformed('is malformed');
  }
  const [stream, arrivalMs, bytes, crc] = value as StoredBatch;
  if (batchChecksum(stream, arrivalMs, bytes) !== crc) {
    throw new DamagedLogError(
      key,
      key,
      `the event log entry at key ${key} (batch ${key} of stream '${stream}') fails its ` +
        'checksum: the data file is damaged',
    );
  }
  let events: unknown;
  try {
    events = encoder.decode(bytes);
  } catch {
    events = undefined;
  }
  if (!Array.isArray(events)) throw malformed('holds events that cannot be decoded');
  return { offset: key, stream, arrivalMs, events: events as Record<string, unknown>[] };
}

/** CRC-32 of the stream name, the arrival time and the events' bytes, as one byte string. */
function batchChecksum(stream: string, arrivalMs: number, events: Uint8Array): number {
  return crc32(events, crc32(`${stream}\0${arrivalMs}\0`));
}

/**
 * lmdb rejects every write of a failed commit with a generic "Commit failed" error whose
 * `commitError` promise rejects with the real cause. Nothing else handles that promise, so it is
 * handled here (else it would be an unhandled rejection) and its reason returned; lmdb settles
 * it in the same callback, and waiting is bounded to one turn in case it never does.
 */
async function underlyingError(error: unknown): Promise<unknown> {
  const commitError: unknown =
    typeof error === 'object' && error !== null && 'commitError' in error
      ? error.commitError
      : undefined;
  if (!(commitError instanceof Promise)) return error;
  const cause = commitError.then(
    () => error,
    (reason: unknown) => reason,
  );
  const nextTurn = new Promise<unknown>((resolve) => setImmediate(() => resolve(error)));
  return Promise.race([cause, nextTurn]);
}
