import {
  encodeNumber,
  encodeValue,
  type EncodedNumber,
  type EncodedValue,
} from '../aggregate/state-codec.ts';
import type { SqlType, Value } from '../types.ts';
import type { Aggregation } from './aggregation.ts';
import type { Group } from './group.ts';
import { sameKey, type CheckpointReader } from './checkpoint-reader.ts';
import type { GroupKey } from './group-key.ts';

const DIRTY = 1;
const DEAD = 2;
const RELEASED = 4;

/**
 * The groups of a view checkpoint, one array per field and one entry per group (arrays, not an
 * object per group: a checkpoint of 100,000 groups stays small and quick to build and read).
 */
export interface GroupTableData {
  /** Each group's map key. */
  keys: EncodedValue[];
  /** Each group's GROUP BY values, or null for all of them when no group keeps any (one key). */
  keyValues: (EncodedValue[] | null)[] | null;
  startsMs: EncodedNumber[];
  endsMs: EncodedNumber[];
  /** 1 dirty (queued), 2 dead (merged away), 4 released (closed, state dropped). */
  flags: number[];
  /** Each aggregate's `serialize` data, in aggregate order; null for a released group. */
  states: (unknown[] | null)[];
  /** The row last emitted (internal form, `columns` order), or null when not in the view. */
  emitted: (EncodedValue[] | null)[];
}

/** Collects the groups a checkpoint refers to, numbering them in the order first seen. */
export class GroupTableWriter {
  private readonly indexes = new Map<Group, number>();
  private readonly groups: Group[] = [];

  constructor(private readonly aggregation: Aggregation) {}

  ref(group: Group): number {
    let index = this.indexes.get(group);
    if (index === undefined) {
      index = this.groups.length;
      this.groups.push(group);
      this.indexes.set(group, index);
    }
    return index;
  }

  refs(groups: Iterable<Group>): number[] {
    const out: number[] = [];
    for (const group of groups) out.push(this.ref(group));
    return out;
  }

  finish(): GroupTableData {
    const groups = this.groups;
    const count = groups.length;
    const keys = new Array<EncodedValue>(count);
    const startsMs = new Array<EncodedNumber>(count);
    const endsMs = new Array<EncodedNumber>(count);
    const flags = new Array<number>(count);
    const states = new Array<unknown[] | null>(count);
    const emitted = new Array<EncodedValue[] | null>(count);
    let keyValues: (EncodedValue[] | null)[] | null = null;
    for (let i = 0; i < count; i++) {
      const group = groups[i]!;
      keys[i] = encodeValue(group.mapKey as Value);
      if (group.keyValues !== null) {
        keyValues ??= new Array<EncodedValue[] | null>(count).fill(null);
        keyValues[i] = encodeValues(group.keyValues);
      }
      startsMs[i] = encodeNumber(group.startMs);
      endsMs[i] = encodeNumber(group.endMs);
      const released = group.released;
      flags[i] = (group.dirty ? DIRTY : 0) | (group.dead ? DEAD : 0) | (released ? RELEASED : 0);
      states[i] = released ? null : this.aggregation.serialize(group);
      emitted[i] = group.emitted === null ? null : encodeValues(group.emitted);
    }
    return { keys, keyValues, startsMs, endsMs, flags, states, emitted };
  }
}

/** What a view's rows and keys look like, to check restored groups against. */
export interface RowShape {
  columnTypes: readonly SqlType[];
  keyTypes: readonly SqlType[];
  groupKey: GroupKey;
}

/**
 * Rebuilds the groups of a checkpoint and hands them out by index. Every group must be referred to
 * at least once (`checkAllUsed`): a table with groups nothing points at is damaged.
 */
export class GroupTableReader {
  private readonly groups: Group[];
  private readonly used: Uint8Array;

  constructor(
    data: unknown,
    aggregation: Aggregation,
    readonly shape: RowShape,
    readonly reader: CheckpointReader,
  ) {
    const table = reader.record(data, 'groups');
    const keys = reader.array(table.keys, 'groups.keys');
    const count = keys.length;
    const column = (name: string): unknown[] => reader.array(table[name], `groups.${name}`, count);
    const startsMs = column('startsMs');
    const endsMs = column('endsMs');
    const flags = column('flags');
    const states = column('states');
    const emitted = column('emitted');
    const keyValues = table.keyValues === null ? null : column('keyValues');
    const groups = new Array<Group>(count);
    for (let i = 0; i < count; i++) {
      const bits = reader.count(flags[i], 'groups.flags', 8, i);
      const key = reader.value(keys[i], 'groups.keys', i);
      const values =
        keyValues === null || keyValues[i] === null
          ? null
          : reader.row(keyValues[i], shape.keyTypes, 'groups.keyValues', i);
      if (
        shape.groupKey.keepsValues
          ? values === null || !sameKey(key, shape.groupKey.fromValues(values))
          : values !== null || !reader.hasType(key, shape.keyTypes[0]!)
      ) {
        throw reader.error(`groups.keys[${i}]: does not match the key values`);
      }
      const group = aggregation.newGroup(
        key,
        values,
        reader.number(startsMs[i], 'groups.startsMs', i),
        reader.number(endsMs[i], 'groups.endsMs', i),
      );
      const state = states[i];
      if ((bits & RELEASED) !== 0) {
        if (state !== null) throw reader.error(`groups.states[${i}]: a released group has state`);
        group.release();
      } else {
        const data = reader.array(state, 'groups.states', undefined, i);
        try {
          aggregation.restore(group, data);
        } catch (error) {
          // Whatever an aggregate's restore throws on bad data, the checkpoint is what is wrong.
          const message = error instanceof Error ? error.message : String(error);
          throw reader.error(
            `groups.states[${i}]: ${message.replace(/^damaged state: /, '')}`,
            error,
          );
        }
      }
      group.dirty = (bits & DIRTY) !== 0;
      group.dead = (bits & DEAD) !== 0;
      const row = emitted[i];
      group.emitted = row === null ? null : reader.row(row, shape.columnTypes, 'groups.emitted', i);
      groups[i] = group;
    }
    this.groups = groups;
    this.used = new Uint8Array(count);
  }

  /** The group at `index`, which must be a valid index. */
  group(index: unknown, field: string, at?: number): Group {
    const groups = this.groups;
    const i =
      typeof index === 'number' && index >= 0 && index < groups.length && Number.isInteger(index)
        ? index
        : this.reader.count(index, field, groups.length, at);
    this.used[i] = 1;
    return groups[i]!;
  }

  groupsAt(data: unknown, field: string): Group[] {
    const indexes = this.reader.array(data, field);
    const out = new Array<Group>(indexes.length);
    for (let i = 0; i < indexes.length; i++) out[i] = this.group(indexes[i], field, i);
    return out;
  }

  checkAllUsed(): void {
    const unused = this.used.indexOf(0);
    if (unused >= 0) throw this.reader.error(`groups[${unused}] is not part of the view`);
  }
}

export function encodeValues(values: readonly Value[]): EncodedValue[] {
  const out = new Array<EncodedValue>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = encodeValue(values[i]);
  return out;
}
