import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../observability/index.ts';
import { dashboardSource } from './dashboard-assets.ts';

const logger = createLogger({ level: 'silent' });
const text = (body: string | Uint8Array | undefined): string =>
  typeof body === 'string' ? body : new TextDecoder().decode(body);

describe('dashboardSource', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  async function packageDir(): Promise<string> {
    const root = await mkdtemp(join(tmpdir(), 'vane-dashboard-assets-'));
    dirs.push(root);
    await writeFile(join(root, 'package.json'), '{}');
    return root;
  }

  it('serves dist/dashboard when there are no sources to build from (an installed package)', async () => {
    const root = await packageDir();
    await mkdir(join(root, 'dist/dashboard'), { recursive: true });
    await writeFile(join(root, 'dist/dashboard/index.html'), '<p>built</p>');
    await writeFile(join(root, 'dist/dashboard/app-ABC.js'), 'go()');
    const source = dashboardSource(logger, root);
    const page = await source('index.html');
    expect(page).toMatchObject({ contentType: 'text/html; charset=utf-8', immutable: false });
    expect(text(page?.body)).toBe('<p>built</p>');
    expect(await source('app-ABC.js')).toMatchObject({
      contentType: 'text/javascript; charset=utf-8',
      immutable: true,
    });
    expect(await source('missing.js')).toBeUndefined();
  });

  it('serves a page that says to run npm run build when nothing is built or buildable', async () => {
    const source = dashboardSource(logger, await packageDir());
    expect(text((await source('index.html'))?.body)).toContain('npm run build');
  });

  it('builds from the sources in memory when dist/ is older than them (a source checkout)', async () => {
    const root = await packageDir();
    for (const dir of ['dashboard', 'src', 'node_modules']) {
      await symlink(join(process.cwd(), dir), join(root, dir));
    }
    await mkdir(join(root, 'dist/dashboard'), { recursive: true });
    await writeFile(join(root, 'dist/dashboard/index.html'), '<p>stale</p>');
    await utimes(join(root, 'dist/dashboard/index.html'), 0, 0);
    const source = dashboardSource(logger, root);
    const page = text((await source('index.html'))?.body);
    const script = /src="assets\/(app-[A-Z0-9]+\.js)"/.exec(page)?.[1];
    expect(script).toBeDefined();
    const asset = await source(script!);
    expect(asset).toMatchObject({ contentType: 'text/javascript; charset=utf-8', immutable: true });
    expect(text(asset?.body).length).toBeGreaterThan(10_000);
  });
});
