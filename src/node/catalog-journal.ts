import { crc32 } from 'node:zlib';
import type { Engine } from '../catalog/index.ts';
import type { MetadataStore } from '../log/index.ts';
import { VaneError } from '../util/index.ts';

const KEY = 'catalog';

/** Views made for ad-hoc SQL subscriptions: shared while subscribed, never persisted. */
export const QUERY_VIEW_PREFIX = '__query_';

export interface JournalEntry {
  kind: 'stream' | 'view';
  name: string;
  sql: string;
  /**
   * The applied log offset when it was created: a stream's batches after it are its own (a
   * batch at or below it belongs to an earlier stream of the same name). Absent in catalogs saved
   * before it was recorded: 0.
   */
  createdAt?: number;
}

/**
 * How the catalog is stored: the entries as JSON text with its CRC-32, since the store checks
 * its pages' structure but not the bytes of values (a changed digit in `1 minute` would re-create
 * a different, valid view). Catalogs saved before the checksum was added are a bare entry list,
 * read unchecked.
 */
interface StoredCatalog {
  json: string;
  crc: number;
}

/**
 * Keeps the catalog durable: after every successful DDL script the CREATE statements of all
 * streams and views are written as one value (streams first, since views read them), and at start
 * they are run again. One put per change keeps the stored catalog always whole.
 */
export class CatalogJournal {
  /** Creation offsets by name, as restored and as noted since (`created`). */
  private readonly createdAt = new Map<string, number>();

  constructor(private readonly store: MetadataStore) {}

  /** Notes that `name` was created at applied offset `offset`; saved with the next `save`. */
  created(name: string, offset: number): void {
    this.createdAt.set(name, offset);
  }

  /** The applied log offset when `name` was created (0 if unknown). */
  createdAtOffset(name: string): number {
    return this.createdAt.get(name) ?? 0;
  }

  /** Re-creates the stored streams and views; a statement that no longer plans is reported, not skipped silently. */
  restore(engine: Engine): number {
    const entries = readStoredCatalog(this.store);
    for (const entry of entries) {
      this.createdAt.set(entry.name, Number.isSafeInteger(entry.createdAt) ? entry.createdAt! : 0);
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
      ...engine.streams().map((stream) => ({
        kind: 'stream' as const,
        name: stream.name,
        sql: stream.sql,
        createdAt: this.createdAtOffset(stream.name),
      })),
      ...engine
        .views()
        .filter((view) => !view.name.startsWith(QUERY_VIEW_PREFIX))
        .map((view) => ({
          kind: 'view' as const,
          name: view.name,
          sql: view.sql,
          createdAt: this.createdAtOffset(view.name),
        })),
    ];
    const json = JSON.stringify(entries);
    await this.store.put(KEY, { json, crc: crc32(json) } satisfies StoredCatalog);
  }
}

/** The stored catalog's entries (none if nothing is stored); CORRUPT_STATE if it is damaged. */
export function readStoredCatalog(store: MetadataStore): readonly JournalEntry[] {
  const stored = store.get(KEY);
  if (stored === undefined) return [];
  let entries: unknown = stored;
  if (!Array.isArray(stored)) {
    const { json, crc } = (stored ?? {}) as Partial<StoredCatalog>;
    if (typeof json !== 'string' || typeof crc !== 'number') {
      throw new VaneError('CORRUPT_STATE', 'the stored catalog is not a list of statements');
    }
    if (crc32(json) !== crc) {
      throw new VaneError('CORRUPT_STATE', 'the stored catalog fails its checksum: it is damaged');
    }
    try {
      entries = JSON.parse(json);
    } catch {
      entries = undefined;
    }
  }
  if (!Array.isArray(entries)) {
    throw new VaneError('CORRUPT_STATE', 'the stored catalog is not a list of statements');
  }
  return entries as JournalEntry[];
}
