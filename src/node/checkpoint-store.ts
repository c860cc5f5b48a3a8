import type { MetadataStore } from '../log/index.ts';
import { VaneError } from '../util/index.ts';

const VIEW_PREFIX = 'checkpoint/view/';
const STREAM_PREFIX = 'checkpoint/stream/';

/**
 * One saved checkpoint: the engine state of one view or stream and the log offset it reflects
 * (every batch up to `offset` applied, none after). Both live in one metadata value, so one
 * durable put saves them together or not at all.
 */
export interface StoredCheckpoint {
  offset: number;
  savedAtMs: number;
  /** The engine's checkpoint data (Engine.checkpointView / checkpointStream). */
  state: unknown;
}

/**
 * How a checkpoint is stored: the state as JSON text. The engine's checkpoint data is plain JSON,
 * and JSON.stringify plus storing one string costs about a third of what encoding the same nested
 * arrays as msgpack does (the encode runs on the event loop: it is part of the checkpoint stall).
 */
interface StoredRecord {
  offset: number;
  savedAtMs: number;
  json: string;
}

export type CheckpointKind = 'view' | 'stream';

/**
 * The checkpoints of every view and stream, in the metadata store next to the catalog. A
 * checkpoint is written when its view or stream is created (before the catalog that names it),
 * then by every checkpoint round, and removed when it is dropped. One for a name the catalog does
 * not hold is left over from a crash between those writes and is ignored.
 */
export class CheckpointStore {
  constructor(private readonly metadata: MetadataStore) {}

  /** The stored checkpoint, undefined if none; CORRUPT_STATE if the record is not one. */
  get(kind: CheckpointKind, name: string): StoredCheckpoint | undefined {
    const key = keyOf(kind, name);
    const value = this.metadata.get(key) as Partial<StoredRecord> | null | undefined;
    if (value === undefined) return undefined;
    const damaged = () =>
      new VaneError('CORRUPT_STATE', `the checkpoint record '${key}' is damaged`);
    if (
      typeof value !== 'object' ||
      value === null ||
      !Number.isSafeInteger(value.offset) ||
      value.offset! < 0 ||
      typeof value.savedAtMs !== 'number' ||
      typeof value.json !== 'string'
    ) {
      throw damaged();
    }
    let state: unknown;
    try {
      state = JSON.parse(value.json) as unknown;
    } catch {
      throw damaged();
    }
    return { offset: value.offset!, savedAtMs: value.savedAtMs, state };
  }

  put(kind: CheckpointKind, name: string, checkpoint: StoredCheckpoint): Promise<void> {
    return this.putJson(kind, name, checkpoint, JSON.stringify(checkpoint.state));
  }

  /** Saves a checkpoint whose state is already JSON text (Engine.beginViewCheckpoint). */
  putJson(
    kind: CheckpointKind,
    name: string,
    at: { offset: number; savedAtMs: number },
    json: string,
  ): Promise<void> {
    const record: StoredRecord = { offset: at.offset, savedAtMs: at.savedAtMs, json };
    return this.metadata.put(keyOf(kind, name), record);
  }

  remove(kind: CheckpointKind, name: string): Promise<void> {
    return this.metadata.remove(keyOf(kind, name));
  }
}

function keyOf(kind: CheckpointKind, name: string): string {
  return (kind === 'view' ? VIEW_PREFIX : STREAM_PREFIX) + name;
}
