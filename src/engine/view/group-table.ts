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

/** Refs (or other small steps of work) between two yields of a checkpoint's generators. */
const REF_SLICE = 1024;

/**
 * One chunk of the groups of a view checkpoint: one array per field and one entry per group
 * (arrays, not an object per group: a checkpoint of 100,000 groups stays small and quick to build
 * and read). The table is a list of chunks, so a checkpoint can be built and encoded one chunk at a
 * time; a group's index counts across chunks.
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

/** Marks are index + 1 in the upper bits of a group's flags (Group.mark). */
const MAX_MARKED_GROUPS = 2 ** 29 - 2;

/**
 * Collects the groups a checkpoint refers to, numbering them in the order first seen, then writes
 * them out chunk by chunk. The generators yield every `REF_SLICE` steps of work (`paced` counts
 * them across calls), so numbering the groups of a large view can be spread over many steps.
 *
 * A group's number is kept on the group itself (Group.mark) when the writer has the view's groups
 * to itself (`exclusive`): a Map of 100,000 groups costs more, and growing it rehashes every entry
 * at once (over 10 ms at 65,536). Marks must be cleared (`unmark`) before another exclusive writer
 * numbers the same groups; a writer that is not exclusive uses a Map and leaves marks alone.
 */
export class GroupTableWriter {
  private readonly indexes: Map<Group, number> | null;
  private readonly groups: Group[] = [];
  private work = 0;
  private unmarked = 0;

  constructor(
    private readonly aggregation: Aggregation,
    /** Groups per chunk: fixed per view, so every checkpoint of a state has the same chunks. */
    private readonly chunkGroups: number,
    exclusive: boolean,
  ) {
    this.indexes = exclusive ? null : new Map();
  }

  ref(group: Group): number {
    this.work++;
    const groups = this.groups;
    if (this.indexes === null) {
      const mark = group.mark;
      if (mark !== 0) return mark - 1;
      if (groups.length > MAX_MARKED_GROUPS) throw new RangeError('too many groups to number');
      group.mark = groups.length + 1;
      return groups.push(group) - 1;
    }
    let index = this.indexes.get(group);
    if (index === undefined) {
      index = groups.length;
      groups.push(group);
      this.indexes.set(group, index);
    }
    return index;
  }

  /** Clears the marks of the groups numbered so far, in slices. */
  *unmark(): Generator<void, void> {
    if (this.indexes !== null) return;
    const groups = this.groups;
    while (this.unmarked < groups.length) {
      const end = Math.min(this.unmarked + REF_SLICE * 4, groups.length);
      for (let i = this.unmarked; i < end; i++) groups[i]!.mark = 0;
      this.unmarked = end;
      yield;
    }
  }

  /** Clears the marks left, at once (a capture that ends early). */
  unmarkAll(): void {
    if (this.indexes !== null) return;
    const groups = this.groups;
    for (let i = this.unmarked; i < groups.length; i++) groups[i]!.mark = 0;
    this.unmarked = groups.length;
  }

  /** Refs of a short list, at once. */
  refsNow(groups: readonly Group[]): number[] {
    const out = new Array<number>(groups.length);
    for (let i = 0; i < groups.length; i++) out[i] = this.ref(groups[i]!);
    return out;
  }

  /** Refs of a list of any length, yielding as the work adds up. */
  *refs(groups: Iterable<Group>): Generator<void, number[]> {
    const out: number[] = [];
    for (const group of groups) {
      out.push(this.ref(group));
      if (this.paced()) yield;
    }
    return out;
  }

  /**
   * Whether it is time to yield (the count then restarts): every ref counts as one step of work,
   * `steps` adds others.
   */
  paced(steps = 0): boolean {
    this.work += steps;
    if (this.work < REF_SLICE) return false;
    this.work = 0;
    return true;
  }

  /** The table, one chunk per iteration, built as it is asked for. */
  *chunks(): Generator<GroupTableData, void> {
    const count = this.groups.length;
    for (let first = 0; first < count; first += this.chunkGroups) {
      yield this.chunk(first, Math.min(first + this.chunkGroups, count));
    }
  }

