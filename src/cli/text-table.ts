/**
 * Plain-text tables for the terminal: a header, a rule, one line per row, columns padded to their
 * widest cell, numbers right-aligned. Pure: the callers decide where the text goes.
 */

export interface TableOptions {
  /** Cells wider than this are cut with '…' (default: no limit). */
  maxCellWidth?: number;
}

/** One cell's text: NULL for null/absent, JSON for objects, control characters escaped. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return escapeControl(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return escapeControl(JSON.stringify(value));
}

/** The lines of a table (no trailing newline on any). */
export function renderTable(
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
  options: TableOptions = {},
): string[] {
  const cut = (text: string): string => truncate(text, options.maxCellWidth ?? Infinity);
  const header = columns.map((column) => cut(escapeControl(column)));
  const cells = rows.map((row) => columns.map((column) => cut(cellText(row[column]))));
  const numeric = columns.map((column) =>
    rows.some((row) => typeof row[column] === 'number')
      ? rows.every((row) => typeof row[column] === 'number' || row[column] == null)
      : false,
  );
  const widths = header.map((title, c) =>
    Math.max(displayWidth(title), ...cells.map((line) => displayWidth(line[c]!))),
  );
  const line = (texts: readonly string[], alignNumbers: boolean): string =>
    texts
      .map((text, c) =>
        alignNumbers && numeric[c] ? padStart(text, widths[c]!) : padEnd(text, widths[c]!),
      )
      .join('  ')
      .trimEnd();
  return [
    line(header, false),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...cells.map((texts) => line(texts, true)),
  ];
}

/** Columns in the order the server listed them, else the keys of the rows in first-seen order. */
export function columnNames(
  columns: readonly { name: string }[] | undefined,
  rows: readonly Record<string, unknown>[],
): string[] {
  if (columns !== undefined && columns.length > 0) return columns.map((column) => column.name);
  const names = new Set<string>();
  for (const row of rows) for (const name of Object.keys(row)) names.add(name);
  return [...names];
}

/** Terminal columns a string takes: one per code point (wide CJK glyphs are not measured). */
export function displayWidth(text: string): number {
  let width = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xdc00 || unit > 0xdfff) width++;
  }
  return width;
}

/** Cuts to `width` code points, marking the cut with '…'. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  return `${[...text].slice(0, width - 1).join('')}…`;
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}

/** Newlines, tabs and other control characters would break the grid: show them escaped. */
function escapeControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (char) => {
    if (char === '\n') return '\\n';
    if (char === '\t') return '\\t';
    if (char === '\r') return '\\r';
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
