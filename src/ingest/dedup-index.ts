/**
 * Remembers event ids accepted within a horizon of processing time, per stream, so that a
 * producer resending after a dropped connection is not counted twice (SPEC §3).
 *
 * An id is claimed before its batch is durable; a resend that arrives meanwhile must not be
 * acknowledged as a duplicate until the original is durable, so each claim carries the promise of
 * its batch's durability. One claim object and one expiry entry serve a whole batch, and ids are
 * Map keys as they are (a stream's id column has one type), so an id costs about one Map entry.
 *
 * Memory is bounded: past `maxIds` the oldest batches are forgotten early (counted in
 * `evictedEarly`), which shortens the horizon under extreme load rather than exhausting memory.
 */
export class DedupIndex {
  private readonly byStream = new Map<string, Map<unknown, Claim>>();
  /**
   * Claimed batches in claiming order, for expiry; `head` is the oldest still held. Slots before
   * `head` are emptied as their batch is forgotten: the array is compacted only once they are the
   * larger half, and until then a forgotten batch must not keep its ids alive (that held up to
   * twice the horizon's ids in memory).
   */
  private readonly order: (OrderEntry | undefined)[] = [];
  private head = 0;
  private ids = 0;
  /** Batches forgotten before their horizon because the index was full. */
  evictedEarly = 0;

  constructor(
    private readonly horizonMs: (stream: string) => number,
    private readonly maxIds = 10_000_000,
  ) {}

  get size(): number {
    return this.ids;
  }

  /** Starts claiming the ids of one batch, durable when `durable` resolves true. */
  begin(stream: string, nowMs: number, durable: Promise<boolean>): Claim {
    this.expire(nowMs);
    return { stream, expiresAtMs: nowMs + this.horizonMs(stream), durable };
  }

  /** The claim already holding this id, or null after claiming it for `claim`'s batch. */
  claim(claim: Claim, id: unknown): Claim | null {
    let ids = this.byStream.get(claim.stream);
    if (ids === undefined) {
      ids = new Map();
      this.byStream.set(claim.stream, ids);
    }
    const existing = ids.get(id);
    if (existing !== undefined) return existing;
    ids.set(id, claim);
    this.ids++;
    return null;
  }

  /** Files the ids `claim` took for expiry; call once per batch, after its claims. */
  commit(claim: Claim, claimedIds: unknown[]): void {
    if (claimedIds.length === 0) return;
    this.order.push({ stream: claim.stream, ids: claimedIds, claim });
    while (this.ids > this.maxIds && this.head < this.order.length - 1) {
      this.forgetHead();
      this.evictedEarly++;
    }
  }

  /** Forgets the ids of a batch that failed to become durable, so a resend can try again. */
  release(claim: Claim, claimedIds: readonly unknown[]): void {
    const ids = this.byStream.get(claim.stream);
    if (ids === undefined) return;
    for (const id of claimedIds) {
      if (ids.get(id) === claim) {
        ids.delete(id);
        this.ids--;
      }
    }
  }

  private expire(nowMs: number): void {
    const order = this.order;
    while (this.head < order.length && order[this.head]!.claim.expiresAtMs <= nowMs) {
      this.forgetHead();
    }
    if (this.head > 4096 && this.head * 2 > order.length) {
      order.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Forgets the oldest batch held and empties its slot. */
  private forgetHead(): void {
    const entry = this.order[this.head]!;
    this.order[this.head++] = undefined;
    const ids = this.byStream.get(entry.stream);
    if (ids === undefined) return;
    for (const id of entry.ids) {
      if (ids.get(id) === entry.claim) {
        ids.delete(id);
        this.ids--;
      }
    }
  }
}

interface OrderEntry {
  stream: string;
  ids: unknown[];
  claim: Claim;
}

export interface Claim {
  readonly stream: string;
  readonly expiresAtMs: number;
  readonly durable: Promise<boolean>;
}
