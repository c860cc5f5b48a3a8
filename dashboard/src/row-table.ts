import type { WireColumn } from '../../src/client/index.ts';
import { el, flash } from './dom.ts';
import { formatCell, titleOf } from './format.ts';
import { rowId } from './row-keys.ts';

type Row = Record<string, unknown>;

/**
 * A table of a view's rows that updates in place: each row keeps its `<tr>` (found by key), a
 * cell is rewritten only when its text changes, and a changed cell (or a new row) flashes. Rows
 * are re-ordered by moving existing nodes, never by rebuilding, so a render after a delta costs
 * about the number of cells shown.
 */
export class RowTable {
  readonly element: HTMLTableElement;
  private readonly body = el('tbody');
  private readonly rowsById = new Map<string, HTMLTableRowElement>();
  private readonly header: HTMLTableSectionElement;

  constructor(
    private readonly columns: readonly WireColumn[],
    private readonly key: readonly string[],
    onHeaderClick?: (column: string) => void,
  ) {
    const cells = columns.map((column) => {
      const th = el('th', {
        'data-column': column.name,
        class: isNumeric(column) ? 'num' : undefined,
        title: `${column.name} · ${column.type}${key.includes(column.name) ? ' · key' : ''}`,
        text: column.name,
      });
      if (onHeaderClick !== undefined)
        th.addEventListener('click', () => onHeaderClick(column.name));
      return th;
    });
    this.header = el('thead', {}, el('tr', {}, ...cells));
    this.element = el('table', { class: 'rows' }, this.header, this.body);
  }

  /** Marks the column the rows are ordered by (an arrow in its header). */
  showOrder(column: string | undefined, direction: 'asc' | 'desc'): void {
    for (const th of this.header.querySelectorAll<HTMLElement>('th')) {
      const ordered = th.dataset['column'] === column;
      th.classList.toggle('ordered', ordered);
      th.dataset['direction'] = ordered ? direction : '';
    }
  }

  /** Shows exactly `rows`, in order; `quiet` (a fresh snapshot) renders without flashing. */
  render(rows: readonly Row[], quiet: boolean): void {
    const seen = new Set<string>();
    let previous: HTMLTableRowElement | null = null;
    for (const row of rows) {
      const id = rowId(row, this.key);
      seen.add(id);
      let tr = this.rowsById.get(id);
      if (tr === undefined) {
        tr = this.createRow(row, id);
        this.rowsById.set(id, tr);
        if (!quiet) flash(tr, 'new');
      } else {
        this.updateRow(tr, row, quiet);
      }
      const expected: ChildNode | null =
        previous === null ? this.body.firstChild : previous.nextSibling;
      if (expected !== tr) this.body.insertBefore(tr, expected);
      previous = tr;
    }
    for (const [id, tr] of this.rowsById) {
      if (seen.has(id)) continue;
      tr.remove();
      this.rowsById.delete(id);
    }
  }

  private createRow(row: Row, id: string): HTMLTableRowElement {
    return el(
      'tr',
      { 'data-key': id },
      ...this.columns.map((column) => {
        const value = row[column.name];
        return el('td', {
          class: isNumeric(column) ? 'num' : undefined,
          title: titleOf(value),
          text: formatCell(value),
        });
      }),
    );
  }

  private updateRow(tr: HTMLTableRowElement, row: Row, quiet: boolean): void {
    this.columns.forEach((column, index) => {
      const td = tr.cells[index];
      if (td === undefined) return;
      const text = formatCell(row[column.name]);
      if (td.textContent === text) return;
      td.textContent = text;
      td.title = titleOf(row[column.name]);
      if (!quiet) flash(td);
    });
  }
}

export function isNumeric(column: WireColumn): boolean {
  return column.type === 'DOUBLE' || column.type === 'BIGINT';
}
