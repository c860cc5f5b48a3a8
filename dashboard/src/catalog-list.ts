import type { Catalog, ServerStats } from '../../src/client/index.ts';
import { isAlertView } from './alert-views.ts';
import { el } from './dom.ts';
import { formatRate } from './format.ts';

/**
 * The sidebar: streams with events/s and views with changes/s. Rebuilt when the catalog changes;
 * the rates are updated in place every second. Clicking a view selects it.
 */
export class CatalogList {
  private readonly rateCells = new Map<string, HTMLElement>();
  private selected: string | undefined;

  constructor(
    private readonly container: HTMLElement,
    private readonly onSelect: (view: string) => void,
  ) {}

  render(catalog: Catalog): void {
    this.rateCells.clear();
    const streams = catalog.streams.map((stream) =>
      this.item('stream', stream.name, `${stream.columns.length} columns`, 'ev/s'),
    );
    const views = catalog.views.map((view) => {
      const item = this.item(
        'view',
        view.name,
        view.window === 'none' ? `from ${view.stream}` : `${view.window} · ${view.stream}`,
        'chg/s',
        isAlertView(view),
      );
      item.addEventListener('click', () => this.onSelect(view.name));
      return item;
    });
    this.container.replaceChildren(
      el('h2', { text: 'Streams' }),
      el('ul', { class: 'catalog-list', 'data-list': 'streams' }, ...streams),
      el('h2', { text: 'Views' }),
      el('ul', { class: 'catalog-list', 'data-list': 'views' }, ...views),
    );
    if (catalog.streams.length + catalog.views.length === 0) {
      this.container.append(
        el('p', { class: 'muted', text: 'No streams yet: create one in the SQL console.' }),
      );
    }
    this.select(this.selected);
  }

  updateRates(stats: ServerStats): void {
    for (const stream of stats.streams) {
      this.setRate(`stream:${stream.name}`, stream.eventsPerSecond);
    }
    for (const view of stats.views) this.setRate(`view:${view.name}`, view.changesPerSecond);
  }

  select(view: string | undefined): void {
    this.selected = view;
    for (const item of this.container.querySelectorAll<HTMLElement>('li[data-kind="view"]')) {
      item.classList.toggle('selected', item.dataset['name'] === view);
    }
  }

  private setRate(id: string, perSecond: number): void {
    const cell = this.rateCells.get(id);
    if (cell === undefined) return;
    cell.textContent = formatRate(perSecond);
    cell.classList.toggle('idle', perSecond === 0);
  }

  private item(
    kind: 'stream' | 'view',
    name: string,
    detail: string,
    unit: string,
    alert = false,
  ): HTMLLIElement {
    const rate = el('span', { class: 'rate idle', text: '0' });
    this.rateCells.set(`${kind}:${name}`, rate);
    return el(
      'li',
      { 'data-kind': kind, 'data-name': name, class: alert ? 'alert-view' : undefined },
      el(
        'div',
        { class: 'item-main' },
        el('span', { class: 'item-name', text: name }),
        el('span', { class: 'item-detail', text: detail }),
      ),
      el('div', { class: 'item-rate' }, rate, el('span', { class: 'unit', text: unit })),
    );
  }
}
