import type {
  ChangeBatch,
  Column,
  LateEventHandler,
  OutputRow,
  RowFilter,
  StreamSpec,
  ViewPlan,
  ValidatedBatch,
  ViewStats,
} from '../engine/index.ts';
import type { Clock } from '../util/index.ts';

export interface EngineOptions {
  /** Where arrival time comes from for streams without a timestamp column. @default systemClock */
  clock?: Clock;
  /** Called for every event a view drops as late (beyond the stream's lateness). */
  onLateEvent?: LateEventHandler;
}

/** The outcome of one statement. Statements that return rows (SELECT, SHOW, DESCRIBE) carry them. */
export interface StatementResult {
  statement:
    | 'CREATE STREAM'
    | 'CREATE VIEW'
    | 'DROP STREAM'
    | 'DROP VIEW'
    | 'SHOW STREAMS'
    | 'SHOW VIEWS'
    | 'DESCRIBE'
    | 'SELECT';
  /** The stream or view the statement is about, if any. */
  name?: string;
  /** A sentence for people: "created view ohlc_1m", "view x already exists; kept". */
  message: string;
  columns?: Column[];
  rows?: OutputRow[];
}

export interface IngestResult {
  /** Events accepted into the stream (late events are accepted by the stream, dropped by views). */
  accepted: number;
}

export interface StreamInfo {
  name: string;
  sql: string;
  spec: StreamSpec;
  views: string[];
}

export interface ViewInfo {
  name: string;
  stream: string;
  sql: string;
  columns: Column[];
  /** Primary key column names. */
  key: string[];
  plan: ViewPlan;
}

export interface EngineStats {
  streams: Record<string, { events: number }>;
  views: Record<string, ViewStats>;
}

export type ChangeHandler = (batch: ChangeBatch) => void;

/**
 * The embedded analytics engine: a catalog of streams and continuous views, fed with events and
 * driven by processing time.
 *
 * Contract: everything is synchronous and single-threaded. `ingest` applies a batch to every view
 * of the stream before it returns. Changes are delivered only from `advanceTo` / `flush`, one
 * batch per view per emit interval, to handlers in registration order.
 *
 * @example
 * const engine = createEngine({ clock: systemClock });
 * engine.execute(`CREATE STREAM trades (symbol STRING, price DOUBLE, ts TIMESTAMP) WITH (timestamp = 'ts');
 *   CREATE VIEW last_price AS SELECT symbol, last(price) AS price FROM trades GROUP BY symbol;`);
 * engine.onChanges('last_price', (batch) => console.log(batch.upserts));
 * engine.ingest('trades', [{ symbol: 'AAPL', price: 189.2, ts: Date.now() }]);
 * engine.advanceTo(Date.now());
 */
export interface Engine {
  /** Runs SQL statements; all or nothing: if one fails, none of them changes the catalog. */
  execute(sql: string): StatementResult[];
  /** Validates a batch (whole or nothing) and applies it to the stream's views. */
  ingest(stream: string, events: unknown): IngestResult;
  /**
   * Validates a batch without applying it: the events in engine form and their event times.
   * `arrivalMs` (default: the clock) is the event time for streams without a timestamp column.
   * Together with `apply` this lets a caller make a batch durable between the two steps.
   */
  validate(stream: string, events: unknown, arrivalMs?: number): ValidatedBatch;
  /** Applies a batch `validate` returned, to every view of the stream. */
  apply(stream: string, batch: ValidatedBatch): IngestResult;
  /** Processing time is now `nowMs`: close arrival-time windows, emit views whose interval passed. */
  advanceTo(nowMs: number): void;
  /** Emits every view's pending changes now, whatever the intervals. */
  flush(): void;
  /** Receives the view's change batches; returns a function that stops them. */
  onChanges(view: string, handler: ChangeHandler): () => void;
  /** The view's current rows, optionally filtered by column values (`{ symbol: ['A', 'B'] }`). */
  snapshot(view: string, where?: RowFilter): OutputRow[];
  streams(): StreamInfo[];
  /** One stream's spec, or undefined. */
  streamSpec(name: string): StreamSpec | undefined;
  views(): ViewInfo[];
  stats(): EngineStats;
}
