import type { Hub } from '../hub/index.ts';
import type { PublishResult } from '../ingest/index.ts';
import type { Metrics } from '../observability/index.ts';
import type {
  ServerStats,
  StatementResultWire,
  StreamInfo,
  ViewInfo,
  WireRow,
} from '../protocol/index.ts';

/**
 * What the network edge needs from a Vane node. The transport owns sockets, HTTP, auth and limits;
 * everything about data goes through this interface (implemented by node/).
 */
export interface ServerApp {
  readonly hub: Hub;
  readonly metrics: Metrics;
  /** Resolves once the batch is durable (SPEC §3). Rejects with a VaneError. */
  publish(stream: string, events: unknown): Promise<PublishResult>;
  /** Runs SQL; DDL needs `admin`. Rejects with a VaneError (SqlError with line and column). */
  executeSql(sql: string, access: { admin: boolean }): Promise<StatementResultWire[]>;
  catalog(): { streams: StreamInfo[]; views: ViewInfo[] };
  /** A view's rows (optionally filtered on key columns) and the changelog position they reflect. */
  viewRows(
    view: string,
    where?: Record<string, unknown>,
  ): { rows: WireRow[]; epoch: string; offset: number };
  readiness(): { ready: boolean; checks: Record<string, boolean> };
  /** Live rates and counts (GET /v1/stats); rates cover the last few seconds. */
  stats(): ServerStats;
}
