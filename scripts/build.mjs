// Bundles the server and CLI into dist/vane.mjs (npm dependencies stay external), so `vane` starts
// in a fraction of the time compiling the TypeScript on every start takes (BENCHMARKS.md,
// restart), and the dashboard into dist/dashboard/ (dashboard/build.mjs). Runs on `npm install` /
// `npm ci` (the `prepare` script) and with `npm run build`.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { buildDashboard } from '../dashboard/build.mjs';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/vane.mjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

await buildDashboard({ root: fileURLToPath(new URL('../', import.meta.url)), write: true });
