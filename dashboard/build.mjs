// Builds the dashboard (dashboard/src/main.ts and its CSS, with uPlot and the SDK bundled in) and
// its page. Used by scripts/build.mjs (writes dist/dashboard/) and by the server when that is
// missing or older than the sources (in memory, see src/node/dashboard-assets.ts).
//
// Script and styles get content-hashed names (app-XXXXXXXX.js), which index.html links, so the
// server can let browsers cache them forever and revalidate only the page.
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** Directories whose files go into the bundle: a change in any of them makes dist/ stale. */
export const DASHBOARD_INPUTS = ['dashboard', 'src/client', 'src/protocol'];

/**
 * @param {{ root: string, outdir?: string, write?: boolean }} options
 * @returns {Promise<Map<string, Uint8Array>>} file name → contents (index.html, app-*.js, …)
 */
export async function buildDashboard({
  root,
  outdir = join(root, 'dist/dashboard'),
  write = false,
}) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: { app: join(root, 'dashboard/src/main.ts') },
    outdir,
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  const files = new Map();
  let script = '';
  let styles = '';
  for (const file of result.outputFiles) {
    const name = basename(file.path);
    files.set(name, file.contents);
    if (name.endsWith('.js')) script = name;
    if (name.endsWith('.css')) styles = name;
  }
  const page = await readFile(join(root, 'dashboard/index.html'), 'utf8');
  files.set(
    'index.html',
    new TextEncoder().encode(
      page
        .replaceAll('{{app.js}}', `assets/${script}`)
        .replaceAll('{{app.css}}', `assets/${styles}`),
    ),
  );
  if (write) {
    await rm(outdir, { recursive: true, force: true });
    await mkdir(outdir, { recursive: true });
    await Promise.all(
      [...files].map(([name, contents]) => writeFile(join(outdir, name), contents)),
    );
  }
  return files;
}
