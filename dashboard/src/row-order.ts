type Row = Record<string, unknown>;

/**
 * Orders rows as the server ranks a top-N subscription (docs/protocol.md): by `column` in
 * `direction`, then by the key columns ascending so rows never tie; NULL sorts last. Numbers
 * compare numerically, strings by UTF-16 code unit (ISO timestamps therefore in time order),
 * false before true, mixed types by type.
 */
export function rowOrder(
  column: string,
  direction: 'asc' | 'desc',
  key: readonly string[],
): (a: Row, b: Row) => number {
  const terms = [
    { column, descending: direction === 'desc' },
    ...key.map((name) => ({ column: name, descending: false })),
  ];
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

function compareValues(x: unknown, y: unknown): number {
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
