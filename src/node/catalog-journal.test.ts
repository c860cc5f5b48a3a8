import { describe, expect, it } from 'vitest';
import { createEngine } from '../catalog/index.ts';
import { MemoryMetadataStore } from '../log/index.ts';
import { CatalogJournal } from './catalog-journal.ts';

const DDL = `
  CREATE STREAM trades (symbol TEXT, price DOUBLE, ts TIMESTAMP);
  CREATE VIEW per_minute AS
    SELECT symbol, count(*) AS n FROM TUMBLE(trades, INTERVAL '1' MINUTE) GROUP BY symbol;
`;

async function savedCatalog(): Promise<MemoryMetadataStore> {
  const metadata = new MemoryMetadataStore();
  const engine = createEngine();
  engine.execute(DDL);
  await new CatalogJournal(metadata).save(engine);
  return metadata;
}

describe('CatalogJournal', () => {
  it('re-creates the saved streams and views', async () => {
    const metadata = await savedCatalog();
    const engine = createEngine();
    expect(new CatalogJournal(metadata).restore(engine)).toBe(2);
    expect(engine.streams().map((stream) => stream.name)).toEqual(['trades']);
    expect(engine.views().map((view) => view.name)).toEqual(['per_minute']);
  });

  it('refuses a catalog whose text was changed to another valid one (checksum)', async () => {
    const metadata = await savedCatalog();
    const stored = metadata.get('catalog') as { json: string; crc: number };
    expect(stored.json).toContain("INTERVAL '1' MINUTE");
    await metadata.put('catalog', {
      ...stored,
      json: stored.json.replace("INTERVAL '1' MINUTE", "INTERVAL '7' MINUTE"),
    });
    expect(() => new CatalogJournal(metadata).restore(createEngine())).toThrow(
      expect.objectContaining({
        code: 'CORRUPT_STATE',
        message: 'the stored catalog fails its checksum: it is damaged',
      }),
    );
  });

  it('refuses a stored catalog of another shape', async () => {
    const metadata = new MemoryMetadataStore();
    await metadata.put('catalog', { json: 42 });
    expect(() => new CatalogJournal(metadata).restore(createEngine())).toThrow(
      /the stored catalog is not a list of statements/,
    );
  });

  it('reads a catalog saved before checksums were added (a bare list)', async () => {
    const metadata = new MemoryMetadataStore();
    await metadata.put('catalog', [
      { kind: 'stream', name: 'readings', sql: 'CREATE STREAM readings (v DOUBLE)', createdAt: 0 },
    ]);
    const engine = createEngine();
    expect(new CatalogJournal(metadata).restore(engine)).toBe(1);
    expect(engine.streams().map((stream) => stream.name)).toEqual(['readings']);
  });
});
