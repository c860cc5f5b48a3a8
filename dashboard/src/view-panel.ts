import type { LiveTable, OrderBy, VaneClient, ViewInfo } from '../../src/client/index.ts';
import { el } from './dom.ts';
import { frameScheduler } from './frame-scheduler.ts';
import { RowTable, isNumeric } from './row-table.ts';
import { seriesKeyColumns, seriesLabel } from './row-keys.ts';
import { SeriesChart } from './series-chart.ts';

type Row = Record<string, unknown>;

/** Rows shown at most: a top-N subscription of this many, in the chosen order. */
export const ROW_LIMIT = 100;
const SAMPLE_MS = 200;

/**
 * One view, live: a top-N subscription (ROW_LIMIT rows, ordered by a column the user picks by
 * clicking its header), shown as a table that updates in place and as a chart of one numeric
 * column per group. Table renders are batched per animation frame; the chart samples the table
 * every SAMPLE_MS. Showing another view ends this view's subscription.
 */
export class ViewPanel {
  private view: ViewInfo | undefined;
  private table: LiveTable<Row> | undefined;
  private rowTable: RowTable | undefined;
  private order: [string, 'asc' | 'desc'] | undefined;
  private chartColumn: string | undefined;
  private readonly chart: SeriesChart;
  private readonly chartBox = el('div', { class: 'chart' });
  private readonly legendBox = el('div', { class: 'legend' });
  private readonly tableBox = el('div', { class: 'table-box' });
  private readonly heading = el('div', { class: 'view-heading' });
  private readonly columnPicker = el('select', {
    class: 'column-picker',
    'aria-label': 'Chart column',
  });
  private readonly count = el('span', { class: 'row-count' });
  private sampler: ReturnType<typeof setInterval> | undefined;
  private quietNext = true;
  private readonly renderSoon = frameScheduler(() => this.renderRows());

  constructor(
    private readonly container: HTMLElement,
    private readonly client: VaneClient,
  ) {
    this.chart = new SeriesChart(this.chartBox, this.legendBox);
    this.columnPicker.addEventListener('change', () => {
      this.chartColumn = this.columnPicker.value;
      this.chart.reset();
    });
    container.replaceChildren(
      this.heading,
      el(
        'div',
        { class: 'chart-section' },
        el('div', { class: 'section-bar' }, el('h3', { text: 'Trend' }), this.columnPicker),
        this.chartBox,
        this.legendBox,
      ),
      el(
        'div',
        { class: 'table-section' },
        el('div', { class: 'section-bar' }, el('h3', { text: 'Rows' }), this.count),
        this.tableBox,
      ),
    );
    this.showEmpty();
  }

  get current(): string | undefined {
    return this.view?.name;
  }

  show(view: ViewInfo): void {
    this.view = view;
    const numeric = view.columns.filter(
      (column) => isNumeric(column) && !view.key.includes(column.name),
    );
    this.chartColumn = numeric[0]?.name;
    this.columnPicker.replaceChildren(
      ...numeric.map((column) => el('option', { value: column.name, text: column.name })),
    );
    this.columnPicker.disabled = numeric.length === 0;
    this.heading.replaceChildren(
      el('h1', { text: view.name }),
      el(
        'div',
        { class: 'view-meta' },
        chip('key', view.key.join(', ') || '(one row)'),
        chip('window', view.window),
        chip('emit', `${view.emit} · ${view.emitIntervalMs} ms`),
        chip('from', view.stream),
      ),
    );
    this.order = view.key.includes('window_start')
      ? ['window_start', 'desc']
      : view.key[0] === undefined
        ? undefined
        : [view.key[0], 'asc'];
    this.subscribe();
  }

  private subscribe(): void {
    const view = this.view;
    if (view === undefined) return;
    this.table?.unsubscribe();
    this.chart.reset();
    this.rowTable = new RowTable(view.columns, view.key, (column) => this.orderBy(column));
    this.rowTable.showOrder(this.order?.[0], this.order?.[1] ?? 'asc');
    this.tableBox.replaceChildren(this.rowTable.element);
    const orderBy: OrderBy<Row> | undefined = this.order === undefined ? undefined : [this.order];
    const table = this.client.subscribe<string>(
      view.name,
      orderBy === undefined ? {} : { orderBy, limit: ROW_LIMIT },
    );
    this.table = table;
    this.quietNext = true;
    table.on('change', (change) => {
      if (change.snapshot) this.quietNext = true;
      this.renderSoon();
    });
    table.on('error', (error) => {
      if (this.table !== table) return;
      this.tableBox.replaceChildren(el('p', { class: 'error', text: error.message }));
    });
    clearInterval(this.sampler);
    this.sampler = setInterval(() => this.sample(), SAMPLE_MS);
  }

  /** A header click: order by that column, descending first; a second click flips it. */
  private orderBy(column: string): void {
    const direction = this.order?.[0] === column && this.order[1] === 'desc' ? 'asc' : 'desc';
    this.order = [column, direction];
    this.subscribe();
  }

  private renderRows(): void {
    const table = this.table;
    if (table === undefined || this.rowTable === undefined) return;
    const rows = table.rows().slice(0, ROW_LIMIT);
    this.rowTable.render(rows, this.quietNext);
    this.quietNext = false;
    this.count.textContent = `${table.size} row${table.size === 1 ? '' : 's'}`;
  }

  /** One chart point per group: the value of its newest window (or its only row). */
  private sample(): void {
    const table = this.table;
    const view = this.view;
    const column = this.chartColumn;
    if (table === undefined || view === undefined || column === undefined || table.size === 0)
      return;
    const groupColumns = seriesKeyColumns(view.key);
    const newest = new Map<string, Row>();
    for (const row of table.rows()) {
      const label = seriesLabel(row, groupColumns);
      const seen = newest.get(label);
      if (seen === undefined || String(row['window_start']) > String(seen['window_start'])) {
        newest.set(label, row);
      }
    }
    const sample = new Map<string, number | null>();
    for (const [label, row] of newest) {
      const value = row[column];
      sample.set(label, typeof value === 'number' ? value : null);
    }
    this.chart.push(performance.timeOrigin + performance.now(), sample);
  }

  private showEmpty(): void {
    this.heading.replaceChildren(
      el('h1', { text: 'No view selected' }),
      el('p', {
        class: 'muted',
        text: 'Pick a view on the left, or create one in the SQL console.',
      }),
    );
  }
}

function chip(label: string, value: string): HTMLElement {
  return el('span', { class: 'chip' }, el('b', { text: label }), ` ${value}`);
}
