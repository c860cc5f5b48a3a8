/**
 * What every peer server process shares: its port from argv, a `listening` message to the
 * benchmark over IPC once it accepts connections, and its exit when the benchmark goes away
 * (IPC disconnect) or stops it (SIGTERM).
 */

export interface PeerListening {
  kind: 'listening';
}

/** The port the orchestrator chose (`node peer.ts <port>`). */
export function peerPort(): number {
  const port = Number(process.argv[2]);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`usage: peer <port>, got ${port}`);
  return port;
}

export function announceListening(): void {
  const message: PeerListening = { kind: 'listening' };
  process.send?.(message);
}

/** Exits with the benchmark; `close` gets a moment to close sockets first. */
export function exitWithParent(close: () => void): void {
  const exit = (): void => {
    try {
      close();
    } finally {
      process.exit(0);
    }
  };
  process.on('disconnect', exit);
  process.on('SIGTERM', exit);
}

/**
 * Calls `emit` every interval, like a view's emit interval: a chained timeout on a fixed
 * schedule, so a slow emission delays the next one instead of queueing several.
 */
export function everyInterval(intervalMs: number, emit: () => void): void {
  let next = performance.now() + intervalMs;
  const run = (): void => {
    emit();
    next = Math.max(next + intervalMs, performance.now());
    setTimeout(run, next - performance.now());
  };
  setTimeout(run, intervalMs);
}
