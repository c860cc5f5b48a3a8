import { VaneError } from '../../util/index.ts';
import type { EncodedNumber, EncodedValue } from '../aggregate/state-codec.ts';
import type { GroupTableData } from './group-table.ts';
import type { StoreCheckpoint } from './window-store.ts';
import type { ViewPlan } from './view-plan.ts';

/**
 * Bumped whenever the checkpoint layout changes; a checkpoint of another version is refused.
 * Version 2: the group table is a list of chunks (version 1 had one table), and comes last.
 */
export const VIEW_CHECKPOINT_VERSION = 2;

/**
 * Everything that decides a view's future output, as plain data: it survives JSON and msgpack
 * round trips (numbers JSON cannot hold and -0 are encoded, see state-codec.ts). Groups are stored
 * once, column by column, in the chunks of `groups`; everything else refers to a group by its index
 * there (counted across chunks). The table comes last, after everything that numbers its groups,
 * so the JSON text can be written in slices (ViewRuntime.checkpointText): the fields above it
 * first, then one chunk at a time.
 *
 * Use: save it with the log offset of the last batch the view had applied; to recover, create the
 * view from the same SQL, restore it, and apply only the batches after that offset.
 */
export interface ViewCheckpoint {
  version: number;
  view: string;
  /** `planFingerprint` of the view's plan: restoring into another definition is refused. */
  plan: string;
  /** When the view last emitted, in processing time (the emit interval runs from it). */
  lastEmitMs: EncodedNumber;
  watermarkMs: EncodedNumber;
  lateEvents: number;
  rows: number;
  /** Groups queued for the next emission, in queue order. */
  pending: number[];
  /** Rows (internal form) the next emission deletes. */
  pendingDeletes: EncodedValue[][];
  /** Groups that left the store but whose rows stay until the next emission deletes them. */
  departed: number[];
  store: StoreCheckpoint;
  /** The group table in chunks of a fixed number of groups per view (the last may be shorter). */
  groups: GroupTableData[];
}

/** A checkpoint without its group table: what a slice-by-slice writer writes first. */
export type ViewCheckpointHead = Omit<ViewCheckpoint, 'groups'>;

/**
 * Restoring a checkpoint into a view or stream it was not taken from (another name, another
 * definition, or a plan of another Vane version). The data is intact but does not apply: rebuild
 * the view from the log instead. Its code is CORRUPT_STATE (the stored state cannot be used).
 */
export class CheckpointMismatchError extends VaneError {
  override readonly name = 'CheckpointMismatchError';

  constructor(message: string) {
    super('CORRUPT_STATE', message);
  }
}

/**
 * A short hash of the plan as JSON (accumulators and functions by class and settings), so a
 * checkpoint only restores into a view planned the same way: same name, stream, window, filter,
 * keys, aggregates, state layout, outputs, HAVING, emit mode, interval and keep policy.
 */
export function planFingerprint(plan: ViewPlan): string {
  const text = JSON.stringify(plan, (_key, value: unknown) => {
    if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        return { class: (value as { constructor: { name: string } }).constructor.name, ...value };
      }
    }
    return value;
  });
  return hash53(text).toString(16).padStart(14, '0');
}

/** cyrb53: a fast 53-bit string hash (not cryptographic; it tells plans apart). */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
