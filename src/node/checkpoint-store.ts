import { crc32 } from 'node:zlib';
import type { MetadataStore } from '../log/index.ts';
import { VaneError } from '../util/index.ts';

const VIEW_PREFIX = 'checkpoint/view/';
const STREAM_PREFIX = 'checkpoint/stream/';
const PART_PREFIX = 'checkpoint/part/';

/**
 * One saved checkpoint: the engine state of one view or stream and the log offset it reflects
 * (every batch up to `offset` applied, none after).
 */
export interface StoredCheckpoint {
  offset: number;
  savedAtMs: number;
  /** The engine's checkpoint data (Engine.checkpointView / checkpointStream). */
  state: unknown;
}

/**
 * The record under `checkpoint/<kind>/<name>`: the offset and the state as JSON text, either in
 * the record itself (`json`) or, for a text of several chunks, in `parts` records written before
 * it (`checkpoint/part/<kind>/<name>/<generation>/<i>`). The state is JSON text because the
 * engine's checkpoint data is plain JSON, and JSON.stringify plus storing strings costs about a
 * third of what encoding the same nested arrays as msgpack does (the encode runs on the event
 * loop).
 *
 * `crc` is the CRC-32 of the whole text: the store checks the structure of its pages but not
 * the bytes of values, and a changed digit would otherwise restore as a different, valid state.
 * Records saved before it was added have none and are read unchecked.
 */
type StoredRecord =
  | { offset: number; savedAtMs: number; crc?: number; json: string }
  | { offset: number; savedAtMs: number; crc?: number; generation: number; parts: number };

export type CheckpointKind = 'view' | 'stream';

/** Hears how long each synchronous piece of a write held the event loop. */
export type StallListener = (ms: number) => void;

/**
 * The checkpoints of every view and stream, in the metadata store next to the catalog. A
 * checkpoint is written when its view or stream is created (before the catalog that names it),
 * then by every checkpoint round, and removed when it is dropped. One for a name the catalog does
 * not hold is left over from a crash between those writes and is ignored.
 *
 * Atomic switch: a large text is stored as part records first, one per event-loop turn (a 13 MB
 * text put in one go holds the loop for tens of milliseconds while the store encodes it), and
 * the small main record that names them is written once every part is durable. A crash before
 * the main record leaves the previous checkpoint in force; its parts are a different generation
 * and are deleted only after the new main record is durable. Parts no main record names (left by
 * such a crash) are swept at start (`sweepOrphanParts`).
 */
export class CheckpointStore {
  /**
   * The generation and part count each main record names, as last read or written; null for a
   * record that holds its text itself.
   */
  private readonly partsInForce = new Map<string, { generation: number; parts: number } | null>();

  constructor(private readonly metadata: MetadataStore) {}

  /** The stored checkpoint, undefined if none; CORRUPT_STATE if its records are damaged. */
  get(kind: CheckpointKind, name: string): StoredCheckpoint | undefined {
    const key = keyOf(kind, name);
    const record = this.metadata.get(key);
    if (record === undefined) return undefined;
    const damaged = (what = `the checkpoint record '${key}'`) =>
      new VaneError('CORRUPT_STATE', `${what} is damaged`);
    if (!isRecord(record)) throw damaged();
    let json: string;
    if ('json' in record) {
      json = record.json;
      this.partsInForce.set(key, null);
    } else {
      const texts: string[] = [];
      for (let i = 0; i < record.parts; i++) {
        const partKey = partKeyOf(kind, name, record.generation, i);
        const part = this.metadata.get(partKey);
        if (typeof part !== 'string') {
          throw damaged(
            part === undefined
              ? `the checkpoint part '${partKey}' is missing, so the checkpoint '${key}'`
              : `the checkpoint part '${partKey}'`,
          );
        }
        texts.push(part);
      }
      json = texts.join('');
      this.partsInForce.set(key, { generation: record.generation, parts: record.parts });
    }
    if (record.crc !== undefined && crc32(json) !== record.crc) {
      throw damaged(`the checkpoint '${key}' (its text fails its checksum)`);
    }
    let state: unknown;
    try {
      state = JSON.parse(json) as unknown;
    } catch {
      throw damaged();
    }
    return { offset: record.offset, savedAtMs: record.savedAtMs, state };
  }

  /** The names of the views or streams that have a checkpoint stored. */
  names(kind: CheckpointKind): string[] {
    const prefix = keyOf(kind, '');
    return this.metadata.keys(prefix).map((key) => key.slice(prefix.length));
  }

  put(kind: CheckpointKind, name: string, checkpoint: StoredCheckpoint): Promise<void> {
    const { offset, savedAtMs } = checkpoint;
    return this.putJson(kind, name, { offset, savedAtMs }, [JSON.stringify(checkpoint.state)]);
  }

