/**
 * A set of unsigned 32-bit hashes: open addressing with linear probing in a Uint32Array (4 bytes a
 * slot, load at most 3/4). Slot 0 means empty, so the hash 0 is kept in a flag. Hashes are already
 * uniform, so their low bits pick the slot directly.
 */
export class HashSet {
  private slots: Uint32Array;
  private hasZero = false;
  size = 0;

  constructor(initialSlots = 16) {
    this.slots = new Uint32Array(initialSlots);
  }

  /** Bytes of the slot array: what the set costs as it grows. */
  get byteLength(): number {
    return this.slots.byteLength;
  }

  /** Whether one more hash would exceed the load limit and double the slots. */
  get full(): boolean {
    return (this.size + 1) * 4 > this.slots.length * 3;
  }

  /** Adds `hash` (an unsigned 32-bit integer); returns whether it was new. */
  add(hash: number): boolean {
    if (hash === 0) {
      if (this.hasZero) return false;
      this.hasZero = true;
      this.size++;
      return true;
    }
    const mask = this.slots.length - 1;
    let i = hash & mask;
    for (let slot = this.slots[i]!; slot !== 0; slot = this.slots[i]!) {
      if (slot === hash) return false;
      i = (i + 1) & mask;
    }
    if (this.full) {
      this.grow();
      return this.add(hash);
    }
    this.slots[i] = hash;
    this.size++;
    return true;
  }

  has(hash: number): boolean {
    if (hash === 0) return this.hasZero;
    const mask = this.slots.length - 1;
    for (let i = hash & mask, slot = this.slots[i]!; slot !== 0; slot = this.slots[i]!) {
      if (slot === hash) return true;
      i = (i + 1) & mask;
    }
    return false;
  }

  /** The hashes in ascending order. */
  sorted(): Uint32Array {
    const out = new Uint32Array(this.size);
    let at = 0;
    if (this.hasZero) out[at++] = 0;
    for (const slot of this.slots) if (slot !== 0) out[at++] = slot;
    return out.sort();
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    const mask = this.slots.length - 1;
    for (const hash of old) {
      if (hash === 0) continue;
      let i = hash & mask;
      while (this.slots[i] !== 0) i = (i + 1) & mask;
      this.slots[i] = hash;
    }
  }
}
