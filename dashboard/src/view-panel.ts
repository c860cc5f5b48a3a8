import { rowComparator } from '../../src/client/index.ts';
import type { LiveTable, OrderBy, VaneClient, ViewInfo } from '../../src/client/index.ts';
import { el } from './dom.ts';
import { frameScheduler } from './frame-scheduler.ts';
import { RowTable, isNumeric } from './row-table.ts';
import { seriesKeyColumns, seriesLabel } from './row-keys.ts';
import { SeriesChart } from './series-chart.ts';

type Row = Record<string, unknown>;

/** Rows shown at most, in the chosen order. */
export const ROW_LIMIT = 100;
/**
 * A view of up to this many rows is followed whole and ordered here: that subscription resumes
 * from its offset after a reconnect. Past it the panel switches to a server-side top-N of
 * ROW_LIMIT rows, which the server always restarts with a fresh snapshot (docs/protocol.md).
 */
export const FULL_VIEW_MAX_ROWS = 5_000;
const SAMPLE_MS = 200;

/** How the table came back after a reconnect: from its offset, or as a fresh snapshot. */
export type Continuity = 'resumed' | 'reloaded';

/**
 * One view, live: a subscription to the whole view (or, for a view of more than
 * FULL_VIEW_MAX_ROWS rows, a server-side top-N), shown as a table of ROW_LIMIT rows ordered by
 * a column the user picks by clicking its header, that updates in place, and as a chart of one
 * numeric column per group. Table renders are batched per animation frame; the chart samples the
 * table every SAMPLE_MS. Showing another view ends this view's subscription.
 *
 * After a reconnect the SDK's `resubscribed` says whether the server resumed the subscription
 * from its offset (`recovered: true`) or reloaded it (a fresh snapshot: a server restart, history
 * too short, a top-N); a gap in the frames (`reset`) reloads it too. The Rows bar shows which,
 * and keeps a count of each in `data-resumed` and `data-reloaded` (the browser tests read them).
 */
export class ViewPanel {
  private view: ViewInfo | undefined;
  private table: LiveTable<Row> | undefined;
  private rowTable: RowTable | undefined;
  private order: [string, 'asc' | 'desc'] | undefined;
  /** 'full': the whole view, ordered here; 'top': the server's top-N (a large view). */
  private mode: 'full' | 'top' = 'full';
  private compare: ((a: Row, b: Row) => number) | undefined;
  /** Views found larger than FULL_VIEW_MAX_ROWS: shown as a top-N from the start next time. */
  private readonly largeViews = new Set<string>();
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
  private readonly continuity = el('span', {
    class: 'continuity',
    'data-resumed': 0,
    'data-reloaded': 0,
  });
  private resumed = 0;
  private reloaded = 0;
  /** The rows the table shows (ordered, at most ROW_LIMIT), as last rendered; the chart's too. */
  private shownRows: Row[] = [];
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
      this.shownRows = [];
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
        el(
          'div',
          { class: 'section-bar' },
          el('h3', { text: 'Rows' }),
          this.continuity,
          this.count,
        ),
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
    this.mode = this.largeViews.has(view.name) ? 'top' : 'full';
    this.continuity.textContent = '';
    delete this.continuity.dataset['continuity'];
    this.subscribe();
  }

  private subscribe(): void {
    const view = this.view;
    if (view === undefined) return;
    this.table?.unsubscribe();
    this.chart.reset();
    this.container.dataset['mode'] = this.mode;
    this.rowTable = new RowTable(view.columns, view.key, (column) => this.orderBy(column));
    this.showOrder();
    this.tableBox.replaceChildren(this.rowTable.element);
    const orderBy: OrderBy<Row> | undefined = this.order === undefined ? undefined : [this.order];
    const table = this.client.subscribe<string>(
      view.name,
      this.mode === 'top' && orderBy !== undefined ? { orderBy, limit: ROW_LIMIT } : {},
    );
    this.table = table;
    this.quietNext = true;
    table.on('change', (change) => {
      if (this.mode === 'full' && table.size > FULL_VIEW_MAX_ROWS) {
        this.largeViews.add(view.name);
        this.mode = 'top';
        this.subscribe();
        return;
      }
      if (change.snapshot) this.quietNext = true;
      this.renderSoon();
    });
    // After a reconnect the SDK says whether the server resumed from the table's offset.
    table.on('resubscribed', (recovered) =>
      this.showContinuity(recovered ? 'resumed' : 'reloaded'),
    );
    // A gap in the frames: the SDK starts over with a fresh snapshot.
    table.on('reset', () => this.showContinuity('reloaded'));
    table.on('error', (error) => {
      if (this.table !== table) return;
      this.tableBox.replaceChildren(el('p', { class: 'error', text: error.message }));
    });
    clearInterval(this.sampler);
    this.sampler = setInterval(() => this.sample(), SAMPLE_MS);
  }

  /**
   * A header click: order by that column, descending first; a second click flips it. The whole
   * view is re-ordered here at once; a top-N is subscribed again in the new order.
   */
  private orderBy(column: string): void {
    const direction = this.order?.[0] === column && this.order[1] === 'desc' ? 'asc' : 'desc';
    this.order = [column, direction];
    if (this.mode === 'top') {
      this.subscribe();
      return;
    }
    this.showOrder();
    this.renderSoon();
  }

  private showOrder(): void {
    const order = this.order;
    this.compare =
      order === undefined || this.view === undefined
        ? undefined
        : rowComparator([{ column: order[0], descending: order[1] === 'desc' }], this.view.key);
    this.rowTable?.showOrder(order?.[0], order?.[1] ?? 'asc');
  }

  private renderRows(): void {
    const table = this.table;
    if (table === undefined || this.rowTable === undefined) return;
    let rows = table.rows();
    // A top-N arrives in order (the SDK keeps it so); the whole view is ordered here.
    if (this.mode === 'full' && this.compare !== undefined) rows.sort(this.compare);
    rows = rows.slice(0, ROW_LIMIT);
    this.shownRows = rows;
    this.rowTable.render(rows, this.quietNext);
    this.quietNext = false;
    const size = table.size;
    this.count.textContent =
      this.mode === 'top'
        ? `top ${ROW_LIMIT} of a large view`
        : size > ROW_LIMIT
          ? `${ROW_LIMIT} of ${size} rows`
          : `${size} row${size === 1 ? '' : 's'}`;
  }

  private showContinuity(kind: Continuity): void {
    if (kind === 'resumed') this.resumed += 1;
    else this.reloaded += 1;
    const time = new Date().toLocaleTimeString('en-GB');
    this.continuity.dataset['continuity'] = kind;
    this.continuity.dataset['resumed'] = String(this.resumed);
    this.continuity.dataset['reloaded'] = String(this.reloaded);
    this.continuity.textContent = `${kind} ${time}`;
    this.continuity.title =
      kind === 'resumed'
        ? 'Resumed from its offset after a reconnect: the server sent only the missed changes.'
        : 'Reloaded from a fresh snapshot: the server restarted, its history no longer reached ' +
          'back, the view is a top-N, or frames were missed.';
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
    // The rows the table shows: the chart follows the same groups, in the same order.
    for (const row of this.shownRows) {
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
