/**
 * The line of a text that an error points at, with a caret under the column, as compilers print
 * it. Pure. Tabs before the column are kept in the caret line so the caret stays aligned.
 *
 *   --> schema.sql:3:14
 *    3 | SELECT price FRM trades
 *      |              ^
 */
export function sourcePointer(
  text: string,
  line: number,
  column: number,
  source: string,
): string[] | undefined {
  const lines = text.split(/\r?\n/);
  const offending = lines[line - 1];
  if (offending === undefined || column < 1) return undefined;
  const gutter = String(line).length;
  const lead = [...offending]
    .slice(0, column - 1)
    .map((char) => (char === '\t' ? '\t' : ' '))
    .join('');
  return [
    `${' '.repeat(gutter)}--> ${source}:${line}:${column}`,
    `${line} | ${offending}`,
    `${' '.repeat(gutter)} | ${lead}^`,
  ];
}
