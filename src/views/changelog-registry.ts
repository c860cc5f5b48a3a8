import { randomId } from '../util/index.ts';
import { ViewChangelog } from './view-changelog.ts';

export interface ChangelogRegistryOptions {
  /** Per view; see ViewChangelogOptions. */
  maxBatches?: number;
  maxAgeMs?: number;
  now: () => number;
  /** Epoch of each new changelog. @default a random 8-byte hex id */
  newEpoch?: () => string;
}

/**
 * The changelogs of all views, by view name. A view's changelog is created with a fresh epoch on
 * first use; dropping it (view dropped, history lost) means the next one gets a new epoch, so no
 * client can resume across the loss.
 */
export class ChangelogRegistry {
  private readonly changelogs = new Map<string, ViewChangelog>();
  private readonly newEpoch: () => string;

  constructor(private readonly options: ChangelogRegistryOptions) {
    this.newEpoch = options.newEpoch ?? (() => randomId());
  }

  /** The view's changelog, created on first use. */
  get(view: string): ViewChangelog {
    let changelog = this.changelogs.get(view);
    if (changelog === undefined) {
      changelog = new ViewChangelog({
        epoch: this.newEpoch(),
        maxBatches: this.options.maxBatches,
        maxAgeMs: this.options.maxAgeMs,
        now: this.options.now,
      });
      this.changelogs.set(view, changelog);
    }
    return changelog;
  }

  /** The view's changelog if it exists; never creates one. */
  find(view: string): ViewChangelog | undefined {
    return this.changelogs.get(view);
  }

  /** Forgets the view's history; returns whether there was one. */
  drop(view: string): boolean {
    return this.changelogs.delete(view);
  }

  get size(): number {
    return this.changelogs.size;
  }
}
