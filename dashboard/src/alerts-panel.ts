import type { LiveTable, VaneClient, ViewInfo } from '../../src/client/index.ts';
import { el, flash } from './dom.ts';
import { formatCell } from './format.ts';
import { rowId } from './row-keys.ts';

type Row = Record<string, unknown>;

/** Alerts kept in the list; older ones fall off. */
const MAX_ALERTS = 50;

interface AlertEntry {
  item: HTMLLIElement;
  values: HTMLElement;
}

/**
 * Alerts as they appear: every alert view (see isAlertView) is subscribed, a row that appears is
 * a new alert at the top of the list, an update refreshes it, and a delete (the condition no
 * longer holds, or its window was dropped) marks it resolved. Rows present at subscription time
 * are listed as already active, without a flash.
 */
export class AlertsPanel {
  private readonly list = el('ul', { class: 'alert-list' });
  private readonly empty = el('p', { class: 'muted', text: 'No alerts.' });
  private readonly summary = el('span', { class: 'alert-count', text: '0 active' });
  private readonly tables = new Map<string, LiveTable<Row>>();
  private readonly entries = new Map<string, AlertEntry>();

  constructor(
    container: HTMLElement,
    private readonly client: VaneClient,
  ) {
    container.replaceChildren(
      el('div', { class: 'section-bar' }, el('h2', { text: 'Alerts' }), this.summary),
      this.list,
      this.empty,
    );
  }

  /** Follows exactly these alert views: subscribes to new ones, ends dropped ones. */
  watch(views: readonly ViewInfo[]): void {
    const names = new Set(views.map((view) => view.name));
    for (const [name, table] of this.tables) {
      if (names.has(name)) continue;
      table.unsubscribe();
      this.tables.delete(name);
    }
    for (const view of views) {
      if (this.tables.has(view.name)) continue;
      const table = this.client.subscribe<string>(view.name);
      this.tables.set(view.name, table);
      let first = true;
      table.on('change', (change) => {
        const quiet = first;
        first = false;
        for (const row of change.upserts) this.upsert(view, row, table.key, quiet);
        for (const row of change.deletes) this.resolve(view, row, table.key);
        this.updateSummary();
      });
    }
    this.updateSummary();
  }

  private upsert(view: ViewInfo, row: Row, key: readonly string[], quiet: boolean): void {
    const id = `${view.name}:${rowId(row, key)}`;
    const text = describe(view, row, key);
    const known = this.entries.get(id);
    if (known !== undefined && !known.item.classList.contains('resolved')) {
      known.values.textContent = text;
      return;
    }
    known?.item.remove();
    const values = el('span', { class: 'alert-values', text });
    const time = new Date().toLocaleTimeString('en-GB');
    const item = el(
      'li',
      { class: 'alert', 'data-view': view.name, 'data-key': rowId(row, key) },
      el(
        'div',
        { class: 'alert-head' },
        el('span', { class: 'alert-dot' }),
        el('span', { class: 'alert-name', text: view.name }),
        el('time', { text: time }),
      ),
      el('span', {
        class: 'alert-group',
        text: key.map((column) => formatCell(row[column])).join(' · '),
      }),
      values,
    );
    this.list.prepend(item);
    this.entries.set(id, { item, values });
    if (!quiet) flash(item, 'alert');
    while (this.list.children.length > MAX_ALERTS) {
      const last = this.list.lastElementChild as HTMLElement;
      this.entries.delete(`${last.dataset['view']}:${last.dataset['key']}`);
      last.remove();
    }
  }

  private resolve(view: ViewInfo, row: Row, key: readonly string[]): void {
    this.entries.get(`${view.name}:${rowId(row, key)}`)?.item.classList.add('resolved');
  }

  private updateSummary(): void {
    const active = this.list.querySelectorAll('li.alert:not(.resolved)').length;
    this.summary.textContent = `${active} active`;
    this.summary.classList.toggle('firing', active > 0);
    this.empty.hidden = this.list.children.length > 0;
    if (this.tables.size === 0) {
      this.empty.textContent = 'No alert views. A view with HAVING, or named alert_…, shows here.';
    } else {
      this.empty.textContent = 'No alerts.';
    }
  }
}

/** The non-key columns of an alert row: `avg_temp 84.2 · n 12`. */
function describe(view: ViewInfo, row: Row, key: readonly string[]): string {
  return view.columns
    .filter((column) => !key.includes(column.name) && column.name !== 'window_end')
    .map((column) => `${column.name} ${formatCell(row[column.name])}`)
    .join(' · ');
}
