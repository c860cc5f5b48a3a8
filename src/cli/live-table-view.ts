import { cellText, displayWidth, padEnd, padStart, truncate } from './text-table.ts';

/**
 * The live table `vane tail` draws on a terminal: one frame of lines that fits `width` ×
 * `height`. Columns that do not fit are left out (the footer counts them), rows beyond the height
 * too. Pure: ANSI codes only for highlighted cells, the caller moves the cursor.
 */
export interface LiveFrameInput {
  title: string;
  columns: readonly string[];
  rows: readonly Record<string, unknown>[];
  width: number;
  height: number;
  /** Whether a cell changed recently (drawn highlighted). */
  highlighted?: (rowIndex: number, column: string) => boolean;
  /** Keep the last rows rather than the first when they do not all fit (a stream's newest). */
  keepLast?: boolean;
}

const MAX_CELL_WIDTH = 40;
const HIGHLIGHT_ON = '\x1b[7m';
const HIGHLIGHT_OFF = '\x1b[27m';
const GAP = '  ';

export function liveFrame(input: LiveFrameInput): string[] {
  const { columns, width } = input;
  // No cell wider than the terminal: the first column is always shown, and must not wrap.
  const maxCell = Math.max(1, Math.min(MAX_CELL_WIDTH, width));
  const texts = input.rows.map((row) =>
    columns.map((column) => truncate(cellText(row[column]), maxCell)),
  );
  const numeric = columns.map((column) =>
    input.rows.some((row) => typeof row[column] === 'number'),
  );
  const widths = columns.map((column, c) =>
    Math.max(
      displayWidth(truncate(column, maxCell)),
      ...texts.map((cells) => displayWidth(cells[c]!)),
    ),
  );
  let used = 0;
  let shown = 0;
  while (shown < columns.length) {
    const next = used + (shown === 0 ? 0 : GAP.length) + widths[shown]!;
    if (next > width && shown > 0) break;
    used = next;
    shown++;
  }
  // Title, header, rule and footer, plus one line for the cursor below the frame.
  const bodyRows = Math.max(0, input.height - 5);
  const from = input.keepLast === true ? Math.max(0, texts.length - bodyRows) : 0;
  const visible = texts.slice(from, from + bodyRows);
  const cut = (line: string): string => truncate(line, width);
  const header = columns
    .slice(0, shown)
    .map((column, c) => padEnd(truncate(column, maxCell), widths[c]!))
    .join(GAP)
    .trimEnd();
  const rule = widths
    .slice(0, shown)
    .map((w) => '-'.repeat(w))
    .join(GAP);
  const body = visible.map((cells, i) =>
    cells
      .slice(0, shown)
      .map((text, c) => {
        const padded = numeric[c] ? padStart(text, widths[c]!) : padEnd(text, widths[c]!);
        const lit = input.highlighted?.(from + i, columns[c]!) === true;
        return lit ? `${HIGHLIGHT_ON}${padded}${HIGHLIGHT_OFF}` : padded;
      })
      .join(GAP)
      .trimEnd(),
  );
  const hiddenRows = texts.length - visible.length;
  const notes: string[] = [];
  if (hiddenRows > 0) notes.push(`${hiddenRows} more rows`);
  if (shown < columns.length) notes.push(`${columns.length - shown} more columns (wider terminal)`);
  return [
    cut(input.title),
    cut(header),
    cut(rule),
    ...body,
    notes.length > 0 ? cut(`… ${notes.join(', ')}`) : '',
  ];
}
