import type { GroupState } from '../aggregate/accumulator.ts';
import type { Value } from '../types.ts';

const RELEASED: never[] = [];
const DIRTY = 1;
const DEAD = 2;
const FLAG_BITS = DIRTY | DEAD;
const MARK_SHIFT = 2;

/**
 * One group of a view: one key in one window. Holds the aggregate state (as a GroupState) until the
 * window closes, and the output values last emitted for it (the view's live row, or null when the
 * row is not visible: never emitted, removed by HAVING, or deleted).
 */
export class Group implements GroupState {
  nums: number[];
  objs: unknown[];
  /** Last emitted output values (internal form, `columns` order); null when not in the view. */
  emitted: Value[] | null = null;
  /**
   * DIRTY | DEAD bits, and above them a checkpoint's mark, in one field: groups are the engine's
   * most numerous objects.
   */
  private flags = 0;

  /**
   * `keyValues` holds the GROUP BY values, or is null when the map key is the single key value
   * itself (the common case: it saves an array per group).
   */
  constructor(
    readonly mapKey: unknown,
    readonly keyValues: readonly Value[] | null,
    public startMs: number,
    public endMs: number,
    nums: number[],
    objs: unknown[],
  ) {
    this.nums = nums;
    this.objs = objs;
  }

  /** Queued for the next emission. */
  get dirty(): boolean {
    return (this.flags & DIRTY) !== 0;
  }

  set dirty(value: boolean) {
    this.flags = value ? this.flags | DIRTY : this.flags & ~DIRTY;
  }

  /** Session groups only: merged into another session and no longer part of the view. */
  get dead(): boolean {
    return (this.flags & DEAD) !== 0;
  }

  set dead(value: boolean) {
    this.flags = value ? this.flags | DEAD : this.flags & ~DEAD;
  }

  /**
   * Set only while a checkpoint numbers the view's groups (GroupTableWriter): the group's index in
   * the checkpoint plus one, or 0 when not numbered yet. At most 2^29 - 1.
   */
  get mark(): number {
    return this.flags >>> MARK_SHIFT;
  }

  set mark(value: number) {
    this.flags = (this.flags & FLAG_BITS) | (value << MARK_SHIFT);
  }

  /** Drops the aggregate state of a closed window; the emitted row stays. */
  release(): void {
    this.nums = RELEASED;
    this.objs = RELEASED;
  }

  get released(): boolean {
    return this.nums === RELEASED;
  }
}
