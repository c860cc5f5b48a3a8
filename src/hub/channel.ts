interface Member {
  detach: () => void;
}

interface Group<S> {
  readonly key: string;
  readonly subscribers: Set<S>;
}

/**
 * The fan-out groups of one view or stream, by group key. A group lives while it has
 * subscribers; when the last group goes, `onEmpty` tells the owner to forget the channel.
 */
export class Channel<S extends Member, G extends Group<S>> {
  /** The changelog epoch the channel's view subscriptions follow; null for streams. */
  epoch: string | null = null;
  readonly groups = new Map<string, G>();

  constructor(private readonly onEmpty: () => void) {}

  /** Adds `subscriber` to the group `key`, made by `create` if missing, and sets its `detach`. */
  join(subscriber: S, key: string, create: () => G): G {
    let group = this.groups.get(key);
    if (group === undefined) {
      group = create();
      this.groups.set(key, group);
    }
    const joined = group;
    joined.subscribers.add(subscriber);
    subscriber.detach = () => {
      joined.subscribers.delete(subscriber);
      if (joined.subscribers.size > 0 || this.groups.get(key) !== joined) return;
      this.groups.delete(key);
      if (this.groups.size === 0) this.onEmpty();
    };
    return joined;
  }

  subscribers(): S[] {
    const all: S[] = [];
    for (const group of this.groups.values()) all.push(...group.subscribers);
    return all;
  }
}
