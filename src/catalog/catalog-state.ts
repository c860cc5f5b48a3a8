import type { StreamSpec, ViewPlan } from '../engine/index.ts';
import type { PlannerCatalog } from '../sql/index.ts';

export interface StreamEntry {
  spec: StreamSpec;
  sql: string;
}

export interface ViewEntry {
  plan: ViewPlan;
  sql: string;
}

/**
 * The definitions of streams and views (one namespace for both). Statements are planned against
 * a draft copy and the draft replaces the live state only when every statement planned.
 */
export class CatalogState implements PlannerCatalog {
  constructor(
    readonly streamEntries = new Map<string, StreamEntry>(),
    readonly viewEntries = new Map<string, ViewEntry>(),
    /** See PlannerCatalog.backfill. */
    readonly backfill = false,
  ) {}

  draft(): CatalogState {
    return new CatalogState(new Map(this.streamEntries), new Map(this.viewEntries), this.backfill);
  }

  stream(name: string): StreamSpec | undefined {
    return this.streamEntries.get(name)?.spec;
  }

  view(name: string): ViewPlan | undefined {
    return this.viewEntries.get(name)?.plan;
  }

  has(name: string): boolean {
    return this.streamEntries.has(name) || this.viewEntries.has(name);
  }

  names(): string[] {
    return [...this.streamEntries.keys(), ...this.viewEntries.keys()];
  }

  viewsOf(stream: string): string[] {
    return [...this.viewEntries.values()]
      .filter((entry) => entry.plan.stream === stream)
      .map((entry) => entry.plan.name);
  }
}
