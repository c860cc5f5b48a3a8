import type { ConnectionState } from '../../src/client/index.ts';

const LABELS: Record<ConnectionState, string> = {
  connecting: 'connecting',
  open: 'live',
  reconnecting: 'reconnecting…',
  closed: 'disconnected',
};

/**
 * Shows the SDK's connection state. `data-state` carries the raw state (styles and the browser
 * tests read it); the SDK reconnects and resumes by itself, the badge only reports.
 */
export function showConnectionState(
  badge: HTMLElement,
  state: ConnectionState,
  reason?: string,
): void {
  badge.dataset['state'] = state;
  badge.textContent = LABELS[state];
  badge.title = reason ?? '';
}
