import type { OracleEvent } from './generate-events.ts';

interface Session {
  startMs: number;
  endMs: number;
}

export interface SessionLateness {
  /** Sequence numbers of the events the view must drop, ascending. */
  late: number[];
  /** Late only because they fall before the end of a closed session of their key. */
  reopening: number;
  /** Accepted although `t + gap <= watermark`: an open session of their key overlaps them. */
  rescued: number;
}

/**
 * The events a SESSION view must drop as late, by the documented rule, replayed in arrival order
 * with the watermark as it was before each event (max earlier event time minus the lateness).
 * Sessions of a key whose end is at or before the watermark are closed. An event is late when
 * `t` falls before the end of a closed session of its key (it would change a final session), or
 * when its own `[t, t + gap)` is closed (`t + gap <= watermark`) and no open session of its key
 * overlaps it. Otherwise it joins, extends or merges the open sessions it overlaps.
 * Filtered-out events still move the watermark.
 */
export function expectedSessionLateSeqs(
  events: readonly OracleEvent[],
  passes: (event: OracleEvent) => boolean,
  keyOf: (event: OracleEvent) => string,
  gapMs: number,
  latenessMs: number,
): SessionLateness {
  const result: SessionLateness = { late: [], reopening: 0, rescued: 0 };
  const byKey = new Map<string, { open: Session[]; closedUntilMs: number }>();
  let maxTimeMs = -Infinity;
  for (const event of events) {
    const watermarkMs = maxTimeMs - latenessMs;
    const t = event.tsMs;
    maxTimeMs = Math.max(maxTimeMs, t);
    if (!passes(event)) continue;
    const key = keyOf(event);
    let state = byKey.get(key);
    if (state === undefined) {
      state = { open: [], closedUntilMs: -Infinity };
      byKey.set(key, state);
    }
    const open: Session[] = [];
    for (const session of state.open) {
      if (session.endMs <= watermarkMs) {
        state.closedUntilMs = Math.max(state.closedUntilMs, session.endMs);
      } else {
        open.push(session);
      }
    }
    state.open = open;
    const overlapping = open.filter((s) => s.startMs < t + gapMs && t < s.endMs);
    const ownWindowClosed = t + gapMs <= watermarkMs;
    if (t < state.closedUntilMs || (ownWindowClosed && overlapping.length === 0)) {
      result.late.push(event.seq);
      if (!ownWindowClosed) result.reopening++;
      continue;
    }
    if (ownWindowClosed) result.rescued++;
    const merged: Session = { startMs: t, endMs: t + gapMs };
    for (const session of overlapping) {
      merged.startMs = Math.min(merged.startMs, session.startMs);
      merged.endMs = Math.max(merged.endMs, session.endMs);
    }
    state.open = [...open.filter((s) => !overlapping.includes(s)), merged];
  }
  return result;
}
