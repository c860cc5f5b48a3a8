import type { ServerStats } from '../../src/client/index.ts';
import { el } from './dom.ts';
import { formatMs, formatRate } from './format.ts';

/** The server-wide numbers in the top bar, one labelled figure each. */
export function renderStats(container: HTMLElement, stats: ServerStats): void {
  const ack = stats.ackLatencyMs;
  const figures: [string, string, string][] = [
    ['events-per-second', 'events/s', formatRate(stats.eventsPerSecond)],
    ['changes-per-second', 'changes/s', formatRate(stats.changesPerSecond)],
    ['connections', 'connections', String(stats.connections)],
    ['subscriptions', 'subscribers', String(stats.subscriptions)],
    ['ack-p50', 'ack p50', ack === null ? '—' : formatMs(ack.p50)],
    ['ack-p99', 'ack p99', ack === null ? '—' : formatMs(ack.p99)],
  ];
  container.replaceChildren(
    ...figures.map(([name, label, value]) =>
      el(
        'div',
        { class: 'stat', 'data-stat': name },
        el('span', { class: 'stat-value', text: value }),
        el('span', { class: 'stat-label', text: label }),
      ),
    ),
  );
}
