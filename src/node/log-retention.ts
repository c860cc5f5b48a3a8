/**
 * Decides how much of the event log can go (issue: log retention). A batch may be deleted once
 * (1) every view and stream checkpoint reflects it, so no recovery replays it, and (2) it is older
 * than `keepMs`: the longest stream retention, and at least the longest de-duplication horizon,
 * since restarts re-learn event ids from the log.
 *
 * Age is known from checkpoint rounds: each round notes the applied offset at its time, and every
 * batch at or below that offset was received before it. The notes cover at most `keepMs` plus
 * one round, so memory stays small. After a restart nothing is deleted until rounds cover keepMs
 * again: retention errs on keeping.
 */
export class LogRetention {
  /** (time, applied offset) of recent rounds, oldest first. */
  private readonly rounds: { atMs: number; offset: number }[] = [];

  /** `saved` is what `notes` returned in the previous life (kept in the metadata store). */
  constructor(saved: unknown = []) {
    if (!Array.isArray(saved)) return;
    for (const note of saved) {
      if (Array.isArray(note) && typeof note[0] === 'number' && Number.isSafeInteger(note[1])) {
        this.noteRound(note[0], note[1] as number);
      }
    }
  }

  noteRound(atMs: number, appliedOffset: number): void {
    const last = this.rounds.at(-1);
    // Notes stay ordered by time and offset (a clock step back must not reorder them).
    if (last !== undefined && (atMs < last.atMs || appliedOffset < last.offset)) return;
    this.rounds.push({ atMs, offset: appliedOffset });
  }

  /** The notes as plain data, to be saved and passed to the next life's constructor. */
  get notes(): [number, number][] {
    return this.rounds.map((round) => [round.atMs, round.offset]);
  }

  /** An offset every batch up to which was received at or before `timeMs` (0 if none known). */
  receivedBy(timeMs: number): number {
    let offset = 0;
    for (const round of this.rounds) {
      if (round.atMs > timeMs) break;
      offset = round.offset;
    }
    return offset;
  }

  /**
   * The offset the log may be truncated before (entries below it deleted), or 0 for nothing.
   * `checkpointedOffset` is the lowest offset any checkpoint reflects.
   */
  truncateBefore(nowMs: number, keepMs: number, checkpointedOffset: number): number {
    let aged = 0;
    let drop = 0;
    for (let i = 0; i < this.rounds.length; i++) {
      if (this.rounds[i]!.atMs > nowMs - keepMs) break;
      aged = this.rounds[i]!.offset;
      drop = i;
    }
    // Keep the newest aged note: the next call measures from it.
    if (drop > 0) this.rounds.splice(0, drop);
    const upTo = Math.min(aged, checkpointedOffset);
    return upTo > 0 ? upTo + 1 : 0;
  }
}
