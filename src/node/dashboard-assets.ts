import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from '../observability/index.ts';
import type { DashboardAsset, DashboardSource } from '../transport/index.ts';
import type { buildDashboard } from '../../dashboard/build.mjs';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * The dashboard's files for the transport, loaded on the first request (a server nobody opens in
 * a browser never pays for them):
 *
 * - `dist/dashboard/` (built by `npm run build`, which `npm install` runs) when it is at least as
 *   new as every dashboard input; the usual case for an installed package;
 * - otherwise, in a source checkout, a build in memory with esbuild (`dashboard/build.mjs`), so
 *   `node bin/vane.js` from edited sources, and the tests, never serve a stale or missing build.
 *   Nothing is written: concurrent servers cannot race on dist/;
 * - when neither works, a page that says to run `npm run build` (and the error in the log).
 */
export function dashboardSource(logger: Logger, root = packageRoot()): DashboardSource {
  let files: Promise<Map<string, Uint8Array>> | undefined;
  return async (name) => {
    files ??= loadFiles(root, logger);
    const contents = (await files).get(name);
    if (contents === undefined) return undefined;
    return asset(name, contents);
  };
}

function asset(name: string, contents: Uint8Array): DashboardAsset {
  return {
    body: contents,
    contentType: CONTENT_TYPES[extname(name)] ?? 'application/octet-stream',
    immutable: name !== 'index.html',
  };
}

async function loadFiles(root: string, logger: Logger): Promise<Map<string, Uint8Array>> {
  const dist = join(root, 'dist/dashboard');
  const builder = join(root, 'dashboard/build.mjs');
  try {
    if (!existsSync(builder) || distIsCurrent(root, dist)) return readDist(dist);
    const started = performance.now();
    // Imported by path, at run time: the build (and esbuild) loads only when it is needed.
    const builderModule = (await import(pathToFileURL(builder).href)) as {
      buildDashboard: typeof buildDashboard;
    };
    const built = await builderModule.buildDashboard({ root });
    logger.info(
      { ms: Math.round(performance.now() - started) },
      'dashboard built in memory (dist/dashboard is missing or older than its sources)',
    );
    return built;
  } catch (error) {
    logger.error({ err: error }, 'the dashboard could not be built or read');
    return new Map([['index.html', new TextEncoder().encode(NOT_BUILT_PAGE)]]);
  }
}

function readDist(dist: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const name of readdirSync(dist)) files.set(name, readFileSync(join(dist, name)));
  if (!files.has('index.html')) throw new Error(`${dist} has no index.html`);
  return files;
}

/** dist/dashboard/index.html is newer than every file the dashboard is built from. */
function distIsCurrent(root: string, dist: string): boolean {
  let builtMs: number;
  try {
    builtMs = statSync(join(dist, 'index.html')).mtimeMs;
  } catch {
    return false;
  }
  const inputs = ['dashboard', 'src/client', 'src/protocol']; // DASHBOARD_INPUTS of build.mjs
  return inputs.every((input) => newestMs(join(root, input)) <= builtMs);
}

function newestMs(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMs(join(path, entry)));
  return newest;
}

/** The directory of Vane's package.json: two up from src/node/, one up from dist/vane.mjs. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Vane</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>Vane</h1>
<p>The server is running, but the dashboard is not built and could not be built here.
Run <code>npm run build</code> in the Vane package and reload (the server log says what failed).</p>
<p>The API works meanwhile: <a href="/v1/streams">/v1/streams</a>, <a href="/v1/views">/v1/views</a>,
<a href="/v1/stats">/v1/stats</a>, <a href="/metrics">/metrics</a>.</p>
</body></html>
`;