  private chunk(first: number, end: number): GroupTableData {
    const groups = this.groups;
    const count = end - first;
    const keys = new Array<EncodedValue>(count);
    const startsMs = new Array<EncodedNumber>(count);
    const endsMs = new Array<EncodedNumber>(count);
    const flags = new Array<number>(count);
    const states = new Array<unknown[] | null>(count);
    const emitted = new Array<EncodedValue[] | null>(count);
    let keyValues: (EncodedValue[] | null)[] | null = null;
    for (let i = 0; i < count; i++) {
      const group = groups[first + i]!;
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
    private readonly aggregation: Aggregation,
    readonly shape: RowShape,
    readonly reader: CheckpointReader,
  ) {
    const groups: Group[] = [];
    reader
      .array(data, 'groups')
      .forEach((chunk, c) => this.readChunk(chunk, `groups[${c}]`, groups));
    this.groups = groups;
    this.used = new Uint8Array(groups.length);
  }

  /** Appends the groups of one chunk to `groups`. */
  private readChunk(data: unknown, at: string, groups: Group[]): void {
    const { reader, shape, aggregation } = this;
    const table = reader.record(data, at);
    // Field names for messages, built once per chunk (the loop below runs once per group).
    const field = {
      keys: `${at}.keys`,
      keyValues: `${at}.keyValues`,
      startsMs: `${at}.startsMs`,
      endsMs: `${at}.endsMs`,
      flags: `${at}.flags`,
      states: `${at}.states`,
      emitted: `${at}.emitted`,
    };
    const keys = reader.array(table.keys, field.keys);
    const count = keys.length;
    const column = (name: keyof typeof field): unknown[] =>
      reader.array(table[name], field[name], count);
    const startsMs = column('startsMs');
    const endsMs = column('endsMs');
    const flags = column('flags');
    const states = column('states');
    const emitted = column('emitted');
    const keyValues = table.keyValues === null ? null : column('keyValues');
    for (let i = 0; i < count; i++) {
      const bits = reader.count(flags[i], field.flags, 8, i);
      const key = reader.value(keys[i], field.keys, i);
      const values =
        keyValues === null || keyValues[i] === null
          ? null
          : reader.row(keyValues[i], shape.keyTypes, field.keyValues, i);
      if (
        shape.groupKey.keepsValues
          ? values === null || !sameKey(key, shape.groupKey.fromValues(values))
          : values !== null || !reader.hasType(key, shape.keyTypes[0]!)
      ) {
        throw reader.error(`${field.keys}[${i}]: does not match the key values`);
      }
      const group = aggregation.newGroup(
        key,
        values,
        reader.number(startsMs[i], field.startsMs, i),
        reader.number(endsMs[i], field.endsMs, i),
      );
      const state = states[i];
      if ((bits & RELEASED) !== 0) {
        if (state !== null) throw reader.error(`${field.states}[${i}]: a released group has state`);
        group.release();
      } else {
        const data = reader.array(state, field.states, undefined, i);
        try {
          aggregation.restore(group, data);
        } catch (error) {
          // Whatever an aggregate's restore throws on bad data, the checkpoint is what is wrong.
          const message = error instanceof Error ? error.message : String(error);
          throw reader.error(
            `${field.states}[${i}]: ${message.replace(/^damaged state: /, '')}`,
            error,
          );
        }
      }
      group.dirty = (bits & DIRTY) !== 0;
      group.dead = (bits & DEAD) !== 0;
      const row = emitted[i];
      group.emitted = row === null ? null : reader.row(row, shape.columnTypes, field.emitted, i);
      groups.push(group);
    }
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
    if (unused >= 0) throw this.reader.error(`group ${unused} is not part of the view`);
  }
}

export function encodeValues(values: readonly Value[]): EncodedValue[] {
  const out = new Array<EncodedValue>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = encodeValue(values[i]);
  return out;
}
