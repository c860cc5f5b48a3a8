/**
 * Remembers event ids accepted within a horizon of processing time, per stream, so that a
 * producer resending after a dropped connection is not counted twice (SPEC §3).
 *
 * An id is claimed before its batch is durable; a resend that arrives meanwhile must not be
 * acknowledged as a duplicate until the original is durable, so each claim carries the promise of
 * its batch's durability. Memory is bounded by the ids seen within the horizon.
 */
export class DedupIndex {
  private readonly claims = new Map<string, Claim>();
  /** Claims in claiming order, for expiry; `head` is the oldest not yet expired. */
  private readonly order: { key: string; claim: Claim }[] = [];
  private head = 0;

  constructor(private readonly horizonMs: (stream: string) => number) {}

  get size(): number {
    return this.claims.size;
  }

  /**
   * The claim already holding this id, or null after claiming it for `durable` (the promise that
   * resolves true when the claiming batch is durable, false if it failed).
   */
  claim(stream: string, id: unknown, nowMs: number, durable: Promise<boolean>): Claim | null {
    this.expire(nowMs);
    const key = claimKey(stream, id);
    const existing = this.claims.get(key);
    if (existing !== undefined) return existing;
    const claim: Claim = { expiresAtMs: nowMs + this.horizonMs(stream), durable };
    this.claims.set(key, claim);
    this.order.push({ key, claim });
    return null;
  }

  /** Forgets claims of a batch that failed to become durable, so a resend can try again. */
  release(stream: string, ids: readonly unknown[], durable: Promise<boolean>): void {
    for (const id of ids) {
      const key = claimKey(stream, id);
      if (this.claims.get(key)?.durable === durable) this.claims.delete(key);
    }
  }

  private expire(nowMs: number): void {
    const order = this.order;
    while (this.head < order.length && order[this.head]!.claim.expiresAtMs <= nowMs) {
      const { key, claim } = order[this.head]!;
      if (this.claims.get(key) === claim) this.claims.delete(key);
      this.head++;
    }
    if (this.head > 4096 && this.head * 2 > order.length) {
      order.splice(0, this.head);
      this.head = 0;
    }
  }
}

export interface Claim {
  expiresAtMs: number;
  durable: Promise<boolean>;
}

/** Ids of a column have one type, so the type tag only guards against 1 vs '1' across columns. */
function claimKey(stream: string, id: unknown): string {
  return `${stream}\u0000${typeof id === 'number' ? 'n' : 's'}${String(id)}`;
}
