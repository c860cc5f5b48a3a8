import type { Engine } from '../catalog/index.ts';
import { parse } from '../sql/index.ts';
import { SqlError, VaneError } from '../util/index.ts';
import { QUERY_VIEW_PREFIX } from './catalog-journal.ts';

/**
 * Ad-hoc SQL subscriptions (SPEC §4): identical SQL from many clients shares one hidden view,
 * created on first use and dropped when its last subscriber leaves.
 */
export class QueryViews {
  private readonly refs = new Map<string, { sql: string; count: number }>();

  constructor(
    private readonly engine: Engine,
    private readonly onChange: () => void,
  ) {}

  /** The hidden view computing `sql` (one SELECT that aggregates); throws a SqlError with its position. */
  open(sql: string): string {
    const text = sql.trim().replace(/;\s*$/, '');
    const statements = parse(text);
    if (statements.length !== 1 || statements[0]!.kind !== 'select') {
      throw new VaneError('INVALID_ARGUMENT', 'a subscription takes exactly one SELECT statement');
    }
    let name = `${QUERY_VIEW_PREFIX}${hash(text)}`;
    for (let n = 2; this.refs.has(name) && this.refs.get(name)!.sql !== text; n++) {
      name = `${QUERY_VIEW_PREFIX}${hash(text)}_${n}`;
    }
    const existing = this.refs.get(name);
    if (existing !== undefined) {
      existing.count++;
      return name;
    }
    try {
      // The SELECT starts on line 2, so positions shift by one line; they are moved back below.
      this.engine.execute(`CREATE VIEW ${name} AS\n${text}`);
    } catch (error) {
      if (error instanceof SqlError) {
        const message = error.message.replace(/ \(line \d+, column \d+\)$/, '');
        throw new SqlError(error.code, message, { line: error.line - 1, column: error.column });
      }
      throw error;
    }
    this.refs.set(name, { sql: text, count: 1 });
    this.onChange();
    return name;
  }

  close(name: string): void {
    const ref = this.refs.get(name);
    if (ref === undefined) return;
    if (--ref.count > 0) return;
    this.refs.delete(name);
    this.engine.execute(`DROP VIEW IF EXISTS ${name}`);
    this.onChange();
  }
}

/** FNV-1a over UTF-16 code units, as 8 hex digits; a collision gets a suffix (see open). */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
