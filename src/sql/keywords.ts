/**
 * Reserved words cannot be bare identifiers or aliases (quote them: "from"). The list is kept small
 * on purpose so that everyday column names (`ts`, `count`, `first`, `open`, `close`, `high`, `low`,
 * `volume`, `text`, `timestamp`, …) stay usable; everything else, including type names, window
 * functions (TUMBLE, HOP, SESSION) and words like STREAM, VIEW, CHANGES or FINAL, is recognised
 * only where the grammar expects it.
 */
const RESERVED_WORDS = new Set([
  'ALL',
  'AND',
  'AS',
  'ASC',
  'BETWEEN',
  'BY',
  'CASE',
  'CAST',
  'CREATE',
  'DESC',
  'DISTINCT',
  'DROP',
  'ELSE',
  'EMIT',
  'END',
  'FALSE',
  'FROM',
  'GROUP',
  'HAVING',
  'IN',
  'INTERVAL',
  'IS',
  'LIKE',
  'LIMIT',
  'NOT',
  'NULL',
  'OR',
  'ORDER',
  'SELECT',
  'THEN',
  'TRUE',
  'WHEN',
  'WHERE',
  'WITH',
]);

/**
 * DISTINCT and ALL are reserved although the dialect has no use for them, so that `SELECT DISTINCT
 * a` is an error rather than a column `distinct` aliased `a`.
 */
export function isReserved(word: string): boolean {
  return RESERVED_WORDS.has(word.toUpperCase());
}
