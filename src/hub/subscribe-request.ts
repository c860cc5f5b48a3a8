import {
  parseIntervalMs,
  PROTOCOL_RULES,
  type ResumePoint,
  type SubscribeFrame,
} from '../protocol/index.ts';
import { HubError } from './hub-error.ts';
import type { SourceColumn } from './hub-source.ts';
import type { OrderTerm } from '../protocol/index.ts';

export type SubscribeTarget =
  { kind: 'view'; name: string } | { kind: 'stream'; name: string } | { kind: 'sql'; sql: string };

/** A subscribe frame read into what the hub acts on. */
export interface SubscribeRequest {
  id: string;
  target: SubscribeTarget;
  where: unknown;
  resume: ResumePoint | null;
  /** Top-N order with `limit`, or null. Columns are checked against the view later. */
  orderBy: OrderTerm[] | null;
  limit: number;
  /** Throttle interval; 0 when not throttled. */
  intervalMs: number;
}

/**
 * Reads a subscribe frame. The transport has already checked its shape with `parseClientFrame`;
 * these checks repeat the few that the hub relies on, so a caller that skips parsing still gets
 * an error frame, not a crash.
 */
export function readSubscribeRequest(frame: SubscribeFrame): SubscribeRequest {
  const id = frame.id;
  if (typeof id !== 'string' || id === '') {
    throw new HubError('INVALID_FIELD', "subscribe: 'id' must be a non-empty string");
  }
  const request: SubscribeRequest = {
    id,
    target: readTarget(frame),
    where: frame.where ?? undefined,
    resume: frame.resume ?? null,
    orderBy: null,
    limit: 0,
    intervalMs: 0,
  };
  const resume = request.resume;
  if (
    resume !== null &&
    (typeof resume.epoch !== 'string' || !Number.isSafeInteger(resume.offset) || resume.offset < 0)
  ) {
    throw new HubError(
      'INVALID_FIELD',
      "subscribe: 'resume' must be {epoch: string, offset: integer >= 0}",
    );
  }
  if ((frame.order_by ?? undefined) !== undefined || (frame.limit ?? undefined) !== undefined) {
    if (request.target.kind === 'stream') {
      throw new HubError(
        'INVALID_FIELD',
        "subscribe: 'order_by' and 'limit' need a view, not a stream",
      );
    }
    request.orderBy = readOrderBy(frame.order_by);
    request.limit = readLimit(frame.limit);
  }
  if ((frame.interval ?? undefined) !== undefined) {
    const ms = typeof frame.interval === 'string' ? parseIntervalMs(frame.interval) : null;
    if (ms === null || ms <= 0) {
      throw new HubError(
        'INVALID_FIELD',
        "subscribe: 'interval' must be a duration such as '250ms' or '1s'",
      );
    }
    request.intervalMs = ms;
  }
  return request;
}

/** Checks that every `order_by` column is a column of the view. */
export function checkOrderColumns(
  orderBy: readonly OrderTerm[],
  columns: readonly SourceColumn[],
  view: string,
): void {
  for (const term of orderBy) {
    if (!columns.some((column) => column.name === term.column)) {
      const names = columns.map((column) => column.name).join(', ');
      throw new HubError(
        'INVALID_FIELD',
        `order_by: view ${view} has no column '${term.column}' (columns: ${names})`,
      );
    }
  }
}

function readTarget(frame: SubscribeFrame): SubscribeTarget {
  const targets: SubscribeTarget[] = [];
  if (typeof frame.view === 'string') targets.push({ kind: 'view', name: frame.view });
  if (typeof frame.stream === 'string') targets.push({ kind: 'stream', name: frame.stream });
  if (typeof frame.sql === 'string') targets.push({ kind: 'sql', sql: frame.sql });
  if (targets.length === 0) {
    throw new HubError('MISSING_FIELD', "subscribe: one of 'view', 'stream' or 'sql' is required");
  }
  if (targets.length > 1) {
    throw new HubError('INVALID_FIELD', "subscribe: give exactly one of 'view', 'stream' or 'sql'");
  }
  return targets[0]!;
}

function readOrderBy(orderBy: unknown): OrderTerm[] {
  if (!Array.isArray(orderBy) || orderBy.length === 0) {
    throw new HubError('MISSING_FIELD', "subscribe: 'limit' needs a non-empty 'order_by'");
  }
  return orderBy.map((item: unknown) => {
    const [column, direction] = Array.isArray(item) ? (item as unknown[]) : [];
    if (typeof column !== 'string' || (direction !== 'asc' && direction !== 'desc')) {
      throw new HubError(
        'INVALID_FIELD',
        "subscribe: 'order_by' items are [column, 'asc' | 'desc']",
      );
    }
    return { column, descending: direction === 'desc' };
  });
}

function readLimit(limit: unknown): number {
  if (limit === undefined || limit === null) {
    throw new HubError('MISSING_FIELD', "subscribe: 'order_by' needs 'limit'");
  }
  if (
    typeof limit !== 'number' ||
    !Number.isInteger(limit) ||
    limit < 1 ||
    limit > PROTOCOL_RULES.maxTopNLimit
  ) {
    throw new HubError(
      'INVALID_FIELD',
      `subscribe: 'limit' must be an integer from 1 to ${PROTOCOL_RULES.maxTopNLimit}`,
    );
  }
  return limit;
}
