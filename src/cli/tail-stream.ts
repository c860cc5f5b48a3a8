import { HIGHLIGHT_MS, type ScreenSource } from './tail-screen.ts';
import type { WatchContext } from './tail-watch.ts';

/**
 * Subscribes to a stream's events. Not live: each event as one JSON line on stdout. Live: the
 * newest events, as many as the terminal shows, each highlighted for a moment after it arrives.
 * Events accepted while the connection was down are not received (a stream has no history to
 * resume from); stderr says so when not live.
 */
export function watchStream(context: WatchContext): ScreenSource | undefined {
  const { target, live } = context;
  const recent: { event: Record<string, unknown>; atMs: number }[] = [];
  const keep = (): number => Math.max(1, (process.stdout.rows ?? 24) - 5);
  const subscription = context.client.subscribe(
    { stream: target.name },
    { where: target.where },
    (events) => {
      if (!live) {
        process.stdout.write(events.map((event) => `${JSON.stringify(event)}\n`).join(''));
        return;
      }
      const atMs = performance.now();
      for (const event of events) recent.push({ event, atMs });
      recent.splice(0, Math.max(0, recent.length - keep()));
      context.changed();
    },
  );
  subscription.on('error', (error) => context.failed(error));
  subscription.on('reset', () => {
    if (!live) process.stderr.write('vane tail: events sent while disconnected were missed\n');
  });
  if (!live) return undefined;
  const columns = target.columns.map((column) => column.name);
  return {
    title: () => context.title(recent.length),
    columns: () => columns,
    rows: () => recent.map((item) => item.event),
    highlighted: (index) =>
      context.colour && performance.now() - (recent[index]?.atMs ?? -Infinity) < HIGHLIGHT_MS,
    keepLast: true,
  };
}