  /**
   * Saves a checkpoint whose state is JSON text in chunks (their concatenation is the text;
   * Engine.beginViewCheckpoint gives chunks of about 256 KB). Resolves once the checkpoint is
   * durable and in force; the store is written one chunk per event-loop turn.
   */
  async putJson(
    kind: CheckpointKind,
    name: string,
    at: { offset: number; savedAtMs: number },
    chunks: readonly string[],
    stalled: StallListener = () => {},
  ): Promise<void> {
    const key = keyOf(kind, name);
    const previous = this.partsOf(key);
    if (chunks.length <= 1) {
      const json = chunks[0] ?? '';
      await this.timed(stalled, () =>
        this.metadata.put(key, { ...at, crc: crc32(json), json } satisfies StoredRecord),
      );
      this.partsInForce.set(key, null);
    } else {
      const generation = (previous?.generation ?? 0) + 1;
      const writes: Promise<void>[] = [];
      // Summed a part per turn, like the writes: the whole text at once would stall the loop.
      let crc = 0;
      for (let i = 0; i < chunks.length; i++) {
        if (i > 0) await nextTurn();
        writes.push(
          this.timed(stalled, () => {
            crc = crc32(chunks[i]!, crc);
            return this.metadata.put(partKeyOf(kind, name, generation, i), chunks[i]);
          }),
        );
      }
      await Promise.all(writes);
      const record: StoredRecord = { ...at, crc, generation, parts: chunks.length };
      await this.timed(stalled, () => this.metadata.put(key, record));
      this.partsInForce.set(key, { generation, parts: chunks.length });
    }
    if (previous !== undefined) await this.removeParts(kind, name, previous);
  }

  async remove(kind: CheckpointKind, name: string): Promise<void> {
    const key = keyOf(kind, name);
    const previous = this.partsOf(key);
    await this.metadata.remove(key);
    this.partsInForce.delete(key);
    if (previous !== undefined) await this.removeParts(kind, name, previous);
  }

  /**
   * Deletes part records no main record names: left by a crash between writing a checkpoint's
   * parts and its main record, or between a drop and the deletion of its parts. Returns how many.
   */
  async sweepOrphanParts(): Promise<number> {
    const orphans: string[] = [];
    for (const partKey of this.metadata.keys(PART_PREFIX)) {
      const part = parsePartKey(partKey);
      const inForce = part === undefined ? undefined : this.partsOf(part.recordKey);
      if (
        part === undefined ||
        inForce === undefined ||
        inForce.generation !== part.generation ||
        part.index >= inForce.parts
      ) {
        orphans.push(partKey);
      }
    }
    await Promise.all(orphans.map((partKey) => this.metadata.remove(partKey)));
    return orphans.length;
  }

  /** What the main record under `key` names, from memory or, the first time, from the store. */
  private partsOf(key: string): { generation: number; parts: number } | undefined {
    const known = this.partsInForce.get(key);
    if (known !== undefined) return known ?? undefined;
    const record = this.metadata.get(key);
    if (!isRecord(record) || 'json' in record) return undefined;
    const named = { generation: record.generation, parts: record.parts };
    this.partsInForce.set(key, named);
    return named;
  }

  private async removeParts(
    kind: CheckpointKind,
    name: string,
    named: { generation: number; parts: number },
  ): Promise<void> {
    const removals: Promise<void>[] = [];
    for (let i = 0; i < named.parts; i++) {
      removals.push(this.metadata.remove(partKeyOf(kind, name, named.generation, i)));
    }
    await Promise.all(removals);
  }

  private timed(stalled: StallListener, write: () => Promise<void>): Promise<void> {
    const started = performance.now();
    const written = write();
    stalled(performance.now() - started);
    return written;
  }
}

function isRecord(value: unknown): value is StoredRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  if (!Number.isSafeInteger(record.offset) || (record.offset as number) < 0) return false;
  if (typeof record.savedAtMs !== 'number') return false;
  if (record.crc !== undefined && !Number.isSafeInteger(record.crc)) return false;
  if (typeof record.json === 'string') return true;
  return (
    Number.isSafeInteger(record.generation) &&
    Number.isSafeInteger(record.parts) &&
    (record.parts as number) > 1
  );
}

function keyOf(kind: CheckpointKind, name: string): string {
  return (kind === 'view' ? VIEW_PREFIX : STREAM_PREFIX) + name;
}

function partKeyOf(kind: CheckpointKind, name: string, generation: number, index: number): string {
  return `${PART_PREFIX}${kind}/${name}/${generation}/${index}`;
}

/** `checkpoint/part/<kind>/<name>/<generation>/<i>`; names may hold slashes, numbers cannot. */
function parsePartKey(
  partKey: string,
): { recordKey: string; generation: number; index: number } | undefined {
  const match = /^checkpoint\/part\/(view|stream)\/(.+)\/(\d+)\/(\d+)$/.exec(partKey);
  if (match === null) return undefined;
  return {
    recordKey: keyOf(match[1] as CheckpointKind, match[2]!),
    generation: Number(match[3]),
    index: Number(match[4]),
  };
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
