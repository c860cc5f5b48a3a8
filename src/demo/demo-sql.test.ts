import { build } from 'esbuild';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../catalog/index.ts';
import { parse } from '../sql/index.ts';
import { loadDemoSql } from './demo-sql.ts';
import { USE_CASE_INFO, USE_CASES } from './use-cases.ts';

describe('the demo SQL', () => {
  it.each(USE_CASES)('%s.sql parses and plans, creating its stream', (useCase) => {
    const engine = createEngine();
    engine.execute(loadDemoSql(useCase));
    expect(engine.streams().map((stream) => stream.name)).toEqual([USE_CASE_INFO[useCase].stream]);
    expect(engine.views().length).toBeGreaterThanOrEqual(4);
  });

  it('loads all four into one server (no clashing names)', () => {
    const engine = createEngine();
    engine.execute(USE_CASES.map((useCase) => loadDemoSql(useCase)).join('\n'));
    expect(engine.streams()).toHaveLength(4);
  });

  it('names alert views alert_*, and a view has HAVING exactly when it is one', () => {
    for (const useCase of USE_CASES) {
      for (const statement of parse(loadDemoSql(useCase))) {
        if (statement.kind !== 'create_view') continue;
        const alert = statement.name.startsWith('alert_');
        expect(/\bHAVING\b/i.test(statement.text), statement.name).toBe(alert);
      }
    }
    const engine = createEngine();
    engine.execute(USE_CASES.map((useCase) => loadDemoSql(useCase)).join('\n'));
    const alerts = engine.views().filter((view) => view.name.startsWith('alert_'));
    expect(alerts.map((view) => view.name).sort()).toEqual([
      'alert_device_silent',
      'alert_negative_storm',
      'alert_overheating',
      'alert_volume_spike',
    ]);
  });

  it('is found from an esbuild bundle as well as from the sources', async () => {
    // The same layout as dist/vane.mjs: a bundle in a directory below the package root.
    const root = fileURLToPath(new URL('../../', import.meta.url));
    await mkdir(join(root, 'dist'), { recursive: true });
    const dir = await mkdtemp(join(root, 'dist', 'demo-sql-test-'));
    try {
      const outfile = join(dir, 'bundle.mjs');
      await build({
        stdin: {
          contents: "export { loadDemoSql } from './demo-sql.ts';",
          resolveDir: fileURLToPath(new URL('.', import.meta.url)),
          loader: 'ts',
        },
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        packages: 'external',
        logLevel: 'silent',
      });
      const bundled = (await import(pathToFileURL(outfile).href)) as {
        loadDemoSql: (useCase: string) => string;
      };
      expect(bundled.loadDemoSql('stocks')).toBe(loadDemoSql('stocks'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
