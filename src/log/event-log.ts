/** One stored batch: the events of one append, for one stream, at one offset. */
export interface LogEntry {
  offset: number;
  stream: string;
  /** When the server received the batch (producer-independent, from the server's clock). */
  arrivalMs: number;
  events: Record<string, unknown>[];
}

/**
 * An append-only, totally ordered log of event batches across all streams.
 *
 * Guarantees every implementation keeps (checked by `runEventLogContract`):
 * - Offsets start at 1 and increase by 1 per batch, in the order `append` was called: the offset
 *   is taken synchronously inside the call, so call order is offset order.
 * - A batch is stored whole or not at all, and reads back equal to what was appended (JSON data:
 *   objects, arrays, strings, finite numbers, booleans, null).
 * - `append` resolves only once the batch is durable: for a disk-backed log it then survives a
 *   crash of the process (kill -9) and of the machine. The memory log survives nothing.
 * - Appends issued without awaiting each other are made durable together (group commit) and
 *   still resolve in offset order; `lastOffset` then covers every resolved append.
 * - An append that fails rejects, and so does every append after it: a later batch is never
 *   stored after a missing one, so there are no gaps. A disk-backed log that failed a write
 *   refuses all further appends until it is reopened. An append rejected for bad arguments or
 *   data that cannot be stored takes no offset and does not fail the log.
 * - `read(from)` yields, lazily and in offset order, the entries from `from` (inclusive; or
 *   from `firstOffset` if that is later) to the `lastOffset` of the moment `read` was called.
 *   Callers that need replay without gaps check `from >= firstOffset` first. A concurrent
 *   `truncateBefore` may or may not hide the entries it deletes from an iteration in progress;
 *   it never hides one it keeps.
 * - `truncateBefore(offset)` deletes the entries below `offset` (retention) but never the last
 *   one, so a log that held an entry never becomes empty and offsets never restart.
 * - `close` waits for the appends and truncations already issued; after it, they reject.
 *
 * Entries that `read` yields belong to the log: treat them as read-only.
 * Values that JSON cannot carry (undefined, NaN, Date, functions, …) are outside the contract.
 */
export interface EventLog {
  /** Appends one batch; resolves with its offset once the batch is durable. */
  append(
    stream: string,
    events: readonly Record<string, unknown>[],
    arrivalMs: number,
  ): Promise<number>;
  /** The entries from `fromOffset` to the current `lastOffset`, lazily, in offset order. */
  read(fromOffset: number): Iterable<LogEntry>;
  /** The lowest retained offset; 0 when the log is empty. */
  readonly firstOffset: number;
  /** The offset of the last durable (acknowledged) batch; 0 when the log is empty. */
  readonly lastOffset: number;
  /** Deletes the entries below `offset` (never the last one); resolves with how many. */
  truncateBefore(offset: number): Promise<number>;
  /** Waits for pending appends and truncations, then refuses new ones. Idempotent. */
  close(): Promise<void>;
}
