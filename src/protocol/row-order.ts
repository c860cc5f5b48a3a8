type Row = Record<string, unknown>;

/** One `order_by` item. */
export interface OrderTerm {
  column: string;
  descending: boolean;
}

export type RowComparator = (a: Row, b: Row) => number;

/**
 * The total order of a top-N subscription: the `order_by` terms, then the key columns ascending,
 * so two distinct rows never tie and every subscriber sees the same N rows. NULLs sort last in
 * either direction (a leaderboard lists missing values after real ones).
 */
export function rowComparator(
  orderBy: readonly OrderTerm[],
  key: readonly string[],
): RowComparator {
  const terms = [...orderBy, ...key.map((column) => ({ column, descending: false }))];
  return (a, b) => {
    for (const term of terms) {
      const x = a[term.column] ?? null;
      const y = b[term.column] ?? null;
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const order = compareValues(x, y);
      if (order !== 0) return term.descending ? -order : order;
    }
    return 0;
  };
}

const TYPE_RANK: Record<string, number> = { boolean: 0, number: 1, string: 2 };

/**
 * Orders two non-null values: numbers numerically (NaN after every number), strings by UTF-16
 * code unit (locale-free, so deterministic), false before true; mixed types by type; structured
 * values by their JSON text.
 */
export function compareValues(x: unknown, y: unknown): number {
  const tx = typeof x;
  const ty = typeof y;
  if (tx !== ty) return (TYPE_RANK[tx] ?? 3) - (TYPE_RANK[ty] ?? 3);
  if (tx === 'number') {
    const a = x as number;
    const b = y as number;
    if (a < b) return -1;
    if (a > b) return 1;
    if (a === b) return 0;
    return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
  }
  if (tx === 'string' || tx === 'boolean') {
    return (x as string) < (y as string) ? -1 : (x as string) > (y as string) ? 1 : 0;
  }
  const a = JSON.stringify(x);
  const b = JSON.stringify(y);
  return a < b ? -1 : a > b ? 1 : 0;
}
