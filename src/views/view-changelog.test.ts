import { describe, expect, it } from 'vitest';
import type { ChangeBatch } from '../engine/index.ts';
import { ManualClock, VaneError } from '../util/index.ts';
import { ViewChangelog } from './view-changelog.ts';

function batch(n: number): ChangeBatch {
  return { view: 'v', upserts: [{ k: `k${n}`, n }], deletes: [] };
}

function changelogWith(count: number, options: { maxBatches?: number; clock?: ManualClock } = {}) {
  const clock = options.clock ?? new ManualClock(0);
  const changelog = new ViewChangelog({
    epoch: 'e1',
    maxBatches: options.maxBatches ?? 5,
    maxAgeMs: 1000,
    now: () => clock.now(),
  });
  for (let i = 1; i <= count; i++) changelog.append(batch(i));
  return changelog;
}

describe('ViewChangelog', () => {
  it('numbers batches from 1, one per append, and reports its position', () => {
    const changelog = changelogWith(0);
    expect(changelog.position).toEqual({ epoch: 'e1', offset: 0 });
    expect(changelog.append(batch(1))).toBe(1);
    expect(changelog.append(batch(2))).toBe(2);
    expect(changelog.position).toEqual({ epoch: 'e1', offset: 2 });
  });

  // Recovery table in the spirit of centrifuge's client_test.go: 8 batches appended, 5 kept (4..8).
  const cases: { name: string; epoch: string; offset: number; want: number[] | null }[] = [
    { name: 'from the current position', epoch: 'e1', offset: 8, want: [] },
    { name: 'from a recent position', epoch: 'e1', offset: 6, want: [7, 8] },
    {
      name: 'from just before the oldest kept batch',
      epoch: 'e1',
      offset: 3,
      want: [4, 5, 6, 7, 8],
    },
    { name: 'too far back (batch 3 was trimmed)', epoch: 'e1', offset: 2, want: null },
    { name: 'from the very beginning, trimmed', epoch: 'e1', offset: 0, want: null },
    { name: 'future offset', epoch: 'e1', offset: 9, want: null },
    { name: 'expired epoch', epoch: 'e0', offset: 8, want: null },
    { name: 'negative offset', epoch: 'e1', offset: -1, want: null },
    { name: 'fractional offset', epoch: 'e1', offset: 6.5, want: null },
  ];
  it.each(cases)('since: $name', ({ epoch, offset, want }) => {
    const changelog = changelogWith(8);
    const got = changelog.since(epoch, offset);
    if (want === null) {
      expect(got).toBeNull();
    } else {
      expect(got?.map((entry) => entry.offset)).toEqual(want);
      expect(got?.map((entry) => entry.batch)).toEqual(want.map(batch));
    }
  });

  it('answers from offset 0 while nothing was trimmed', () => {
    const changelog = changelogWith(3);
    expect(changelog.since('e1', 0)?.map((entry) => entry.offset)).toEqual([1, 2, 3]);
    expect(changelogWith(0).since('e1', 0)).toEqual([]);
  });

  it('trims by count on append, keeping the newest maxBatches', () => {
    const changelog = changelogWith(1000, { maxBatches: 5 });
    expect(changelog.size).toBe(5);
    expect(changelog.since('e1', 995)?.map((entry) => entry.offset)).toEqual([
      996, 997, 998, 999, 1000,
    ]);
    expect(changelog.since('e1', 994)).toBeNull();
  });

  it('lets go of a trimmed batch at once, not at the next compaction', () => {
    // Steady appends at the limit keep a dead prefix as long as the history itself between
    // compactions: a batch held there doubles what the history costs in memory.
    const changelog = changelogWith(7, { maxBatches: 5 });
    const slots = (changelog as unknown as { entries: ({ batch: ChangeBatch } | undefined)[] })
      .entries;
    expect(slots.length).toBeGreaterThan(5);
    const held = slots.filter((slot) => slot !== undefined).map((slot) => slot.batch.upserts[0]);
    expect(held).toEqual([3, 4, 5, 6, 7].map((n) => ({ k: `k${n}`, n })));
  });

  it('trims by age on append, with a fake clock', () => {
    const clock = new ManualClock(0);
    const changelog = changelogWith(2, { maxBatches: 100, clock }); // offsets 1, 2 at t=0
    clock.set(600);
    changelog.append(batch(3));
    clock.set(1000);
    changelog.append(batch(4)); // t=0 is exactly maxAgeMs old: still kept
    expect(changelog.since('e1', 0)?.map((entry) => entry.offset)).toEqual([1, 2, 3, 4]);
    clock.set(1001);
    // Age trimming happens on append only: without one, old batches stay answerable.
    expect(changelog.since('e1', 0)?.map((entry) => entry.offset)).toEqual([1, 2, 3, 4]);
    changelog.append(batch(5));
    expect(changelog.since('e1', 0)).toBeNull();
    expect(changelog.since('e1', 2)?.map((entry) => entry.offset)).toEqual([3, 4, 5]);
    clock.set(5000);
    changelog.append(batch(6)); // everything older than 4000 goes; the new batch stays
    expect(changelog.size).toBe(1);
    expect(changelog.since('e1', 5)?.map((entry) => entry.offset)).toEqual([6]);
    expect(changelog.since('e1', 4)).toBeNull();
  });

  it('keeps no history with maxBatches 0 but still answers at the current offset', () => {
    const changelog = changelogWith(3, { maxBatches: 0 });
    expect(changelog.size).toBe(0);
    expect(changelog.since('e1', 3)).toEqual([]);
    expect(changelog.since('e1', 2)).toBeNull();
  });

  it('rejects nonsensical limits', () => {
    const now = () => 0;
    expect(() => new ViewChangelog({ epoch: 'e', maxBatches: -1, now })).toThrow(VaneError);
    expect(() => new ViewChangelog({ epoch: 'e', maxAgeMs: Number.NaN, now })).toThrow(VaneError);
  });
});
