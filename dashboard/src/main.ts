import { connect, type Catalog, type ViewInfo } from '../../src/client/index.ts';
import { AlertsPanel } from './alerts-panel.ts';
import { isAlertView } from './alert-views.ts';
import { CatalogList } from './catalog-list.ts';
import { showConnectionState } from './connection-badge.ts';
import { byId } from './dom.ts';
import { SqlConsole } from './sql-console.ts';
import { renderStats } from './stats-bar.ts';
import { ViewPanel } from './view-panel.ts';
// Last, so its rules come after uPlot's in the bundled CSS and restyle the chart.
import './styles.css';

/** How often the stats (rates) are polled; the catalog is re-read when their names change. */
const POLL_MS = 1_000;

/**
 * The dashboard: connects to the server that served the page (`/v1/ws` on the same origin; a
 * `?token=` in the page's URL is passed on for servers with auth) and wires the panels to the
 * SDK. The selected view is kept in the URL hash (`#view=name`), so a view can be linked.
 */
function start(): void {
  const page = new URL(location.href);
  const token = page.searchParams.get('token') ?? undefined;
  const wsUrl = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/v1/ws`;
  const badge = byId('connection');
  const client = connect(wsUrl, {
    token,
    heartbeatMs: 5_000,
    reconnect: { initialDelayMs: 250, maxDelayMs: 3_000 },
    onStateChange: (state, error) => {
      showConnectionState(badge, state, error?.message);
      if (state === 'open') void refresh(true);
    },
  });
  showConnectionState(badge, client.state);

  let catalog: Catalog = { streams: [], views: [] };
  const viewPanel = new ViewPanel(byId('view'), client);
  const alerts = new AlertsPanel(byId('alerts'), client);
  const list = new CatalogList(byId('catalog'), (name) => select(name));
  new SqlConsole(byId('console'), client, () => void refresh(true));

  function select(name: string | undefined): void {
    const view = catalog.views.find((candidate) => candidate.name === name);
    if (view === undefined) return;
    history.replaceState(null, '', `#view=${encodeURIComponent(view.name)}`);
    list.select(view.name);
    if (viewPanel.current !== view.name) viewPanel.show(view);
  }

  function wantedView(): string | undefined {
    const match = /^#view=(.+)$/.exec(location.hash);
    if (match !== null) return decodeURIComponent(match[1]!);
    return firstInteresting(catalog.views)?.name;
  }

  let refreshing = false;
  async function refresh(reloadCatalog: boolean): Promise<void> {
    if (refreshing) return;
    refreshing = true;
    try {
      const stats = await client.stats();
      renderStats(byId('stats'), stats);
      const known = names(catalog);
      const current = [...stats.streams, ...stats.views].map((entry) => entry.name);
      if (reloadCatalog || current.length !== known.size || current.some((n) => !known.has(n))) {
        catalog = await client.catalog();
        list.render(catalog);
        alerts.watch(catalog.views.filter(isAlertView));
        const stillThere = catalog.views.some((view) => view.name === viewPanel.current);
        if (!stillThere || viewPanel.current === undefined) select(wantedView());
      }
      list.updateRates(stats);
    } catch {
      // Offline or refused: the connection badge says so; the next poll tries again.
    } finally {
      refreshing = false;
    }
  }

  setInterval(() => void refresh(false), POLL_MS);
  void refresh(true);
}

function names(catalog: Catalog): Set<string> {
  return new Set([...catalog.streams, ...catalog.views].map((entry) => entry.name));
}

/** The view shown first: a non-alert view if there is one. */
function firstInteresting(views: readonly ViewInfo[]): ViewInfo | undefined {
  return views.find((view) => !isAlertView(view)) ?? views[0];
}

start();
