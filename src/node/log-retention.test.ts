import { describe, expect, it } from 'vitest';
import { LogRetention } from './log-retention.ts';

describe('LogRetention', () => {
  it('deletes only batches older than keepMs and covered by every checkpoint', () => {
    const retention = new LogRetention();
    retention.noteRound(1_000, 10);
    retention.noteRound(2_000, 20);
    retention.noteRound(3_000, 30);
    // Nothing is old enough yet.
    expect(retention.truncateBefore(2_500, 5_000, 30)).toBe(0);
    // Rounds at 1 s and 2 s are 5 s old at 7 s: batches up to 20 were received by then.
    expect(retention.truncateBefore(7_000, 5_000, 30)).toBe(21);
    // A checkpoint behind that holds the log back.
    expect(retention.truncateBefore(7_000, 5_000, 15)).toBe(16);
  });

  it('forgets old notes but keeps the newest aged one', () => {
    const retention = new LogRetention();
    for (let i = 1; i <= 100; i++) retention.noteRound(i * 1_000, i * 10);
    expect(retention.truncateBefore(100_000, 10_000, 1_000)).toBe(901);
    // Same answer when asked again: the note it measured from is still there.
    expect(retention.truncateBefore(100_000, 10_000, 1_000)).toBe(901);
    expect(retention.truncateBefore(105_000, 10_000, 1_000)).toBe(951);
  });

  it('keeps everything before the first round (a fresh start)', () => {
    expect(new LogRetention().truncateBefore(1e12, 1_000, 500)).toBe(0);
  });

  it('comes back from its saved notes, and tells which batches were received by a time', () => {
    const retention = new LogRetention();
    retention.noteRound(1_000, 10);
    retention.noteRound(2_000, 20);
    // Out of order notes (a clock step back) are ignored.
    retention.noteRound(1_500, 25);
    const restored = new LogRetention(JSON.parse(JSON.stringify(retention.notes)));
    expect(restored.notes).toEqual([
      [1_000, 10],
      [2_000, 20],
    ]);
    expect(restored.receivedBy(999)).toBe(0);
    expect(restored.receivedBy(1_999)).toBe(10);
    expect(restored.receivedBy(5_000)).toBe(20);
    expect(new LogRetention('garbage').notes).toEqual([]);
  });
});
