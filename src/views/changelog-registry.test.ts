import { describe, expect, it } from 'vitest';
import { ChangelogRegistry } from './changelog-registry.ts';

describe('ChangelogRegistry', () => {
  it('creates a changelog per view on first use and returns the same one after', () => {
    let next = 0;
    const registry = new ChangelogRegistry({ now: () => 0, newEpoch: () => `e${++next}` });
    expect(registry.find('a')).toBeUndefined();
    const a = registry.get('a');
    expect(registry.get('a')).toBe(a);
    expect(registry.find('a')).toBe(a);
    expect(registry.get('b').epoch).toBe('e2');
    expect(registry.size).toBe(2);
  });

  it('gives a view a new epoch after drop, so old positions no longer resume', () => {
    const registry = new ChangelogRegistry({ now: () => 0 });
    const before = registry.get('a');
    before.append({ view: 'a', upserts: [], deletes: [] });
    expect(registry.drop('a')).toBe(true);
    expect(registry.drop('a')).toBe(false);
    const after = registry.get('a');
    expect(after.epoch).not.toBe(before.epoch);
    expect(after.position.offset).toBe(0);
    expect(after.since(before.epoch, 1)).toBeNull();
  });

  it('passes its limits to every changelog', () => {
    const registry = new ChangelogRegistry({ now: () => 0, maxBatches: 2 });
    const changelog = registry.get('a');
    for (let i = 0; i < 5; i++) changelog.append({ view: 'a', upserts: [], deletes: [] });
    expect(changelog.size).toBe(2);
  });
});
