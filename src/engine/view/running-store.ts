import type { Group } from './group.ts';
import type { GroupTableReader, GroupTableWriter } from './group-table.ts';
import type { StoreCheckpoint, StoreHost, WindowStore } from './window-store.ts';

export interface RunningStoreCheckpoint extends StoreCheckpoint {
  kind: 'running';
  /** Every group, in key insertion order. */
  groups: number[];
}

/** No window: one group per key for the life of the view (a running aggregate); never late. */
export class RunningStore implements WindowStore {
  readonly nextCloseAtMs = Infinity;
  private readonly byKey = new Map<unknown, Group>();

  constructor(private readonly host: StoreHost) {}

  get openGroupCount(): number {
    return this.byKey.size;
  }

  add(event: object, timeMs: number): boolean {
    const host = this.host;
    const key = host.groupKey.mapKey(event);
    let group = this.byKey.get(key);
    if (group === undefined) {
      group = host.aggregation.newGroup(key, host.groupKey.values(event), 0, 0);
      this.byKey.set(key, group);
    }
    host.aggregation.add(group, event, timeMs);
    host.touched(group);
    return true;
  }

  close(): void {}

  expire(): void {}

  release(): void {}

  groups(): Iterable<Group> {
    return this.byKey.values();
  }

  closedSinceRelease(): Group[] {
    return [];
  }

  *checkpoint(table: GroupTableWriter): Generator<void, RunningStoreCheckpoint> {
    return { kind: 'running', groups: yield* table.refs(this.byKey.values()) };
  }

  restore(data: unknown, table: GroupTableReader): void {
    const record = table.reader.store(data, 'running');
    for (const group of table.groupsAt(record.groups, 'store.groups')) {
      if (this.byKey.has(group.mapKey) || group.dead || group.released) {
        throw table.reader.error('store.groups: a key twice, or a closed group');
      }
      this.byKey.set(group.mapKey, group);
    }
  }
}
