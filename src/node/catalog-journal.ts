import type { Engine } from '../catalog/index.ts';
import type { MetadataStore } from '../log/index.ts';
import { VaneError } from '../util/index.ts';

const KEY = 'catalog';

/** Views made for ad-hoc SQL subscriptions: shared while subscribed, never persisted. */
export const QUERY_VIEW_PREFIX = '__query_';

interface JournalEntry {
  kind: 'stream' | 'view';
  name: string;
  sql: string;
}

/**
 * Keeps the catalog durable: after every successful DDL script the CREATE statements of all
 * streams and views are written as one value (streams first, since views read them), and at start
 * they are run again. One put per change keeps the stored catalog always whole.
 */
export class CatalogJournal {
  constructor(private readonly store: MetadataStore) {}

  /** Re-creates the stored streams and views; a statement that no longer plans is reported, not skipped silently. */
  restore(engine: Engine): number {
    const entries = this.store.get(KEY);
    if (entries === undefined) return 0;
    if (!Array.isArray(entries)) {
      throw new VaneError('CORRUPT_STATE', 'the stored catalog is not a list of statements');
    }
    for (const entry of entries as JournalEntry[]) {
      try {
        engine.execute(entry.sql);
      } catch (error) {
        throw new VaneError(
          'CORRUPT_STATE',
          `the stored ${entry.kind} ${entry.name} cannot be re-created: ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
    return entries.length;
  }

  async save(engine: Engine): Promise<void> {
    const entries: JournalEntry[] = [
      ...engine
        .streams()
        .map((stream) => ({ kind: 'stream' as const, name: stream.name, sql: stream.sql })),
      ...engine
        .views()
        .filter((view) => !view.name.startsWith(QUERY_VIEW_PREFIX))
        .map((view) => ({ kind: 'view' as const, name: view.name, sql: view.sql })),
    ];
    await this.store.put(KEY, entries);
  }
}
