import type { Column, StreamSpec } from '../engine/index.ts';
import { SqlError, type SourcePosition } from '../util/index.ts';
import { didYouMean } from './suggest.ts';

/** What the planner needs to know about existing streams and views. */
export interface PlannerCatalog {
  stream(name: string): StreamSpec | undefined;
  view(name: string): { columns: readonly Column[] } | undefined;
  /** Every stream and view name, for "did you mean" hints. */
  names(): Iterable<string>;
  /**
   * True when the host keeps an event log and computes views created WITH (backfill = true) from
   * it (the server does; an embedded engine alone does not, and refuses the option).
   */
  readonly backfill?: boolean;
}

export function requireStream(
  catalog: PlannerCatalog,
  name: string,
  pos: SourcePosition,
): StreamSpec {
  const stream = catalog.stream(name);
  if (stream !== undefined) return stream;
  if (catalog.view(name) !== undefined) {
    throw new SqlError(
      'SQL_UNSUPPORTED',
      `'${name}' is a view; a view reads a stream (views over views are not supported yet)`,
      pos,
    );
  }
  throw new SqlError(
    'UNKNOWN_STREAM',
    `unknown stream '${name}'${didYouMean(name, catalog.names())}`,
    pos,
  );
}
